// Checker 'unfence-needs-membership' (always, reference §5.14): a node whose I/O fence is lifted is a
// member of a quorate view that admitted it — in its current incarnation it has installed a view that
// lists it and is quorate by the scenario's raw `cluster` block (parsed by rawCluster.ts, not taken
// from the protocol). No unfencing at boot, before quorum and before joining. An unfence that an
// incarnation requested and that completes after it crashed (in-flight I/O lands) is judged by that
// incarnation: admission is forgotten at the restart, not at the crash.
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import type { QuorumOptions } from '../quorum.ts';
import { computeQuorum, holdsAll } from '../quorum.ts';
import type { RawCluster } from './rawCluster.ts';
import { quorumFromRaw } from './rawCluster.ts';
import { isKind } from '../observations.ts';

export const UNFENCE_CHECKER = 'unfence-needs-membership';

export function unfenceMembershipChecker(raw?: RawCluster): WorldChecker {
  let opts: QuorumOptions | undefined = raw === undefined ? undefined : quorumFromRaw(raw);
  /** Node → the epoch of the quorate view listing it that it installed in this incarnation. */
  const admitted = new Map<NodeId, number>();
  let seenAll = false;
  return {
    name: UNFENCE_CHECKER,
    kind: 'always',
    description: 'A node lifts its I/O fence only once a quorate view that lists it has admitted it.',
    observes: ['view', 'restart', 'unfence'],
    onObservation(obs, w) {
      opts ??= quorumFromRaw({ cluster: undefined, nodes: w.nodes.length });
      if (obs.kind === 'restart') return void admitted.delete(obs.node);
      if (isKind(obs, 'view')) {
        const v = obs.data;
        if (holdsAll(opts, v.members)) seenAll = true;
        const q = computeQuorum(opts, v.members, w.nodes, 0, 0, seenAll);
        const mine = v.members.includes(obs.node) && v.incarnations[obs.node] === w.incarnation(obs.node);
        if (q.quorate && mine && !admitted.has(obs.node)) admitted.set(obs.node, v.epoch);
        return;
      }
      if (!admitted.has(obs.node)) {
        w.violate(`node ${obs.node} (incarnation ${w.incarnation(obs.node)}) lifted its I/O fence before any quorate view admitted it`);
      }
    },
  };
}
