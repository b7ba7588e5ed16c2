// The comparison's results: per protocol × scenario cells and per protocol summaries, shaped as
// explore summaries (DESIGN §5) plus the comparison's metrics. Pure: built from run outcomes.
import type { LvbTableSummary } from './lvbTable.ts';
import type { Violation } from '../sim/types.ts';
import type { SeedRecord } from './results.ts';
import type { Distribution, RateCi } from './stats.ts';
import { distribution, wilson } from './stats.ts';
import type { MetricName } from './metrics.ts';
import { METRIC_RULES, runMetrics } from './metrics.ts';

export const COMPARE_FORMAT = 'lockstep-compare/2';
/** The previous format: every cell ran `seedsPerCell` seeds (read by `lockstep report`). */
export const COMPARE_FORMAT_V1 = 'lockstep-compare/1';

/** What a summary reads of one seed: the one per-seed record (results.ts), whatever produced it. */
export type SeedFacts = Pick<SeedRecord, 'seed' | 'violations' | 'events' | 'faultsFired' | 'coverage' | 'simTimeUs' | 'metrics' | 'ms'>;

export interface FailureRef {
  seed: number;
  violations: Violation[];
  /** Path of the run-file, when one was written. */
  runFile?: string;
  events: number;
  /** How many faults fired in the run (a smaller example has fewer). */
  faults: number;
}

/** Seeds with at least one violation of the checker, with the Wilson interval of the rate. */
export interface CheckerRate extends RateCi {
  checker: string;
  kind: Violation['kind'];
}

/** The explore summary of DESIGN §5 with the comparison's rates: shared by a cell and a protocol row. */
export interface SummaryColumns {
  scenario: string;
  protocol: string;
  seeds: number;
  failed: number;
  failures: FailureRef[];
  checkersFired: Record<string, number>;
  seedsPerSec: number;
  /** Seeds with any `always` (safety) violation. */
  safety: RateCi;
  /** Seeds with any `eventually` (liveness) violation. */
  liveness: RateCi;
  /** Seeds that hit a budget or threw. */
  errors: RateCi;
  smallestFailure?: FailureRef;
}

/** One protocol on one scenario: an explore summary plus the comparison's columns. */
export interface CellSummary extends SummaryColumns {
  byChecker: CheckerRate[];
  metrics: Partial<Record<MetricName, Distribution>>;
  /** Up to 1,000 per-run failover latencies, for the latency charts. */
  latencySamplesUs: number[];
  /** `sometimes` checkers: in how many seeds each was reached. */
  coverage: Record<string, number>;
  wallMs: number;
}

/** One protocol over all scenarios: the explore summary DESIGN §5 asks compare for, per protocol. */
export interface ProtocolSummary extends SummaryColumns {
  base: string;
  variant?: string;
  flaw?: string;
  caughtBy?: string[];
  description: string;
  linesOfCode: number | undefined;
  /** Scenarios this protocol ran at least one seed of. */
  scenariosRun: number;
  /** Seeds per scenario when this protocol ran the same count on each of them; absent when they differ. */
  seedsPerScenario?: number;
  /** The comparison's metrics over all this protocol's runs. */
  metrics: Partial<Record<MetricName, Distribution>>;
}

export interface CompareResults {
  format: typeof COMPARE_FORMAT;
  createdBy: string;
  codeVersion: string;
  seedStart: number;
  /**
   * 'fixed' (--seeds N: every cell ran seeds seedStart..seedStart+N-1) or 'auto' (the budget: the
   * correct designs ran the same seeds on every scenario, each flawed variant ran until caught, so
   * cells can differ; a cell a variant never reached is absent). Per protocol: ProtocolSummary.
   */
  seedMode: 'fixed' | 'auto';
  /** Seeds per cell when every protocol ran the same count on every scenario; absent when they differ. */
  seedsPerCell?: number;
  workers: number;
  wallMs: number;
  /**
   * Worker time the runs took, ms: the sum over runs of each run's time on its worker (record `ms`).
   * `workerMs / (workers × wallMs)` is how busy the workers were.
   */
  workerMs?: number;
  /** With `seeds: auto`: when each round of the correct designs finished, ms after the runs began. */
  roundsEndedMs?: number[];
  /** With `seeds: auto`: the round the estimate did not start (it would have ended past the budget). */
  roundRefused?: RoundRefused;
  /** Where the command's wall time went, ms (filled in by the CLI; absent in older files). */
  timings?: CompareTimings;
  scenarios: { name: string; description: string; nodes: number }[];
  protocols: ProtocolSummary[];
  cells: CellSummary[];
  /** Plain-words answers generated from the data (reports/answer.ts; the CLI fills them in). */
  answer: string[];
  /** Phillips' LVB question measured by `check` (runner/lvbTableRun.ts); absent with --no-lvb-table. */
  lvbTable?: LvbTableSummary;
}

