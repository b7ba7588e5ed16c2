// Roles of the membership layer: 'oldest-member' (first in the longevity order of the latest view a
// live node installed) and 'fencer' (a node with a fence request in flight), from the observations
// cman and fenced emit.
import type { NodeId } from '../../sim/types.ts';
import type { RoleResolver } from '../../sim/faults/roles.ts';
import { isKind } from './observations.ts';

export function oldestMemberRole(): RoleResolver {
  /** node → the oldest member of the latest view it installed. */
  const oldest = new Map<NodeId, NodeId>();
  return {
    role: 'oldest-member',
    observes: ['view', 'crash'],
    onObservation(obs) {
      if (obs.kind === 'crash') oldest.delete(obs.node);
      else if (isKind(obs, 'view')) {
        const byAge = obs.data.byAge;
        if (byAge.length > 0) oldest.set(obs.node, byAge[0]!);
      }
    },
    resolve: () => [...oldest.values()],
  };
}

export function fencerRole(): RoleResolver {
  /** fencer → victims with a request in flight. */
  const inFlight = new Map<NodeId, Set<NodeId>>();
  return {
    role: 'fencer',
    observes: ['fence-request', 'fence-result', 'crash'],
    onObservation(obs) {
      if (obs.kind === 'crash') inFlight.delete(obs.node);
      else if (isKind(obs, 'fence-request')) {
        let s = inFlight.get(obs.node);
        if (s === undefined) inFlight.set(obs.node, (s = new Set()));
        s.add(obs.data.victim);
      } else if (isKind(obs, 'fence-result')) inFlight.get(obs.node)?.delete(obs.data.victim);
    },
    resolve: () => [...inFlight.entries()].filter(([, s]) => s.size > 0).map(([n]) => n),
  };
}

/** The membership layer's role resolvers, fresh for one run. */
export function membershipRoles(): RoleResolver[] {
  return [oldestMemberRole(), fencerRole()];
}
