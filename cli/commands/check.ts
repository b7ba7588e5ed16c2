// lockstep-lint: io-edge (reads the wall clock for --time and writes counterexample run-files)
// `lockstep check <scenario>`: bounded systematic search over the scenario's choice points
// (depth-first with state-hash cuts, or PCT); prints the claim — complete or not, and why — and
// writes each counterexample as a run-file that replay, shrink and report take.
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../../scenarios/load.ts';
import { chooseProtocol } from '../../runner/protocolChoice.ts';
import { check, parseBound, DEFAULT_BOUND, DEFAULT_ORDER, SEARCH_ORDERS } from '../../runner/check.ts';
import type { CheckResult, CheckProgress, SearchOrder } from '../../runner/check.ts';
import { pct, randomWalk } from '../../runner/pct.ts';
import { measureLvbTable } from '../../runner/lvbTableRun.ts';
import { renderLvbTableText } from '../../reports/lvbTable.ts';
import type { PctResult } from '../../runner/pct.ts';
import { buildRunFile, writeRunFile } from '../../runner/runFiles.ts';
import { codeVersion } from '../../runner/codeVersion.ts';
import { InputError, EXIT_OK, EXIT_VIOLATED } from '../../runner/errors.ts';
import { fileSafe } from '../../runner/files.ts';
import { parseShard } from '../../runner/shard.ts';
import { parseCount, parseSeed } from '../args.ts';
import { parseBudgetMs } from './shrink.ts';
import { claimLine } from '../../runner/checkClaim.ts';
import { checkParallel } from '../../runner/checkParallel.ts';
import { err, out } from '../../reports/style.ts';
import type { SimulateResult } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

export interface CheckArgs {
  scenario: string;
  protocol?: string;
  seed: string;
  bound?: string;
  strategy: string;
  order?: string;
  depth: string;
  runs: string;
  prune: boolean;
  time: string;
  maxSchedules?: string;
  maxStates?: string;
  all: boolean;
  workers?: string;
  shard?: string;
  out: string;
  json: boolean;
  quiet: boolean;
  lvbTable: boolean;
}

