// A run's space-time view from its run-file: replay it with a trace sink (optionally saving the JSONL
// trace) or read a trace already on disk, then build the RunView the HTML diagram draws.
import type { RunFile } from '../scenarios/runfile.ts';
import { plan } from '../scenarios/simulate.ts';
import type { RunView } from '../runner/runView.ts';
import { buildRunView } from '../runner/runView.ts';
import { readJsonlTrace } from '../runner/runTrace.ts';
import { diagramOf, diagramPicks } from '../runner/diagram.ts';
import { readRunFile } from '../runner/runFiles.ts';
import type { CompareResults } from '../runner/summary.ts';
import { err } from '../reports/style.ts';

export interface RunViewOptions {
  /** Use this JSONL trace instead of replaying. */
  tracePath?: string;
  /** When replaying, also save the trace here. */
  saveTracePath?: string;
  /** Steps kept in the view (default MAX_STEPS; Infinity for a full export). */
  maxSteps?: number;
}

export async function runViewOf(runFilePath: string, opts: RunViewOptions = {}): Promise<RunView> {
  return runViewOfFile(readRunFile(runFilePath), runFilePath, opts);
}

export async function runViewOfFile(run: RunFile, runFilePath: string | undefined, opts: RunViewOptions = {}): Promise<RunView> {
  if (opts.tracePath !== undefined) {
    const { records, truncated } = readJsonlTrace(opts.tracePath);
    const p = plan(run.scenario, { seed: run.seed, faults: run.faults, network: run.network });
    const last = records[records.length - 1];
    return buildRunView({
      scenario: run.scenario.name, protocol: run.protocol, seed: run.seed, nodes: run.scenario.nodes,
      endUs: Math.max(run.simTimeUs, last?.t ?? 0), healAtUs: p.healAtUs, violations: run.violations,
      faultsFired: records.filter((x) => x.k === 'fault').map((x) => ({ kind: String(x.fault), atUs: x.t, nodes: (x.nodes as number[] | undefined) ?? [], ...(x.detail ? { detail: String(x.detail) } : {}) })),
      faults: run.faults, ...(runFilePath !== undefined ? { runFile: runFilePath } : {}),
    }, records, truncated, opts.maxSteps);
  }
  return diagramOf(run, runFilePath, {
    ...(opts.saveTracePath !== undefined ? { saveTracePath: opts.saveTracePath } : {}),
    ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
  });
}

export { DIAGRAM_MAX_EVENTS } from '../runner/diagram.ts';

/** Space-time diagrams for the report: each protocol's smallest failing example, correct protocols first. */
export async function diagramsFor(results: CompareResults, max: number): Promise<RunView[]> {
  const views: RunView[] = [];
  for (const p of diagramPicks(results.protocols, max)) {
    try {
      views.push(await runViewOf(p.smallestFailure!.runFile!));
    } catch (e) {
      process.stderr.write(`${err.warn('warning:')} could not draw ${p.smallestFailure!.runFile}: ${(e as Error).message}\n`);
    }
  }
  return views;
}
