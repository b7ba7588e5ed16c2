// lockstep-lint: io-edge (writes the counterexample's run-file)
// Assertions for library users' tests: a run that violated a property fails with the checker's own
// sentence, and its counterexample is written as a run-file with the `lockstep replay` line, so a
// property failure in CI opens in `lockstep report --html` like any other failing run.
import { plan, simulate } from './scenarios/simulate.ts';
import type { SimulateOptions, SimulateResult } from './scenarios/simulate.ts';
import type { Scenario } from './scenarios/types.ts';
import { buildRunFile, runFilePath, writeRunFile } from './runner/runFiles.ts';
import { codeVersion } from './runner/codeVersion.ts';
import { heapProbe } from './runner/memory.ts';
import type { ProtocolDef } from './protocols/registry.ts';

/** Where the run came from: what a run-file needs besides the result. */
export interface RunContext {
  scenario: Scenario;
  seed: number;
  /** `name` or `name/variant`, or a protocol definition (default: the scenario's protocol). */
  protocol?: string | ProtocolDef;
  /** With a protocol definition: the variant that ran. */
  variant?: string;
  /** The explicit fault schedule the run used, if any (e.g. from `arbitraries.faultSchedule`). */
  faults?: SimulateOptions['faults'];
  network?: SimulateOptions['network'];
  /** Folder for the run-file (default `runs`, or LOCKSTEP_RUNS_DIR). */
  out?: string;
}

/** Thrown by assertRun / expectHolds: the checkers' sentences, the run-file and how to replay it. */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
  constructor(message: string, readonly runFile: string, readonly result: SimulateResult) {
    super(message);
  }
}

/**
 * Throw a PropertyViolation when `result` violated a property (or hit a budget, or threw): the
 * message is each violated checker's sentence, then the run-file written and its replay command.
 */
export function assertRun(result: SimulateResult, ctx: RunContext): void {
  if (result.ok) return;
  const given = ctx.protocol ?? ctx.scenario.protocol ?? 'gossip';
  const base = typeof given === 'string' ? given : given.name;
  const protocol = ctx.variant !== undefined ? `${base}/${ctx.variant}` : base;
  const out = ctx.out ?? process.env.LOCKSTEP_RUNS_DIR ?? 'runs';
  const file = runFilePath(out, ctx.scenario.name, protocol, ctx.seed);
  const network = plan(ctx.scenario, { seed: ctx.seed, ...(ctx.faults ? { faults: ctx.faults } : {}), ...(ctx.network ? { network: ctx.network } : {}) }).network;
  writeRunFile(file, buildRunFile({
    scenario: ctx.scenario, scenarioSource: ctx.scenario.name, protocol, seed: ctx.seed, network,
    tapeOverrides: [], result, codeVersion: codeVersion(), createdBy: 'run',
  }));
  const lines = result.violations.map((v) => `${v.checker} violated at ${(v.atUs / 1e6).toFixed(3)}s (event ${v.atEvent}): ${v.message}`);
  lines.push(`Run-file: ${file}`, `Replay:   npx lockstep replay ${file}`, `Diagram:  npx lockstep report ${file} --html`);
  throw new PropertyViolation(lines.join('\n'), file, result);
}

/** Simulate and assert every property held (see assertRun); resolves to the result when it did. */
export async function expectHolds(scenario: Scenario, opts: SimulateOptions & { out?: string }): Promise<SimulateResult> {
  const { out, ...sim } = opts;
  const result = await simulate(scenario, { probe: heapProbe(scenario.maxHeapMb), ...sim });
  assertRun(result, {
    scenario, seed: opts.seed, ...(opts.protocol ? { protocol: opts.protocol } : {}),
    ...(opts.variant !== undefined ? { variant: opts.variant } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}), ...(opts.network ? { network: opts.network } : {}),
    ...(out !== undefined ? { out } : {}),
  });
  return result;
}
