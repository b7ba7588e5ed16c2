// Roles of the DLM: 'master' (the node that last took mastery of a lock resource and has not crashed
// since) and 'directory' (the resource's directory node among the lockspace members of the latest
// recovery a live node completed), from the DLM's observations. A resource `r` that is not a lock
// name is looked up as `own:r`, the lock of ownership resource r.
import type { NodeId, Observation } from '../../sim/types.ts';
import type { RoleResolver } from '../../sim/faults/roles.ts';
import type { RoleTarget } from '../../sim/faults/spec.ts';
import { dirNode } from './directory.ts';
import { asDlm } from './observations.ts';

/** The lock a target's resource means: as written if such a lock was seen, else the ownership lock. */
function lockName(t: RoleTarget, seen: ReadonlySet<string>): string {
  const r = t.resource ?? '';
  return seen.has(r) || seen.has(`own:${r}`) === false ? r : `own:${r}`;
}

export function masterRole(): RoleResolver {
  /** lock name → master. */
  const masters = new Map<string, NodeId>();
  return {
    role: 'master',
    observes: ['dlm-master', 'crash'],
    onObservation(obs: Observation) {
      const d = asDlm(obs);
      if (d?.kind === 'dlm-master') masters.set(d.data.res, obs.node);
      else for (const [res, n] of [...masters]) if (n === obs.node) masters.delete(res);
    },
    resolve: (t) => {
      const m = masters.get(lockName(t, new Set(masters.keys())));
      return m === undefined ? [] : [m];
    },
  };
}

export function directoryRole(): RoleResolver {
  /** node → lockspace members of its latest completed recovery. */
  const members = new Map<NodeId, readonly NodeId[]>();
  const seen = new Set<string>();
  return {
    role: 'directory',
    observes: ['dlm-recovered', 'dlm-master', 'crash'],
    onObservation(obs) {
      const d = asDlm(obs);
      if (obs.kind === 'crash') members.delete(obs.node);
      else if (d?.kind === 'dlm-master') seen.add(d.data.res);
      else if (d?.kind === 'dlm-recovered') members.set(obs.node, [...d.data.members].sort((a, b) => a - b));
    },
    resolve: (t) => {
      const name = lockName(t, seen);
      return [...members.values()].filter((m) => m.length > 0).map((m) => dirNode(name, m));
    },
  };
}

/** The DLM's role resolvers, fresh for one run. */
export function dlmRoles(): RoleResolver[] {
  return [masterRole(), directoryRole()];
}
