// Checker 'quorum-gating' (always): recovery (any service-group start), fencing and ownership
// changes (the ownership layer's 'owner-begin') happen only in a quorate partition (reference §5.7).
// Quorum is recomputed here from the scenario's raw `cluster` block, parsed by this checker itself
// (rawCluster.ts), and the view the acting node has installed — never taken from the protocol's own
// `quorate` claim nor from its parsed options, so a flaw in that parsing shows (variant misread-votes).
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import type { QuorumOptions } from '../quorum.ts';
import { computeQuorum, holdsAll } from '../quorum.ts';
import type { RawCluster } from './rawCluster.ts';
import { quorumFromRaw } from './rawCluster.ts';
import { isKind } from '../observations.ts';
import { isKind as isOwnershipKind } from '../../ownership/observations.ts';

/** `raw` undefined: one vote per node of the run, expected = all nodes, no special options. */
export function quorumGatingChecker(raw?: RawCluster): WorldChecker {
  let opts: QuorumOptions | undefined = raw === undefined ? undefined : quorumFromRaw(raw);
  const optsFor = (nodes: readonly NodeId[]): QuorumOptions => {
    opts ??= quorumFromRaw({ cluster: undefined, nodes: nodes.length });
    return opts;
  };
  const views = new Map<NodeId, { epoch: number; members: readonly NodeId[] }>();
  let seenAll = false;
  return {
    name: 'quorum-gating',
    kind: 'always',
    description: 'Service recovery and fencing run only in a partition that holds quorum by the configured votes.',
    observes: ['view', 'crash', 'sm-start', 'fence-request', 'owner-begin'],
    onObservation(obs, w) {
      if (obs.kind === 'crash') return void views.delete(obs.node);
      if (isKind(obs, 'view')) {
        const v = obs.data;
        views.set(obs.node, v);
        if (holdsAll(optsFor(w.nodes), v.members)) seenAll = true;
        return;
      }
      const v = views.get(obs.node);
      const what = isKind(obs, 'fence-request') ? `fenced node ${obs.data.victim}`
        : isKind(obs, 'sm-start') ? `started ${obs.data.group} event ${obs.data.eventId}`
          : isOwnershipKind(obs, 'owner-begin') ? `became owner of ${obs.data.resource}` : undefined;
      if (what === undefined) return; // no other kind is observed
      if (v === undefined) return w.violate(`node ${obs.node} ${what} without any view`);
      const q = computeQuorum(optsFor(w.nodes), v.members, w.nodes, 0, 0, seenAll);
      if (!q.quorate) w.violate(`node ${obs.node} ${what} in epoch ${v.epoch} with members ${v.members.join(',')}: ${q.votes} votes, quorum ${q.quorum} of ${q.expectedVotes} expected — not quorate`);
    },
  };
}
