// The scenario validator: turns untrusted JSON into a normalized Scenario, or a list of issues that
// each name the file, the field path and what was expected. Pure: never throws on bad data.
import type { Scenario, WorkloadSpec } from './types.ts';
import type { FaultSpec, LinkDirection, PartitionShape, RoleTarget } from '../sim/faults/spec.ts';
import { FAULT_KINDS } from '../sim/faults/registry.ts';
import type { FaultKind, KindFields } from '../sim/faults/kind.ts';
import { POINT_FIELDS, TARGET_FIELDS } from '../sim/faults/kind.ts';
import { partitionShape } from '../sim/faults/partition.ts';
import { linkPairs } from '../sim/faults/links.ts';
import { ROLES, roleInfo } from '../protocols/roles.ts';
import { DEFAULT_LINK } from '../sim/network.ts';
import { DEFAULT_DISK } from '../sim/disk.ts';
import { PROTOCOLS, resolveProtocol } from '../protocols/index.ts';
import { SWARM_PROFILES, swarmProfile } from './profiles.ts';
import { WORKLOAD_KINDS, isWorkloadKind } from '../protocols/workloads/kinds.ts';
import type { LatencyShape } from '../sim/network.ts';
import { closest, optionsIssues, schemaIssues } from './schema.ts';
import type { SchemaIssue } from './schema.ts';
import { FAULT_OPTION_KINDS } from '../sim/choice.ts';
import type { ChoiceConfig, FaultOptionKind } from '../sim/choice.ts';

const LATENCY_SHAPES: readonly LatencyShape[] = ['uniform', 'exponential', 'long-tail'];

/** One problem with a scenario: where it is and what was expected there. */
export interface ScenarioIssue {
  file: string;
  /** Field path in the JSON document, e.g. `faults.script[2].node` (empty for the whole document). */
  path: string;
  expected: string;
  got: string;
}

/** Thrown by the loader when a scenario is rejected; `message` lists every issue, one per line. */
export class ScenarioError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(capLines(issues.map(formatIssue)).join('\n'));
    this.name = 'ScenarioError';
  }
}

/** Issues printed in full; the rest are counted ("… and 49,980 more"). */
export const MAX_ISSUE_LINES = 20;

/** The first `max` lines, then one line counting the rest. */
export function capLines(lines: readonly string[], max = MAX_ISSUE_LINES): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), `… and ${(lines.length - max).toLocaleString('en-US')} more`];
}

export function formatIssue(i: ScenarioIssue): string {
  return `${i.file}: ${i.path === '' ? '(document)' : i.path}: expected ${i.expected}, got ${i.got}`;
}

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/** Largest cluster a scenario may ask for. */
export const MAX_NODES = 1000;

const TOP_FIELDS = [
  '$schema', 'name', 'description', 'nodes', 'protocol', 'cluster', 'workload', 'durationUs', 'healAtUs',
  'deadlineUs', 'network', 'disk', 'faults', 'checkers', 'maxEvents', 'maxEventsPerInstant', 'maxPendingEvents', 'maxHeapMb', 'bootAtUs', 'restartCrashedAtHeal', 'clients',
  'check',
] as const;
const FAULT_FIELDS = [
  'kind', 'atUs', 'durationUs', 'node', 'nodes', 'role', 'point', 'hit', 'shape', 'groups', 'from', 'to', 'direction',
  'deltaUs', 'ppm', 'messageType', 'loss', 'extraUs',
] as const;
const SHAPES: readonly PartitionShape[] = ['isolate', 'halves', 'bridge', 'one-way', 'groups', 'links'];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// ---- durations ---------------------------------------------------------------------------------

const UNIT_US: Readonly<Record<string, number>> = { h: 3_600_000_000, m: 60_000_000, s: 1_000_000, ms: 1_000, us: 1, 'µs': 1 };
const DURATION_RE = /^(-)?((?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs))+)$/;
const PART_RE = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs)/g;

/**
 * A duration as integer microseconds: a safe integer, or a string such as "10s", "250ms", "500us",
 * "2m", "1m30s", "-2s". Undefined when it is neither (or not a whole number of microseconds).
 */
export function parseDurationUs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = DURATION_RE.exec(v.trim());
  if (m === null) return undefined;
  let us = 0;
  for (const part of m[2]!.matchAll(PART_RE)) us += Number(part[1]) * UNIT_US[part[2]!]!;
  const rounded = Math.round(us);
  if (Math.abs(us - rounded) > 1e-6 || !Number.isSafeInteger(rounded)) return undefined;
  return m[1] === '-' ? -rounded : rounded;
}

