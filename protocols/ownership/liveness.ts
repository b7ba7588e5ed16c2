// The liveness checker (eventually): by the deadline after heal, every resource has exactly one live
// owner that has finished recovery, and no live client has a request outstanding for longer than the
// slack (reference §5 invariant 10).
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { Believers, BELIEF_KINDS } from './believers.ts';
import { isKind } from './observations.ts';
import { CLIENT_ACK, CLIENT_REQUEST } from '../workloads/options.ts';

export const LIVENESS_CHECKER = 'ownership-liveness';

export interface LivenessOptions {
  resources: readonly string[];
  /** A request outstanding longer than this at the deadline is a violation. */
  requestSlackUs: number;
}

export function livenessChecker(opts: LivenessOptions): WorldChecker {
  const believers = new Believers();
  /** node → [request id, first sent at]. */
  const pending = new Map<NodeId, [string, number]>();
  return {
    name: LIVENESS_CHECKER,
    kind: 'eventually',
    description: 'After heal, within the deadline, every resource has exactly one live ready owner and every client request completes.',
    observes: [...BELIEF_KINDS, CLIENT_REQUEST, CLIENT_ACK],
    onObservation(obs: Observation) {
      if (isKind(obs, 'client-request')) pending.set(obs.node, [obs.data.id, obs.atUs]);
      else if (obs.kind === CLIENT_ACK) pending.delete(obs.node);
      else {
        if (obs.kind === 'crash') pending.delete(obs.node);
        believers.apply(obs);
      }
    },
    onDeadline(w: CheckerWorld) {
      const problems: string[] = [];
      for (const r of opts.resources) {
        const owners = [...believers.of(r).values()].filter((b) => b.ready && w.isUp(b.node)).map((b) => `n${b.node}@${b.epoch}`);
        if (owners.length !== 1) problems.push(`${r} has ${owners.length === 0 ? 'no ready owner' : `${owners.length} ready owners (${owners.join(', ')})`}`);
      }
      for (const [n, [id, sentUs]] of pending) {
        if (w.isUp(n) && w.nowUs - sentUs > opts.requestSlackUs) problems.push(`client n${n}'s request ${id} outstanding since ${sentUs} µs`);
      }
      if (problems.length > 0) w.violate(`at the deadline (${w.nowUs} µs, heal at ${w.healAtUs} µs): ${problems.slice(0, 4).join('; ')}${problems.length > 4 ? ` (+${problems.length - 4} more)` : ''}`);
    },
  };
}
