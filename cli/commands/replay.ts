// `lockstep replay <run-file>`: re-run a recorded run exactly (same scenario object, protocol, seed,
// fault schedule, network knobs and tape overrides) and check it ends the same way: same trace hash,
// same violated checkers. Exit 1 when a property is violated again (the failure reproduces), 0 when
// the run now passes, 2 on bad input.
import type { Argv, CommandModule } from 'yargs';
import { loadPluginFlags, loadRecordedPlugins, withPlugin } from '../plugins.ts';
import type { PluginArgs } from '../plugins.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { codeVersion } from '../../runner/codeVersion.ts';
import { InputError, EXIT_OK, EXIT_VIOLATED } from '../../runner/errors.ts';
import { fmtFired, fmtTime } from '../format.ts';
import { checkersFor } from '../../runner/protocolChoice.ts';
import { UnknownProtocolError, resolveProtocol } from '../../protocols/index.ts';
import type { ResolvedProtocol } from '../../protocols/index.ts';
import { readRunFile } from '../../runner/runFiles.ts';
import { out } from '../../reports/style.ts';
import { verdicts } from '../../reports/verdicts.ts';
import type { Verdict } from '../../reports/verdicts.ts';
import type { Violation } from '../../sim/types.ts';
import { heapProbe } from '../../runner/memory.ts';

interface ReplayArgs extends PluginArgs {
  runFile: string;
  json: boolean;
}

export interface ReplayJson {
  runFile: string;
  scenario: string;
  protocol: string;
  seed: number;
  ok: boolean;
  /** Same trace hash and the same violated checkers as recorded. */
  reproduced: boolean;
  sameTrace: boolean;
  sameViolations: boolean;
  /** The recorded run failed and this one fails too (possibly differently, after a code change). */
  stillFails: boolean;
  traceHash: string;
  recordedTraceHash: string;
  violatedCheckers: string[];
  recordedCheckers: string[];
  codeVersion: string;
  recordedCodeVersion: string;
  codeChanged: boolean;
  events: number;
  simTimeUs: number;
  violations: Violation[];
  faultsFired: Awaited<ReturnType<typeof simulate>>['faultsFired'];
  checkers: Verdict[];
}

export async function replay(args: ReplayArgs): Promise<number> {
  await loadPluginFlags(args);
  await loadRecordedPlugins(args.runFile);
  const rf = readRunFile(args.runFile);
  const resolved = resolveRecorded(args.runFile, rf.protocol);
  const result = await simulate(rf.scenario, {
    seed: rf.seed, protocol: resolved.name, faults: rf.faults, network: rf.network, tapeOverrides: rf.tape.overrides,
    probe: heapProbe(rf.scenario.maxHeapMb),
  });
  const checkers = checkersFor(rf.scenario, resolved, result.healAtUs, `${args.runFile}#scenario`);
  const violatedCheckers = uniqueSorted(result.violations.map((v) => v.checker));
  const recordedCheckers = uniqueSorted(rf.violations.map((v) => v.checker));
  const sameViolations = violatedCheckers.join('\n') === recordedCheckers.join('\n');
  const sameTrace = result.traceHash === rf.traceHash;
  const now = codeVersion();
  const o: ReplayJson = {
    runFile: args.runFile, scenario: rf.scenario.name, protocol: resolved.name, seed: rf.seed, ok: result.ok,
    reproduced: sameTrace && sameViolations, sameTrace, sameViolations,
    stillFails: recordedCheckers.length > 0 && !result.ok,
    traceHash: result.traceHash, recordedTraceHash: rf.traceHash, violatedCheckers, recordedCheckers,
    codeVersion: now, recordedCodeVersion: rf.codeVersion, codeChanged: now !== rf.codeVersion,
    events: result.events, simTimeUs: result.simTimeUs, violations: result.violations, faultsFired: result.faultsFired,
    checkers: verdicts(checkers, result),
  };
  if (args.json) process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
  else printHuman(o, rf.tape.overrides.length);
  return result.ok ? EXIT_OK : EXIT_VIOLATED;
}

function resolveRecorded(path: string, protocol: string): ResolvedProtocol {
  try {
    return resolveProtocol(protocol);
  } catch (e) {
    if (e instanceof UnknownProtocolError) throw new InputError(`${path}: protocol: ${e.message}`);
    throw e;
  }
}

function uniqueSorted(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

function printHuman(o: ReplayJson, overrides: number): void {
  const lines = [
    `${out.bold('replay')} ${o.runFile}: ${out.bold('seed')} ${o.seed}  ${out.bold('scenario')} ${o.scenario}  ${out.bold('protocol')} ${o.protocol}${overrides > 0 ? `  ${overrides} tape override(s)` : ''}`,
  ];
  if (o.codeChanged) lines.push(out.warn(`the code changed since this run was recorded (recorded ${o.recordedCodeVersion}, now ${o.codeVersion})`));
  for (const v of o.violations) lines.push(`  ${out.bad('✗')} ${v.checker} at ${fmtTime(v.atUs)} (event ${v.atEvent}): ${v.message.split('\n')[0]}`);
  lines.push(out.dim(`  faults fired: ${o.faultsFired.length === 0 ? 'none' : ''}`), ...o.faultsFired.map((f) => out.dim(`    ${fmtFired(f)}`)));
  lines.push(`trace hash ${o.traceHash} ${o.sameTrace ? out.ok('= recorded') : out.warn(`≠ recorded ${o.recordedTraceHash}`)}`);
  lines.push(`violated: ${o.violatedCheckers.join(', ') || 'nothing'} ${o.sameViolations ? out.ok('= recorded') : out.warn(`(recorded: ${o.recordedCheckers.join(', ') || 'nothing'})`)}`);
  if (o.reproduced) lines.push(out.bold(o.ok ? out.ok('Reproduced exactly: the run passes, as recorded.') : out.bad('Reproduced exactly: the failure happens again.')));
  else if (o.stillFails) lines.push(out.bold(out.bad('Still fails, but not identically (see above).')));
  else if (!o.ok) lines.push(out.bold(out.bad('Fails now, though the recorded run passed.')));
  else lines.push(out.bold(out.ok('No longer fails: every property held.')));
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <run-file>',
  describe: 'Re-run a recorded run-file exactly and check it ends the same way',
  builder: (y) => withPlugin(y)
    .positional('run-file', { type: 'string', demandOption: true, describe: 'A run-file written by run, explore or shrink' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
    .example('$0 replay runs/owner-crash-dlm-lvb-seed42.run.json', 'Does the recorded failure still happen?')
    .epilogue('Exit codes: 1 the run violates a property (the failure reproduces), 0 it now passes, 2 bad input.') as unknown as Argv<ReplayArgs>,
  handler: async (args) => {
    process.exitCode = await replay(args);
  },
};
