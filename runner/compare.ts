// The comparison engine: runs every chosen protocol (and variant) on identical fault tapes — same
// scenario, same seeds, so the same seed-drawn fault schedule — and builds CompareResults.
import type { Scenario } from '../scenarios/types.ts';
import { plan, buildInputOf } from '../scenarios/simulate.ts';
import { PROTOCOLS, resolveProtocol } from '../protocols/index.ts';
import type { RunOptions, SeedPool } from './pool.ts';
import { runFilePath, writeRunFile } from './runFiles.ts';
import { runSeed } from './runSeed.ts';
import type { SeedOutcome, WorkerJob } from './runSeed.ts';
import { pluginsFor } from './plugins.ts';
import { codeVersion } from './codeVersion.ts';
import type { SeedRecord } from './results.ts';
import type { CellSummary, CompareResults, FailureRef, RoundRefused } from './summary.ts';
import { CellAccumulator, COMPARE_FORMAT, summarizeProtocol } from './summary.ts';
import { wilson } from './stats.ts';
import { protocolLinesOfCode } from './loc.ts';

export interface ScenarioEntry {
  scenario: Scenario;
  /** Library name or file path, recorded in run-files. */
  source: string;
}

/**
 * Runs seeds of one scenario under one protocol, reporting each finished run. Compare calls it for
 * many cells at once; `opts.priority` says which of them a pool serves first.
 */
export type BatchRunner = (entry: ScenarioEntry, protocol: string, seeds: readonly number[], onRun: (o: SeedOutcome) => void, opts?: RunOptions) => Promise<void>;

export interface CompareOptions {
  /** Protocol names (`name` or `name/variant`). */
  protocols: readonly string[];
  scenarios: readonly ScenarioEntry[];
  /**
   * Seeds per protocol × scenario; 'auto' spends `budgetMs`: the correct designs run the same seeds
   * on every scenario, round after round, for as long as a round fits; each flawed variant runs until
   * it is caught (see runCompare).
   */
  seeds: number | 'auto';
  /** With 'auto': at most this many seeds per cell (default AUTO_MAX_SEEDS). */
  maxSeeds?: number;
  /**
   * With 'auto': stop the correct designs' rounds once they reach AUTO_TARGET_RUNS runs each (the
   * goal: a 95% upper bound of 10 per 1,000 with no failure), rather than spending the rest of the
   * budget (default true). A failure, or a budget too short, ends them earlier either way.
   */
  stopAtTarget?: boolean;
  /** With 'auto': the runs per correct design that count as the target (default AUTO_TARGET_RUNS). */
  targetRuns?: number;
  seedStart?: number;
  /** Wall-clock budget for 'auto' (default 50 s). */
  budgetMs?: number;
  /** Run-files are written here (default: none written). */
  runDir?: string;
  /** How many of each cell's smallest failures get a run-file (default 3). */
  runFilesPerCell?: number;
  runner?: BatchRunner;
  /** Parallelism of the runner (for 'auto'). */
  workers?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /**
   * With 'auto': worker-ms of other work the runner's workers still owe (compare's pool tasks: claims,
   * LVB table, diagrams), counted in each round's estimate next to the runs still to finish.
   */
  reservedMs?: () => number;
  /**
   * A failing run as it arrives, with the run-file path it will be written to (under `runDir`), so
   * the caller can start on its diagram while the other runs go on.
   */
  onFailure?: (protocol: string, outcome: SeedOutcome, runFilePath: string) => void;
}

/** The flagship protocols, in the order the seed discusses them. */
export const FLAGSHIP = ['dlm-lvb', 'oldest-member', 'lease'] as const;

/**
 * Expand protocol names: with none given, the registered flagship protocols (all registered when
 * none of them is) each followed by every variant; a given base name also brings its variants
 * unless `variants` is false.
 */
export function expandProtocols(names?: readonly string[], variants = true): string[] {
  const given = names !== undefined && names.length > 0;
  const wanted = given ? names : defaultBases();
  const out: string[] = [];
  for (const name of wanted) {
    const r = resolveProtocol(name.trim());
    out.push(r.name);
    if (r.variant === undefined && (variants || !given)) for (const v of r.def.variants) out.push(`${r.def.name}/${v.name}`);
  }
  return [...new Set(out)];
}

