// lockstep-lint: io-edge (yields to the event loop between in-process seeds so Ctrl-C is seen)
// Where explore runs its seeds: a long-lived pool of worker threads (warm workers: node + tsx start
// once, not per seed; seeds go out in small chunks to whichever worker is idle; results stream back
// one per seed), or, for --workers 1, the main thread itself (no worker start-up cost).
import { Worker } from 'node:worker_threads';
import { runSeed } from './runSeed.ts';
import type { SeedOutcome, WorkerJob } from './runSeed.ts';

export type { WorkerJob } from './runSeed.ts';
export type ToWorker = { job: WorkerJob; seeds: number[] };
export type FromWorker = { type: 'ready' } | { type: 'done' } | SeedOutcome;

/** Runs seeds somewhere and reports each as it finishes. */
export interface SeedPool {
  readonly size: number;
  /**
   * Run `seeds` of `job`; `onResult` sees each finished seed as it arrives. When `stop()` turns true,
   * no new seed is started and the call resolves once the seeds in flight have finished.
   */
  run(job: WorkerJob, seeds: readonly number[], onResult: (m: SeedOutcome) => void, stop: () => boolean): Promise<void>;
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

  async run(job: WorkerJob, seeds: readonly number[], onResult: (m: SeedOutcome) => void, stop: () => boolean): Promise<void> {
    for (const seed of seeds) {
      if (stop()) return;
      await new Promise<void>((r) => setImmediate(r));
      if (this.closed) throw new PoolClosedError('the explore was interrupted');
      onResult(await runSeed(job, seed));
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

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class WorkerPool implements SeedPool {
  private readonly slots: Slot[] = [];
  private failure: ((e: Error) => void) | undefined;
  private onMessage: ((slot: Slot, m: FromWorker) => void) | undefined;
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

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_URL);
      const slot: Slot = { worker, busy: false };
      let ready = false;
      worker.on('message', (m: FromWorker) => {
        if (!ready && m.type === 'ready') {
          ready = true;
          this.slots.push(slot);
          resolve();
          return;
        }
        this.onMessage?.(slot, m);
      });
      worker.on('error', (e) => (ready ? this.failure?.(e) : reject(e)));
      worker.on('exit', (code) => {
        if (this.closed) return;
        const e = new Error(`explore worker exited unexpectedly (code ${code})`);
        if (ready) this.failure?.(e);
        else reject(e);
      });
    });
  }

  run(job: WorkerJob, seeds: readonly number[], onResult: (m: SeedOutcome) => void, stop: () => boolean): Promise<void> {
    const size = chunkSize(seeds.length, this.slots.length);
    let next = 0;
    let inFlight = 0;
    return new Promise((resolve, reject) => {
      const dispatch = (): void => {
        for (const slot of this.slots) {
          if (slot.busy || next >= seeds.length || stop()) continue;
          const chunk = seeds.slice(next, next + size);
          next += chunk.length;
          slot.busy = true;
          inFlight++;
          slot.worker.postMessage({ job, seeds: chunk } satisfies ToWorker);
        }
        if (inFlight === 0) finish(undefined);
      };
      const finish = (e: Error | undefined): void => {
        this.onMessage = undefined;
        this.failure = undefined;
        if (e) reject(e);
        else resolve();
      };
      this.failure = finish;
      this.onMessage = (slot, m) => {
        if (m.type === 'result') {
          try {
            onResult(m);
          } catch (e) {
            finish(e as Error);
          }
          return;
        }
        if (m.type === 'done') {
          slot.busy = false;
          inFlight--;
          dispatch();
        }
      };
      dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failure?.(new PoolClosedError('the explore was interrupted'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
