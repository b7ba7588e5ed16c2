// The ownership metrics observer: failover latency (owner loss → a new owner serving), messages per
// failover and in steady state, and requests served. An owner is lost when it crashes, ends its
// belief, or another node begins owning. This is the protocol's hand-over as the owners see it: an
// owner that stops serving but keeps believing (stopped, inquorate, fenced) is no failover here.
// What clients saw, whatever anyone believed, is availability.ts (unavailableUsMax/Total).
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { Observer } from '../../sim/world.ts';
import { OWNER_BEGIN, OWNER_END, OWNER_SERVE } from './api.ts';
import { isKind } from './observations.ts';

interface ResourceState {
  owner: NodeId;
  epoch: number;
  lossAtUs: number;
}

export function ownershipMetrics(resources: readonly string[]): Observer {
  const state = new Map<string, ResourceState>(resources.map((r) => [r, { owner: 0, epoch: -1, lossAtUs: -1 }]));
  const latencies: number[] = [];
  let served = 0;
  let open = 0;
  let windowFromUs = 0;
  let windowMsgs = 0;
  let windowUs = 0;
  let failoverMsgs = 0;
  const sent = (w: CheckerWorld): number => w.messagesSent ?? 0;
  const lose = (s: ResourceState, w: CheckerWorld, atUs: number): void => {
    if (s.lossAtUs >= 0 || s.owner === 0) return;
    s.lossAtUs = atUs;
    if (open++ === 0) {
      windowFromUs = atUs;
      windowMsgs = sent(w);
    }
  };
  const recover = (s: ResourceState, w: CheckerWorld, atUs: number): void => {
    const latency = atUs - s.lossAtUs;
    latencies.push(latency);
    s.lossAtUs = -1;
    if (--open === 0) {
      failoverMsgs += sent(w) - windowMsgs;
      windowUs += atUs - windowFromUs;
    }
  };
  return {
    observes: [OWNER_BEGIN, OWNER_END, OWNER_SERVE, 'crash'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (obs.kind === 'crash') {
        for (const s of state.values()) if (s.owner === obs.node) lose(s, w, obs.atUs);
        return;
      }
      if (!isKind(obs, 'owner-begin') && !isKind(obs, 'owner-end') && !isKind(obs, 'owner-serve')) return;
      const s = state.get(obs.data.resource);
      if (s === undefined) return;
      const epoch = obs.data.epoch;
      if (obs.kind === OWNER_END && s.owner === obs.node && s.epoch === epoch) lose(s, w, obs.atUs);
      else if (obs.kind === OWNER_BEGIN && obs.node !== s.owner) lose(s, w, obs.atUs);
      else if (obs.kind === OWNER_SERVE) {
        served++;
        if (s.lossAtUs >= 0 && (obs.node !== s.owner || epoch !== s.epoch)) recover(s, w, obs.atUs);
        s.owner = obs.node;
        s.epoch = epoch;
      }
    },
    metrics(w: CheckerWorld) {
      const total = sent(w);
      const steadyUs = Math.max(1, w.nowUs - windowUs);
      return {
        requestsServed: served,
        failovers: latencies.length,
        failoversUnfinished: [...state.values()].filter((s) => s.lossAtUs >= 0).length,
        failoverLatencyUsMean: latencies.length ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : 0,
        failoverLatencyUsMax: latencies.length ? Math.max(...latencies) : 0,
        messagesPerFailover: latencies.length ? Math.round(failoverMsgs / latencies.length) : 0,
        messagesPerSecSteady: Math.round(((total - failoverMsgs) * 1e6) / steadyUs),
      };
    },
  };
}