// ---- the walk ----------------------------------------------------------------------------------

/** Collects issues for one document. */
class Walk {
  readonly issues: ScenarioIssue[] = [];
  constructor(readonly file: string) {}

  fail(path: string, expected: string, v: unknown): undefined {
    this.issues.push({ file: this.file, path, expected, got: describe(v) });
    return undefined;
  }

  object(v: unknown, path: string, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (!isPlainObject(v)) return this.fail(path, 'an object', v);
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) {
        const hint = closest(key, allowed);
        this.issues.push({
          file: this.file, path: join(path, key),
          expected: `no such field${hint ? ` (did you mean '${hint}'?)` : ''}; known fields: ${allowed.filter((k) => k !== '$schema').join(', ')}`,
          got: describe(v[key]),
        });
      }
    }
    return v;
  }

  string(v: unknown, path: string): string | undefined {
    return typeof v === 'string' && v.length > 0 ? v : this.fail(path, 'a non-empty string', v);
  }

  int(v: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max) return v;
    return this.fail(path, `an integer from ${min} to ${max}`, v);
  }

  probability(v: unknown, path: string): number | undefined {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1) return v;
    return this.fail(path, 'a probability from 0 to 1', v);
  }

  duration(v: unknown, path: string, opts: { min?: number; max?: number; signed?: boolean } = {}): number | undefined {
    const us = parseDurationUs(v);
    const what = opts.signed
      ? 'a duration (integer microseconds or a string like "-2s", "250ms"; may be negative)'
      : 'a duration (integer microseconds, or a string like "10s", "250ms", "500us", "2m")';
    if (us === undefined) return this.fail(path, what, v);
    const min = opts.min ?? (opts.signed ? -Number.MAX_SAFE_INTEGER : 0);
    if (us < min) return this.fail(path, `a duration of at least ${fmtUs(min)}`, v);
    if (opts.max !== undefined && us > opts.max) return this.fail(path, `a duration of at most ${fmtUs(opts.max)}`, v);
    return us;
  }

  boolean(v: unknown, path: string): boolean | undefined {
    return typeof v === 'boolean' ? v : this.fail(path, 'true or false', v);
  }

  node(v: unknown, path: string, nodes: number): number | undefined {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= nodes) return v;
    return this.fail(path, `a node id from 1 to ${nodes} (the cluster has ${nodes} node${nodes === 1 ? '' : 's'})`, v);
  }

  nodeList(v: unknown, path: string, nodes: number, opts: { nonEmpty?: boolean } = {}): number[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, 'an array of node ids', v);
    if (opts.nonEmpty && v.length === 0) return this.fail(path, 'a non-empty array of node ids', v);
    const out: number[] = [];
    const seen = new Set<number>();
    v.forEach((x, i) => {
      const n = this.node(x, `${path}[${i}]`, nodes);
      if (n === undefined) return;
      if (seen.has(n)) this.fail(`${path}[${i}]`, 'each node at most once', x);
      seen.add(n);
      out.push(n);
    });
    return out;
  }

  stringList(v: unknown, path: string): string[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, 'an array of names', v);
    const out: string[] = [];
    v.forEach((x, i) => {
      const s = this.string(x, `${path}[${i}]`);
      if (s === undefined) return;
      if (out.includes(s)) this.fail(`${path}[${i}]`, 'each name at most once', x);
      else out.push(s);
    });
    return out;
  }
}

/**
 * Validate and normalize a parsed JSON scenario. `file` names the source in every issue;
 * `defaultName` is used when the document has no `name` (the file's base name).
 */
export function validateScenario(raw: unknown, file: string, defaultName?: string): ValidationResult {
  // 1. The document against scenario.schema.json (ajv): types, ranges, known fields.
  // Faults are the exception: their fields depend on the kind, shape, role and point, where the
  // fault walk (2) names the one field that does not apply rather than the schema's whole entry.
  const shape = schemaIssues(raw);
  const w = new Walk(file);
  if (shape.length > 0) {
    if (!shape.every((i) => i.path.startsWith('faults.'))) return { ok: false, issues: shape.map((i) => issueOf(file, i)) };
    walkScenario(w, raw, defaultName);
    const faultIssues = w.issues.filter((i) => i.path.startsWith('faults.'));
    return { ok: false, issues: faultIssues.length > 0 ? faultIssues : shape.map((i) => issueOf(file, i)) };
  }
  // 2. What JSON Schema cannot say: durations read, node ids within the cluster, fault semantics.
  const scenario = walkScenario(w, raw, defaultName);
  if (w.issues.length > 0 || scenario === undefined) {
    if (w.issues.length === 0) w.fail('', 'a scenario object', raw);
    return { ok: false, issues: w.issues };
  }
  // 3. `cluster` and `workload` (now in µs) against the schemas the protocols declare.
  const options = optionsIssues(scenario);
  if (options.length > 0) return { ok: false, issues: options.map((i) => issueOf(file, i)) };
  return { ok: true, scenario };
}

