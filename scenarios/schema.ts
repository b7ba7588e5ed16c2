// lockstep-lint: io-edge (reads scenario.schema.json once, at load)
// The JSON Schema as the source of truth, checked at run time by ajv (JSON Schema 2020-12): the
// scenario document against scenario.schema.json, its `cluster` and `workload` options (as integer
// µs, after duration strings are read) against the schemas the protocols declare, and run-files
// against RUN_FILE_SCHEMA. Every error becomes a ScenarioIssue: file, field path, what was expected.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { PROTOCOLS } from '../protocols/index.ts';
import type { JsonSchema, ProtocolDef } from '../protocols/registry.ts';
import { WORKLOAD_KINDS } from '../protocols/workloads/kinds.ts';

/** One problem with an input: where it is and what was expected there (as validate.ts prints it). */
export interface SchemaIssue {
  path: string;
  expected: string;
  /** The value found there (undefined when missing). */
  value: unknown;
}

/** The published scenario schema (scenarios/scenario.schema.json). */
export const SCENARIO_SCHEMA: JsonSchema = JSON.parse(
  readFileSync(new URL('./scenario.schema.json', import.meta.url), 'utf8'),
) as JsonSchema;

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });

let scenarioCheck: ValidateFunction | undefined;
let optionsCheck: ValidateFunction | undefined;

/** Issues of a raw scenario document against scenario.schema.json (none: it conforms). */
export function schemaIssues(raw: unknown): SchemaIssue[] {
  scenarioCheck ??= ajv.compile(SCENARIO_SCHEMA);
  return scenarioCheck(raw) ? [] : toIssues(scenarioCheck.errors ?? [], raw);
}

/**
 * The schema of `{nodes, cluster, workload}` that the registered protocols declare together: a
 * cluster key must be one some protocol reads, and has that protocol's range; a workload kind's
 * options are the ones its protocol reads; plus the protocols' cross-field rules.
 */
export function optionsSchemaOf(protocols: readonly ProtocolDef[]): JsonSchema {
  const cluster: Record<string, JsonSchema> = {};
  const byKind: Record<string, Record<string, JsonSchema>> = {};
  const rules: JsonSchema[] = [];
  for (const p of protocols) {
    const o = p.optionsSchema;
    if (o === undefined) continue;
    Object.assign(cluster, o.cluster ?? {});
    for (const [kind, props] of Object.entries(o.workload ?? {})) byKind[kind] = { ...byKind[kind], ...props };
    for (const r of o.rules ?? []) if (!rules.includes(r)) rules.push(r);
  }
  const workloads = WORKLOAD_KINDS.map(({ kind }) => ({
    if: { properties: { kind: { const: kind } }, required: ['kind'] },
    then: { properties: { kind: true, ...byKind[kind] }, additionalProperties: false },
  }));
  return {
    type: 'object',
    properties: {
      nodes: { type: 'integer' },
      cluster: { type: 'object', properties: cluster, additionalProperties: false },
      workload: { type: 'object', allOf: workloads },
    },
    allOf: rules,
  };
}

/** Issues of a scenario's normalized options against what the registered protocols declare. */
export function optionsIssues(o: { nodes: number; cluster?: unknown; workload?: unknown }): SchemaIssue[] {
  optionsCheck ??= ajv.compile(optionsSchemaOf(PROTOCOLS));
  const doc = { nodes: o.nodes, ...(o.cluster !== undefined ? { cluster: o.cluster } : {}), ...(o.workload !== undefined ? { workload: o.workload } : {}) };
  if (!optionsCheck(doc)) return toIssues(optionsCheck.errors ?? [], doc);
  return PROTOCOLS.flatMap((p) => p.optionsSchema?.issues?.(doc) ?? []);
}

/** The shape of a run-file (scenarios/runfile.ts); its scenario and faults are checked as a scenario's. */
export const RUN_FILE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['format', 'scenario', 'protocol', 'seed', 'knobs', 'network', 'faults', 'tape', 'violations', 'traceHash', 'codeVersion'],
  properties: {
    format: { const: 'lockstep-run/1', description: 'the run-file format "lockstep-run/1"' },
    scenario: { type: 'object' },
    scenarioSource: { type: 'string' },
    protocol: { type: 'string', minLength: 1 },
    seed: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    knobs: { type: 'object', additionalProperties: { type: ['number', 'string'] } },
    network: {
      type: 'object', additionalProperties: false,
      properties: {
        loss: { type: 'number', minimum: 0, maximum: 1, description: 'a probability from 0 to 1' },
        duplicate: { type: 'number', minimum: 0, maximum: 1, description: 'a probability from 0 to 1' },
        latencyMaxUs: { type: 'integer', minimum: 0, description: 'a duration in integer µs' },
      },
    },
    faults: { type: 'array', items: { type: 'object' } },
    tape: {
      type: 'object', required: ['overrides'],
      properties: {
        length: { type: 'integer', minimum: 0 },
        overrides: {
          type: 'array', description: 'an array of [index ≥ 0, finite value] pairs',
          items: { type: 'array', minItems: 2, maxItems: 2, prefixItems: [{ type: 'integer', minimum: 0 }, { type: 'number' }] },
        },
      },
    },
    violations: {
      type: 'array',
      items: { type: 'object', required: ['checker'], properties: { checker: { type: 'string' }, message: { type: 'string' } } },
    },
    traceHash: { type: 'string' },
    events: { type: 'integer', minimum: 0 },
    simTimeUs: { type: 'integer', minimum: 0 },
    codeVersion: { type: 'string' },
    createdBy: { enum: ['run', 'explore', 'shrink', 'compare', 'check'] },
  },
};