function defaultBases(): string[] {
  const registered = PROTOCOLS.map((p) => p.name);
  const flagship = FLAGSHIP.filter((n) => registered.includes(n));
  return flagship.length > 0 ? [...flagship] : registered;
}

/** The job of one cell: every runner hands it to runSeed(), the one path a seed takes. */
function compareJob(entry: ScenarioEntry, protocol: string, version: string): WorkerJob {
  return {
    scenario: entry.scenario, scenarioSource: entry.source, protocol, codeVersion: version,
    plugins: pluginsFor([protocol]), createdBy: 'compare',
  };
}

/** Run seeds in this thread, one after another. */
export const inProcessRunner: BatchRunner = async (entry, protocol, seeds, onRun) => {
  const job = compareJob(entry, protocol, codeVersion());
  for (const seed of seeds) onRun(await runSeed(job, seed));
};

/**
 * Run seeds on the CLI's warm worker pool (explore's workers), one message per finished seed. Cells
 * run concurrently share the workers, so every worker stays busy even with one seed per cell.
 */
export function poolRunner(pool: SeedPool): BatchRunner {
  const version = codeVersion();
  return async (entry, protocol, seeds, onRun, opts) => {
    await pool.run(compareJob(entry, protocol, version), seeds, (m) => onRun(m), () => false, opts);
  };
}

/**
 * Scenarios a protocol cannot run (its build rejects them, e.g. a workload it does not serve) are
 * left out of the comparison for every protocol, so all protocols still face the same tapes.
 */
export function compatibleScenarios(entries: readonly ScenarioEntry[], protocols: readonly string[]): { entries: ScenarioEntry[]; skipped: { scenario: string; protocol: string; why: string }[] } {
  const skipped: { scenario: string; protocol: string; why: string }[] = [];
  const ok = entries.filter((e) => {
    for (const name of protocols) {
      const r = resolveProtocol(name);
      try {
        r.def.build(buildInputOf(e.scenario, r.variant?.name, plan(e.scenario, { seed: 0 }).healAtUs));
      } catch (err) {
        skipped.push({ scenario: e.scenario.name, protocol: r.name, why: (err as Error).message.split('\n')[0]! });
        return false;
      }
    }
    return true;
  });
  return { entries: ok, skipped };
}

/** The 95% upper bound 'auto' aims at for a correct design with no failure: 10 races per 1,000 runs. */
export const AUTO_TARGET_BOUND = 0.01;
/** Failure-free runs that bring the Wilson 95% upper bound down to AUTO_TARGET_BOUND (381). */
export const AUTO_TARGET_RUNS = runsForBound(AUTO_TARGET_BOUND);
export const AUTO_MIN_SEEDS = 1;
export const AUTO_MAX_SEEDS = 2000;
/**
 * A flawed variant runs on this many scenarios at a time, and stops after the batch that caught it.
 * One: a variant's runs are sequential, so it stops at its first counterexample (with 4, 52 runs went
 * to the 11 flagship variants, 41 of them after the run that caught the variant had already been
 * started); the 11 variants running side by side still keep every worker busy.
 */
export const VARIANT_BATCH = 1;

/** The fewest failure-free runs whose 95% Wilson upper bound is at most `bound`. */
export function runsForBound(bound: number): number {
  let n = 1;
  while (wilson(0, n).hi > bound) n++;
  return n;
}

interface Cell {
  entry: ScenarioEntry;
  protocol: string;
  /** Every finished seed; summed in seed order at the end, so arrival order cannot change a summary. */
  records: SeedRecord[];
  smallest: SeedOutcome[];
}