function issueOf(file: string, i: SchemaIssue): ScenarioIssue {
  return { file, path: i.path, expected: i.expected, got: describe(i.value) };
}

/** Like validateScenario, but throws a ScenarioError. */
export function parseScenario(raw: unknown, file: string, defaultName?: string): Scenario {
  const r = validateScenario(raw, file, defaultName);
  if (!r.ok) throw new ScenarioError(r.issues);
  return r.scenario;
}

function walkScenario(w: Walk, raw: unknown, defaultName: string | undefined): Scenario | undefined {
  const o = w.object(raw, '', TOP_FIELDS);
  if (o === undefined) return undefined;
  if (o.$schema !== undefined && typeof o.$schema !== 'string') w.fail('$schema', 'a string (the schema URL)', o.$schema);
  const name = walkName(w, o.name, defaultName);
  const description = o.description === undefined ? '' : typeof o.description === 'string' ? o.description : w.fail('description', 'a string', o.description);
  const nodes = o.nodes === undefined ? w.fail('nodes', `the cluster size (required): an integer from 1 to ${MAX_NODES}`, undefined) : w.int(o.nodes, 'nodes', 1, MAX_NODES);
  const durationUs = o.durationUs === undefined
    ? w.fail('durationUs', 'the run length (required): a duration such as "60s"', undefined)
    : w.duration(o.durationUs, 'durationUs', { min: 1 });
  const s: Scenario = { name: name ?? '', description: description ?? '', nodes: nodes ?? 1, durationUs: durationUs ?? 1, faults: {} };
  if (o.protocol !== undefined) walkProtocol(w, o.protocol, s);
  if (o.cluster !== undefined) {
    const c = walkOptions(w, o.cluster, 'cluster');
    if (c !== undefined) s.cluster = c;
  }
  if (o.workload !== undefined) walkWorkload(w, o.workload, s);
  if (o.healAtUs !== undefined) {
    const h = w.duration(o.healAtUs, 'healAtUs', durationUs === undefined ? {} : { max: durationUs });
    if (h !== undefined) s.healAtUs = h;
  }
  if (o.deadlineUs !== undefined) {
    const d = w.duration(o.deadlineUs, 'deadlineUs', { min: 1 });
    if (d !== undefined) s.deadlineUs = d;
  }
  if (o.network !== undefined) walkNetwork(w, o.network, s);
  if (o.disk !== undefined) walkDisk(w, o.disk, s);
  if (o.checkers !== undefined) {
    const c = w.stringList(o.checkers, 'checkers');
    if (c !== undefined) s.checkers = c;
  }
  if (o.maxEvents !== undefined) {
    const m = w.int(o.maxEvents, 'maxEvents', 1, Number.MAX_SAFE_INTEGER);
    if (m !== undefined) s.maxEvents = m;
  }
  for (const [k, max] of [['maxEventsPerInstant', Number.MAX_SAFE_INTEGER], ['maxPendingEvents', Number.MAX_SAFE_INTEGER], ['maxHeapMb', 1_000_000]] as const) {
    if (o[k] !== undefined) setIf(s, k, w.int(o[k], k, 1, max));
  }
  if (o.restartCrashedAtHeal !== undefined) {
    const b = w.boolean(o.restartCrashedAtHeal, 'restartCrashedAtHeal');
    if (b !== undefined) s.restartCrashedAtHeal = b;
  }
  if (nodes === undefined) return s;
  if (o.bootAtUs !== undefined) walkBoot(w, o.bootAtUs, s, nodes, durationUs);
  if (o.clients !== undefined) {
    const c = w.nodeList(o.clients, 'clients', nodes);
    if (c !== undefined) s.clients = c;
  }
  walkFaults(w, o.faults, s, nodes, durationUs);
  if (o.check !== undefined) walkCheck(w, o.check, s);
  return s;
}

