// Shrink benchmark: for every flawed variant of every registered protocol, find failing seeds with a
// small explore loop (the failures its planted flaw is caught by), shrink each, and report the median
// and worst reduction in faults and events and the shrink time.
// Usage: node --import tsx bench/shrink.ts [--failures 5] [--max-seeds 60] [--max-runs 400]
//          [--budget-ms 60000] [--protocols gossip,lease] [--variants dlm/bad-compat] [--scenarios standard,swarm-pauses] [--json FILE]
import { writeFileSync } from 'node:fs';
import { PROTOCOLS } from '../protocols/index.ts';
import { loadScenario } from '../scenarios/load.ts';
import type { RunFile } from '../scenarios/runfile.ts';
import { shrinkRun, simulateRunFile } from '../scenarios/shrink.ts';
import type { ShrinkResult } from '../scenarios/shrink.ts';
import { simulate } from '../scenarios/simulate.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';

interface Row {
  variant: string;
  scenario: string;
  seed: number;
  checker: string;
  faults: [number, number];
  events: [number, number];
  nodes: [number, number];
  simTimeUs: [number, number];
  decisions: [number, number];
  runs: number;
  ms: number;
  complete: boolean;
  replays: boolean;
}

const args = parseArgs(process.argv.slice(2));
const FAILURES = Number(args.failures ?? 5);
const MAX_SEEDS = Number(args['max-seeds'] ?? 60);
const MAX_RUNS = Number(args['max-runs'] ?? 400);
const BUDGET_MS = Number(args['budget-ms'] ?? 60_000);
const ONLY = args.protocols?.split(',');
const ONLY_VARIANTS = args.variants?.split(',');

/** The demo protocol has no workload: it gets its own swarm scenario. */
const GOSSIP_SWARM: Scenario = {
  name: 'gossip-swarm', description: 'Five gossiping nodes under the standard swarm.', nodes: 5, durationUs: 30_000_000, faults: { swarm: 'standard' },
};

/** Swarm scenarios to explore, in turn per seed, until a variant's flaw shows. */
function scenariosFor(protocol: string): Scenario[] {
  if (protocol === 'gossip') return [GOSSIP_SWARM];
  return (args.scenarios ?? 'standard,swarm-pauses,swarm-partitions,swarm-crashes').split(',').map((n) => loadScenario(n).scenario);
}

function runFileOf(scenario: Scenario, protocol: string, r: SimulateResult): RunFile {
  return {
    format: 'lockstep-run/1', scenario, scenarioSource: scenario.name, protocol, seed: r.seed, knobs: r.knobs, network: {},
    faults: r.faults, tape: { length: r.tapeLength, overrides: [] }, violations: r.violations, traceHash: r.traceHash,
    events: r.events, simTimeUs: r.simTimeUs, codeVersion: 'bench', createdBy: 'explore',
  };
}

async function benchVariant(protocol: string, variant: string, caughtBy: string[]): Promise<Row[]> {
  const name = `${protocol}/${variant}`;
  const scenarios = scenariosFor(protocol);
  const rows: Row[] = [];
  for (let seed = 1; seed <= MAX_SEEDS && rows.length < FAILURES; seed++) {
    // One failure per seed: the first scenario that shows the flaw (a flaw that needs no fault
    // would otherwise fail every scenario on the same seed).
    for (const scenario of scenarios) if (await benchOne(scenario, name, seed, caughtBy, rows)) break;
  }
  if (rows.length === 0) process.stderr.write(`${name}: no failure caught by ${caughtBy.join('/')} in seeds 1..${MAX_SEEDS} of ${scenarios.map((sc) => sc.name).join(', ')}\n`);
  return rows;
}

