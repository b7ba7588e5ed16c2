// The contract of a fault kind: one file per kind, each applying itself to the world.
import type { World } from '../world.ts';
import type { FaultSpec, Fired } from './spec.ts';

export interface FaultKind {
  readonly name: string;
  readonly description: string;
  /** Spec fields the kind requires; the scenario validator checks them. */
  readonly requires: readonly (keyof FaultSpec)[];
  /** Apply at f.atUs; schedule its own undo after f.durationUs. Null when it could not fire. */
  apply(w: World, f: FaultSpec): Fired | null;
}

/** Schedule `undo` after the fault's duration, if it has one (the healed phase undoes the rest). */
export function after(w: World, f: FaultSpec, label: string, undo: () => void): void {
  if (f.durationUs !== undefined) w.engineFn(w.nowUs + f.durationUs, undo, label);
}

export function nodeOf(f: FaultSpec): number {
  if (f.node === undefined) throw new Error(`fault ${f.kind} at ${f.atUs} µs needs a node`);
  return f.node;
}