const CHOICE_FIELDS = [
  'modules', 'skipTypes', 'fromUs', 'toUs', 'drops', 'points', 'faultAt', 'faults', 'targets', 'downUs', 'pauseUs', 'isolateUs',
] as const;

/** The `check` section: choice points for `lockstep check` and its default bound. */
function walkCheck(w: Walk, v: unknown, s: Scenario): void {
  const o = w.object(v, 'check', ['choices', 'bound']);
  if (o === undefined) return;
  const c = w.object(o.choices ?? {}, 'check.choices', CHOICE_FIELDS);
  if (c === undefined) return;
  const choices: ChoiceConfig = {};
  for (const k of ['modules', 'skipTypes', 'points', 'faultAt'] as const) {
    if (c[k] !== undefined) setIf(choices, k, w.stringList(c[k], `check.choices.${k}`));
  }
  for (const k of ['fromUs', 'toUs', 'downUs', 'pauseUs', 'isolateUs'] as const) {
    if (c[k] !== undefined) setIf(choices, k, w.duration(c[k], `check.choices.${k}`));
  }
  if (c.drops !== undefined) setIf(choices, 'drops', w.boolean(c.drops, 'check.choices.drops'));
  if (c.faults !== undefined) {
    const f = w.stringList(c.faults, 'check.choices.faults');
    const bad = f?.find((x) => !FAULT_OPTION_KINDS.includes(x as FaultOptionKind));
    if (bad !== undefined) w.fail('check.choices.faults', `fault kinds among ${FAULT_OPTION_KINDS.join(', ')}`, bad);
    else if (f !== undefined) choices.faults = f as FaultOptionKind[];
  }
  if (c.targets !== undefined) {
    if (c.targets === 'self' || c.targets === 'all') choices.targets = c.targets;
    else if (Array.isArray(c.targets)) {
      const t = w.stringList(c.targets, 'check.choices.targets');
      if (t !== undefined) choices.targets = t;
    } else w.fail('check.choices.targets', "'self', 'all' or a list of self, any and role targets (owner:snap0)", c.targets);
  }
  const check: NonNullable<Scenario['check']> = { choices };
  if (o.bound !== undefined) setIf(check, 'bound', w.string(o.bound, 'check.bound'));
  s.check = check;
}

function walkName(w: Walk, v: unknown, defaultName: string | undefined): string | undefined {
  if (v === undefined) {
    if (defaultName !== undefined && NAME_RE.test(defaultName)) return defaultName;
    return w.fail('name', 'a scenario name (letters, digits, ".", "_", "-")', v);
  }
  if (typeof v === 'string' && NAME_RE.test(v)) return v;
  return w.fail('name', 'a scenario name (letters, digits, ".", "_", "-")', v);
}

function walkProtocol(w: Walk, v: unknown, s: Scenario): void {
  const p = w.string(v, 'protocol');
  if (p === undefined) return;
  try {
    s.protocol = resolveProtocol(p).name;
  } catch (err) {
    w.fail('protocol', `a known protocol or protocol/variant (${(err as Error).message})`, v);
  }
}

/** Free-form options: JSON values carried through; `*Us` keys accept duration strings, at any depth. */
function walkOptions(w: Walk, v: unknown, path: string): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) return w.fail(path, 'an object of options', v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.endsWith('Us') && typeof x === 'string') {
      const us = w.duration(x, join(path, k), { signed: true });
      if (us !== undefined) define(out, k, us);
    } else define(out, k, nestedOptions(w, x, join(path, k)));
  }
  return out;
}

/** Objects inside options (a workload's scripted steps): their `*Us` keys read durations too. */
function nestedOptions(w: Walk, x: unknown, path: string): unknown {
  if (Array.isArray(x)) return x.map((y, i) => nestedOptions(w, y, `${path}[${i}]`));
  if (isPlainObject(x)) return walkOptions(w, x, path);
  return x;
}

function walkWorkload(w: Walk, v: unknown, s: Scenario): void {
  const o = walkOptions(w, v, 'workload');
  if (o === undefined) return;
  const kind = w.string(o.kind, 'workload.kind');
  if (kind !== undefined && !isWorkloadKind(kind)) {
    w.fail('workload.kind', `one of ${WORKLOAD_KINDS.map((k) => `'${k.kind}'`).join(', ')}`, kind);
    return;
  }
  if (kind !== undefined) s.workload = { ...o, kind } as WorkloadSpec;
}

