// lockstep-lint: io-edge (writes the report, results and run-files; wall clock for the seed budget)
// `lockstep compare`: the protocols side by side on identical fault tapes (same scenarios, same
// seeds). Prints the table and the plain-words answer, writes the HTML report (and JSON, Markdown,
// JUnit on request) under --out. With no options it runs the flagship comparison (`npm start`).
import { answerQuestion } from '../../reports/answer.ts';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadPluginFlags, withPlugin } from '../plugins.ts';
import type { PluginArgs } from '../plugins.ts';
import { boundedClaims } from '../../runner/checkClaims.ts';
import { DiagramPrefetch, TaskLedger, TASK_PRIORITY, CLAIM_ESTIMATE_MS, LVB_TABLE_ESTIMATE_MS, diagramEstimateMs } from '../../runner/compareTasks.ts';
import type { RunView } from '../../runner/runView.ts';
import { threadCpuMs } from '../../runner/threadCpu.ts';
import { loadLibrary, loadScenario } from '../../scenarios/load.ts';
import { UnknownProtocolError } from '../../protocols/index.ts';
import { parseCount, parseSeed } from '../args.ts';
import { InputError, EXIT_OK, EXIT_VIOLATED } from '../../runner/errors.ts';
import { startPool } from '../../runner/pool.ts';
import type { SeedPool } from '../../runner/pool.ts';
import { checkOutDir, writeFileAtomic } from '../../runner/files.ts';
import { compatibleScenarios, distinctScenarios, expandProtocols, poolRunner, runCompare } from '../../runner/compare.ts';
import type { ScenarioEntry } from '../../runner/compare.ts';
import type { CompareResults } from '../../runner/summary.ts';
import { compareVerdict } from '../../runner/summary.ts';
import { faultMixScenarios } from '../../reports/faultMixes.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { colourFor, err, widthFor } from '../../reports/style.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderJunit } from '../../reports/junit.ts';

export interface CompareArgs extends PluginArgs {
  protocols?: string;
  scenarios?: string;
  seeds?: string;
  firstSeed?: number;
  workers?: number;
  budget?: number;
  variants: boolean;
  out: string;
  json: boolean;
  html: boolean;
  md: boolean;
  junit: boolean;
  diagrams: number;
  failOnViolation: boolean;
  lvbTable: boolean;
}

/**
 * Wall-clock seconds `--seeds auto` may spend, from the workers' start to the last run (the claims,
 * LVB table and diagrams run on the same workers inside it; the report files are written after): on
 * this 2-core machine, idle, enough for the correct designs to reach AUTO_TARGET_RUNS runs each with
 * every flawed variant caught (docs/reports.md, "The budget"); they stop there when it comes sooner.
 */
export const DEFAULT_BUDGET_S = 60;

/** Scenarios larger than this are left out of the default set (they would eat the minute). */
export const DEFAULT_MAX_NODES = 16;

export function chooseScenarios(spec: string | undefined): { entries: ScenarioEntry[]; notes: string[] } {
  const notes: string[] = [];
  const mixes = faultMixScenarios().map((s) => ({ scenario: s, source: s.name }));
  if (spec === 'mixes') return { entries: mixes, notes };
  if (spec === undefined || spec === 'all') {
    const lib = loadLibrary();
    const good = lib.filter((e) => e.scenario !== undefined);
    for (const e of lib) if (e.error) notes.push(`skipped scenarios/library/${e.name}.json: ${e.error.message.split('\n')[0]}`);
    if (good.length === 0) {
      notes.push('the scenario library is empty: comparing on the built-in fault mixes');
      return { entries: mixes, notes };
    }
    const chosen = spec === 'all' ? good : good.filter((e) => e.scenario!.nodes <= DEFAULT_MAX_NODES);
    const left = good.filter((e) => !chosen.includes(e)).map((e) => e.name);
    if (left.length > 0) notes.push(`left out of the default set (over ${DEFAULT_MAX_NODES} nodes; use --scenarios all): ${left.join(', ')}`);
    return { entries: chosen.map((e) => ({ scenario: e.scenario!, source: e.name })), notes };
  }
  const entries = spec.split(',').map((s) => s.trim()).filter((s) => s !== '').map((ref) => {
    const mix = mixes.find((m) => m.scenario.name === ref);
    if (mix) return mix;
    const l = loadScenario(ref);
    return { scenario: l.scenario, source: l.source };
  });
  if (entries.length === 0) throw new InputError(`--scenarios: expected scenario names, 'all' or 'mixes', got '${spec}'`);
  const names = entries.map((e) => e.scenario.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`--scenarios: scenario '${dup}' is named twice`);
  return { entries, notes };
}

