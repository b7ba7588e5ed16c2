// lockstep-lint: io-edge (reads the wall clock for --budget and writes the shrunk run-file)
// `lockstep shrink <run-file>`: minimise a failing run while the same checker keeps failing, within a
// wall-clock budget; writes the smaller run-file and prints before/after (progress on stderr).
import { basename, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { NotReproducedError, shrinkRun } from '../../scenarios/shrink.ts';
import type { RunSize, ShrinkProgress } from '../../scenarios/shrink.ts';
import { parseDurationUs } from '../../scenarios/validate.ts';
import { parseCount } from '../args.ts';
import { codeVersion } from '../../runner/codeVersion.ts';
import { InputError, EXIT_VIOLATED } from '../../runner/errors.ts';
import { fileSafe } from '../../runner/files.ts';
import { fmtFault, fmtSpan, fmtTime } from '../format.ts';
import { readRunFile, writeRunFile } from '../../runner/runFiles.ts';
import { err, out } from '../../reports/style.ts';

export interface ShrinkArgs {
  runFile: string;
  budget: string;
  maxRuns?: string;
  checker?: string;
  out: string;
  json: boolean;
  quiet: boolean;
}

/** The `--json` object of `shrink`. */
export interface ShrinkJson {
  input: string;
  runFile: string;
  protocol: string;
  seed: number;
  checker: string;
  before: RunSize;
  after: RunSize;
  runs: number;
  wallMs: number;
  /** False when the budget ran out before every phase finished (the result is still a failing run). */
  complete: boolean;
  codeVersion: string;
  recordedCodeVersion: string;
  replay: string;
}

export const DEFAULT_SHRINK_BUDGET = '60s';
/** Runs allowed when only the time budget should bound shrinking. */
const UNBOUNDED_RUNS = 1_000_000;

/** `--budget 60s` / `2m` / `500ms`; a bare number is seconds. */
export function parseBudgetMs(v: string): number {
  const us = /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) * 1e6 : parseDurationUs(v);
  if (us === undefined || !Number.isFinite(us) || us <= 0) {
    throw new InputError(`--budget: expected a positive duration such as 60s, 2m or 500ms, got ${JSON.stringify(v)}`);
  }
  return us / 1000;
}

export async function shrink(args: ShrinkArgs): Promise<number> {
  const budgetMs = parseBudgetMs(args.budget);
  const maxRuns = args.maxRuns === undefined ? UNBOUNDED_RUNS : parseCount(args.maxRuns, '--max-runs');
  const rf = readRunFile(args.runFile);
  const version = codeVersion();
  const started = performance.now();
  const progress = args.quiet ? undefined : progressPrinter(started);
  if (!args.quiet && rf.codeVersion !== version) {
    process.stderr.write(err.warn(`note: ${args.runFile} was recorded with code ${rf.codeVersion}; this is ${version}\n`));
  }
  let result;
  try {
    result = await shrinkRun(rf, {
      maxRuns,
      shouldStop: () => performance.now() - started > budgetMs,
      ...(progress ? { onProgress: progress } : {}),
      ...(args.checker !== undefined ? { checker: args.checker } : {}),
    });
  } catch (e) {
    if (e instanceof NotReproducedError) throw new InputError(`${args.runFile}: cannot shrink: ${e.message}`);
    throw e;
  }
  const wallMs = Math.round(performance.now() - started);
  const path = join(args.out, `${fileSafe(rf.scenario.name)}-${fileSafe(rf.protocol)}-seed${rf.seed}.shrunk.run.json`);
  writeRunFile(path, { ...result.runFile, codeVersion: version });
  const o: ShrinkJson = {
    input: args.runFile, runFile: path, protocol: rf.protocol, seed: rf.seed, checker: result.checker,
    before: result.before, after: result.after, runs: result.runs, wallMs, complete: result.complete,
    codeVersion: version, recordedCodeVersion: rf.codeVersion, replay: `npx lockstep replay ${path}`,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
  else printResult(o, result.runFile.faults);
  // The shrunk run violates a property, as the original did: exit 1 like run and replay.
  return EXIT_VIOLATED;
}

/** A stderr line when a phase starts and whenever the failing run gets smaller. */
function progressPrinter(started: number): (p: ShrinkProgress) => void {
  let last = '';
  return (p) => {
    const b = p.best;
    const size = `${b.faults} faults, ${b.events} events, ${b.nodes} nodes, ${fmtTime(b.simTimeUs)}, ${b.decisions} decisions`;
    const phase = p.phase.split(':')[0]!;
    if (`${phase} ${size}` === last) return;
    last = `${phase} ${size}`;
    const s = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(err.dim(`[${s}s, ${p.runs} runs] ${p.phase.padEnd(16)} ${size}\n`));
  };
}

function printResult(o: ShrinkJson, faults: Parameters<typeof fmtFault>[0][]): void {
  const row = (name: string, b: string | number, a: string | number): string => `  ${name.padEnd(18)} ${String(b).padStart(12)}  →  ${String(a).padEnd(12)}`;
  const b = o.before;
  const a = o.after;
  const lines = [
    `${out.bold('shrunk')} ${basename(o.input)}  ${out.dim(`(${o.protocol}, seed ${o.seed}, checker ${o.checker})`)}`,
    '',
    row('faults', b.faults, a.faults),
    row('events', b.events, a.events),
    row('nodes', b.nodes, a.nodes),
    row('clients', b.clients, a.clients),
    row('simulated time', fmtTime(b.simTimeUs), fmtTime(a.simTimeUs)),
    row('heal at', fmtTime(b.healAtUs), fmtTime(a.healAtUs)),
    row('tape decisions', b.decisions, a.decisions),
    '',
    out.head(`Faults (${faults.length})`),
    ...(faults.length === 0 ? ['  none: the failure needs no fault'] : faults.map((f) => `  ${fmtFault(f)}`)),
    '',
    `${out.bad(out.bold(`${a.violation.checker} still violated`))} at ${fmtTime(a.violation.atUs)}: ${a.violation.message.split('\n')[0]}`,
    `${o.runs} runs in ${fmtSpan(o.wallMs * 1000)}${o.complete ? '' : out.warn(' (budget reached: shrinking stopped early; run again to shrink further)')}`,
    `Run-file: ${o.runFile}  (${o.replay})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const shrinkCommand: CommandModule<object, ShrinkArgs> = {
  command: 'shrink <run-file>',
  describe: 'Minimise a failing run-file while the same checker keeps failing; write the smaller run-file',
  builder: (y) => y
    .positional('run-file', { type: 'string', demandOption: true, describe: 'A run-file written by run, explore or shrink' })
    .option('budget', { type: 'string', default: DEFAULT_SHRINK_BUDGET, describe: 'Wall-clock budget (60s, 2m, 500ms); the smallest failure so far is kept' })
    .option('max-runs', { type: 'string', describe: 'Also stop after this many simulation runs (deterministic bound)' })
    .option('checker', { type: 'string', describe: 'The checker that must keep failing (default: the first violation)' })
    .option('out', { type: 'string', default: 'runs', describe: 'Folder for the shrunk run-file' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (before, after, runs, runFile)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress on stderr' })
    .example('$0 shrink runs/standard-dlm-lvb_no-fencing-seed7.run.json', 'Shrink for up to 60 s; writes runs/…shrunk.run.json')
    .example('$0 shrink failure.run.json --budget 5m --out shrunk/ --json', 'Longer budget, JSON summary') as unknown as Argv<ShrinkArgs>,
  handler: async (args) => {
    process.exitCode = await shrink(args);
  },
};