/**
 * Run the comparison. Every cell (scenario × protocol) is submitted to the runner at once, so a pool
 * keeps all its workers busy; each cell's outcomes are summarised in seed order, so the results do
 * not depend on the number of workers or on which run finished first.
 *
 * `seeds: N` runs seeds first..first+N-1 in every cell. `seeds: 'auto'` spends the budget:
 * - the correct designs (no variant) run in rounds: round r is seed first+r on every scenario for
 *   every correct design, so they all face identical tapes and end with equal counts; a round starts
 *   while the estimate (the rounds' measured worker time over the workers) says it ends in budget;
 * - each flawed variant runs seed first+r on its scenarios VARIANT_BATCH at a time (seed first on
 *   every scenario, then first+1 …; the scenarios whose `protocol` is the variant's base first) and stops after the first batch in which a run failed — its
 *   counterexample — or when the budget is spent. Which runs a variant gets depends only on the
 *   outcomes, never on timing, except where the budget cuts it short.
 * The workers serve, in order: variants' first seed, the correct designs' rounds up to
 * AUTO_TARGET_RUNS runs each (where they stop unless `stopAtTarget` is false), then the rest by seed
 * (the lower seed first). One pool serves the whole comparison, so its workers stay warm across cells.
 */
export async function runCompare(opts: CompareOptions): Promise<CompareResults> {
  const started = performance.now();
  const runner = opts.runner ?? inProcessRunner;
  const workers = Math.max(1, opts.workers ?? 1);
  const seedStart = opts.seedStart ?? 1;
  const protocols = [...new Set(opts.protocols.map((p) => resolveProtocol(p).name))];
  const cells: Cell[] = [];
  for (const entry of opts.scenarios) for (const protocol of protocols) {
    cells.push({ entry, protocol, records: [], smallest: [] });
  }
  const keep = opts.runFilesPerCell ?? 3;
  let done = 0;
  let total = 0;
  /** Run seeds of a cell; true when one of them failed. */
  const runCell = async (cell: Cell, seeds: number[], priority: number): Promise<boolean> => {
    total += seeds.length;
    let failed = false;
    await runner(cell.entry, cell.protocol, seeds, (o) => {
      cell.records.push(o.record);
      if (o.record.violations.length > 0) {
        failed = true;
        if (opts.runDir !== undefined && o.runFile !== undefined) {
          keepSmallest(cell.smallest, o, keep);
          opts.onFailure?.(cell.protocol, o, runFilePath(opts.runDir, cell.entry.scenario.name, cell.protocol, o.record.seed));
        }
      }
      opts.onProgress?.(++done, total, `${cell.entry.scenario.name} × ${cell.protocol}`);
    }, { priority });
    return failed;
  };

  const roundsEndedMs: number[] = [];
  const refused: Partial<RoundRefused> = {};
  if (opts.seeds === 'auto') {
    await runAuto(opts, cells, protocols, runCell, started, workers, seedStart, roundsEndedMs, refused);
  } else {
    const seeds = range(seedStart, opts.seeds);
    await Promise.all(cells.map((cell) => runCell(cell, seeds, 0)));
  }

  const ran = cells.filter((cell) => cell.records.length > 0);
  const accs = ran.map((cell) => {
    const acc = new CellAccumulator(cell.entry.scenario.name, cell.protocol);
    for (const r of [...cell.records].sort((a, b) => a.seed - b.seed)) acc.add(r);
    return acc;
  });
  const summaries: CellSummary[] = ran.map((cell, i) => {
    if (opts.runDir !== undefined) writeSmallest(opts.runDir, cell, accs[i]!);
    return accs[i]!.finish();
  });
  const protocolSummaries = protocols.map((name) => {
    const r = resolveProtocol(name);
    return summarizeProtocol(summaries, {
      protocol: r.name,
      base: r.def.name,
      ...(r.variant ? { variant: r.variant.name, flaw: r.variant.flaw, caughtBy: r.variant.caughtBy } : {}),
      description: r.def.description,
      linesOfCode: protocolLinesOfCode(r.def.sourceFiles),
    }, accs);
  });
  const counts = new Set(cells.map((c) => c.records.length));
  const results: CompareResults = {
    format: COMPARE_FORMAT,
    createdBy: 'lockstep compare',
    codeVersion: codeVersion(),
    seedStart,
    seedMode: opts.seeds === 'auto' ? 'auto' : 'fixed',
    ...(counts.size === 1 ? { seedsPerCell: [...counts][0]! } : {}),
    workers,
    wallMs: performance.now() - started,
    workerMs: Math.round(cells.reduce((s, c) => s + c.records.reduce((t, x) => t + x.ms, 0), 0)),
    ...(opts.seeds === 'auto' ? { roundsEndedMs } : {}),
    ...(refused.round !== undefined ? { roundRefused: refused as RoundRefused } : {}),
    scenarios: opts.scenarios.map((e) => ({ name: e.scenario.name, description: e.scenario.description, nodes: e.scenario.nodes })),
    protocols: protocolSummaries,
    cells: summaries,
    answer: [],
  };
  return results;
}

