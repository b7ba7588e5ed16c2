// fast-check arbitraries for fault schedules, scenarios and seeds: a property test draws them and
// fast-check's own shrinking reduces a failing schedule (fewer faults, shorter, earlier, lower ids).
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { FaultSpec } from '../sim/faults/spec.ts';
import { faultKind } from '../sim/faults/registry.ts';
import type { NodeId } from '../sim/types.ts';
import type { Scenario } from './types.ts';

/** The kinds drawn by default: what the 'standard' swarm profile draws. */
export const DEFAULT_ARBITRARY_KINDS: readonly string[] = [
  'crash', 'fast-reboot', 'pause', 'partition', 'clog', 'clock-jump', 'clock-drift', 'fence-failure', 'fence-slow', 'flaky-network',
];

export interface FaultScheduleOptions {
  /** Cluster size (ids 1..nodes) or the node ids faults may name. */
  nodes: number | readonly NodeId[];
  /** Faults start in [startUs, durationUs): pass the scenario's fault phase (its healAtUs). */
  durationUs: number;
  /** Earliest fault time (default 0). */
  startUs?: number;
  /** Fault kinds to draw (default DEFAULT_ARBITRARY_KINDS); order matters: shrinking prefers the first. */
  kinds?: readonly string[];
  minFaults?: number;
  /** Most faults in one schedule (default 4). */
  maxFaults?: number;
  /** Longest duration of one fault (default: the whole window). */
  maxFaultDurationUs?: number;
  /** Message types for 'drop-messages' (the kind is only drawable with them). */
  messageTypes?: readonly string[];
}

/**
 * A fault schedule valid for the engine: each fault carries the fields its kind requires, with
 * integer microsecond times, sorted by time. Built from shrinkable primitives (an array of records
 * of integers), so fast-check shrinks towards fewer, shorter, earlier faults on lower node ids.
 */
export function faultSchedule(opts: FaultScheduleOptions): Arbitrary<FaultSpec[]> {
  const ids = typeof opts.nodes === 'number' ? Array.from({ length: opts.nodes }, (_, i) => i + 1) : [...opts.nodes];
  if (ids.length === 0) throw new RangeError('faultSchedule: needs at least one node');
  const startUs = opts.startUs ?? 0;
  if (!(opts.durationUs > startUs)) throw new RangeError(`faultSchedule: durationUs (${opts.durationUs}) must be after startUs (${startUs})`);
  // A partition needs two nodes to cut apart.
  const kinds = (opts.kinds ?? DEFAULT_ARBITRARY_KINDS).filter((k) => (k !== 'partition' && k !== 'slow-link') || ids.length >= 2);
  if (kinds.length === 0) throw new RangeError(`faultSchedule: no fault kind left to draw for ${ids.length} node(s)`);
  const ctx: KindContext = {
    ids,
    atUs: fc.integer({ min: startUs, max: opts.durationUs - 1 }),
    durationUs: fc.integer({ min: 1, max: Math.max(1, opts.maxFaultDurationUs ?? opts.durationUs - startUs) }),
    node: fc.integer({ min: 0, max: ids.length - 1 }).map((i) => ids[i]!),
    messageTypes: opts.messageTypes ?? [],
  };
  const one = fc.oneof(...kinds.map((k) => faultOf(k, ctx)));
  return fc.array(one, { minLength: opts.minFaults ?? 0, maxLength: opts.maxFaults ?? 4 }).map(sortByTime);
}

interface KindContext {
  ids: NodeId[];
  atUs: Arbitrary<number>;
  durationUs: Arbitrary<number>;
  node: Arbitrary<NodeId>;
  messageTypes: readonly string[];
}

