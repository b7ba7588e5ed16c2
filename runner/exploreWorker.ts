// An explore worker thread: runs chunks of seeds and posts one message per finished seed (its record,
// plus the run-file of a failing seed), then 'done' with the CPU ms the chunk cost this thread; or runs
// one named task (runner/poolTasks.ts) and posts its value. Long-lived: the pool reuses it for every chunk and task.
import { parentPort } from 'node:worker_threads';
import { runSeed } from './runSeed.ts';
import { runTask } from './poolTasks.ts';
import { cpuSince, threadCpuMs } from './threadCpu.ts';
import type { FromWorker, ToWorker } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('exploreWorker.ts must run in a worker thread');

port.on('message', (msg: ToWorker) => {
  void (async () => {
    if ('task' in msg) {
      const t0 = performance.now();
      const c0 = threadCpuMs();
      try {
        const value = await runTask(msg.task, msg.arg as never);
        port.postMessage({ type: 'task', ok: true, value, ms: performance.now() - t0, ...cpuSince(c0) } satisfies FromWorker);
      } catch (e) {
        port.postMessage({ type: 'task', ok: false, error: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
      }
      return;
    }
    const c0 = threadCpuMs();
    for (const seed of msg.seeds) port.postMessage((await runSeed(msg.job, seed)) satisfies FromWorker);
    port.postMessage({ type: 'done', ...cpuSince(c0) } satisfies FromWorker);
  })();
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