type RunCell = (cell: Cell, seeds: number[], priority: number) => Promise<boolean>;

/**
 * Whether one more round of the correct designs ends by `deadline`: the runs still to finish (in
 * flight and the new round) at `perRunMs` worker-ms each, plus `reservedMs` of other work the workers
 * owe, spread over `workers`.
 */
export function roundFits(now: number, deadline: number, leftRuns: number, perRunMs: number, reservedMs: number, workers: number): boolean {
  return now + (leftRuns * perRunMs + reservedMs) / Math.max(1, workers) <= deadline;
}

/** The fields of a scenario that make its runs differ; name, description and protocol do not. */
const NOT_SIMULATED = new Set(['name', 'description', 'protocol', '$schema']);

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Scenarios whose runs under a given protocol are the same simulation as an earlier one's (they
 * differ only in name, description or the protocol they were written for, which compare overrides):
 * the same seed gives the same trace, so a second copy would count one run twice in the bound. The
 * first of each group is kept; `dropped` names the others and the scenario each repeats.
 */
export function distinctScenarios(entries: readonly ScenarioEntry[]): { entries: ScenarioEntry[]; dropped: { scenario: string; sameAs: string }[] } {
  const seen = new Map<string, string>();
  const kept: ScenarioEntry[] = [];
  const dropped: { scenario: string; sameAs: string }[] = [];
  for (const e of entries) {
    const key = canonical(Object.fromEntries(Object.entries(e.scenario).filter(([k]) => !NOT_SIMULATED.has(k))));
    const first = seen.get(key);
    if (first !== undefined) {
      dropped.push({ scenario: e.scenario.name, sameAs: first });
      continue;
    }
    seen.set(key, e.scenario.name);
    kept.push(e);
  }
  return { entries: kept, dropped };
}

/** Pool priorities of 'auto' (lower first). */
const FIRST_SEED_OF_VARIANTS = 0;
const CORRECT_UP_TO_TARGET = 1;
const bySeed = (r: number): number => 2 + r;

/**
 * A flawed variant's run of seed `first + r`: seed `first` on a scenario aimed at its design (whose
 * `protocol` names the variant's base; every scenario when none does) before everything; seed `first`
 * elsewhere right after the correct designs' rounds up to the target; later seeds by seed after those.
 */
export function variantPriority(r: number, aimed: boolean): number {
  return r === 0 && aimed ? FIRST_SEED_OF_VARIANTS : bySeed(r);
}

