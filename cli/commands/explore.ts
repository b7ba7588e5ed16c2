// lockstep-lint: io-edge (wall clock for seeds/s, results and run-files on disk, Ctrl-C)
// `lockstep explore <scenario|all> --seeds N`: many seeds in parallel on warm worker threads,
// each finished seed appended to a JSONL results file (so --resume loses and repeats nothing),
// --shard K/N for CI matrices, run-files for failing seeds, a summary at the end.
// `lockstep explore --merge FILE...` merges results files (e.g. shards) into one summary.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { loadPluginFlags, withPlugin } from '../plugins.ts';
import type { PluginArgs } from '../plugins.ts';
import { loadLibrary, loadScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { parseCount, parseSeed } from '../args.ts';
import { parseShard, shardFromEnv, shardSeeds } from '../../runner/shard.ts';
import type { Shard } from '../../runner/shard.ts';
import { codeVersion } from '../../runner/codeVersion.ts';
import { InputError, EXIT_OK, EXIT_VIOLATED } from '../../runner/errors.ts';
import { checkCheckerNames, chooseProtocol } from '../../runner/protocolChoice.ts';
import { PoolClosedError, startPool } from '../../runner/pool.ts';
import type { SeedPool, WorkerJob } from '../../runner/pool.ts';
import { pluginsFor } from '../../runner/plugins.ts';
import { Progress } from '../progress.ts';
import { ResultsAppender, mergeResults, readResults, resultsPath, summarize } from '../../runner/results.ts';
import type { ExploreSummary, SeedRecord } from '../../runner/results.ts';
import { runFilePath, writeRunFile } from '../../runner/runFiles.ts';
import { out } from '../../reports/style.ts';
import { shellWord } from './run.ts';
import { checkOutDir } from '../../runner/files.ts';

export interface ExploreArgs extends PluginArgs {
  targets: string[];
  protocol?: string;
  seeds?: number;
  firstSeed?: number;
  workers?: number;
  shard?: string;
  shardCount?: number;
  resume: boolean;
  stopOnFailure: boolean;
  merge: boolean;
  json: boolean;
  out: string;
}

interface Target {
  scenario: Scenario;
  source: string;
  protocol: string;
}

export const EXIT_INTERRUPTED = 130;

export async function explore(args: ExploreArgs): Promise<number> {
  checkOutDir(args.out);
  await loadPluginFlags(args);
  if (args.merge) return merge(args);
  if (args.targets.length !== 1) {
    throw new InputError(`explore: expected one scenario (a library name, a path, or 'all'), got ${args.targets.length === 0 ? 'none' : args.targets.map((t) => `'${t}'`).join(' ')}`);
  }
  if (args.seeds === undefined) throw new InputError('--seeds: expected how many seeds to explore (e.g. --seeds 1000), got nothing');
  const count = parseCount(args.seeds, '--seeds');
  const firstSeed = args.firstSeed === undefined ? 1 : parseSeed(args.firstSeed, '--first-seed');
  const workers = args.workers === undefined ? availableParallelism() : parseCount(args.workers, '--workers', 256);
  const shard = args.shard !== undefined ? parseShard(args.shard) : shardFromEnv(process.env, args.shardCount === undefined ? undefined : parseCount(args.shardCount, '--shard-count'));
  const seeds = shardSeeds(firstSeed, count, shard);
  const skipped: { scenario: string; reason: string }[] = [];
  const targets = prepareTargets(args.targets[0]!, args.protocol, skipped);
  const summaries: ExploreSummary[] = [];
  let pool: SeedPool | undefined;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    void pool?.close();
  };
  process.once('SIGINT', onSigint);
  try {
    for (const t of targets) {
      const todoCount = pendingSeeds(t, seeds, args, shard).length;
      if (todoCount > 0 && pool === undefined) pool = await startPool(Math.max(1, Math.min(workers, seeds.length)));
      if (interrupted) throw new PoolClosedError('interrupted while starting');
      const s = await exploreOne(t, seeds, { args, shard, pool, firstSeed, count, workers });
      summaries.push(s);
      if (args.stopOnFailure && s.failed > 0) break;
    }
  } catch (e) {
    if (interrupted || e instanceof PoolClosedError) {
      process.stderr.write(`\ninterrupted: every finished seed is in the results file; continue with the same command plus --resume\n`);
      return EXIT_INTERRUPTED;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    await pool?.close();
  }
  const failed = summaries.reduce((n, s) => n + s.failed, 0);
  const result = args.targets[0] !== 'all' ? summaries[0]! : { ...combine(summaries, args.protocol), skipped };
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (args.targets[0] === 'all') {
    for (const s of summaries) printSummary(s);
    printTotal(result);
  } else printSummary(result);
  return failed > 0 ? EXIT_VIOLATED : EXIT_OK;
}

/**
 * The scenario × protocol pairs to explore. For 'all', a scenario that restricts itself to checkers
 * the chosen protocol does not have is skipped (with a warning) rather than failing the whole run.
 */
function prepareTargets(target: string, protocolFlag: string | undefined, skipped: { scenario: string; reason: string }[]): Target[] {
  const all = target === 'all';
  const loaded = all ? loadAll() : [loadScenario(target)];
  return loaded.flatMap(({ scenario, source }) => {
    const resolved = chooseProtocol(protocolFlag, scenario, source);
    try {
      // Names only: a protocol that throws while building fails its seeds, not the explore.
      checkCheckerNames(scenario, resolved, source);
    } catch (e) {
      if (!all || !(e instanceof InputError)) throw e;
      skipped.push({ scenario: scenario.name, reason: e.message });
      process.stderr.write(`skipping ${scenario.name}: ${e.message}\n`);
      return [];
    }
    return [{ scenario, source, protocol: resolved.name }];
  });
}

function loadAll(): { scenario: Scenario; source: string }[] {
  const lib = loadLibrary();
  const broken = lib.filter((e) => e.error !== undefined);
  if (broken.length > 0) throw broken[0]!.error!;
  if (lib.length === 0) throw new InputError('explore all: the scenario library (scenarios/library/) is empty');
  return lib.map((e) => ({ scenario: e.scenario!, source: e.name }));
}

function previousRecords(t: Target, seeds: readonly number[], args: ExploreArgs, shard: Shard | undefined): SeedRecord[] {
  const path = resultsPath(args.out, t.scenario.name, t.protocol, shard);
  if (!args.resume || !existsSync(path)) return [];
  const wanted = new Set(seeds);
  const seen = new Set<number>();
  return readResults(path).records.filter((r) => {
    const keep = wanted.has(r.seed) && !seen.has(r.seed) && r.scenario === t.scenario.name && r.protocol === t.protocol;
    seen.add(r.seed);
    return keep;
  });
}

function pendingSeeds(t: Target, seeds: readonly number[], args: ExploreArgs, shard: Shard | undefined): number[] {
  const done = new Set(previousRecords(t, seeds, args, shard).map((r) => r.seed));
  return seeds.filter((s) => !done.has(s));
}

interface RunContext {
  args: ExploreArgs;
  shard: Shard | undefined;
  pool: SeedPool | undefined;
  firstSeed: number;
  count: number;
  workers: number;
}

async function exploreOne(t: Target, seeds: readonly number[], c: RunContext): Promise<ExploreSummary> {
  const { args, shard } = c;
  const path = resultsPath(args.out, t.scenario.name, t.protocol, shard);
  const previous = previousRecords(t, seeds, args, shard);
  const done = new Set(previous.map((r) => r.seed));
  const todo = seeds.filter((s) => !done.has(s));
  const appender = new ResultsAppender(path, args.resume);
  const fresh: SeedRecord[] = [];
  let failed = previous.filter((r) => !r.ok).length;
  let stop = false;
  const progress = Progress.forStderr(`${t.scenario.name} × ${t.protocol}`, seeds.length);
  const job: WorkerJob = {
    scenario: t.scenario, scenarioSource: t.source, protocol: t.protocol, codeVersion: codeVersion(),
    plugins: pluginsFor([t.protocol]), createdBy: 'explore',
  };
  const startedMs = Date.now();
  try {
    if (todo.length > 0) {
      await c.pool!.run(job, todo, (m) => {
        let rec = m.record;
        if (m.runFile !== undefined) {
          const file = runFilePath(args.out, t.scenario.name, t.protocol, rec.seed);
          writeRunFile(file, m.runFile);
          rec = { ...rec, runFile: file };
        }
        appender.append(rec);
        fresh.push(rec);
        if (!rec.ok) {
          failed++;
          if (args.stopOnFailure) stop = true;
        }
        progress.update(previous.length + fresh.length, failed);
      }, () => stop);
    }
  } finally {
    appender.close();
    progress.finish();
  }
  const secs = (Date.now() - startedMs) / 1000;
  const summary = summarize([...previous, ...fresh], t.scenario.name, t.protocol, fresh.length === 0 ? 0 : fresh.length / Math.max(secs, 1e-3));
  return {
    ...summary,
    seedRange: { first: c.firstSeed, count: c.count },
    shard: shard === undefined ? null : `${shard.index}/${shard.count}`,
    resumed: previous.length,
    ran: fresh.length,
    stoppedEarly: stop,
    workers: c.pool?.size ?? 0,
    wallSec: Math.round(secs * 100) / 100,
    resultsFile: path,
    codeVersion: job.codeVersion,
  };
}

/** One summary over several scenarios ('all'): totals at the top, each scenario under `summaries`. */
function combine(summaries: ExploreSummary[], protocolFlag: string | undefined): ExploreSummary {
  const checkersFired: Record<string, number> = {};
  const coverage: Record<string, number> = {};
  let wall = 0;
  let ran = 0;
  for (const s of summaries) {
    for (const [k, v] of Object.entries(s.checkersFired)) checkersFired[k] = (checkersFired[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.coverage)) coverage[k] = (coverage[k] ?? 0) + v;
    wall += (s.wallSec as number) ?? 0;
    ran += (s.ran as number) ?? 0;
  }
  const protocols = [...new Set(summaries.map((s) => s.protocol))];
  return {
    scenario: 'all',
    protocol: protocolFlag ?? (protocols.length === 1 ? protocols[0]! : protocols.join(',')),
    seeds: summaries.reduce((n, s) => n + s.seeds, 0),
    failed: summaries.reduce((n, s) => n + s.failed, 0),
    failures: summaries.flatMap((s) => s.failures.map((f) => ({ scenario: s.scenario, protocol: s.protocol, ...f }))),
    checkersFired,
    coverage,
    seedsPerSec: wall > 0 ? Math.round((ran / wall) * 100) / 100 : 0,
    workerSec: Math.round(summaries.reduce((n, s) => n + s.workerSec, 0) * 100) / 100,
    firstSeed: summaries[0]?.firstSeed ?? null,
    lastSeed: summaries[0]?.lastSeed ?? null,
    summaries,
  };
}

async function merge(args: ExploreArgs): Promise<number> {
  if (args.targets.length === 0) throw new InputError('explore --merge: expected one or more results files (explore-*.jsonl), got none');
  const summaries = mergeResults(args.targets);
  if (summaries.length === 0) throw new InputError(`explore --merge: no seed records in ${args.targets.join(', ')}`);
  const result = summaries.length === 1 ? summaries[0]! : combine(summaries, undefined);
  for (const s of summaries) {
    const dup = (s.duplicates as number | undefined) ?? 0;
    const conflicts = (s.conflicts as number[] | undefined) ?? [];
    if (dup > 0) process.stderr.write(`${out.warn('note:')} ${s.scenario} × ${s.protocol}: ${dup} seed record(s) appear in more than one file (counted once)\n`);
    if (conflicts.length > 0) {
      process.stderr.write(`${out.bad('conflict:')} ${s.scenario} × ${s.protocol}: seeds ${capList(conflicts)} have different trace hashes in different files\n`);
    }
  }
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    for (const s of summaries) printSummary(s);
    if (summaries.length > 1) printTotal(result);
  }
  return result.failed > 0 ? EXIT_VIOLATED : EXIT_OK;
}

