// One bounded search split across worker threads (`lockstep check --workers N`): worker w explores the
// root's children i with i mod N = w (combined with --shard K/M: i mod N·M = K + M·w), each with its
// own visited table (so state cuts stay sound), and the parts merge into one claim in part order:
// counts add up, the search is complete when every part is, counterexamples come part by part.
// Without --all the first counterexample any part finds stops every part: which part's comes first,
// and how many schedules the others ran, then depends on timing (each counterexample replays exactly).
import { Worker } from 'node:worker_threads';
import { simulate } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { Bound, CheckProgress, CheckResult, Counterexample, Deviation, Incomplete, SearchOrder } from './check.ts';

export interface CheckJob {
  scenario: Scenario;
  protocol: string;
  seed: number;
  bound: Bound;
  prune: boolean;
  all: boolean;
  /** Search order within the part (default: check's default, bfs). */
  order?: SearchOrder;
  /** Post progress messages to the parent (every 50 schedules and at the end). */
  progress?: boolean;
  part: { k: number; of: number };
  maxSchedules?: number;
  maxStates?: number;
  /** Wall-clock budget of the part, ms. */
  timeMs?: number;
  /** Shared with the other parts: set to 1 when one of them found a counterexample (not with `all`). */
  found?: SharedArrayBuffer;
}

export type CheckPartResult = Omit<CheckResult, 'counterexamples'> & {
  counterexamples: { deviations: Deviation[]; schedule: number; violations: Counterexample['violations'] }[];
};

const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./checkWorker.js', import.meta.url)
  : new URL('../checkWorker.js', import.meta.url);

/** What a check worker posts: progress lines while it runs, then its part's result. */
export type CheckWorkerMessage = { type: 'progress'; progress: CheckProgress } | { type: 'done'; result: CheckPartResult };

function runPart(job: CheckJob, onProgress?: (p: CheckProgress) => void): Promise<CheckPartResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: { ...job, progress: onProgress !== undefined } });
    w.on('message', (m: CheckWorkerMessage) => {
      if (m.type === 'progress') {
        onProgress?.(m.progress);
        return;
      }
      // The first counterexample ends the whole search, as it ends a sequential one.
      if (m.result.counterexamples.length > 0 && !job.all && job.found !== undefined) Atomics.store(new Int32Array(job.found), 0, 1);
      resolve(m.result);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`check worker exited with code ${code}`));
    });
  });
}

/**
 * One progress line for the whole search from each worker's latest: schedules, states, cuts and the
 * frontier add up (the root schedule, run by every part, counts once), depth is the deepest.
 */
export function aggregateProgress(latest: readonly (CheckProgress | undefined)[]): CheckProgress {
  const seen = latest.filter((p): p is CheckProgress => p !== undefined);
  const sum = (f: (p: CheckProgress) => number): number => seen.reduce((a, p) => a + f(p), 0);
  return {
    schedules: sum((p) => p.schedules) - Math.max(0, seen.length - 1), states: sum((p) => p.states), cuts: sum((p) => p.cuts),
    depth: Math.max(0, ...seen.map((p) => p.depth)), frontier: sum((p) => p.frontier),
  };
}

/** Reasons in the order one stands for the merged search (the first a part gives, by this order). */
const REASONS: readonly Incomplete[] = ['counterexample', 'time', 'states', 'schedules', 'depth'];

/** Merge parts in part order (deterministic whatever order the workers finish in). */
export function mergeParts(parts: readonly CheckPartResult[]): Omit<CheckResult, 'counterexamples'> & { counterexamples: CheckPartResult['counterexamples'] } {
  const first = parts[0]!;
  const reasons = parts.map((p) => p.reason).filter((x): x is Incomplete => x !== undefined);
  const reason = REASONS.find((r) => reasons.includes(r));
  // The root schedule runs in every part: count it once.
  const sum = (f: (p: CheckPartResult) => number): number => parts.reduce((a, p) => a + f(p), 0);
  return {
    scenario: first.scenario, protocol: first.protocol, seed: first.seed, bound: first.bound, prune: first.prune, order: first.order,
    complete: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
    schedules: sum((p) => p.schedules) - (parts.length - 1),
    states: sum((p) => p.states), cuts: sum((p) => p.cuts), prunedEvents: sum((p) => p.prunedEvents), events: sum((p) => p.events),
    maxDepth: Math.max(...parts.map((p) => p.maxDepth)), maxChoicePoints: Math.max(...parts.map((p) => p.maxChoicePoints)),
    beyondDepth: sum((p) => p.beyondDepth),
    counterexamples: parts.flatMap((p) => p.counterexamples),
  };
}

/**
 * The search on `workers` threads. `states` is the sum of the parts' distinct states (a state two parts
 * both reach counts twice). Counterexamples are re-run in full here for their run-files.
 */
export async function checkParallel(job: Omit<CheckJob, 'part' | 'progress'> & { shard?: { k: number; of: number } }, workers: number,
  onProgress?: (p: CheckProgress) => void): Promise<CheckResult> {
  const shard = job.shard ?? { k: 0, of: 1 };
  const { shard: _s, ...base } = job;
  const latest: (CheckProgress | undefined)[] = Array.from({ length: workers }, () => undefined);
  const found = new SharedArrayBuffer(4);
  const parts = await Promise.all(Array.from({ length: workers }, (_, w) =>
    runPart({ ...base, found, part: { k: shard.k + shard.of * w, of: shard.of * workers } }, onProgress === undefined ? undefined : (p) => {
      latest[w] = p;
      onProgress(aggregateProgress(latest));
    })));
  const merged = mergeParts(parts);
  const counterexamples: Counterexample[] = [];
  for (const c of merged.counterexamples) {
    const result = await simulate(job.scenario, { seed: job.seed, protocol: job.protocol, tapeOverrides: c.deviations.map(([i, v]) => [i, v] as const) });
    counterexamples.push({ ...c, result });
  }
  return { ...merged, counterexamples };
}
