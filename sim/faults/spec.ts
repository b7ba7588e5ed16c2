// A fault as the engine takes it: one entry of a fault script, with times in true microseconds.
// Its target is a node id, a role resolved when it fires (the owner of a resource, the oldest
// member …) or the node that reaches a named fault point in protocol code.
import type { NodeId } from '../types.ts';

export type PartitionShape = 'isolate' | 'halves' | 'bridge' | 'one-way' | 'groups' | 'links';

/** Links from a set of nodes to a set of nodes: one way (from → to only) or both ways. */
export type LinkDirection = 'one-way' | 'both';

/**
 * A node named by what it does rather than by id, resolved when the fault fires from the
 * observations the stack has emitted so far. `not` excludes nodes ("any node that is not 2").
 */
export interface RoleTarget {
  role: string;
  /** The resource the role is about (owner, master and directory of a resource). */
  resource?: string;
  not?: NodeId[];
}

export interface FaultSpec {
  kind: string;
  /** When the fault fires; for a fault at a fault point, when it is armed (hits before are not counted). */
  atUs: number;
  /** How long until the fault is undone (resume, heal, release …); absent = until the healed phase. */
  durationUs?: number;
  node?: NodeId;
  nodes?: NodeId[];
  /** Target by role instead of by id (node-targeted kinds only). */
  role?: RoleTarget;
  /** Fire at the `hit`-th time a node reaches this fault point (on `node` only, when given). */
  point?: string;
  /** Which hit of `point` fires the fault (default 1). */
  hit?: number;
  /** Partition: explicit groups (shape 'groups'), or derived from shape + node. */
  shape?: PartitionShape;
  groups?: NodeId[][];
  /** Directed links (partition shape 'links', clog, slow-link, drop-messages): senders … */
  from?: NodeId[];
  /** … and receivers. */
  to?: NodeId[];
  /** Default 'both': the reverse links are affected too. */
  direction?: LinkDirection;
  /** Clock jump size (may be negative). */
  deltaUs?: number;
  /** Clock drift in parts per million. */
  ppm?: number;
  /** Message-type filter. */
  messageType?: string;
  /** Loss probability for a flaky-network burst. */
  loss?: number;
  /** Extra latency for a slow fence device or a slow link. */
  extraUs?: number;
}

/** The fields of a fault spec, for per-kind applicability tables. */
export type FaultField = keyof FaultSpec;

/** What a fault actually did when it fired (null from apply = it did not fire, e.g. crash of a down node). */
export interface Fired {
  nodes: NodeId[];
  detail?: string;
}