/** At most 20 items, then a count of the rest. */
function capList(xs: readonly number[]): string {
  return xs.length <= 20 ? xs.join(', ') : `${xs.slice(0, 20).join(', ')} … and ${(xs.length - 20).toLocaleString('en-US')} more`;
}

function printSummary(s: ExploreSummary): void {
  const pct = s.seeds === 0 ? 0 : (100 * s.failed) / s.seeds;
  const lines = [
    `${out.bold(`${s.scenario} × ${s.protocol}`)}: ${s.seeds} seeds${s.firstSeed !== null ? ` (${s.firstSeed}..${s.lastSeed})` : ''}${s.shard ? `, shard ${s.shard}` : ''}, ` +
      `${s.failed > 0 ? out.bad(`${s.failed} failed (${pct.toFixed(1)}%)`) : out.ok('0 failed')}, ${s.seedsPerSec} seeds/s` +
      `${s.resumed ? out.dim(` (${s.resumed} from an earlier run)`) : ''}`,
  ];
  const fired = Object.entries(s.checkersFired);
  if (fired.length > 0) lines.push(`  checkers fired: ${fired.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  const cov = Object.entries(s.coverage);
  if (cov.length > 0) lines.push(`  sometimes reached: ${cov.map(([k, v]) => `${k} ${v}/${s.seeds}`).join(', ')}`);
  for (const f of s.failures.slice(0, 10)) {
    lines.push(`  ${out.bad(`seed ${f.seed}`)} ${f.violations.map((v) => `${v.checker}: ${v.message.split('\n')[0]}`).join('; ')}`);
    if (f.runFile) lines.push(`    npx lockstep replay ${shellWord(f.runFile)}`);
  }
  if (s.failures.length > 10) lines.push(`  … and ${s.failures.length - 10} more failing seeds (see --json)`);
  if (typeof s.resultsFile === 'string') lines.push(out.dim(`  results: ${s.resultsFile}`));
  if (s.stoppedEarly) lines.push(out.warn('  stopped at the first failure (--stop-on-failure)'));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printTotal(s: ExploreSummary): void {
  process.stdout.write(`${out.bold('total')}: ${s.seeds} seeds, ${s.failed > 0 ? out.bad(`${s.failed} failed`) : out.ok('0 failed')}\n`);
}

export const exploreCommand: CommandModule<object, ExploreArgs> = {
  command: 'explore [targets..]',
  describe: 'Run many seeds of a scenario (or all) in parallel; resumable, shardable',
  builder: (y) => withPlugin(y)
    .positional('targets', { type: 'string', array: true, default: [], describe: "A library scenario name, a scenario file, or 'all' (with --merge: results files)" })
    .option('protocol', { alias: 'p', type: 'string', describe: "Protocol or protocol/variant (default: the scenario's, else dlm-lvb, else the first registered)" })
    .option('seeds', { alias: 'n', type: 'number', describe: 'How many seeds (required)' })
    .option('first-seed', { type: 'number', describe: 'First seed of the range (default 1); the range is first..first+seeds-1' })
    .option('workers', { alias: 'w', type: 'number', describe: 'Worker threads (default: the number of cores)' })
    .option('shard', { type: 'string', describe: 'K/N: run only shard K of N (the i-th seed of the range goes to shard (i mod N)+1)' })
    .option('shard-count', { type: 'number', describe: 'Shards in all, when the shard index comes from the launcher (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or LOCKSTEP_SHARD_INDEX, 0-based); default LOCKSTEP_SHARD_COUNT' })
    .option('resume', { type: 'boolean', default: false, describe: 'Keep the seeds already in the results file and run only the rest' })
    .option('stop-on-failure', { type: 'boolean', default: false, describe: 'Stop handing out seeds after the first failing one' })
    .option('merge', { type: 'boolean', default: false, describe: 'Merge the results files given as arguments into one summary' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the summary as one JSON object' })
    .option('out', { type: 'string', default: 'runs', describe: 'Folder for the results file (explore-<scenario>-<protocol>.jsonl) and run-files' })
    .example('$0 explore standard --seeds 1000', 'A thousand seeds of the standard scenario on every core')
    .example('$0 explore all -p dlm-lvb/no-fencing --seeds 50 --stop-on-failure', 'Every library scenario against a flawed variant')
    .example('$0 explore standard --seeds 10000 --shard 2/4 --out shard2', 'The second of four CI shards')
    .example('$0 explore standard --seeds 10000 --resume', 'Continue an interrupted explore where it stopped')
    .epilogue('Exit codes: 0 every seed held every property, 1 some seed violated one, 2 bad input (including results of different code or configurations given to --merge), 130 interrupted (continue with --resume).')
    .example('$0 explore --merge shard*/explore-standard-dlm-lvb.*.jsonl --json', 'One summary from all shards') as unknown as Argv<ExploreArgs>,
  handler: async (args) => {
    process.exitCode = await explore(args);
  },
};
