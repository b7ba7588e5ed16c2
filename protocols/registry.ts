// The protocol registry contract: a protocol builds a host stack and its checkers for a scenario.
// Names are `protocol` or `protocol/variant`; variants carry a known flaw and the checkers that catch it.
import type { NodeId, StackFactory } from '../sim/types.ts';
import type { Observer, WorldChecker } from '../sim/world.ts';

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
}

/** A JSON Schema (2020-12) as data: the validator (scenarios/schema.ts) reads it, nothing else. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * The options a protocol reads from a scenario, as JSON Schema over the values after duration
 * strings became integer µs. A key may be shared by protocols (cman options): they then give the
 * same schema. A key no registered protocol declares is an error in every scenario.
 */
export interface OptionsSchema {
  /** `cluster` keys this protocol reads, each with its schema. */
  cluster?: Readonly<Record<string, JsonSchema>>;
  /** Workload kinds this protocol runs, each with the schemas of its options besides `kind`. */
  workload?: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>>;
  /** Rules over `{nodes, cluster, workload}` (if/then), e.g. twoNode needs exactly 2 nodes. */
  rules?: readonly JsonSchema[];
}

export interface ProtocolDef {
  name: string;
  description: string;
  variants: ProtocolVariant[];
  /** The schema of this protocol's `cluster` and `workload` options (validated before a run). */
  optionsSchema?: OptionsSchema;
  build(input: BuildInput): Built;
  /** Source files of the protocol's own code (for the lines-of-code metric), relative to the repo root. */
  sourceFiles: string[];
}