/** One fault of kind `kind`, with exactly the fields the engine needs. */
export function faultOf(kind: string, c: KindContext): Arbitrary<FaultSpec> {
  faultKind(kind); // throws on an unknown kind, naming the known ones
  const { atUs, durationUs, node } = c;
  switch (kind) {
    case 'crash':
    case 'pause':
    case 'clog':
      return fc.record({ kind: fc.constant(kind), atUs, node, durationUs });
    case 'restart':
    case 'resume':
      return fc.record({ kind: fc.constant(kind), atUs, node });
    case 'fast-reboot':
      return fc.record({ kind: fc.constant(kind), atUs, node, durationUs: fc.integer({ min: 1, max: 500_000 }) });
    case 'heal':
      return fc.record({ kind: fc.constant(kind), atUs });
    case 'partition':
      return partitionOf(c);
    case 'clock-jump':
      return fc.record({ kind: fc.constant(kind), atUs, node, deltaUs: fc.integer({ min: -5_000_000, max: 5_000_000 }) });
    case 'clock-drift':
      return fc.record({ kind: fc.constant(kind), atUs, node, ppm: fc.integer({ min: -500, max: 500 }), durationUs });
    case 'fence-failure':
      return fc.record({ kind: fc.constant(kind), atUs, durationUs });
    case 'fence-slow':
      return fc.record({ kind: fc.constant(kind), atUs, durationUs, extraUs: fc.integer({ min: 0, max: 5_000_000 }) });
    case 'flaky-network':
      return fc.record({ kind: fc.constant(kind), atUs, durationUs, loss: fc.integer({ min: 0, max: 1000 }).map((l) => l / 1000) });
    case 'drop-messages': {
      if (c.messageTypes.length === 0) throw new RangeError("faultSchedule: 'drop-messages' needs messageTypes");
      return fc.record({ kind: fc.constant(kind), atUs, durationUs, messageType: fc.constantFrom(...c.messageTypes) });
    }
    case 'slow-link':
      return fc.record({
        kind: fc.constant(kind), atUs, durationUs, extraUs: fc.integer({ min: 1, max: 200_000 }),
        from: fc.subarray(c.ids, { minLength: 1, maxLength: c.ids.length - 1 }), oneWay: fc.boolean(),
      }).map(({ oneWay, from, ...f }): FaultSpec => ({
        ...f, from, to: c.ids.filter((n) => !from.includes(n)), direction: oneWay ? 'one-way' : 'both',
      }));
    default:
      throw new RangeError(`faultSchedule: no arbitrary for fault kind '${kind}'`);
  }
}

/** Partitions with explicit sides (isolate, one-way, or two groups), so shrinking sees every node id. */
function partitionOf(c: KindContext): Arbitrary<FaultSpec> {
  const { atUs, durationUs, node } = c;
  const isolate = fc.record({ kind: fc.constant('partition'), atUs, shape: fc.constant('isolate' as const), node, durationUs });
  const oneWay = fc.record({ kind: fc.constant('partition'), atUs, shape: fc.constant('one-way' as const), node, durationUs });
  if (c.ids.length < 3) return fc.oneof(isolate, oneWay);
  const side = fc.subarray(c.ids, { minLength: 1, maxLength: c.ids.length - 1 });
  const groups = fc.record({ kind: fc.constant('partition'), atUs, shape: fc.constant('groups' as const), side, durationUs })
    .map(({ side: a, ...f }): FaultSpec => ({ ...f, groups: [a, c.ids.filter((n) => !a.includes(n))] }));
  return fc.oneof(isolate, oneWay, groups);
}

function sortByTime(faults: FaultSpec[]): FaultSpec[] {
  return faults.map((f, i) => [f, i] as const).sort((a, b) => a[0].atUs - b[0].atUs || a[1] - b[1]).map(([f]) => f);
}

export interface ScenarioArbitraryOptions {
  /** Fields every drawn scenario shares (protocol, cluster, workload, checkers …). */
  base?: Partial<Scenario>;
  /** Cluster size range (default 3..5). */
  nodes?: { min: number; max: number };
  /** Run length (default base.durationUs or 30 s). */
  durationUs?: number;
  /** End of the fault phase (default base.healAtUs or 2/3 of the run). */
  healAtUs?: number;
  kinds?: readonly string[];
  maxFaults?: number;
  maxFaultDurationUs?: number;
}

/** A whole scenario: cluster size and a scripted fault schedule (shrinks to fewer nodes and faults). */
export function scenario(opts: ScenarioArbitraryOptions = {}): Arbitrary<Scenario> {
  const durationUs = opts.durationUs ?? opts.base?.durationUs ?? 30_000_000;
  const healAtUs = opts.healAtUs ?? opts.base?.healAtUs ?? Math.floor((durationUs * 2) / 3);
  const range = opts.nodes ?? { min: 3, max: 5 };
  return fc.integer(range).chain((n) =>
    faultSchedule({
      nodes: n, durationUs: healAtUs,
      ...(opts.kinds !== undefined ? { kinds: opts.kinds } : {}),
      ...(opts.maxFaults !== undefined ? { maxFaults: opts.maxFaults } : {}),
      ...(opts.maxFaultDurationUs !== undefined ? { maxFaultDurationUs: opts.maxFaultDurationUs } : {}),
    }).map((script): Scenario => ({
      name: 'arbitrary',
      description: 'A scenario drawn by fast-check.',
      ...opts.base,
      nodes: n,
      durationUs,
      healAtUs,
      faults: { script },
    })));
}

/** A run seed (a 32-bit unsigned integer; shrinks towards 0). */
export function seed(): Arbitrary<number> {
  return fc.integer({ min: 0, max: 0xffff_ffff });
}

/** The arbitraries, as the library exports them: `import { arbitraries } from 'lockstep'`. */
export const arbitraries = { faultSchedule, scenario, seed } as const;
