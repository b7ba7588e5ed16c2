// Availability from the client's side (an observer, no verdict): whatever anyone believes, a resource
// is unavailable while a client waits for it and nobody serves it. Counted per resource from the later
// of its last served request and the send time of the oldest request still waiting for it, until the
// next request on it is served (a client-ack, by any owner, or through the lock service for passwd
// under dlm-lvb). A wait no longer than the client's own request timeout is service latency, not an
// outage; a longer one counts whole. An outage still open when the run ends counts up to the end.
// Start-up is not an outage: a resource counts from its first served request on.
// Metrics: unavailableUsMax (longest outage of one resource), unavailableUsTotal (sum over
// resources), outages (how many).
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { Observer } from '../../sim/world.ts';
import { CLIENT_ACK, CLIENT_REQUEST } from '../workloads/options.ts';
import { isKind } from './observations.ts';

interface Waiting {
  resource: string;
  sentUs: number;
}

export interface AvailabilityOptions {
  /** The client's request timeout: shorter waits are latency, not an outage. */
  requestTimeoutUs: number;
}

export function availabilityMetrics(opts: AvailabilityOptions): Observer {
  /** Client node → its one outstanding request. */
  const waiting = new Map<NodeId, Waiting>();
  /** Resource → time of its last served request. */
  const lastServedUs = new Map<string, number>();
  let maxUs = 0;
  let totalUs = 0;
  let outages = 0;
  /** How long `resource` has been unavailable at `nowUs` (0 when nobody waits for it). */
  const outageUs = (resource: string, nowUs: number): number => {
    let oldest = -1;
    for (const w of waiting.values()) {
      if (w.resource === resource && (oldest < 0 || w.sentUs < oldest)) oldest = w.sentUs;
    }
    const last = lastServedUs.get(resource);
    if (oldest < 0 || last === undefined) return 0;
    return nowUs - Math.max(oldest, last);
  };
  const count = (us: number): void => {
    if (us <= opts.requestTimeoutUs) return;
    outages++;
    totalUs += us;
    maxUs = Math.max(maxUs, us);
  };
  return {
    observes: [CLIENT_REQUEST, CLIENT_ACK, 'crash'],
    onObservation(obs: Observation) {
      if (obs.kind === 'crash') return void waiting.delete(obs.node);
      if (isKind(obs, 'client-request')) {
        return void waiting.set(obs.node, { resource: obs.data.resource, sentUs: obs.atUs });
      }
      if (!isKind(obs, 'client-ack')) return;
      const resource = obs.data.resource;
      count(outageUs(resource, obs.atUs));
      waiting.delete(obs.node);
      lastServedUs.set(resource, obs.atUs);
    },
    metrics(w: CheckerWorld) {
      let openMax = 0;
      let openTotal = 0;
      let open = 0;
      const resources = [...new Set([...waiting.values()].map((x) => x.resource))].sort();
      for (const r of resources) {
        const us = outageUs(r, w.nowUs);
        if (us <= opts.requestTimeoutUs) continue;
        open++;
        openTotal += us;
        openMax = Math.max(openMax, us);
      }
      return {
        unavailableUsMax: Math.max(maxUs, openMax),
        unavailableUsTotal: totalUs + openTotal,
        outages: outages + open,
      };
    },
  };
}