function chooseProtocols(spec: string | undefined, variants: boolean): string[] {
  try {
    const names = spec === undefined ? undefined : spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names !== undefined && names.length === 0) throw new InputError(`--protocols: expected protocol names, got '${spec}'`);
    return expandProtocols(names, variants);
  } catch (e) {
    if (e instanceof UnknownProtocolError) throw new InputError(`--protocols: ${e.message}`);
    throw e;
  }
}

function cpuMsSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

export async function compare(args: CompareArgs): Promise<number> {
  checkOutDir(args.out);
  await loadPluginFlags(args);
  const protocols = chooseProtocols(args.protocols, args.variants);
  const chosen = chooseScenarios(args.scenarios);
  const notes = chosen.notes;
  const compatible = compatibleScenarios(chosen.entries, protocols);
  const skipped = compatible.skipped;
  const { entries, dropped } = distinctScenarios(compatible.entries);
  for (const d of dropped) notes.push(`left out ${d.scenario}: the same runs as ${d.sameAs} (it differs only in name, description or the protocol it was written for, which compare sets)`);
  const byWhy = new Map<string, string[]>();
  for (const k of skipped) {
    const why = `${k.protocol} cannot run ${k.why.replace(/^scenario \S+: /, '')}`;
    byWhy.set(why, [...(byWhy.get(why) ?? []), k.scenario]);
  }
  for (const [why, names] of byWhy) notes.push(`left out ${names.join(', ')}: ${why}`);
  if (entries.length === 0) throw new InputError('compare: no scenario can be run by every chosen protocol');
  const seeds = args.seeds === undefined || args.seeds === 'auto' ? 'auto' : parseCount(args.seeds, '--seeds', 1_000_000);
  const seedStart = args.firstSeed === undefined ? 1 : parseSeed(args.firstSeed, '--first-seed');
  const workers = args.workers === undefined ? Math.max(1, Math.min(availableParallelism(), 8)) : parseCount(args.workers, '--workers', 256);
  const budgetMs = args.budget === undefined ? DEFAULT_BUDGET_S * 1000 : parseCount(args.budget, '--budget', 86_400) * 1000;
  const maxDiagrams = parseCount(args.diagrams, '--diagrams', 50);
  for (const n of notes) process.stderr.write(`${err.dim(`note: ${n}`)}\n`);
  const runDir = join(args.out, 'compare-runs');
  const wantHtml = args.html || !(args.json || args.md || args.junit);
  let pool: SeedPool | undefined;
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  const onProgress = (done: number, total: number, label: string): void => {
    if (!tty) return;
    const now = performance.now();
    if (now - lastDraw < 100 && done < total) return;
    lastDraw = now;
    process.stderr.write(`\r\x1b[2Kcomparing ${done}/${total} runs  ${label}`);
  };
  let results: CompareResults;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuMs();
  let poolStartMs = 0;
  let runsEnd = 0;
  let runsCpuMs = 0;
  const claimsFile = join(args.out, 'check-claims.json');
  let claims: string[] = [];
  const ledger = new TaskLedger();
  let views: RunView[] = [];
  try {
    pool = await startPool(workers);
    const p = pool;
    poolStartMs = performance.now() - t0;
    // The claims, the LVB table and the diagrams run on the same warm workers as the seeds, at the
    // priority of the variants' first seeds: they start at once and the rounds' estimate counts them.
    const claimsDone = boundedClaims(protocols, claimsFile,
      (c) => ledger.track('claims', p.task('claim', c, { priority: TASK_PRIORITY }), CLAIM_ESTIMATE_MS));
    const tableDone = args.lvbTable
      ? ledger.track('lvbTable', p.task('lvb-table', { outDir: join(args.out, 'lvb-table') }, { priority: TASK_PRIORITY }), LVB_TABLE_ESTIMATE_MS)
      : undefined;
    // If the runs fail, close() rejects these; the error that matters is the runs'.
    claimsDone.catch(() => undefined);
    tableDone?.catch(() => undefined);
    const diagrams = new DiagramPrefetch(wantHtml ? maxDiagrams : 0, protocols, (arg, events) =>
      ledger.track('diagrams', p.task('diagram', arg, { priority: TASK_PRIORITY }), diagramEstimateMs(events)),
      (m) => process.stderr.write(`${err.warn('warning:')} ${m}\n`));
    results = await runCompare({
      protocols, scenarios: entries, seeds, seedStart, budgetMs: budgetMs - (performance.now() - t0), runDir, workers,
      runner: poolRunner(p), onProgress, reservedMs: () => ledger.owedMs(),
      onFailure: (protocol, o, path) => diagrams.failed(protocol, o, path),
    });
    runsEnd = performance.now();
    runsCpuMs = cpuMsSince(cpu0);
    if (tty) process.stderr.write('\r\x1b[2K');
    results.answer = answerQuestion(results);
    const [claimLines, table, drawn] = await Promise.all([claimsDone, tableDone, diagrams.final(results)]);
    claims = claimLines;
    if (table !== undefined) results.lvbTable = table;
    views = drawn;
  } finally {
    if (tty) process.stderr.write('\r\x1b[2K');
    await pool?.close();
  }
  results.answer.push(...claims);
  const t2 = performance.now();
  const written: string[] = [];
  const resultsPath = join(args.out, 'compare-results.json');
  written.push(resultsPath);
  if (wantHtml) {
    const path = join(args.out, 'compare-report.html');
    writeFileAtomic(path, renderHtml({ results, runs: views }));
    written.push(path);
  }
  if (args.md) {
    const path = join(args.out, 'compare-summary.md');
    writeFileAtomic(path, renderMarkdown(results, wantHtml ? { htmlPath: join(args.out, 'compare-report.html') } : {}));
    written.push(path);
  }
  if (args.junit) {
    const path = join(args.out, 'compare-junit.xml');
    writeFileAtomic(path, renderJunit(results));
    written.push(path);
  }
  results.timings = {
    poolStartMs: Math.round(poolStartMs), runsMs: Math.round(results.wallMs),
    claimsMs: ledger.workerMs('claims'), lvbTableMs: ledger.workerMs('lvbTable'), diagramsMs: ledger.workerMs('diagrams'),
    waitMs: Math.round(t2 - runsEnd), reportsMs: Math.round(performance.now() - t2),
    totalMs: Math.round(performance.now() - t0), runsCpuMs: Math.round(runsCpuMs), cpuMs: Math.round(cpuMsSince(cpu0)),
    claimsCpuMs: ledger.cpuMs('claims'), lvbTableCpuMs: ledger.cpuMs('lvbTable'), diagramsCpuMs: ledger.cpuMs('diagrams'),
    ...(main0 !== undefined ? { mainCpuMs: Math.round((threadCpuMs() ?? main0) - main0) } : {}),
  };
  writeFileAtomic(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    process.stdout.write(`${renderTerminal(results, { color: colourFor(process.stdout), width: widthFor(process.stdout, 110) })}\n\n`);
    for (const w of written) process.stdout.write(`wrote ${w}\n`);
  }
  if (args.json) for (const w of written) process.stderr.write(`wrote ${w}\n`);
  const t = results.timings!;
  const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const task = (wall: number | undefined, cpu: number | undefined): string => `${sec(wall ?? 0)}${cpu ? ` (${sec(cpu)} CPU)` : ''}`;
  process.stderr.write(`${err.dim(`time: workers ready ${sec(t.poolStartMs)}, runs ${sec(t.runsMs)} (alongside on the workers: bounded claims ${task(t.claimsMs, t.claimsCpuMs)}${t.claimsMs < 100 ? ' (cached)' : ''}, LVB table ${task(t.lvbTableMs, t.lvbTableCpuMs)}, diagrams ${task(t.diagramsMs, t.diagramsCpuMs)}), then waiting ${sec(t.waitMs ?? 0)}, reports ${sec(t.reportsMs)}; total ${sec(t.totalMs ?? 0)} wall, ${sec(t.cpuMs ?? 0)} CPU${t.mainCpuMs !== undefined ? ` (main thread ${sec(t.mainCpuMs)})` : ''}`)}\n`);
  return exitFor(results);
}