/** A round of the correct designs not started: when it was decided, and when the estimate said it would end (ms after the runs began). */
export interface RoundRefused {
  round: number;
  atMs: number;
  wouldEndMs: number;
  /** The estimate's terms: runs still to finish (in flight and the round), worker-ms per run, worker-ms owed by tasks. */
  leftRuns: number;
  perRunMs: number;
  reservedMs: number;
}

/**
 * Where `lockstep compare`'s time went, ms. The claims, the LVB table and the diagrams run on the pool's
 * workers while the seeds run: their figures are worker time spent alongside the runs, not phases after them.
 */
export interface CompareTimings {
  /** Starting the worker threads until each reported ready (wall). */
  poolStartMs: number;
  /** The runs (wall; the same span as `wallMs`). */
  runsMs: number;
  /** Worker time of the bounded-check claims' searches (0 when cached for this code version). */
  claimsMs: number;
  /** Worker time of the LVB table (0 with --no-lvb-table). */
  lvbTableMs?: number;
  /** Worker time of the report's diagrams (replays with a trace, and their views). */
  diagramsMs?: number;
  /** Wall time after the runs, waiting for tasks still running on the workers. */
  waitMs?: number;
  /** Rendering and writing the report files (wall). */
  reportsMs: number;
  /** The whole command from the pool's start (wall). */
  totalMs?: number;
  /** CPU time of the process (every thread) during the runs, and in all. */
  runsCpuMs?: number;
  cpuMs?: number;
  /** CPU time of the worker threads in the claims, LVB table and diagrams, and of the main thread (Linux). */
  claimsCpuMs?: number;
  lvbTableCpuMs?: number;
  diagramsCpuMs?: number;
  mainCpuMs?: number;
}

const SAMPLE_CAP = 1000;

/** Collects the outcomes of one protocol × scenario cell. */
export class CellAccumulator {
  private seeds = 0;
  private readonly failures: FailureRef[] = [];
  private readonly checkersFired: Record<string, number> = {};
  private readonly kindOf = new Map<string, Violation['kind']>();
  private safetyCount = 0;
  private livenessCount = 0;
  private errorCount = 0;
  private readonly samples = new Map<MetricName, number[]>();
  private readonly coverage: Record<string, number> = {};
  private wallMs = 0;

  constructor(readonly scenario: string, readonly protocol: string) {}

  add(r: SeedFacts): FailureRef | undefined {
    this.seeds++;
    this.wallMs += r.ms;
    for (const [name, reached] of Object.entries(r.coverage)) this.coverage[name] = (this.coverage[name] ?? 0) + (reached ? 1 : 0);
    for (const [name, v] of Object.entries(runMetrics({ metrics: r.metrics ?? {}, simTimeUs: r.simTimeUs })) as [MetricName, number][]) {
      let xs = this.samples.get(name);
      if (xs === undefined) this.samples.set(name, (xs = []));
      xs.push(v);
    }
    if (r.violations.length === 0) return undefined;
    const kinds = new Set(r.violations.map((v) => v.kind));
    if (kinds.has('always')) this.safetyCount++;
    if (kinds.has('eventually')) this.livenessCount++;
    if (kinds.has('budget') || kinds.has('exception')) this.errorCount++;
    for (const v of new Set(r.violations.map((x) => x.checker))) this.checkersFired[v] = (this.checkersFired[v] ?? 0) + 1;
    for (const v of r.violations) this.kindOf.set(v.checker, v.kind);
    const ref: FailureRef = { seed: r.seed, violations: r.violations, events: r.events, faults: r.faultsFired };
    this.failures.push(ref);
    return ref;
  }

  /** Per-run samples of a metric so far (for aggregates over several cells). */
  samplesOf(name: MetricName): readonly number[] {
    return this.samples.get(name) ?? [];
  }

  /** The failures so far (shared objects: a run-file path set on one shows in the summary). */
  peekFailures(): readonly FailureRef[] {
    return this.failures;
  }

