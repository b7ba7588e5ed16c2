// A report diagram from a run-file: replay it with a trace sink and build the space-time view the
// HTML report draws. Compare runs it on a pool worker while the seeds run (runner/poolTasks.ts).
import type { RunFile } from '../scenarios/runfile.ts';
import { traceRunFile } from './runTrace.ts';
import { buildRunView } from './runView.ts';
import type { RunView } from './runView.ts';

export async function diagramOf(run: RunFile, runFilePath: string | undefined, opts: { saveTracePath?: string; maxSteps?: number } = {}): Promise<RunView> {
  const traced = await traceRunFile(run, opts.saveTracePath !== undefined ? { jsonlPath: opts.saveTracePath } : {});
  const r = traced.result;
  return buildRunView({
    scenario: run.scenario.name, protocol: r.protocol, seed: run.seed, nodes: run.scenario.nodes,
    endUs: r.simTimeUs, healAtUs: r.healAtUs, violations: r.violations, faultsFired: r.faultsFired, faults: r.faults,
    ...(runFilePath !== undefined ? { runFile: runFilePath } : {}),
  }, traced.records, traced.truncated, opts.maxSteps);
}

/** Runs longer than this are not re-run for a diagram (`lockstep report <run-file> --html` still draws them). */
export const DIAGRAM_MAX_EVENTS = 150_000;

/** What diagramPicks reads of a protocol's summary. */
export interface DiagramCandidate {
  variant?: string;
  smallestFailure?: { runFile?: string; events: number };
}

/**
 * The protocols whose smallest failing example the report draws: those with a run-file of at most
 * DIAGRAM_MAX_EVENTS events, correct protocols first (then in the given order), at most `max`.
 */
export function diagramPicks<P extends DiagramCandidate>(protocols: readonly P[], max: number): P[] {
  return protocols
    .filter((p) => p.smallestFailure?.runFile !== undefined && p.smallestFailure.events <= DIAGRAM_MAX_EVENTS)
    .sort((a, b) => Number(a.variant !== undefined) - Number(b.variant !== undefined))
    .slice(0, max);
}
