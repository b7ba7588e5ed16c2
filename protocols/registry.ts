// The protocol contract and defineProtocol(): a protocol declares its checkers and flawed variants
// up front and builds a host stack for a run. Names are `protocol` or `protocol/variant`.
import type { Checker, NodeId, PropertyKind, StackFactory } from '../sim/types.ts';
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
  /**
   * A lower layer's flaw: checkers of the protocols stacked on it that catch it too. They join
   * `caughtBy` under each protocol that runs them (composeVariant), so the flaw is proven there too.
   */
  caughtAbove?: readonly string[];
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
  /**
   * What JSON Schema cannot say (cross-references inside a workload, node ids within the cluster):
   * issues of a schema-valid `{nodes, cluster, workload}`, each with its field path. Pure.
   */
  issues?: (doc: { nodes: number; cluster?: unknown; workload?: unknown }) => readonly { path: string; expected: string; value: unknown }[];
}

/** A checker as a protocol declares it: known before anything is built (`lockstep list`). */
export interface CheckerInfo {
  name: string;
  kind: PropertyKind;
  description: string;
}

/** A registered protocol. Make one with defineProtocol(), which checks it. */
export interface ProtocolDef {
  name: string;
  description: string;
  /** Every checker a build may return (a build may return fewer, never others). */
  checkers: readonly CheckerInfo[];
  variants: ProtocolVariant[];
  /** The schema of this protocol's `cluster` and `workload` options (validated before a run). */
  optionsSchema?: OptionsSchema;
  build(input: BuildInput): Built;
  /** Every fault point its stack may reach (ctx.faultPoint), declared so `list` needs no run. */
  faultPoints?: readonly FaultPointInfo[];
  /** Source files of the protocol's own code (for the lines-of-code metric), relative to the repo root. */
  sourceFiles: string[];
}

/** What a protocol's build receives: the run's shape plus its own parsed options. */
export interface ProtocolInput<O> extends BuildInput {
  /** What the spec's `options` parser returned for the scenario's `cluster` block. */
  options: O;
}

/** What defineProtocol() takes. `O` is the type of the protocol's parsed options. */
export interface ProtocolSpec<O = undefined> {
  /** Lower-case letters, digits and '-' (a '/' separates a variant). */
  name: string;
  description: string;
  /**
   * Parse the scenario's `cluster` block (as written) into the protocol's options. Throw an Error
   * naming the field on bad input (e.g. "cluster.leaseUs: expected a positive number, got -1").
   */
  options?: (cluster: Readonly<Record<string, unknown>>, nodes: number) => O;
  /** Every checker the build may return, declared up front. */
  checkers: readonly CheckerInfo[];
  /** Flawed variants: each names its flaw and the declared checkers that must catch it. */
  variants?: readonly ProtocolVariant[];
  build(input: ProtocolInput<O>): Built;
  /** Every fault point its stack may reach (ctx.faultPoint), declared so `list` needs no run. */
  faultPoints?: readonly FaultPointInfo[];
  /** The schema of this protocol's `cluster` and `workload` options (validated before a run). */
  optionsSchema?: OptionsSchema;
  /** The protocol's own source files (for the lines-of-code metric). */
  sourceFiles?: readonly string[];
}

/** A protocol definition that breaks the contract (bad name, undeclared checker, …). */
export class ProtocolDefinitionError extends Error {
  override readonly name = 'ProtocolDefinitionError';
}

const NAME_RE = /^[a-z0-9][a-z0-9-]*$/;
const KINDS: readonly PropertyKind[] = ['always', 'eventually', 'sometimes'];

/** Name, kind and description of built checkers: a declaration that cannot drift from the code. */
export function describeCheckers(checkers: readonly Checker[]): CheckerInfo[] {
  return checkers.map((c) => ({ name: c.name, kind: c.kind, description: c.description }));
}

/**
 * Define a protocol: checks the spec (names unique and well-formed, every variant's `caughtBy`
 * naming declared checkers) and returns a ProtocolDef whose build parses the options first and
 * refuses checkers it did not declare. Throws ProtocolDefinitionError naming the field.
 */
