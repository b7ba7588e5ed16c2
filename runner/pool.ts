// lockstep-lint: io-edge (yields to the event loop between in-process seeds so Ctrl-C is seen)
// Where explore runs its seeds: a long-lived pool of worker threads (warm workers: node + tsx start
// once, not per seed; seeds go out in small chunks to whichever worker is idle; results stream back
// one per seed), or, for --workers 1, the main thread itself (no worker start-up cost). The same
// workers also run named tasks (runner/poolTasks.ts: a bounded-check claim, the LVB table, a report
// diagram), so compare's other work shares the warm workers with its seeds instead of running after them.
import { Worker } from 'node:worker_threads';
import { runSeed } from './runSeed.ts';
import type { SeedOutcome, WorkerJob } from './runSeed.ts';
import { runTask } from './poolTasks.ts';
import { cpuSince, threadCpuMs } from './threadCpu.ts';
import type { TaskName, TaskArg, TaskValue } from './poolTasks.ts';

export type { WorkerJob } from './runSeed.ts';
export type ToWorker = { job: WorkerJob; seeds: number[] } | { task: TaskName; arg: unknown };
export type FromWorker = { type: 'ready' } | { type: 'done'; cpuMs?: number } | SeedOutcome
  | { type: 'task'; ok: true; value: unknown; ms: number; cpuMs?: number } | { type: 'task'; ok: false; error: string };

/** A task's value, the worker wall-clock ms it took and, where the platform tells, its thread's CPU ms. */
export interface TaskDone<T> {
  value: T;
  ms: number;
  cpuMs?: number;
}

/** How a run shares the pool with other runs in progress. */
export interface RunOptions {
  /**
   * Lower runs first: an idle worker takes its next chunk from the run with the lowest priority
   * that still has seeds to hand out, the earliest started among equals (default 0).
   */
  priority?: number;
}

/** Runs seeds somewhere and reports each as it finishes. */
export interface SeedPool {
  readonly size: number;
  /**
   * Run `seeds` of `job`; `onResult` sees each finished seed as it arrives. When `stop()` turns true,
   * no new seed is started and the call resolves once the seeds in flight have finished. Several runs
   * may be in progress at once (compare submits every cell): they share the workers by priority.
   */
  run(job: WorkerJob, seeds: readonly number[], onResult: (m: SeedOutcome) => void, stop: () => boolean, opts?: RunOptions): Promise<void>;
  /**
   * Run one named task (runner/poolTasks.ts) on a worker, served by priority among the runs like a
   * one-seed run; resolves with its value (structured-cloned from the worker) and its ms.
   */
  task<N extends TaskName>(name: N, arg: TaskArg<N>, opts?: RunOptions): Promise<TaskDone<TaskValue<N>>>;
  /** Stop (also on Ctrl-C: results already reported stay); a run in progress rejects with PoolClosedError. */
  close(): Promise<void>;
}

/** `size` worker threads, or the main thread when size is 1. */
export async function startPool(size: number): Promise<SeedPool> {
  return size <= 1 ? new InProcessPool() : WorkerPool.start(size);
}

/** --workers 1: seeds run one after another on the main thread. */
export class InProcessPool implements SeedPool {
  readonly size = 1;
  private closed = false;
  private batches: Batch[] = [];
  private started = 0;
  private looping = false;

