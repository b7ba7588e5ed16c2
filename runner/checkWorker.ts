// The worker thread of a parallel `lockstep check --workers N`: runs one part of the search tree
// (runner/check.ts, option `part`) and posts back its result without the full re-runs (the parent
// re-runs a counterexample's schedule to write its run-file).
import { parentPort, workerData } from 'node:worker_threads';
import { check } from './check.ts';
import type { CheckJob, CheckPartResult, CheckWorkerMessage } from './checkParallel.ts';

const job = workerData as CheckJob;
const started = performance.now();
const found = job.found === undefined ? undefined : new Int32Array(job.found);
const r = await check({
  scenario: job.scenario, protocol: job.protocol, seed: job.seed, bound: job.bound, prune: job.prune, all: job.all,
  part: job.part,
  ...(job.order !== undefined ? { order: job.order } : {}),
  ...(job.progress === true ? { onProgress: (progress) => parentPort!.postMessage({ type: 'progress', progress } satisfies CheckWorkerMessage) } : {}),
  ...(job.maxSchedules !== undefined ? { maxSchedules: job.maxSchedules } : {}),
  ...(job.maxStates !== undefined ? { maxStates: job.maxStates } : {}),
  ...(job.timeMs !== undefined ? { shouldStop: () => performance.now() - started > job.timeMs! } : {}),
  ...(found !== undefined ? { foundElsewhere: () => Atomics.load(found, 0) === 1 } : {}),
});
const { counterexamples, ...rest } = r;
const out: CheckPartResult = { ...rest, counterexamples: counterexamples.map((c) => ({ deviations: c.deviations, schedule: c.schedule, violations: c.violations })) };
parentPort!.postMessage({ type: 'done', result: out } satisfies CheckWorkerMessage);
