// The contract of a fault kind: one file per kind, each applying itself to the world, and the
// fields each kind takes (the validator rejects any other field, naming its path).
import type { World } from '../world.ts';
import type { FaultField, FaultSpec, Fired, PartitionShape } from './spec.ts';

/**
 * How a fault names what it acts on. `node`: one node, by `node`, by `role` (resolved when it fires)
 * or by `point` (the node that reaches the fault point); `links`: directed links `from`/`to`;
 * `node-or-links`: either; `none`: the whole network or the fence device.
 */
export type FaultTarget = 'node' | 'links' | 'node-or-links' | 'none';

/** The fields one kind (or one partition shape) takes, besides `kind` and `atUs`. */
export interface KindFields {
  /** Fields the kind requires (the target fields are checked by `target`). */
  readonly requires: readonly FaultField[];
  /** Further fields that apply; any field outside requires, optional and the target is an error. */
  readonly optional: readonly FaultField[];
  readonly target: FaultTarget;
  /** Whether the kind may fire at a fault point (`point`, `hit`). */
  readonly atPoint: boolean;
}

export interface FaultKind extends KindFields {
  readonly name: string;
  readonly description: string;
  /** Partition only: the fields of each shape (they replace the kind's own). */
  readonly shapes?: Readonly<Record<PartitionShape, KindFields & { description: string }>>;
  /** Apply at f.atUs; schedule its own undo after f.durationUs. Null when it could not fire. */
  apply(w: World, f: FaultSpec): Fired | null;
}

/** The fields that name the target, per target kind. */
export const TARGET_FIELDS: Readonly<Record<FaultTarget, readonly FaultField[]>> = {
  node: ['node', 'role'],
  links: ['from', 'to', 'direction'],
  'node-or-links': ['node', 'role', 'from', 'to', 'direction'],
  none: [],
};

/** The fields a fault-point fault adds. */
export const POINT_FIELDS: readonly FaultField[] = ['point', 'hit'];

/** Schedule `undo` after the fault's duration, if it has one (the healed phase undoes the rest). */
export function after(w: World, f: FaultSpec, label: string, undo: () => void): void {
  if (f.durationUs !== undefined) w.engineFn(w.nowUs + f.durationUs, undo, label);
}

export function nodeOf(f: FaultSpec): number {
  if (f.node === undefined) throw new Error(`fault ${f.kind} at ${f.atUs} µs needs a node`);
  return f.node;
}