  /** Concurrent runs share the thread seed by seed, by priority (as on the worker pool). */
  run(job: WorkerJob, seeds: readonly number[], onResult: (m: SeedOutcome) => void, stop: () => boolean, opts: RunOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new PoolClosedError('the explore was interrupted'));
    return new Promise((resolve, reject) => {
      this.batches.push(newBatch(job, seeds, 1, opts, this.started++, onResult, stop, resolve, reject));
      if (!this.looping) void this.loop();
    });
  }

  task<N extends TaskName>(name: N, arg: TaskArg<N>, opts: RunOptions = {}): Promise<TaskDone<TaskValue<N>>> {
    if (this.closed) return Promise.reject(new PoolClosedError('the explore was interrupted'));
    return new Promise((resolve, reject) => {
      const b = newBatch(undefined, [0], 1, opts, this.started++, () => undefined, () => false, () => undefined, reject);
      b.task = { name, arg, done: (v) => resolve(v as TaskDone<TaskValue<N>>) };
      this.batches.push(b);
      if (!this.looping) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      for (;;) {
        for (const x of this.batches) if (x.next >= x.seeds.length || x.stop()) settle(x, undefined);
        this.batches = this.batches.filter((x) => !x.settled);
        const b = pick(this.batches);
        if (b === undefined) return;
        await new Promise<void>((r) => setImmediate(r));
        if (this.closed) {
          for (const x of this.batches) settle(x, new PoolClosedError('the explore was interrupted'));
          this.batches = [];
          return;
        }
        if (b.settled || b.stop()) continue;
        const seed = b.seeds[b.next++]!;
        try {
          if (b.task !== undefined) {
            const t0 = performance.now();
            const c0 = threadCpuMs();
            const value = await runTask(b.task.name, b.task.arg as never);
            b.task.done({ value, ms: performance.now() - t0, ...cpuSince(c0) });
            continue;
          }
          b.onResult(await runSeed(b.job!, seed));
        } catch (e) {
          b.next = b.seeds.length;
          settle(b, e as Error);
        }
      }
    } finally {
      this.looping = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * The worker thread's entry. Compiled (dist/, see tools/build.js) it is the bundled
 * dist/exploreWorker.js; run from the TypeScript sources (tests) it is worker.js, which registers tsx.
 */
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./worker.js', import.meta.url)
  : new URL('../exploreWorker.js', import.meta.url);

/** Chunk size: small enough to balance the tail, large enough to amortize messages. */
export function chunkSize(seeds: number, workers: number): number {
  return Math.max(1, Math.min(16, Math.ceil(seeds / (workers * 8))));
}

/** A run that was cut short by close(). */
export class PoolClosedError extends Error {}

/** One run handed to the pool: its seeds go out in chunks to idle workers (a task: one unit). */
interface Batch {
  /** Undefined for a task. */
  job: WorkerJob | undefined;
  /** A named task instead of seeds: `seeds` is [0], one unit of work; `done` gets its value. */
  task?: { name: TaskName; arg: unknown; done: (v: TaskDone<unknown>) => void };
  seeds: readonly number[];
  chunk: number;
  next: number;
  inFlight: number;
  priority: number;
  order: number;
  settled: boolean;
  onResult: (m: SeedOutcome) => void;
  stop: () => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

function newBatch(job: WorkerJob | undefined, seeds: readonly number[], workers: number, opts: RunOptions, order: number, onResult: (m: SeedOutcome) => void, stop: () => boolean, resolve: () => void, reject: (e: Error) => void): Batch {
  return { job, seeds, chunk: chunkSize(seeds.length, workers), next: 0, inFlight: 0, priority: opts.priority ?? 0, order, settled: false, onResult, stop, resolve, reject };
}

/** The run an idle worker serves next: lowest priority with seeds left, earliest started among equals. */
export function pick(batches: readonly Batch[]): Batch | undefined {
  let best: Batch | undefined;
  for (const b of batches) {
    if (b.settled || b.next >= b.seeds.length || b.stop()) continue;
    if (best === undefined || b.priority < best.priority || (b.priority === best.priority && b.order < best.order)) best = b;
  }
  return best;
}

/** Resolve or reject a run once. */
function settle(b: Batch, e: Error | undefined): void {
  if (b.settled) return;
  b.settled = true;
  if (e) b.reject(e);
  else b.resolve();
}

interface Slot {
  worker: Worker;
  /** The run whose chunk this worker is running, if any. */
  batch: Batch | undefined;
  /** CPU ms this worker's own thread spent in its seed chunks (as it reports them; 0 where it cannot tell). */
  cpuMs: number;
}

export class WorkerPool implements SeedPool {
  private readonly slots: Slot[] = [];
  /** Runs not yet finished, in the order they were started. */
  private batches: Batch[] = [];
  private started = 0;
  private closed = false;

  private constructor() {}

  /** Start `size` workers and wait until each has loaded the simulator. */
  static async start(size: number): Promise<WorkerPool> {
    const pool = new WorkerPool();
    await Promise.all(Array.from({ length: size }, () => pool.spawn()));
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * CPU ms each worker's own thread has spent running seed chunks so far, from its thread clock
   * (runner/threadCpu.ts): what the seeds cost that worker, without the main thread or V8's helper
   * threads, which process.cpuUsage() counts too. Zeros where the platform has no thread clock.
   */
  workerCpuMs(): number[] {
    return this.slots.map((s) => s.cpuMs);
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL);
      const slot: Slot = { worker, batch: undefined, cpuMs: 0 };
      let ready = false;
      worker.on('message', (m: FromWorker) => {
        if (!ready && m.type === 'ready') {
          ready = true;
          this.slots.push(slot);
          resolve();
          return;
        }
        this.onMessage(slot, m);
      });
      worker.on('error', (e) => (ready ? this.failAll(e) : reject(e)));
      worker.on('exit', (code) => {
        if (this.closed) return;
        const e = new Error(`explore worker exited unexpectedly (code ${code})`);
        if (ready) this.failAll(e);
        else reject(e);
      });
    });
  }

  run(job: WorkerJob, seeds: readonly number[], onResult: (m: SeedOutcome) => void, stop: () => boolean, opts: RunOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new PoolClosedError('the explore was interrupted'));
    return new Promise((resolve, reject) => {
      this.batches.push(newBatch(job, seeds, this.slots.length, opts, this.started++, onResult, stop, resolve, reject));
      this.dispatch();
    });
  }

  task<N extends TaskName>(name: N, arg: TaskArg<N>, opts: RunOptions = {}): Promise<TaskDone<TaskValue<N>>> {
    if (this.closed) return Promise.reject(new PoolClosedError('the explore was interrupted'));
    return new Promise((resolve, reject) => {
      const b = newBatch(undefined, [0], this.slots.length, opts, this.started++, () => undefined, () => false, () => undefined, reject);
      b.task = { name, arg, done: (v) => resolve(v as TaskDone<TaskValue<N>>) };
      this.batches.push(b);
      this.dispatch();
    });
  }

  /** Hand a chunk to every idle worker; settle the runs with nothing left to run or in flight. */
  private dispatch(): void {
    for (const b of [...this.batches]) {
      if (b.inFlight === 0 && (b.next >= b.seeds.length || b.stop())) this.settle(b, undefined);
    }
    for (const slot of this.slots) {
      if (slot.batch !== undefined) continue;
      const best = pick(this.batches);
      if (best === undefined) break;
      const chunk = best.seeds.slice(best.next, best.next + best.chunk);
      best.next += chunk.length;
      best.inFlight++;
      slot.batch = best;
      if (best.task !== undefined) slot.worker.postMessage({ task: best.task.name, arg: best.task.arg } satisfies ToWorker);
      else slot.worker.postMessage({ job: best.job!, seeds: chunk } satisfies ToWorker);
    }
  }

  private settle(b: Batch, e: Error | undefined): void {
    const i = this.batches.indexOf(b);
    if (i >= 0) this.batches.splice(i, 1);
    settle(b, e);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    const b = slot.batch;
    if (b === undefined) return;
    if (m.type === 'result') {
      if (b.settled) return;
      try {
        b.onResult(m);
      } catch (e) {
        // The run fails; its chunk still finishes on the worker (its 'done' frees the slot).
        b.next = b.seeds.length;
        this.settle(b, e as Error);
      }
      return;
    }
    if (m.type === 'task') {
      slot.batch = undefined;
      b.inFlight--;
      if (m.ok) b.task?.done({ value: m.value, ms: m.ms, ...(m.cpuMs !== undefined ? { cpuMs: m.cpuMs } : {}) });
      this.settle(b, m.ok ? undefined : new Error(m.error));
      this.dispatch();
      return;
    }
    if (m.type === 'done') {
      if (m.cpuMs !== undefined) slot.cpuMs += m.cpuMs;
      slot.batch = undefined;
      b.inFlight--;
      this.dispatch();
    }
  }

  private failAll(e: Error): void {
    for (const b of [...this.batches]) this.settle(b, e);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new PoolClosedError('the explore was interrupted'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
