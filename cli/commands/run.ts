// lockstep-lint: io-edge (measures wall time and writes trace and run-files)
// `lockstep run <scenario>`: one run. Prints the seed and knobs first, then a verdict per checker,
// the faults that fired and the metrics; a failing run writes a run-file and prints how to reproduce.
import type { RunSummary } from '../../sim/types.ts';
import { randomInt } from 'node:crypto';
import type { CommandModule } from 'yargs';
import { loadPluginFlags, withPlugin } from '../plugins.ts';
import type { PluginArgs } from '../plugins.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { LoadedScenario } from '../../scenarios/load.ts';
import { plan, simulate } from '../../scenarios/simulate.ts';
import type { SimulateResult } from '../../scenarios/simulate.ts';
import { parseSeed } from '../args.ts';
import { codeVersion } from '../../runner/codeVersion.ts';
import { InputError, EXIT_OK, EXIT_VIOLATED } from '../../runner/errors.ts';
import { fmtFault, fmtFired, fmtKnobs, fmtSpan, fmtTime, fmtVerdict } from '../format.ts';
import { checkersFor, chooseProtocol } from '../../runner/protocolChoice.ts';
import { buildRunFile, isRunFilePath, readRunFile, runFilePath, writeRunFile } from '../../runner/runFiles.ts';
import { checkOutDir } from '../../runner/files.ts';
import type { RunFile } from '../../scenarios/runfile.ts';
import { pluginsFor } from '../../runner/plugins.ts';
import { out } from '../../reports/style.ts';
import { TraceWriter } from '../../runner/traceWriter.ts';
import { verdicts } from '../../reports/verdicts.ts';
import type { Verdict } from '../../reports/verdicts.ts';
import { heapProbe } from '../../runner/memory.ts';

export interface RunArgs extends PluginArgs {
  scenario: string;
  protocol?: string;
  seed?: number;
  trace?: string;
  json: boolean;
  out: string;
}

/** The `--json` object of `run`: the run summary plus the verdicts, knobs and planned faults. */
export interface RunJson extends RunSummary {
  faultsFired: SimulateResult['faultsFired'];
  /** Faults that never fired and why (a role that resolved to nobody, a point never reached). */
  faultsNotFired: SimulateResult['faultsNotFired'];
  /** Fault points reached, with hit counts. */
  faultPoints: SimulateResult['faultPoints'];
  metrics: SimulateResult['metrics'];
  coverage: SimulateResult['coverage'];
  checkers: Verdict[];
  knobs: SimulateResult['knobs'];
  network: Record<string, number>;
  faults: SimulateResult['faults'];
  healAtUs: number;
  tapeLength: number;
  codeVersion: string;
  wallMs: number;
  runFile?: string;
  trace?: string;
  reproduce?: string;
}

/** What `run` runs: a scenario, or a run-file's scenario with its pinned faults, network and tape. */
interface RunInput {
  loaded: LoadedScenario;
  recorded?: RunFile;
}

/** A scenario by name or path, or a run-file (e.g. a shrunk one) whose embedded scenario is run. */
function loadRunInput(ref: string): RunInput {
  if (!isRunFilePath(ref)) return { loaded: loadScenario(ref) };
  const rf = readRunFile(ref);
  return { loaded: { scenario: rf.scenario, source: ref, file: ref, fromLibrary: false }, recorded: rf };
}

export async function run(args: RunArgs): Promise<number> {
  checkOutDir(args.out);
  await loadPluginFlags(args);
  const { loaded, recorded } = loadRunInput(args.scenario);
  const { scenario } = loaded;
  const resolved = chooseProtocol(args.protocol ?? recorded?.protocol, scenario, loaded.source);
  const seed = args.seed !== undefined ? parseSeed(args.seed, '--seed') : recorded?.seed ?? randomInt(0, 0x1_0000_0000);
  const pinned = recorded === undefined ? {} : { faults: recorded.faults, network: recorded.network };
  const tapeOverrides = recorded?.tape.overrides ?? [];
  const planned = plan(scenario, { seed, ...pinned });
  const checkers = checkersFor(scenario, resolved, planned.healAtUs, loaded.source);
  const trace = args.trace === undefined ? undefined : openTrace(args.trace);
  if (!args.json) printHeader(loaded, resolved.name, seed, planned);
  const started = performance.now();
  let result: SimulateResult;
  try {
    result = await simulate(scenario, {
      seed, protocol: resolved.name, probe: heapProbe(scenario.maxHeapMb), ...pinned, tapeOverrides,
      ...(trace ? { trace: trace.write } : {}),
    });
  } catch (e) {
    trace?.abort();
    throw e;
  }
  trace?.close();
  const wallMs = Math.round(performance.now() - started);
  const rows = verdicts(checkers, result);
  const o: RunJson = {
    scenario: scenario.name, protocol: resolved.name, seed, ok: result.ok, traceHash: result.traceHash,
    events: result.events, simTimeUs: result.simTimeUs, violations: result.violations, faultsFired: result.faultsFired,
    faultsNotFired: result.faultsNotFired, faultPoints: result.faultPoints,
    metrics: result.metrics, coverage: result.coverage, checkers: rows, knobs: result.knobs, network: planned.network,
    faults: result.faults, healAtUs: result.healAtUs, tapeLength: result.tapeLength, codeVersion: codeVersion(), wallMs,
  };
  if (trace) o.trace = args.trace!;
  if (!result.ok) {
    o.runFile = runFilePath(args.out, scenario.name, resolved.name, seed);
    const plugins = pluginsFor([resolved.name]);
    o.reproduce = `npx lockstep run ${shellWord(loaded.source)} --protocol ${resolved.name} --seed ${seed}${plugins.map((f) => ` --plugin ${shellWord(f)}`).join('')}`;
    writeRunFile(o.runFile, buildRunFile({
      scenario, scenarioSource: loaded.source, protocol: resolved.name, seed, network: planned.network,
      tapeOverrides, result, codeVersion: o.codeVersion, createdBy: 'run', plugins,
    }));
  }
  if (args.json) process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
  else printResult(o);
  return result.ok ? EXIT_OK : EXIT_VIOLATED;
}