export function defineProtocol<O = undefined>(spec: ProtocolSpec<O>): ProtocolDef {
  const where = `protocol '${String(spec?.name)}'`;
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new ProtocolDefinitionError(`${where}: ${field}: expected ${expected}, got ${show(got)}`);
  };
  if (typeof spec !== 'object' || spec === null) bad('(definition)', 'an object', spec);
  if (typeof spec.name !== 'string' || !NAME_RE.test(spec.name)) bad('name', "lower-case letters, digits and '-'", spec.name);
  if (typeof spec.description !== 'string' || spec.description.trim() === '') bad('description', 'a sentence', spec.description);
  if (spec.options !== undefined && typeof spec.options !== 'function') bad('options', 'a function (cluster, nodes) => options', spec.options);
  if (typeof spec.build !== 'function') bad('build', 'a function (input) => { stack, checkers }', spec.build);
  const checkers = checkDeclaredCheckers(spec.checkers, bad);
  const variants = checkVariants(spec.variants ?? [], checkers, bad);
  const declared = new Map(checkers.map((c) => [c.name, c]));
  const parse = spec.options;
  return {
    name: spec.name,
    description: spec.description,
    checkers,
    variants,
    sourceFiles: [...(spec.sourceFiles ?? [])],
    ...(spec.faultPoints !== undefined ? { faultPoints: spec.faultPoints } : {}),
    ...(spec.optionsSchema !== undefined ? { optionsSchema: spec.optionsSchema } : {}),
    build(input: BuildInput): Built {
      // The variant was resolved (and composed: 'a+b', layer flaws) by resolveProtocol already.
      // Needed: a definition without an options parser has O = undefined, which the compiler cannot tie to `parse` being absent.
      const options = (parse === undefined ? undefined : parse(input.cluster, input.nodes)) as O;
      const built = spec.build({ ...input, options });
      for (const c of built.checkers) {
        const d = declared.get(c.name);
        if (d === undefined || d.kind !== c.kind) {
          bad('build', `checkers declared in 'checkers' (${[...declared.keys()].join(', ')})`, `${c.name} [${c.kind}]`);
        }
      }
      return built;
    },
  };
}

type Bad = (field: string, expected: string, got: unknown) => never;

function checkDeclaredCheckers(raw: unknown, bad: Bad): CheckerInfo[] {
  if (!Array.isArray(raw)) return bad('checkers', 'an array of { name, kind, description }', raw);
  const out: CheckerInfo[] = [];
  raw.forEach((c: Partial<CheckerInfo> | null, i) => {
    if (typeof c?.name !== 'string' || c.name === '') bad(`checkers[${i}].name`, 'a checker name', c?.name);
    if (!KINDS.some((k) => k === c?.kind)) bad(`checkers[${i}].kind`, KINDS.join(' | '), c!.kind);
    if (typeof c!.description !== 'string') bad(`checkers[${i}].description`, 'a sentence', c!.description);
    if (out.some((o) => o.name === c!.name)) bad(`checkers[${i}].name`, 'a name not declared before', c!.name);
    out.push({ name: c!.name!, kind: c!.kind!, description: c!.description! });
  });
  return out;
}

function checkVariants(raw: readonly ProtocolVariant[], checkers: readonly CheckerInfo[], bad: Bad): ProtocolVariant[] {
  if (!Array.isArray(raw)) return bad('variants', 'an array of { name, flaw, caughtBy }', raw);
  const known = checkers.map((c) => c.name);
  const out: ProtocolVariant[] = [];
  raw.forEach((v: Partial<ProtocolVariant> | null, i) => {
    const at = `variants[${i}]`;
    if (typeof v?.name !== 'string' || !NAME_RE.test(v.name)) bad(`${at}.name`, "lower-case letters, digits and '-'", v?.name);
    if (out.some((o) => o.name === v!.name)) bad(`${at}.name`, 'a name not used by another variant', v!.name);
    if (typeof v!.flaw !== 'string' || v!.flaw.trim() === '') bad(`${at}.flaw`, 'the planted flaw, in one sentence', v!.flaw);
    if (!Array.isArray(v!.caughtBy) || v!.caughtBy.length === 0) bad(`${at}.caughtBy`, 'a non-empty array of checker names', v!.caughtBy);
    for (const name of v!.caughtBy!) {
      if (!known.includes(name)) bad(`${at}.caughtBy`, `names of declared checkers (${known.join(', ')})`, name);
    }
    out.push({ name: v!.name!, flaw: v!.flaw!, caughtBy: [...v!.caughtBy!] });
  });
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