export async function runCheck(args: CheckArgs): Promise<number> {
  const loaded = loadScenario(args.scenario);
  const scenario = loaded.scenario;
  const resolved = chooseProtocol(args.protocol, scenario, loaded.source);
  const seed = parseSeed(args.seed, '--seed');
  const budgetMs = parseBudgetMs(args.time);
  const started = performance.now();
  const shouldStop = (): boolean => performance.now() - started > budgetMs;
  if (scenario.check === undefined && !args.quiet) {
    process.stderr.write(err.warn(`note: ${loaded.source} has no 'check' section: every message delivery before the heal is a choice point and there are no fault points\n`));
  }
  const write = (result: SimulateResult, overrides: [number, number][], tag: string): string => {
    const rf = buildRunFile({
      scenario, scenarioSource: loaded.source, protocol: resolved.name, seed, network: {}, tapeOverrides: overrides,
      result, codeVersion: codeVersion(), createdBy: 'check',
    });
    const path = `${args.out}/${fileSafe(scenario.name)}-${fileSafe(resolved.name)}-check-${tag}.run.json`;
    writeRunFile(path, rf);
    return path;
  };
  if (args.lvbTable) {
    const t = await measureLvbTable({ scenario: args.scenario, protocol: resolved.name, seed, ...(args.bound !== undefined ? { bound: args.bound } : {}), outDir: args.out });
    process.stdout.write(args.json ? `${JSON.stringify(t, null, 2)}\n` : `${renderLvbTableText(t)}\n`);
    return EXIT_OK;
  }
  if (args.strategy === 'pct') return printPct(args, await pct({
    scenario, protocol: resolved.name, seed, depth: parseCount(args.depth, '--depth'), runs: parseCount(args.runs, '--runs'),
    shouldStop, all: args.all,
  }), (c) => write(c.result, c.overrides, `pct-seed${c.seed}`));
  if (args.strategy !== 'exhaustive' && args.strategy !== 'dfs' && args.strategy !== 'random') {
    throw new InputError(`--strategy: expected exhaustive, pct or random, got ${JSON.stringify(args.strategy)}`);
  }
  let bound;
  try {
    bound = parseBound(args.bound ?? scenario.check?.bound ?? '', DEFAULT_BOUND);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (args.strategy === 'random') {
    const w = await randomWalk({
      scenario, protocol: resolved.name, seed, depth: 1, runs: parseCount(args.runs, '--runs'), shouldStop, bound,
    });
    const line = w.firstFailure === undefined ? `no violation in ${w.runs} random schedules within ${args.bound ?? scenario.check?.bound ?? ''}`
      : `${w.checker} violated at random schedule ${w.firstFailure}`;
    process.stdout.write(args.json ? `${JSON.stringify({ strategy: 'random', protocol: resolved.name, ...w }, null, 2)}\n` : `${line}\n`);
    return w.firstFailure === undefined ? EXIT_OK : EXIT_VIOLATED;
  }
  const order = (args.order ?? DEFAULT_ORDER) as SearchOrder;
  if (!SEARCH_ORDERS.includes(order)) throw new InputError(`--order: expected ${SEARCH_ORDERS.join(' or ')}, got ${JSON.stringify(args.order)}`);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const workers = args.workers === undefined ? 1 : parseCount(args.workers, '--workers');
  const limits = {
    ...(args.maxSchedules !== undefined ? { maxSchedules: parseCount(args.maxSchedules, '--max-schedules') } : {}),
    ...(args.maxStates !== undefined ? { maxStates: parseCount(args.maxStates, '--max-states') } : {}),
  };
  const onProgress = args.quiet || args.json ? undefined : progressLine(started);
  const result = workers > 1
    ? await checkParallel({
      scenario, protocol: resolved.name, seed, bound, prune: args.prune !== false, all: args.all === true, order, ...limits,
      timeMs: budgetMs,
      ...(shard !== undefined ? { shard: { k: shard.index - 1, of: shard.count } } : {}),
    }, workers, onProgress)
    : await check({
      scenario, protocol: resolved.name, seed, bound, prune: args.prune, shouldStop, all: args.all, order, ...limits,
      ...(shard !== undefined ? { part: { k: shard.index - 1, of: shard.count } } : {}),
      ...(onProgress !== undefined ? { onProgress } : {}),
    });
  if (!args.quiet && !args.json) process.stderr.write('\n');
  const files = result.counterexamples.map((c, i) => write(c.result, c.deviations.map(([a, b]) => [a, b]), `${i + 1}`));
  const wallMs = Math.round(performance.now() - started);
  if (args.json) {
    const { counterexamples, ...rest } = result;
    const json = {
      ...rest, nodes: scenario.nodes, wallMs, claim: claimLine(result, scenario.nodes),
      counterexamples: counterexamples.map((c, i) => ({
        schedule: c.schedule, deviations: c.deviations, violations: c.violations, traceHash: c.result.traceHash, runFile: files[i],
      })),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else printDfs(result, scenario, files, wallMs);
  return result.counterexamples.length > 0 ? EXIT_VIOLATED : EXIT_OK;
}

function progressLine(started: number): (p: CheckProgress) => void {
  return (p) => {
    const s = (performance.now() - started) / 1000;
    const rate = s > 0 ? (p.schedules / s).toFixed(0) : '0';
    process.stderr.write(err.dim(`\r[${s.toFixed(1)}s] ${p.schedules} schedules (${rate}/s), ${p.states} states, ${p.cuts} cuts, depth ${p.depth}, frontier ${p.frontier}   `));
  };
}

function printDfs(r: CheckResult, scenario: Scenario, files: string[], wallMs: number): void {
  const lines = [
    `${out.bold('check')} ${r.scenario} ${out.dim(`(${r.protocol}, seed ${r.seed}, bound ${r.bound}, ${r.order === 'bfs' ? 'fewest deviations first' : 'depth-first'}, state cuts ${r.prune ? 'on' : 'off'})`)}`,
    `  ${r.schedules} schedules, ${r.states} distinct states, ${r.cuts} runs cut by the state hash, ${r.events} events, ${(wallMs / 1000).toFixed(1)} s`,
    `  most choice points in a run: ${r.maxChoicePoints}; deepest schedule: ${r.maxDepth} deviation${r.maxDepth === 1 ? '' : 's'}`,
    r.complete ? out.ok(`  complete: every schedule within the bound was explored`)
      : out.warn(`  complete: false (${r.reason}${r.reason === 'depth' ? `: ${r.beyondDepth} choice points past the depth bound` : ''})`),
    '',
    r.counterexamples.length === 0 ? out.ok(claimLine(r, scenario.nodes)) : out.bad(claimLine(r, scenario.nodes)),
  ];
  r.counterexamples.forEach((c, i) => {
    const v = c.violations[0]!;
    lines.push(`  ${out.bad(v.checker)} after schedule ${c.schedule} (${c.deviations.map(([a, b, k]) => `${k}@${a}=${b}`).join(' ') || 'no deviation'}): ${v.message.split('\n')[0]}`);
    lines.push(`  run-file: ${files[i]}  (npx lockstep replay ${files[i]})`);
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printPct(args: CheckArgs, r: PctResult, write: (c: PctResult['counterexamples'][number]) => string): number {
  const files = r.counterexamples.map(write);
  if (args.json) {
    const { counterexamples, ...rest } = r;
    process.stdout.write(`${JSON.stringify({
      ...rest, counterexamples: counterexamples.map((c, i) => ({ seed: c.seed, run: c.run, violations: c.violations, runFile: files[i] })),
    }, null, 2)}\n`);
  } else {
    const lines = [
      `${out.bold('check --strategy pct')} ${r.scenario} ${out.dim(`(${r.protocol}, depth ${r.depth})`)}`,
      `  ${r.runs} runs; k = ${r.k} delivery choice points, n = ${r.nodes} nodes: each run finds a given depth-${r.depth} bug with probability ≥ ${r.perRunBound.toExponential(2)}`,
    ];
    r.counterexamples.forEach((c, i) => lines.push(`  ${out.bad(c.violations[0]!.checker)} at run ${c.run} (seed ${c.seed}); run-file: ${files[i]}`));
    if (r.counterexamples.length === 0) lines.push(out.ok(`  no violation in ${r.runs} runs (not a proof: a random search)`));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return r.counterexamples.length > 0 ? EXIT_VIOLATED : EXIT_OK;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <scenario>',
  describe: 'Bounded systematic search over a scenario\'s choice points: complete within the bound, or a counterexample run-file',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'Library scenario (check-*) or path to a scenario .json file' })
    .option('protocol', { alias: 'p', type: 'string', describe: 'Protocol or protocol/variant (default: the scenario\'s)' })
    .option('seed', { alias: 's', type: 'string', default: '1', describe: 'The seed whose run is the default schedule' })
    .option('bound', { type: 'string', describe: 'Budgets: faults=2,delays=2[,crash=1,pause=…,isolate=…,drop=…][,depth=N] (default: the scenario\'s check.bound)' })
    .option('strategy', { type: 'string', default: 'exhaustive', describe: 'exhaustive (every schedule within the bound, in --order; \'dfs\' is its older name), pct (random priorities with change points) or random (random schedules within the bound)' })
    .option('order', { type: 'string', describe: `The order of the exhaustive search: bfs (every schedule with 0 deviations, then exactly 1, then 2, …, and within each, faults before delays: shallow bugs first) or dfs (depth-first, tape order); default ${DEFAULT_ORDER}` })
    .option('depth', { type: 'string', default: '3', describe: 'pct: bug depth d (d−1 change points per run)' })
    .option('runs', { type: 'string', default: '1000', describe: 'pct: number of runs' })
    .option('prune', { type: 'boolean', default: true, describe: 'Cut a run at a state already seen with as much budget (--no-prune to explore every schedule)' })
    .option('time', { type: 'string', default: '10m', describe: 'Wall-clock budget; past it the result says complete: false (time)' })
    .option('max-schedules', { type: 'string', describe: 'Stop after this many schedules (complete: false, schedules)' })
    .option('max-states', { type: 'string', describe: 'Stop when this many distinct states are stored (complete: false, states)' })
    .option('all', { type: 'boolean', default: false, describe: 'Keep searching after the first counterexample' })
    .option('workers', { type: 'string', describe: 'N: split the search across N worker threads (parts merged into one claim)' })
    .option('shard', { type: 'string', describe: 'K/N: explore only the K-th of N interleaved parts of the search tree' })
    .option('out', { type: 'string', default: 'runs', describe: 'Folder for counterexample run-files' })
    .option('lvb-table', { type: 'boolean', default: false, describe: 'DLM: classify every crash schedule by how the last PW/EX holder died and what the next value-block read got' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
    .example('$0 check check-dlm --bound faults=2,delays=2', 'Every schedule with ≤ 2 crashes and ≤ 2 delayed deliveries')
    .example('$0 check check-dlm -p dlm/no-lvb-invalidate', 'Find a flawed variant\'s counterexample run-file')
    .example('$0 check check-dlm --strategy pct --depth 3 --runs 500', 'PCT when the bound is too big to enumerate') as unknown as Argv<CheckArgs>,
  handler: async (args) => {
    process.exitCode = await runCheck(args);
  },
};