async function benchOne(scenario: Scenario, name: string, seed: number, caughtBy: string[], rows: Row[]): Promise<boolean> {
  const r = await simulate(scenario, { seed, protocol: name });
  // The checker the variant names; else whatever it violated (caughtBy lists may lag the checkers).
  const hit = r.violations.find((v) => caughtBy.includes(v.checker)) ?? r.violations[0];
  if (hit === undefined) return false;
  const started = performance.now();
  const s: ShrinkResult = await shrinkRun(runFileOf(scenario, name, r), {
    checker: hit.checker, maxRuns: MAX_RUNS, shouldStop: () => performance.now() - started > BUDGET_MS,
  });
  const ms = Math.round(performance.now() - started);
  const again = await simulateRunFile(s.runFile);
  const row: Row = {
    variant: name, scenario: scenario.name, seed, checker: s.checker,
    faults: [s.before.faults, s.after.faults], events: [s.before.events, s.after.events], nodes: [s.before.nodes, s.after.nodes],
    simTimeUs: [s.before.simTimeUs, s.after.simTimeUs], decisions: [s.before.decisions, s.after.decisions],
    runs: s.runs, ms, complete: s.complete,
    replays: again.traceHash === s.runFile.traceHash && again.violations.some((v) => v.checker === s.checker),
  };
  rows.push(row);
  process.stderr.write(`${name} ${scenario.name} seed ${seed} [${row.checker}]: faults ${row.faults.join('→')}, events ${row.events.join('→')}, nodes ${row.nodes.join('→')}, decisions ${row.decisions.join('→')}; ${row.runs} runs, ${ms} ms${row.complete ? '' : ' (budget)'}${row.replays ? '' : ' REPLAY MISMATCH'}\n`);
  return true;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Reduction as "after/before" kept: 0.02 = shrunk to 2 %. Worst = the largest fraction kept. */
function summarize(label: string, rows: Row[]): Record<string, string | number> {
  const kept = (p: [number, number]): number => (p[0] === 0 ? 1 : p[1] / p[0]);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return {
    variant: label,
    failures: rows.length,
    'faults before→after (median)': `${median(rows.map((r) => r.faults[0]))}→${median(rows.map((r) => r.faults[1]))}`,
    'faults after (worst)': Math.max(...rows.map((r) => r.faults[1])),
    'faults kept (median)': pct(median(rows.map((r) => kept(r.faults)))),
    'faults kept (worst)': pct(Math.max(...rows.map((r) => kept(r.faults)))),
    'events kept (median)': pct(median(rows.map((r) => kept(r.events)))),
    'events kept (worst)': pct(Math.max(...rows.map((r) => kept(r.events)))),
    'events after (median)': median(rows.map((r) => r.events[1])),
    'shrink ms (median)': median(rows.map((r) => r.ms)),
    'shrink ms (worst)': Math.max(...rows.map((r) => r.ms)),
    'runs (median)': median(rows.map((r) => r.runs)),
    'budget hit': rows.filter((r) => !r.complete).length,
    'replay ok': `${rows.filter((r) => r.replays).length}/${rows.length}`,
  };
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) out[a.slice(2)] = argv[++i] ?? '';
  }
  return out;
}

const all: Row[] = [];
const summaries: Record<string, string | number>[] = [];
for (const p of PROTOCOLS) {
  if (ONLY !== undefined && !ONLY.includes(p.name)) continue;
  for (const v of p.variants) {
    if (ONLY_VARIANTS !== undefined && !ONLY_VARIANTS.includes(`${p.name}/${v.name}`)) continue;
    const rows = await benchVariant(p.name, v.name, v.caughtBy);
    all.push(...rows);
    if (rows.length > 0) summaries.push(summarize(`${p.name}/${v.name}`, rows));
  }
}
if (all.length > 0) summaries.push(summarize('ALL', all));
const cols = Object.keys(summaries[0] ?? {});
process.stdout.write(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|\n`);
for (const s of summaries) process.stdout.write(`| ${cols.map((c) => String(s[c])).join(' | ')} |\n`);
if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify({ settings: { FAILURES, MAX_SEEDS, MAX_RUNS, BUDGET_MS }, summaries, rows: all }, null, 2)}\n`);