function walkNetwork(w: Walk, v: unknown, s: Scenario): void {
  const o = w.object(v, 'network', ['latencyMinUs', 'latencyMaxUs', 'latencyShape', 'latencyMeanUs', 'loss', 'duplicate']);
  if (o === undefined) return;
  const net: NonNullable<Scenario['network']> = {};
  if (o.latencyMinUs !== undefined) setIf(net, 'latencyMinUs', w.duration(o.latencyMinUs, 'network.latencyMinUs'));
  if (o.latencyMaxUs !== undefined) setIf(net, 'latencyMaxUs', w.duration(o.latencyMaxUs, 'network.latencyMaxUs'));
  if (o.latencyShape !== undefined) {
    const shape = w.string(o.latencyShape, 'network.latencyShape');
    if (shape !== undefined && !LATENCY_SHAPES.includes(shape as LatencyShape)) w.fail('network.latencyShape', `one of ${LATENCY_SHAPES.map((x) => `'${x}'`).join(', ')}`, shape);
    else if (shape !== undefined) net.latencyShape = shape as LatencyShape;
  }
  if (o.latencyMeanUs !== undefined) setIf(net, 'latencyMeanUs', w.duration(o.latencyMeanUs, 'network.latencyMeanUs'));
  if (o.loss !== undefined) setIf(net, 'loss', w.probability(o.loss, 'network.loss'));
  if (o.duplicate !== undefined) setIf(net, 'duplicate', w.probability(o.duplicate, 'network.duplicate'));
  const lo = net.latencyMinUs ?? DEFAULT_LINK.latencyMinUs;
  const hi = net.latencyMaxUs ?? DEFAULT_LINK.latencyMaxUs;
  if (lo > hi) w.fail(net.latencyMaxUs !== undefined ? 'network.latencyMaxUs' : 'network.latencyMinUs', `latencyMinUs (${lo}) ≤ latencyMaxUs (${hi})`, net.latencyMaxUs ?? net.latencyMinUs);
  s.network = net;
}

function walkDisk(w: Walk, v: unknown, s: Scenario): void {
  const keys = ['ioLatencyMinUs', 'ioLatencyMaxUs', 'fenceLatencyMinUs', 'fenceLatencyMaxUs'] as const;
  const o = w.object(v, 'disk', keys);
  if (o === undefined) return;
  const disk: NonNullable<Scenario['disk']> = {};
  for (const k of keys) if (o[k] !== undefined) setIf(disk, k, w.duration(o[k], `disk.${k}`));
  for (const [lo, hi] of [['ioLatencyMinUs', 'ioLatencyMaxUs'], ['fenceLatencyMinUs', 'fenceLatencyMaxUs']] as const) {
    const a = disk[lo] ?? DEFAULT_DISK[lo];
    const b = disk[hi] ?? DEFAULT_DISK[hi];
    if (a > b) w.fail(`disk.${hi}`, `${lo} (${a}) ≤ ${hi} (${b})`, disk[hi] ?? disk[lo]);
  }
  s.disk = disk;
}

function walkBoot(w: Walk, v: unknown, s: Scenario, nodes: number, durationUs: number | undefined): void {
  if (!Array.isArray(v)) {
    w.fail('bootAtUs', 'an array of boot times (index 0 = node 1)', v);
    return;
  }
  if (v.length > nodes) w.fail('bootAtUs', `at most ${nodes} boot times (one per node)`, v);
  const out: number[] = [];
  v.forEach((x, i) => {
    const d = w.duration(x, `bootAtUs[${i}]`, durationUs !== undefined ? { max: durationUs - 1 } : {});
    if (d !== undefined) out.push(d);
  });
  s.bootAtUs = out;
}

function walkFaults(w: Walk, v: unknown, s: Scenario, nodes: number, durationUs: number | undefined): void {
  if (v === undefined) return;
  const o = w.object(v, 'faults', ['script', 'swarm']);
  if (o === undefined) return;
  if (o.script !== undefined && o.swarm !== undefined) {
    w.fail('faults', 'either a script or a swarm profile, not both (a swarm draws the whole schedule from the seed)', v);
  }
  if (o.swarm !== undefined) {
    const name = w.string(o.swarm, 'faults.swarm');
    if (name !== undefined && swarmProfile(name) === undefined) {
      w.fail('faults.swarm', `a swarm profile: one of ${SWARM_PROFILES.map((p) => p.name).join(', ')}`, o.swarm);
    } else if (name !== undefined) s.faults.swarm = name;
  }
  if (o.script === undefined) return;
  if (!Array.isArray(o.script)) {
    w.fail('faults.script', 'an array of faults', o.script);
    return;
  }
  const script: FaultSpec[] = [];
  o.script.forEach((f, i) => {
    const spec = walkFault(w, f, `faults.script[${i}]`, nodes, durationUs, s.healAtUs);
    if (spec !== undefined) script.push(spec);
  });
  s.faults.script = script;
  const atPoint = script.findIndex((f) => f.point !== undefined);
  if (atPoint >= 0 && s.healAtUs === undefined) {
    w.fail('healAtUs', `the end of the fault phase: faults.script[${atPoint}] fires at a fault point, at a time not known in advance`, undefined);
  }
}

