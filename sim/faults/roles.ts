// Role targets: a fault aimed at "the owner of snap0" or "the oldest member" instead of a node id.
// The engine knows no protocol: a protocol registers role resolvers, observers that follow its own
// observations and answer "who holds this role now". The engine adds 'any' and applies `not`.
import type { CheckerWorld, NodeId, Observation } from '../types.ts';
import type { RoleTarget } from './spec.ts';

/** Answers who holds one role right now, from the observations it has seen. */
export interface RoleResolver {
  readonly role: string;
  /** Observation kinds it follows (all, when omitted). */
  readonly observes?: readonly string[];
  onObservation?(obs: Observation, w: CheckerWorld): void;
  /** The nodes holding the role for `target` (any order; the engine sorts and filters them). */
  resolve(target: RoleTarget, w: CheckerWorld): NodeId[];
}

/** The role every stack has: any live node (narrowed by `not`). */
export const ANY_ROLE = 'any';

/** "owner of snap0", "oldest-member", "any not 2": how a role target reads in reports. */
export function roleText(t: RoleTarget): string {
  const of = t.resource !== undefined ? ` of ${t.resource}` : '';
  const not = t.not !== undefined && t.not.length > 0 ? ` not ${t.not.join(',')}` : '';
  return `${t.role}${of}${not}`;
}

/**
 * The candidates for `target`, ascending: the resolver's answer (every live node for 'any'), live
 * nodes only, minus `not`. Undefined when no resolver knows the role.
 */
export function roleCandidates(
  target: RoleTarget, resolvers: ReadonlyMap<string, RoleResolver>, w: CheckerWorld,
): NodeId[] | undefined {
  let nodes: readonly NodeId[];
  if (target.role === ANY_ROLE) nodes = w.nodes;
  else {
    const r = resolvers.get(target.role);
    if (r === undefined) return undefined;
    nodes = r.resolve(target, w);
  }
  const not = target.not ?? [];
  const out = [...new Set(nodes)].filter((n) => w.isUp(n) && !not.includes(n));
  return out.sort((a, b) => a - b);
}
