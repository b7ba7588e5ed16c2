// One bounded search split across worker threads (`lockstep check --workers N`): worker w explores the
// root's children i with i mod N = w (combined with --shard K/M: i mod N·M = K + M·w), each with its
// own visited table (so state cuts stay sound), and the parts merge into one claim in part order:
// counts add up, the search is complete when every part is, counterexamples come part by part.
import { Worker } from 'node:worker_threads';
import { simulate } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { Bound, CheckResult, Counterexample, Deviation, Incomplete } from './check.ts';

export interface CheckJob {
  scenario: Scenario;
  protocol: string;
  seed: number;
  bound: Bound;
  prune: boolean;
  all: boolean;
  part: { k: number; of: number };
  maxSchedules?: number;
  maxStates?: number;
  /** Wall-clock budget of the part, ms. */
  timeMs?: number;
}

export type CheckPartResult = Omit<CheckResult, 'counterexamples'> & {
  counterexamples: { deviations: Deviation[]; schedule: number; violations: Counterexample['violations'] }[];
};

const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./checkWorker.js', import.meta.url)
  : new URL('../checkWorker.js', import.meta.url);

function runPart(job: CheckJob): Promise<CheckPartResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: job });
    w.once('message', (m: CheckPartResult) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`check worker exited with code ${code}`));
    });
  });
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
    scenario: first.scenario, protocol: first.protocol, seed: first.seed, bound: first.bound, prune: first.prune,
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
export async function checkParallel(job: Omit<CheckJob, 'part'> & { shard?: { k: number; of: number } }, workers: number): Promise<CheckResult> {
  const shard = job.shard ?? { k: 0, of: 1 };
  const { shard: _s, ...base } = job;
  const parts = await Promise.all(Array.from({ length: workers }, (_, w) =>
    runPart({ ...base, part: { k: shard.k + shard.of * w, of: shard.of * workers } })));
  const merged = mergeParts(parts);
  const counterexamples: Counterexample[] = [];
  for (const c of merged.counterexamples) {
    const result = await simulate(job.scenario, { seed: job.seed, protocol: job.protocol, tapeOverrides: c.deviations.map(([i, v]) => [i, v] as const) });
    counterexamples.push({ ...c, result });
  }
  return { ...merged, counterexamples };
}