/** Exit 1 (with the reasons on stderr) when a correct protocol failed or a flawed variant escaped. */
function exitFor(results: CompareResults): number {
  const v = compareVerdict(results);
  for (const c of v.correctFailed) {
    process.stderr.write(`${err.bad('failed:')} ${c.protocol} (a correct design) failed ${c.failed} of ${c.seeds} seeds\n`);
  }
  for (const m of v.variantsMissed) {
    process.stderr.write(`${err.bad('missed:')} flawed variant ${m.protocol} was not caught in ${m.seeds} runs\n`);
  }
  return v.correctFailed.length > 0 || v.variantsMissed.length > 0 ? EXIT_VIOLATED : EXIT_OK;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare',
  describe: 'Run protocols side by side on identical fault tapes and write a report',
  builder: (y) => withPlugin(y)
    .option('protocols', { alias: 'p', type: 'string', describe: 'Comma-separated protocols or protocol/variants (default: dlm-lvb, oldest-member, lease — those registered — with all their variants)' })
    .option('scenarios', { alias: 's', type: 'string', describe: `Comma-separated scenario names or files, 'all' (the whole library), or 'mixes' (one swarm fault mix per profile). Default: the library without clusters over ${DEFAULT_MAX_NODES} nodes` })
    .option('seeds', { alias: 'n', type: 'string', describe: "Seeds per protocol × scenario, or 'auto' (default): as many as fit the --budget" })
    .option('first-seed', { type: 'number', describe: 'First seed (default 1); every protocol runs seeds first..first+seeds-1' })
    .option('workers', { alias: 'w', type: 'number', describe: 'Worker threads (default: the number of cores; 1 = in this process)' })
    .option('budget', { type: 'number', describe: `Seconds of wall clock for the whole command with --seeds auto (default ${DEFAULT_BUDGET_S}; the claims, LVB table and diagrams run on the workers alongside): the correct designs run equal rounds (one seed on every scenario) while a round fits, until 381 runs each (a 95% upper bound of 10 per 1,000 with no failure); each flawed variant runs until it is caught` })
    .option('variants', { type: 'boolean', default: true, describe: 'With --protocols, also run the variants of each named base protocol (--no-variants to skip)' })
    .option('out', { type: 'string', default: 'runs', describe: 'Folder for the report, results and run-files' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the results as JSON (per protocol and per protocol × scenario summaries)' })
    .option('html', { type: 'boolean', default: false, describe: 'Write the HTML report (the default unless --json, --md or --junit is given alone)' })
    .option('md', { type: 'boolean', default: false, describe: 'Write a Markdown summary (for PR comments)' })
    .option('junit', { type: 'boolean', default: false, describe: 'Write JUnit XML (one test case per scenario × protocol)' })
    .option('diagrams', { type: 'number', default: 6, describe: 'Space-time diagrams in the HTML report (smallest failing example per protocol)' })
    .option('lvb-table', { type: 'boolean', default: true, describe: "Measure Phillips' LVB table with check on dlm-lvb-table (a few seconds of CPU; --no-lvb-table to skip)" })
    .option('fail-on-violation', { type: 'boolean', default: false, describe: 'Kept for older scripts: exit 1 on a failing correct protocol is now the default' })
    .example('$0 compare', 'The flagship comparison (what `npm start` runs): about a minute, runs, claims, LVB table and diagrams together')
    .example('$0 compare -p lease,dlm-lvb -s owner-crash,standard -n 200 --md', 'Two protocols with their variants, two scenarios, 200 seeds each')
    .epilogue('Exit codes: 0 every correct protocol held and every flawed variant was caught; 1 a correct protocol failed a seed, or a flawed variant was not caught; 2 bad input.')
    .example('$0 compare -s mixes -n 500 --json > results.json', 'The swarm fault mixes; results as JSON') as unknown as Argv<CompareArgs>,
  handler: async (args) => {
    process.exitCode = await compare(args);
  },
};
