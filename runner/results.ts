// lockstep-lint: io-edge (reads and appends explore results)
// Explore results: one JSONL line per finished seed, appended as it finishes (so an interrupted
// explore resumes without losing or repeating a seed), and the summary built from those lines.
// `mergeResults(paths)` merges several shards' files into one summary per scenario × protocol.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunSummary, Violation } from '../sim/types.ts';
import { CellAccumulator } from './summary.ts';
import { InputError } from './errors.ts';
import { fileSafe } from './files.ts';
import type { Shard } from './shard.ts';
import { MAX_JSON_DEPTH, jsonDepth } from '../scenarios/jsonDepth.ts';

/** One finished seed: a line of the results file. */
export interface SeedRecord extends RunSummary {
  /** `sometimes` checkers: reached in this run? */
  coverage: Record<string, boolean>;
  /** Number of faults that fired. */
  faultsFired: number;
  /** Worker time for this seed, ms. */
  ms: number;
  /** Run-file of a failing seed. */
  runFile?: string;
  /** The run's metrics (RunResult.metrics), for compare and report. */
  metrics?: Record<string, number>;
  /** Version of the code that ran the seed (merge refuses to mix versions). */
  codeVersion?: string;
  /** Hash of the scenario and protocol the seed ran (merge refuses to mix configurations). */
  config?: string;
}

/** The explore summary (DESIGN §5), also what `mergeResults` returns per scenario × protocol. */
export interface ExploreSummary {
  scenario: string;
  protocol: string;
  /** Seeds in this summary. */
  seeds: number;
  failed: number;
  failures: { seed: number; violations: Violation[]; runFile: string | null }[];
  /** Violation counts by checker. */
  checkersFired: Record<string, number>;
  /** `sometimes` checkers: in how many seeds each was reached. */
  coverage: Record<string, number>;
  /** Throughput: seeds per wall-clock second for a live explore; per worker-second for a merge. */
  seedsPerSec: number;
  /** Sum of the per-seed worker times, seconds. */
  workerSec: number;
  firstSeed: number | null;
  lastSeed: number | null;
  [extra: string]: unknown;
}

/** `<out>/explore-<scenario>-<protocol>[.shard-K-of-N].jsonl` */
export function resultsPath(outDir: string, scenario: string, protocol: string, shard?: Shard): string {
  const suffix = shard === undefined ? '' : `.shard-${shard.index}-of-${shard.count}`;
  return join(outDir, `explore-${fileSafe(scenario)}-${fileSafe(protocol)}${suffix}.jsonl`);
}

export interface ReadResults {
  records: SeedRecord[];
  /** Bytes of whole lines; anything after is a line cut short by an interrupted write. */
  validBytes: number;
  partialTail: boolean;
}

