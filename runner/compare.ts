// The comparison engine: runs every chosen protocol (and variant) on identical fault tapes — same
// scenario, same seeds, so the same seed-drawn fault schedule — and builds CompareResults.
import type { Scenario } from '../scenarios/types.ts';
import { plan, buildInputOf } from '../scenarios/simulate.ts';
import { PROTOCOLS, resolveProtocol } from '../protocols/index.ts';
import type { WorkerPool } from './pool.ts';
import { runFilePath, writeRunFile } from './runFiles.ts';
import { runSeed } from './runSeed.ts';
import type { SeedOutcome, WorkerJob } from './runSeed.ts';
import { pluginsFor } from './plugins.ts';
import { codeVersion } from './codeVersion.ts';
import type { CellSummary, CompareResults, FailureRef } from './summary.ts';
import { CellAccumulator, COMPARE_FORMAT, summarizeProtocol } from './summary.ts';
import { protocolLinesOfCode } from './loc.ts';

export interface ScenarioEntry {
  scenario: Scenario;
  /** Library name or file path, recorded in run-files. */
  source: string;
}

/** Runs seeds of one scenario under one protocol, reporting each finished run. */
export type BatchRunner = (entry: ScenarioEntry, protocol: string, seeds: readonly number[], onRun: (o: SeedOutcome) => void) => Promise<void>;

export interface CompareOptions {
  /** Protocol names (`name` or `name/variant`). */
  protocols: readonly string[];
  scenarios: readonly ScenarioEntry[];
  /** Seeds per protocol × scenario; 'auto' picks a count that fits `budgetMs`. */
  seeds: number | 'auto';
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

/** A finished seed as compare counts it. */
/** Run seeds in this thread. */
export const inProcessRunner: BatchRunner = async (entry, protocol, seeds, onRun) => {
  const job = compareJob(entry, protocol, codeVersion());
  for (const seed of seeds) onRun(await runSeed(job, seed));
};

/** Run seeds on the CLI's warm worker pool (explore's workers), one message per finished seed. */
export function poolRunner(pool: WorkerPool): BatchRunner {
  const version = codeVersion();
  return async (entry, protocol, seeds, onRun) => {
    await pool.run(compareJob(entry, protocol, version), seeds, (m) => onRun(m), () => false);
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

const PILOT_SEEDS = 1;
export const AUTO_MIN_SEEDS = PILOT_SEEDS;
export const AUTO_MAX_SEEDS = 2000;
/** 'auto' runs the seeds after the pilot in about this many rounds, checking the clock after each. */
const AUTO_ROUNDS = 4;

interface Cell {
  entry: ScenarioEntry;
  protocol: string;
  acc: CellAccumulator;
  smallest: SeedOutcome[];
}

export async function runCompare(opts: CompareOptions): Promise<CompareResults> {
  const started = performance.now();
  const runner = opts.runner ?? inProcessRunner;
  const workers = Math.max(1, opts.workers ?? 1);
  const seedStart = opts.seedStart ?? 1;
  const protocols = [...new Set(opts.protocols.map((p) => resolveProtocol(p).name))];
  const cells: Cell[] = [];
  for (const entry of opts.scenarios) for (const protocol of protocols) {
    cells.push({ entry, protocol, acc: new CellAccumulator(entry.scenario.name, protocol), smallest: [] });
  }
  const keep = opts.runFilesPerCell ?? 3;
  let done = 0;
  let total = 0;
  const runCell = async (cell: Cell, seeds: number[]): Promise<void> => {
    await runner(cell.entry, cell.protocol, seeds, (o) => {
      if (cell.acc.add(o.record) !== undefined && opts.runDir !== undefined && o.runFile !== undefined) keepSmallest(cell.smallest, o, keep);
      opts.onProgress?.(++done, total, `${cell.entry.scenario.name} × ${cell.protocol}`);
    });
  };

  let seeds: number;
  if (opts.seeds === 'auto') {
    // Rounds of seeds over every cell: the pilot measures the cost of a run, later rounds stop once
    // the budget is spent — always at a round boundary, so every cell has run the same seeds.
    const budget = opts.budgetMs ?? 50_000;
    total = cells.length * PILOT_SEEDS;
    const pilotStart = performance.now();
    for (const cell of cells) await runCell(cell, range(seedStart, PILOT_SEEDS));
    seeds = PILOT_SEEDS;
    const msPerSeedRound = Math.max(0.05, (performance.now() - pilotStart) / PILOT_SEEDS);
    const target = Math.min(AUTO_MAX_SEEDS, Math.max(AUTO_MIN_SEEDS, PILOT_SEEDS + Math.floor(Math.max(0, budget - (performance.now() - started)) / msPerSeedRound)));
    const step = Math.max(1, Math.ceil((target - PILOT_SEEDS) / AUTO_ROUNDS));
    while (seeds < target && performance.now() - started < budget) {
      const count = Math.min(step, target - seeds);
      total = cells.length * (seeds + count);
      for (const cell of cells) await runCell(cell, range(seedStart + seeds, count));
      seeds += count;
    }
  } else {
    seeds = opts.seeds;
    total = cells.length * seeds;
    // One cell at a time (the pool runs one job at a time, spreading its seeds over every worker).
    for (const cell of cells) await runCell(cell, range(seedStart, seeds));
  }

  const summaries: CellSummary[] = cells.map((cell) => {
    if (opts.runDir !== undefined) writeSmallest(opts.runDir, cell);
    return cell.acc.finish();
  });
  const protocolSummaries = protocols.map((name) => {
    const r = resolveProtocol(name);
    return summarizeProtocol(summaries, {
      protocol: r.name,
      base: r.def.name,
      ...(r.variant ? { variant: r.variant.name, flaw: r.variant.flaw, caughtBy: r.variant.caughtBy } : {}),
      description: r.def.description,
      linesOfCode: protocolLinesOfCode(r.def.sourceFiles),
    }, cells.map((c) => c.acc));
  });
  const results: CompareResults = {
    format: COMPARE_FORMAT,
    createdBy: 'lockstep compare',
    codeVersion: codeVersion(),
    seedStart,
    seedsPerCell: seeds,
    workers,
    wallMs: performance.now() - started,
    scenarios: opts.scenarios.map((e) => ({ name: e.scenario.name, description: e.scenario.description, nodes: e.scenario.nodes })),
    protocols: protocolSummaries,
    cells: summaries,
    answer: [],
  };
  return results;
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

function writeSmallest(dir: string, cell: Cell): void {
  const refs = new Map<number, FailureRef>();
  for (const f of cell.acc.peekFailures()) refs.set(f.seed, f);
  for (const o of cell.smallest) {
    const path = runFilePath(dir, cell.entry.scenario.name, cell.protocol, o.record.seed);
    writeRunFile(path, o.runFile!);
    const ref = refs.get(o.record.seed);
    if (ref) ref.runFile = path;
  }
}
