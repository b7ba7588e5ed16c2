// The role targets a fault may name instead of a node id, across the cluster stack. Each layer
// registers a resolver for its roles (ownership: owner; membership: oldest-member, fencer; DLM:
// master, directory); 'any' is the engine's own. The validator checks names against this list.

export interface RoleInfo {
  name: string;
  description: string;
  /** The role is about one resource: a fault must name it (`resource`). */
  resource: boolean;
}

export const ROLES: readonly RoleInfo[] = [
  { name: 'any', description: 'any live node (narrow it with not)', resource: false },
  {
    name: 'owner',
    description:
      'the node that currently believes it owns the resource (ownership protocols)',
    resource: true,
  },
  {
    name: 'master',
    description:
      'the DLM master of the resource (dlm, dlm-lvb; an ownership resource r is lock own:r)',
    resource: true,
  },
  {
    name: 'directory',
    description:
      'the DLM directory node of the resource (dlm, dlm-lvb)',
    resource: true,
  },
  {
    name: 'oldest-member',
    description:
      'the oldest member of the current view (membership-based protocols)',
    resource: false,
  },
  {
    name: 'fencer',
    description:
      'a node running fencing right now: a fence request in flight (membership-based protocols)',
    resource: false,
  },
];

export function roleInfo(name: string): RoleInfo | undefined {
  return ROLES.find((r) => r.name === name);
}