/** Read a results file; a cut-off last line is reported, a corrupt complete line is bad input. */
export function readResults(path: string): ReadResults {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read results: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const lastNl = buf.lastIndexOf(0x0a);
  const validBytes = lastNl + 1;
  const text = buf.subarray(0, validBytes).toString('utf8');
  const records: SeedRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    if (jsonDepth(line) > MAX_JSON_DEPTH) throw new InputError(`${path}: line ${i + 1}: a record nests deeper than ${MAX_JSON_DEPTH} levels`);
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${path}: line ${i + 1}: expected one JSON seed record, got invalid JSON (${(e as Error).message})`);
    }
    records.push(checkRecord(r, path, i + 1));
  });
  return { records, validBytes, partialTail: validBytes < buf.length };
}

function checkRecord(r: unknown, path: string, line: number): SeedRecord {
  const o = r as Partial<SeedRecord> | null;
  const bad = (field: string, expected: string): never => {
    throw new InputError(`${path}: line ${line}: ${field}: expected ${expected}`);
  };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('(record)', 'an object');
  if (typeof o.scenario !== 'string') bad('scenario', 'a string');
  if (typeof o.protocol !== 'string') bad('protocol', 'a string');
  if (typeof o.seed !== 'number' || !Number.isInteger(o.seed)) bad('seed', 'an integer');
  if (typeof o.ok !== 'boolean') bad('ok', 'true or false');
  if (!Array.isArray(o.violations)) bad('violations', 'an array');
  if (typeof o.coverage !== 'object' || o.coverage === null) bad('coverage', 'an object');
  return o as SeedRecord;
}

/** Appends records to a results file, one write per line. */
export class ResultsAppender {
  private readonly fd: number;

  /** `resume`: keep whole lines already there (cutting off a partial last line); else start empty. */
  constructor(readonly path: string, resume: boolean) {
    mkdirSync(dirname(path), { recursive: true });
    if (resume && existsSync(path)) {
      const { validBytes, partialTail } = readResults(path);
      if (partialTail) truncateSync(path, validBytes);
      this.fd = openSync(path, 'a');
    } else this.fd = openSync(path, 'w');
  }

  append(r: SeedRecord): void {
    writeSync(this.fd, `${JSON.stringify(r)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Summarize records (deduplicated by seed, first wins) of one scenario × protocol. */
export function summarize(records: readonly SeedRecord[], scenario: string, protocol: string, seedsPerSec?: number): ExploreSummary {
  const bySeed = new Map<number, SeedRecord>();
  for (const r of records) if (!bySeed.has(r.seed)) bySeed.set(r.seed, r);
  const sorted = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
  // The one summariser: compare's cell accumulator, read as the explore summary of DESIGN §5.
  const acc = new CellAccumulator(scenario, protocol);
  for (const r of sorted) {
    const ref = acc.add(r);
    if (ref !== undefined && r.runFile !== undefined) ref.runFile = r.runFile;
  }
  const cell = acc.finish();
  return {
    scenario, protocol, seeds: cell.seeds, failed: cell.failed,
    failures: cell.failures.map((f) => ({ seed: f.seed, violations: f.violations, runFile: f.runFile ?? null })),
    checkersFired: cell.checkersFired, coverage: cell.coverage,
    seedsPerSec: round2(seedsPerSec ?? cell.seedsPerSec),
    workerSec: round2(cell.wallMs / 1000),
    firstSeed: sorted[0]?.seed ?? null,
    lastSeed: sorted[sorted.length - 1]?.seed ?? null,
  };
}

/**
 * Merge results files (e.g. the shards of one explore, from several machines) into one summary per
 * scenario × protocol, sorted by scenario then protocol. A seed present in several files counts
 * once; `duplicates` counts the extra copies and `conflicts` those whose trace hash differs.
 */
export function mergeResults(paths: readonly string[]): ExploreSummary[] {
  const groups = new Map<string, { scenario: string; protocol: string; records: SeedRecord[]; hashes: Map<number, string>; duplicates: number; conflicts: number[] }>();
  for (const path of paths) {
    for (const r of readResults(path).records) {
      const key = `${r.scenario}\u0000${r.protocol}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { scenario: r.scenario, protocol: r.protocol, records: [], hashes: new Map(), duplicates: 0, conflicts: [] }));
      checkSameRun(g.records[0], r, path, paths);
      const seen = g.hashes.get(r.seed);
      if (seen !== undefined) {
        g.duplicates++;
        if (seen !== r.traceHash) g.conflicts.push(r.seed);
        continue;
      }
      g.hashes.set(r.seed, r.traceHash);
      g.records.push(r);
    }
  }
  return [...groups.values()]
    .sort((a, b) => (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0))
    .map((g) => ({ ...summarize(g.records, g.scenario, g.protocol), files: [...paths], duplicates: g.duplicates, conflicts: g.conflicts }));
}

/** Records of one scenario × protocol merge only from the same code and the same configuration. */
function checkSameRun(first: SeedRecord | undefined, r: SeedRecord, path: string, paths: readonly string[]): void {
  if (first === undefined) return;
  const what = `explore --merge: ${path} (seed ${r.seed} of ${r.scenario} × ${r.protocol})`;
  if ((first.codeVersion ?? '') !== (r.codeVersion ?? '')) {
    throw new InputError(`${what} was run by code ${r.codeVersion ?? '(unrecorded)'}, other records by ${first.codeVersion ?? '(unrecorded)'}: results of different code versions do not merge (files: ${paths.join(', ')})`);
  }
  if ((first.config ?? '') !== (r.config ?? '')) {
    throw new InputError(`${what} ran a different scenario or protocol configuration (config ${r.config ?? '(unrecorded)'} vs ${first.config ?? '(unrecorded)'}): results of different configurations do not merge`);
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