const KIND_NAMES = FAULT_KINDS.map((k) => k.name);
const DIRECTIONS: readonly LinkDirection[] = ['one-way', 'both'];

function walkFault(w: Walk, v: unknown, path: string, nodes: number, durationUs: number | undefined, healAtUs: number | undefined): FaultSpec | undefined {
  const o = w.object(v, path, FAULT_FIELDS);
  if (o === undefined) return undefined;
  const kindName = o.kind === undefined ? w.fail(`${path}.kind`, `a fault kind (required): one of ${KIND_NAMES.join(', ')}`, undefined) : w.string(o.kind, `${path}.kind`);
  const kind = FAULT_KINDS.find((k) => k.name === kindName);
  if (kindName !== undefined && kind === undefined) w.fail(`${path}.kind`, `a fault kind: one of ${KIND_NAMES.join(', ')}`, o.kind);
  const f: FaultSpec = { kind: kindName ?? '', atUs: 0 };
  walkFaultTime(w, o, f, path, durationUs, healAtUs);
  walkFaultFields(w, o, f, path, nodes);
  if (kind !== undefined) checkApplies(w, o, f, kind, path, nodes);
  return f;
}

/** atUs: required, except for a fault at a fault point (armed from 0 by default). */
function walkFaultTime(w: Walk, o: Record<string, unknown>, f: FaultSpec, path: string, durationUs: number | undefined, healAtUs: number | undefined): void {
  if (o.atUs === undefined) {
    if (o.point === undefined) w.fail(`${path}.atUs`, 'the time the fault fires (required): a duration such as "10s"', undefined);
    return;
  }
  const atUs = w.duration(o.atUs, `${path}.atUs`);
  if (atUs !== undefined && durationUs !== undefined && atUs >= durationUs) w.fail(`${path}.atUs`, `a time before the end of the run (durationUs = ${fmtUs(durationUs)})`, o.atUs);
  else if (atUs !== undefined && healAtUs !== undefined && atUs > healAtUs) w.fail(`${path}.atUs`, `a time no later than healAtUs (${fmtUs(healAtUs)}): faults after the heal never fire`, o.atUs);
  if (atUs !== undefined) f.atUs = atUs;
}

function walkGroups(w: Walk, v: unknown, path: string, nodes: number, f: FaultSpec): void {
  if (!Array.isArray(v) || v.length < 2) {
    w.fail(path, 'at least two groups of node ids', v);
    return;
  }
  const seen = new Set<number>();
  const groups: number[][] = [];
  v.forEach((g, i) => {
    const list = w.nodeList(g, `${path}[${i}]`, nodes, { nonEmpty: true });
    if (list === undefined) return;
    list.forEach((n, j) => {
      if (seen.has(n)) w.fail(`${path}[${i}][${j}]`, 'disjoint groups (each node in at most one group)', n);
      seen.add(n);
    });
    groups.push(list);
  });
  f.groups = groups;
}