  finish(): CellSummary {
    const n = this.seeds;
    const failures = [...this.failures].sort((a, b) => a.seed - b.seed);
    const metrics: Partial<Record<MetricName, Distribution>> = {};
    for (const [name, xs] of this.samples) {
      const d = distribution(xs);
      if (d !== undefined) metrics[name] = d;
    }
    const byChecker = Object.keys(this.checkersFired).sort().map((checker) => ({
      checker,
      kind: this.kindOf.get(checker)!,
      ...wilson(this.checkersFired[checker]!, n),
    }));
    const smallest = smallestOf(failures);
    return {
      scenario: this.scenario,
      protocol: this.protocol,
      seeds: n,
      failed: failures.length,
      failures,
      checkersFired: { ...this.checkersFired },
      seedsPerSec: this.wallMs > 0 ? n / (this.wallMs / 1000) : 0,
      safety: wilson(this.safetyCount, n),
      liveness: wilson(this.livenessCount, n),
      errors: wilson(this.errorCount, n),
      byChecker,
      metrics,
      latencySamplesUs: (this.samples.get('failoverLatencyUs') ?? []).slice(0, SAMPLE_CAP),
      coverage: { ...this.coverage },
      ...(smallest ? { smallestFailure: smallest } : {}),
      wallMs: this.wallMs,
    };
  }
}

/** The smallest failing example: fewest events, then fewest faults, then lowest seed. */
export function smallestOf(failures: readonly FailureRef[]): FailureRef | undefined {
  let best: FailureRef | undefined;
  for (const f of failures) {
    if (best === undefined || f.events < best.events || (f.events === best.events && (f.faults < best.faults || (f.faults === best.faults && f.seed < best.seed)))) best = f;
  }
  return best;
}

/** What a protocol row says about the protocol itself (not its runs). */
export type ProtocolInfo = Pick<ProtocolSummary, 'protocol' | 'base' | 'variant' | 'flaw' | 'caughtBy' | 'description' | 'linesOfCode'>;

/** Aggregate a protocol's cells (a seed counts once per scenario it ran on). */
export function summarizeProtocol(
  cells: readonly CellSummary[],
  info: ProtocolInfo,
  accumulators: readonly CellAccumulator[] = [],
): ProtocolSummary {
  const mine = cells.filter((c) => c.protocol === info.protocol);
  const seeds = mine.reduce((s, c) => s + c.seeds, 0);
  const counts = new Set(mine.map((c) => c.seeds));
  const checkersFired: Record<string, number> = {};
  for (const c of mine) for (const [k, v] of Object.entries(c.checkersFired)) checkersFired[k] = (checkersFired[k] ?? 0) + v;
  const sum = (f: (c: CellSummary) => number): number => mine.reduce((s, c) => s + f(c), 0);
  const wallMs = sum((c) => c.wallMs);
  const failures = mine.flatMap((c) => c.failures);
  const smallest = smallestOf(mine.flatMap((c) => (c.smallestFailure ? [c.smallestFailure] : [])));
  const out: ProtocolSummary = {
    scenario: mine.map((c) => c.scenario).join(','),
    ...info,
    seeds,
    scenariosRun: mine.filter((c) => c.seeds > 0).length,
    ...(counts.size === 1 ? { seedsPerScenario: [...counts][0]! } : {}),
    failed: sum((c) => c.failed),
    failures,
    checkersFired,
    seedsPerSec: wallMs > 0 ? seeds / (wallMs / 1000) : 0,
    safety: wilson(sum((c) => c.safety.count), seeds),
    liveness: wilson(sum((c) => c.liveness.count), seeds),
    errors: wilson(sum((c) => c.errors.count), seeds),
    metrics: pooledMetrics(accumulators.filter((a) => a.protocol === info.protocol)),
  };
  if (smallest) out.smallestFailure = smallest;
  return out;
}

/** Distributions of every metric over the runs of several cells. */
export function pooledMetrics(accs: readonly CellAccumulator[]): Partial<Record<MetricName, Distribution>> {
  const out: Partial<Record<MetricName, Distribution>> = {};
  for (const name of Object.keys(METRIC_RULES) as MetricName[]) {
    const d = distribution(accs.flatMap((a) => [...a.samplesOf(name)]));
    if (d !== undefined) out[name] = d;
  }
  return out;
}

/** The exit verdict of a comparison: what went wrong, in one sentence each (none = exit 0). */
export interface CompareVerdict {
  /** A correct (non-variant) protocol that failed some seed: a property violated, a budget or a throw. */
  correctFailed: { protocol: string; failed: number; seeds: number }[];
  /** A flawed variant that no seed caught: the comparison did not show its flaw. */
  variantsMissed: { protocol: string; seeds: number }[];
}

/**
 * Compare exits 1 only when a correct design fails or a flawed variant is NOT caught; flawed
 * variants failing is the expected outcome and exits 0.
 */
export function compareVerdict(results: CompareResults): CompareVerdict {
  const correctFailed = results.protocols.filter((p) => p.variant === undefined && p.failed > 0)
    .map((p) => ({ protocol: p.protocol, failed: p.failed, seeds: p.seeds }));
  const variantsMissed = results.protocols.filter((p) => p.variant !== undefined && p.failed === 0)
    .map((p) => ({ protocol: p.protocol, seeds: p.seeds }));
  return { correctFailed, variantsMissed };
}