async function runAuto(opts: CompareOptions, cells: readonly Cell[], protocols: readonly string[], runCell: RunCell, started: number, workers: number, seedStart: number, roundsEndedMs: number[], refused: Partial<RoundRefused>): Promise<void> {
  const deadline = started + (opts.budgetMs ?? 50_000);
  const maxSeeds = Math.max(AUTO_MIN_SEEDS, Math.min(opts.maxSeeds ?? AUTO_MAX_SEEDS, AUTO_MAX_SEEDS));
  const isVariant = (p: string): boolean => resolveProtocol(p).variant !== undefined;
  const correct = cells.filter((c) => !isVariant(c.protocol));
  const targetRounds = Math.ceil((opts.targetRuns ?? AUTO_TARGET_RUNS) / Math.max(1, opts.scenarios.length));
  const lastRound = opts.stopAtTarget === false ? maxSeeds : Math.min(maxSeeds, targetRounds);

  const correctRounds = async (): Promise<void> => {
    if (correct.length === 0) return;
    const inFlight: Promise<unknown>[] = [];
    /** Worker ms per run in the latest finished round: the warmest estimate of the next ones. */
    let perRunMs = 0;
    let submitted = 0;
    const finished = (): number => correct.reduce((s, c) => s + c.records.length, 0);
    const round = async (r: number, priority: number): Promise<void> => {
      const before = correct.map((c) => c.records.length);
      submitted += correct.length;
      await Promise.all(correct.map((c) => runCell(c, [seedStart + r], priority)));
      roundsEndedMs[r] = Math.round(performance.now() - started);
      perRunMs = correct.reduce((s, c, i) => s + c.records.slice(before[i]).reduce((t, x) => t + x.ms, 0), 0) / correct.length;
    };
    for (let r = 0; r < lastRound; r++) {
      // Round 1 waits for round 0 (the pilot: it measures a round); later rounds overlap one round.
      if (inFlight.length >= (r <= 1 ? 1 : 2)) await inFlight.shift();
      if (r > 0) {
        // The runs still to finish (in flight and this round) and the other work the workers owe,
        // spread over the workers.
        const leftRuns = submitted - finished() + correct.length;
        const now = performance.now();
        const reserved = opts.reservedMs?.() ?? 0;
        if (!roundFits(now, deadline, leftRuns, perRunMs, reserved, workers)) {
          refused.round = r;
          refused.atMs = Math.round(now - started);
          refused.wouldEndMs = Math.round(now - started + (leftRuns * perRunMs + reserved) / Math.max(1, workers));
          refused.leftRuns = leftRuns;
          refused.perRunMs = Math.round(perRunMs);
          refused.reservedMs = Math.round(reserved);
          break;
        }
      }
      const priority = r < targetRounds ? CORRECT_UP_TO_TARGET : bySeed(r);
      inFlight.push(round(r, priority));
    }
    await Promise.all(inFlight);
  };

  const variantUntilCaught = async (protocol: string): Promise<void> => {
    // Scenarios written for this design (their `protocol` names its base) first, then the rest in
    // library order: where a planted flaw is most likely to show, without naming any variant.
    const base = resolveProtocol(protocol).def.name;
    const aimed = (c: Cell): number => (c.entry.scenario.protocol?.split('/')[0] === base ? 0 : 1);
    const mine = cells.filter((c) => c.protocol === protocol).sort((a, b) => aimed(a) - aimed(b));
    // With no scenario aimed at its design, every scenario counts as aimed.
    const anyAimed = mine.some((c) => aimed(c) === 0);
    // Seed `first` on the aimed scenarios runs whole, like the correct designs' first round: on a
    // loaded machine the budget is spent before a variant's second run starts (load 29 on two cores:
    // every variant stopped after 1 run, none caught), and which runs a variant gets must not depend
    // on the load. Every flagship variant that random runs catch is caught within this sweep.
    const firstSweep = (r: number, c: Cell): boolean => r === 0 && (!anyAimed || aimed(c) === 0);
    for (let r = 0; r < maxSeeds; r++) {
      for (let i = 0; i < mine.length; i += VARIANT_BATCH) {
        const batch = mine.slice(i, i + VARIANT_BATCH);
        if ((r > 0 || i > 0) && !batch.every((c) => firstSweep(r, c)) && performance.now() >= deadline) return;
        // Seed `first` on the scenarios aimed at the variant's design (all of them when none is) comes
        // before everything; on the rest it comes after the correct designs' rounds up to the target
        // (a variant that none of its own design's scenarios catches must not hold the rounds back).
        const failed = await Promise.all(batch.map((c) => runCell(c, [seedStart + r], variantPriority(r, firstSweep(r, c)))));
        if (failed.some((f) => f)) return;
      }
    }
  };

  await Promise.all([correctRounds(), ...protocols.filter(isVariant).map(variantUntilCaught)]);
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/** Keep the `keep` smallest failing outcomes (fewest events, then faults, then seed). */
function keepSmallest(list: SeedOutcome[], o: SeedOutcome, keep: number): void {
  list.push(o);
  list.sort((a, b) => a.record.events - b.record.events || a.record.faultsFired - b.record.faultsFired || a.record.seed - b.record.seed);
  if (list.length > keep) list.length = keep;
}

function writeSmallest(dir: string, cell: Cell, acc: CellAccumulator): void {
  const refs = new Map<number, FailureRef>();
  for (const f of acc.peekFailures()) refs.set(f.seed, f);
  for (const o of cell.smallest) {
    const path = runFilePath(dir, cell.entry.scenario.name, cell.protocol, o.record.seed);
    writeRunFile(path, o.runFile!);
    const ref = refs.get(o.record.seed);
    if (ref) ref.runFile = path;
  }
}
