// Role 'owner': the nodes that currently believe they own a resource, from the ownership
// observations every ownership protocol emits (owner-begin / owner-end) and crashes.
import type { NodeId } from '../../sim/types.ts';
import type { RoleResolver } from '../../sim/faults/roles.ts';
import { OWNER_BEGIN, OWNER_END } from './api.ts';
import { isKind } from './observations.ts';

export function ownerRole(): RoleResolver {
  /** resource → node → its latest belief. */
  const believers = new Map<string, Set<NodeId>>();
  const of = (r: string): Set<NodeId> => {
    let s = believers.get(r);
    if (s === undefined) believers.set(r, (s = new Set()));
    return s;
  };
  return {
    role: 'owner',
    observes: [OWNER_BEGIN, OWNER_END, 'crash'],
    onObservation(obs) {
      if (obs.kind === 'crash') for (const s of believers.values()) s.delete(obs.node);
      else if (isKind(obs, OWNER_BEGIN)) of(obs.data.resource).add(obs.node);
      else if (isKind(obs, OWNER_END)) of(obs.data.resource).delete(obs.node);
    },
    resolve: (t) => [...(believers.get(t.resource ?? '') ?? [])],
  };
}