let runFileCheck: ValidateFunction | undefined;

/** Issues of a raw run-file against RUN_FILE_SCHEMA. */
export function runFileIssues(raw: unknown): SchemaIssue[] {
  runFileCheck ??= ajv.compile(RUN_FILE_SCHEMA);
  return runFileCheck(raw) ? [] : toIssues(runFileCheck.errors ?? [], raw);
}

// ---- ajv errors → issues -----------------------------------------------------------------------

/** One issue per field: the most telling error at each path (a failed anyOf speaks for its branches). */
function toIssues(errors: readonly ErrorObject[], doc: unknown): SchemaIssue[] {
  const anyOfs = new Map<string, ErrorObject[]>();
  for (const a of errors) {
    if (a.keyword !== 'anyOf' && a.keyword !== 'oneOf') continue;
    anyOfs.set(a.instancePath, [...(anyOfs.get(a.instancePath) ?? []), a]);
  }
  const useful = errors.filter((e) => e.keyword !== 'if' && !insideFailedAnyOf(e, anyOfs.get(e.instancePath) ?? []));
  const byPath = new Map<string, SchemaIssue>();
  for (const e of useful) {
    const issue = toIssue(e, doc);
    if (!byPath.has(issue.path)) byPath.set(issue.path, issue);
  }
  return [...byPath.values()];
}

/** True when `e` is one branch of a failed anyOf/oneOf at the same path (`atPath`). */
function insideFailedAnyOf(e: ErrorObject, atPath: readonly ErrorObject[]): boolean {
  return atPath.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
}

function toIssue(e: ErrorObject, doc: unknown): SchemaIssue {
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const key = String(p.additionalProperty);
    const known = Object.keys((parent.properties ?? {}) as object).filter((k) => k !== '$schema' && k !== 'kind');
    const hint = closest(key, known);
    const expected = `no such field${hint ? ` (did you mean '${hint}'?)` : ''}; known fields: ${known.join(', ') || 'none'}`;
    return { path: fieldPath([...segs, key]), expected, value: valueAt(doc, [...segs, key]) };
  }
  if (e.keyword === 'uniqueItems') {
    const at = [...segs, String(p.i)];
    return { path: fieldPath(at), expected: `each item at most once (item ${String(p.j)} is the same)`, value: valueAt(doc, at) };
  }
  if (e.keyword === 'required') {
    const key = String(p.missingProperty);
    return { path: fieldPath([...segs, key]), expected: 'a value (this field is required)', value: undefined };
  }
  return { path: fieldPath(segs), expected: expectedOf(e, parent), value: valueAt(doc, segs) };
}

function expectedOf(e: ErrorObject, s: Record<string, unknown>): string {
  const desc = typeof s.description === 'string' ? s.description : undefined;
  const range = rangeOf(s);
  switch (e.keyword) {
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${typeWord(s.type)}${range}${desc ? ` (${desc})` : ''}`;
    case 'enum':
      return `one of ${(s.enum as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    case 'minItems':
      return `an array of at least ${String(s.minItems)} item${s.minItems === 1 ? '' : 's'}${desc ? ` (${desc})` : ''}`;
    case 'maxItems':
      return `an array of at most ${String(s.maxItems)} items${desc ? ` (${desc})` : ''}`;
    case 'maxLength':
      return `a string of at most ${String(s.maxLength)} characters${desc ? ` (${desc})` : ''}`;
    case 'const':
      return desc ?? `the value ${JSON.stringify(s.const)}`;
    default:
      return desc ?? `a value that ${e.message ?? 'matches the schema'}`;
  }
}

function typeWord(t: unknown): string {
  const one = (x: unknown): string => (x === 'integer' ? 'an integer' : x === 'number' ? 'a number' : x === 'boolean' ? 'true or false'
    : x === 'string' ? 'a string' : x === 'array' ? 'an array' : x === 'object' ? 'an object' : x === 'null' ? 'null' : 'a value');
  return Array.isArray(t) ? t.map(one).join(' or ') : one(t);
}

function rangeOf(s: Record<string, unknown>): string {
  const lo = typeof s.minimum === 'number' ? s.minimum : undefined;
  const hi = typeof s.maximum === 'number' ? s.maximum : undefined;
  if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}`;
  if (lo !== undefined) return ` ≥ ${lo}`;
  if (hi !== undefined) return ` ≤ ${hi}`;
  return '';
}

/** `faults.script[2].node`; odd keys quoted. */
export function fieldPath(segs: readonly string[]): string {
  let out = '';
  for (const s of segs) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += `${out === '' ? '' : '.'}${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : JSON.stringify(s)}`;
  }
  return out;
}

function valueAt(doc: unknown, segs: readonly string[]): unknown {
  let v: unknown = doc;
  for (const s of segs) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, s)) return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

/** The closest known name within edit distance 2, for "did you mean". */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