function openTrace(path: string): TraceWriter {
  try {
    return new TraceWriter(path);
  } catch (e) {
    throw new InputError(`--trace: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function printHeader(loaded: LoadedScenario, protocol: string, seed: number, p: ReturnType<typeof plan>): void {
  const s = loaded.scenario;
  const lines = [
    `${out.bold('seed')} ${seed}  ${out.bold('scenario')} ${s.name}  ${out.bold('protocol')} ${protocol}  ${out.dim(`(${s.nodes} nodes, ${fmtSpan(s.durationUs)}, heal at ${fmtTime(p.healAtUs)})`)}`,
    `${out.bold('knobs')} ${fmtKnobs(p.knobs, p.network)}`,
    `${out.bold('faults')} ${p.faults.length === 0 ? 'none' : `(${p.faults.length} planned)`}`,
    ...p.faults.map((f) => `  ${fmtFault(f)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

function printResult(o: RunJson): void {
  const width = Math.max(0, ...o.checkers.map((c) => c.checker.length));
  const lines = [out.head('Checkers'), ...o.checkers.map((v) => `  ${fmtVerdict(v, out, width)}`), ''];
  lines.push(out.head(`Faults fired (${o.faultsFired.length})`), ...o.faultsFired.map((f) => `  ${fmtFired(f)}`), '');
  if (o.faultsNotFired.length > 0) {
    lines.push(out.head(`Faults that did not fire (${o.faultsNotFired.length})`), ...o.faultsNotFired.map((f) => `  #${f.index} ${f.kind}: ${f.reason}`), '');
  }
  if (o.faultPoints.length > 0) lines.push(out.head('Fault points reached'), ...o.faultPoints.map((p) => `  ${p.name.padEnd(28)} ${p.hits}`), '');
  lines.push(out.head('Metrics'), ...Object.entries(o.metrics).map(([k, v]) => `  ${k.padEnd(28)} ${v}`), '');
  lines.push(`${o.events} events, ${fmtTime(o.simTimeUs)} simulated in ${o.wallMs} ms; trace hash ${o.traceHash}${o.trace ? `; trace in ${o.trace}` : ''}`);
  if (o.ok) lines.push(out.ok(out.bold('OK: every property held.')));
  else {
    lines.push(out.bad(out.bold(`FAILED: ${o.violations.map((v) => v.checker).join(', ')} violated.`)));
    lines.push(`Reproduce: ${o.reproduce}`, `Run-file:  ${o.runFile}  (npx lockstep replay ${shellWord(o.runFile!)})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Quote a word for a shell command line when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <scenario>',
  describe: 'Run one scenario under one protocol and seed',
  builder: (y) => withPlugin(y)
    .positional('scenario', { type: 'string', demandOption: true, describe: 'Library scenario name (see `lockstep list`), a scenario .json file, or a run-file (e.g. a shrunk one: its faults, network and tape are kept)' })
    .option('protocol', { alias: 'p', type: 'string', describe: 'Protocol or protocol/variant (default: the scenario\'s, else dlm-lvb, else the first registered)' })
    .option('seed', { alias: 's', type: 'number', describe: "Root seed, 0..4294967295 (default: the run-file's, else a random one, printed first)" })
    .option('trace', { type: 'string', describe: 'Stream every event to this JSONL file' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (summary, verdicts, knobs, faults) instead of text' })
    .option('out', { type: 'string', default: 'runs', describe: 'Folder for the run-file of a failing run' })
    .example('$0 run owner-crash --seed 42', 'One run of a library scenario with a fixed seed')
    .example('$0 run standard -p dlm-lvb/no-fencing --seed 7', 'A flawed variant; a failure writes runs/…run.json')
    .example('$0 run ./my-scenario.json --trace trace.jsonl --json', 'A scenario file, full trace, JSON summary')
    .example('$0 run runs/standard-lease_no-cas-seed3.shrunk.run.json', 'A shrunk run-file, run again with its pinned faults')
    .epilogue('Exit codes: 0 every property held, 1 a property was violated (a run-file is written), 2 bad input.'),
  handler: async (args) => {
    process.exitCode = await run(args);
  },
};
