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

/** `raw` undefined: one vote per node of the run, expected = all nodes, no special options. */
export function quorumGatingChecker(raw?: RawCluster): WorldChecker {
  let opts: QuorumOptions | undefined = raw === undefined ? undefined : quorumFromRaw(raw);
  const optsFor = (nodes: readonly NodeId[]): QuorumOptions => {
    opts ??= quorumFromRaw({ cluster: undefined, nodes: nodes.length });
    return opts;
  };
  const views = new Map<NodeId, { epoch: number; members: NodeId[] }>();
  let seenAll = false;
  return {
    name: 'quorum-gating',
    kind: 'always',
    description: 'Service recovery and fencing run only in a partition that holds quorum by the configured votes.',
    observes: ['view', 'crash', 'sm-start', 'fence-request', 'owner-begin'],
    onObservation(obs, w) {
      if (obs.kind === 'crash') return void views.delete(obs.node);
      if (obs.kind === 'view') {
        const v = obs.data as { epoch: number; members: NodeId[] };
        views.set(obs.node, v);
        if (holdsAll(optsFor(w.nodes), v.members)) seenAll = true;
        return;
      }
      const v = views.get(obs.node);
      const what = obs.kind === 'fence-request' ? `fenced node ${obs.data.victim as number}`
        : obs.kind === 'owner-begin' ? `became owner of ${String(obs.data.resource)}`
          : `started ${obs.data.group as string} event ${obs.data.eventId as number}`;
      if (v === undefined) return w.violate(`node ${obs.node} ${what} without any view`);
      const q = computeQuorum(optsFor(w.nodes), v.members, w.nodes, 0, 0, seenAll);
      if (!q.quorate) w.violate(`node ${obs.node} ${what} in epoch ${v.epoch} with members ${v.members.join(',')}: ${q.votes} votes, quorum ${q.quorum} of ${q.expectedVotes} expected — not quorate`);
    },
  };
}