/** Each field's own type and range. */
function walkFaultFields(w: Walk, o: Record<string, unknown>, f: FaultSpec, path: string, nodes: number): void {
  if (o.durationUs !== undefined) setIf(f, 'durationUs', w.duration(o.durationUs, `${path}.durationUs`));
  if (o.node !== undefined) setIf(f, 'node', w.node(o.node, `${path}.node`, nodes));
  if (o.nodes !== undefined) setIf(f, 'nodes', w.nodeList(o.nodes, `${path}.nodes`, nodes, { nonEmpty: true }));
  if (o.shape !== undefined) {
    if (typeof o.shape === 'string' && (SHAPES as readonly string[]).includes(o.shape)) f.shape = o.shape as PartitionShape;
    else w.fail(`${path}.shape`, `a partition shape: one of ${SHAPES.join(', ')}`, o.shape);
  }
  if (o.groups !== undefined) walkGroups(w, o.groups, `${path}.groups`, nodes, f);
  if (o.from !== undefined) setIf(f, 'from', w.nodeList(o.from, `${path}.from`, nodes, { nonEmpty: true }));
  if (o.to !== undefined) setIf(f, 'to', w.nodeList(o.to, `${path}.to`, nodes, { nonEmpty: true }));
  if (o.direction !== undefined) {
    if (typeof o.direction === 'string' && (DIRECTIONS as readonly string[]).includes(o.direction)) f.direction = o.direction as LinkDirection;
    else w.fail(`${path}.direction`, `a link direction: one of ${DIRECTIONS.join(', ')}`, o.direction);
  }
  if (o.role !== undefined) setIf(f, 'role', walkRole(w, o.role, `${path}.role`, nodes));
  if (o.point !== undefined) setIf(f, 'point', walkPoint(w, o.point, `${path}.point`));
  if (o.hit !== undefined) setIf(f, 'hit', w.int(o.hit, `${path}.hit`, 1, Number.MAX_SAFE_INTEGER));
  if (o.deltaUs !== undefined) setIf(f, 'deltaUs', w.duration(o.deltaUs, `${path}.deltaUs`, { signed: true }));
  if (o.ppm !== undefined) {
    if (typeof o.ppm === 'number' && Number.isFinite(o.ppm) && Math.abs(o.ppm) < 1_000_000) f.ppm = o.ppm;
    else w.fail(`${path}.ppm`, 'a clock drift in parts per million (a number between -1000000 and 1000000)', o.ppm);
  }
  if (o.messageType !== undefined) setIf(f, 'messageType', w.string(o.messageType, `${path}.messageType`));
  if (o.loss !== undefined) setIf(f, 'loss', w.probability(o.loss, `${path}.loss`));
  if (o.extraUs !== undefined) setIf(f, 'extraUs', w.duration(o.extraUs, `${path}.extraUs`));
}

function walkRole(w: Walk, v: unknown, path: string, nodes: number): RoleTarget | undefined {
  const o = w.object(v, path, ['role', 'resource', 'not']);
  if (o === undefined) return undefined;
  const names = ROLES.map((r) => r.name).join(', ');
  const name = o.role === undefined ? w.fail(`${path}.role`, `a role (required): one of ${names}`, undefined) : w.string(o.role, `${path}.role`);
  const info = name === undefined ? undefined : roleInfo(name);
  if (name !== undefined && info === undefined) return w.fail(`${path}.role`, `a role: one of ${names}`, o.role);
  const t: RoleTarget = { role: name ?? '' };
  if (o.resource !== undefined) setIf(t, 'resource', w.string(o.resource, `${path}.resource`));
  if (info?.resource === true && o.resource === undefined) w.fail(`${path}.resource`, `the resource: role '${info.name}' is about one resource`, undefined);
  if (info?.resource === false && o.resource !== undefined) w.fail(`${path}.resource`, `no resource: role '${info.name}' is not about a resource`, o.resource);
  if (o.not !== undefined) setIf(t, 'not', w.nodeList(o.not, `${path}.not`, nodes, { nonEmpty: true }));
  return t;
}

function walkPoint(w: Walk, v: unknown, path: string): string | undefined {
  const name = w.string(v, path);
  if (name === undefined) return undefined;
  const known = knownFaultPoints();
  if (known.includes(name)) return name;
  const hint = closest(name, known);
  return w.fail(path, `a fault point${hint ? ` (did you mean '${hint}'?)` : ''}: one of ${known.join(', ')}`, v);
}

/** Every fault point some protocol declares (`lockstep list` shows them per protocol). */
export function knownFaultPoints(): string[] {
  return [...new Set(PROTOCOLS.flatMap((p) => (p.faultPoints ?? []).map((x) => x.name)))];
}

/**
 * The fields this kind (and partition shape) takes: any other field is an error naming its path,
 * never ignored; required ones must be there; the target is one node (by node, role or point) or
 * directed links.
 */
