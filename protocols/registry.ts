// The protocol registry contract: a protocol builds a host stack and its checkers for a scenario.
// Names are `protocol` or `protocol/variant`; variants carry a known flaw and the checkers that catch it.
import type { NodeId, StackFactory } from '../sim/types.ts';
import type { Observer, WorldChecker } from '../sim/world.ts';
import type { RoleResolver } from '../sim/faults/roles.ts';
import type { FaultPointInfo } from './faultPoints.ts';

/** A scenario's `workload` block: its kind and the kind's options, unparsed. */
export interface WorkloadSpec {
  kind: string;
  [option: string]: unknown;
}

export interface ProtocolVariant {
  name: string;
  /** The planted flaw, in one sentence. */
  flaw: string;
  /** Checkers expected to catch it (negative tests assert this). */
  caughtBy: string[];
}

/**
 * What a protocol is built from: the run's shape, never the scenario itself (DESIGN §1: data flows
 * one way). Each protocol parses its own `cluster` and `workload` options.
 */
export interface BuildInput {
  /** Cluster size; node ids are 1..nodes. */
  nodes: number;
  /** The scenario's `cluster` block as written (empty when absent). */
  cluster: Readonly<Record<string, unknown>>;
  /** The scenario's `workload` block as written, if any. */
  workload: WorkloadSpec | undefined;
  /** Nodes that run a workload client (undefined: all). */
  clients: readonly NodeId[] | undefined;
  /** Variant name, or undefined for the correct configuration. */
  variant: string | undefined;
  /** End of the fault phase. */
  healAtUs: number;
  /** The liveness deadline after heal, when the scenario sets one. */
  deadlineUs: number | undefined;
  /** Simulated run length. */
  durationUs: number;
}

export interface Built {
  stack: StackFactory;
  checkers: WorldChecker[];
  observers?: Observer[];
  /** Resolvers for the role targets of faults (owner, master, oldest-member …) this stack has. */
  roles?: RoleResolver[];
}

export interface ProtocolDef {
  name: string;
  description: string;
  variants: ProtocolVariant[];
  build(input: BuildInput): Built;
  /** Every fault point its stack may reach (ctx.faultPoint), declared so `list` needs no run. */
  faultPoints?: readonly FaultPointInfo[];
  /** Source files of the protocol's own code (for the lines-of-code metric), relative to the repo root. */
  sourceFiles: string[];
}
