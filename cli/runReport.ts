// A run's space-time view from its run-file: replay it with a trace sink (optionally saving the JSONL
// trace) or read a trace already on disk, then build the RunView the HTML diagram draws.
import type { RunFile } from '../scenarios/runfile.ts';
import { plan } from '../scenarios/simulate.ts';
import type { RunView } from '../reports/runView.ts';
import { buildRunView } from '../reports/runView.ts';
import { readJsonlTrace, traceRunFile } from '../runner/runTrace.ts';
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

/** Space-time diagrams for the report: each protocol's smallest failing example, correct protocols first. */
export async function diagramsFor(results: CompareResults, max: number): Promise<RunView[]> {
  const picks = [...results.protocols]
    .filter((p) => p.smallestFailure?.runFile !== undefined && p.smallestFailure.events <= DIAGRAM_MAX_EVENTS)
    .sort((a, b) => Number(a.variant !== undefined) - Number(b.variant !== undefined));
  const views: RunView[] = [];
  for (const p of picks.slice(0, max)) {
    try {
      views.push(await runViewOf(p.smallestFailure!.runFile!));
    } catch (e) {
      process.stderr.write(`${err.warn('warning:')} could not draw ${p.smallestFailure!.runFile}: ${(e as Error).message}\n`);
    }
  }
  return views;
}