function checkApplies(w: Walk, o: Record<string, unknown>, f: FaultSpec, kind: FaultKind, path: string, nodes: number): void {
  const shape = kind.shapes !== undefined ? partitionShape(f) : undefined;
  const fields: KindFields = shape !== undefined ? kind.shapes![shape] : kind;
  const what = shape !== undefined ? `partition shape '${shape}'` : `fault kind '${kind.name}'`;
  const allowed = new Set<string>(['kind', 'atUs', ...fields.requires, ...fields.optional, ...TARGET_FIELDS[fields.target]]);
  if (shape !== undefined) allowed.add('shape');
  if (fields.atPoint) for (const x of POINT_FIELDS) allowed.add(x);
  const takes = [...allowed].filter((x) => x !== 'kind' && x !== 'atUs').join(', ') || 'no other field';
  for (const key of Object.keys(o)) {
    if (allowed.has(key) || !(FAULT_FIELDS as readonly string[]).includes(key)) continue;
    w.fail(`${path}.${key}`, `no '${key}': it does not apply to ${what} (which takes ${takes})${hintFor(key, kind, shape)}`, o[key]);
  }
  for (const field of fields.requires) {
    if (o[field] === undefined) w.fail(`${path}.${field}`, `a value: ${what} requires ${fields.requires.join(', ')}`, undefined);
  }
  checkTarget(w, o, fields, what, path);
  if (o.hit !== undefined && o.point === undefined && fields.atPoint) w.fail(`${path}.point`, 'the fault point that hit counts', undefined);
  const needed = shape === 'bridge' ? 3 : 2;
  if (shape !== undefined && nodes < needed) w.fail(`${path}.shape`, `a shape this ${nodes}-node cluster can take ('${shape}' needs at least ${needed} nodes)`, o.shape ?? shape);
  if (f.from !== undefined && f.to !== undefined && f.from.length > 0 && f.to.length > 0 && linkPairs(f).length === 0) {
    w.fail(`${path}.to`, 'at least one link between two different nodes (from and to are the same single node)', o.to);
  }
}

/**
 * One node by node, role or point, or links. With a point, node narrows whose hits count, and role
 * names the node faulted when the point is reached (default: the node that reached it).
 */
function checkTarget(w: Walk, o: Record<string, unknown>, fields: KindFields, what: string, path: string): void {
  const links = o.from !== undefined || o.to !== undefined || o.direction !== undefined;
  const missing = o.from === undefined ? 'from' : 'to';
  if (links && (o.from === undefined || o.to === undefined) && !fields.requires.includes(missing)) {
    w.fail(`${path}.${missing}`, 'directed links need both from and to (sets of node ids)', undefined);
  }
  const byNode = o.node !== undefined || o.role !== undefined || o.point !== undefined;
  if (links && byNode) {
    const key = o.node !== undefined ? 'node' : o.role !== undefined ? 'role' : 'point';
    w.fail(`${path}.${key}`, `either one node (node, role or point) or directed links (from, to), not both, for ${what}`, o[key]);
  }
  if (o.node !== undefined && o.role !== undefined && o.point === undefined) w.fail(`${path}.role`, 'either node or role, not both (with a point, node names whose hits count and role the node faulted)', o.role);
  const needsNode = fields.target === 'node' || fields.target === 'node-or-links';
  if (needsNode && !byNode && !links) {
    const alt = fields.target === 'node-or-links' ? ', or directed links (from, to)' : '';
    w.fail(`${path}.node`, `a target: ${what} needs a node id, a role or a fault point${alt}`, undefined);
  }
}

/** A pointer to the right shape for a field another shape takes. */
function hintFor(key: string, kind: FaultKind, shape: PartitionShape | undefined): string {
  if (kind.shapes === undefined || shape === undefined) return '';
  const owners = (Object.entries(kind.shapes) as [PartitionShape, KindFields][])
    .filter(([, x]) => ([...x.requires, ...x.optional, ...TARGET_FIELDS[x.target]] as string[]).includes(key)).map(([n]) => `'${n}'`);
  if (owners.length === 0) return '';
  const oneWay = shape === 'one-way' && (key === 'nodes' || key === 'to' || key === 'from');
  const extra = oneWay ? "; for a one-way cut between given nodes use shape 'links' with from, to and direction 'one-way'" : '';
  return `; shape ${owners.join(' or ')} takes it${extra}`;
}

// ---- helpers -----------------------------------------------------------------------------------

/** Own-property assignment that also works for a key named "__proto__". */
function define(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  const seg = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? seg : `${path}.${seg}`;
}

export function fmtUs(us: number): string {
  if (us !== 0 && us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us !== 0 && us % 1_000 === 0) return `${us / 1_000}ms`;
  return `${us}us`;
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  switch (typeof v) {
    case 'string': return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'number': return `the number ${v}`;
    case 'boolean': return `${v}`;
    case 'object': return 'an object';
    default: return typeof v;
  }
}
