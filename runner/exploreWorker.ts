// An explore worker thread: runs chunks of seeds and posts one message per finished seed (its record,
// plus the run-file of a failing seed), then 'done'. Long-lived: the pool reuses it for every chunk.
import { parentPort } from 'node:worker_threads';
import { runSeed } from './runSeed.ts';
import type { FromWorker, ToWorker } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('exploreWorker.ts must run in a worker thread');

port.on('message', (msg: ToWorker) => {
  void (async () => {
    for (const seed of msg.seeds) port.postMessage((await runSeed(msg.job, seed)) satisfies FromWorker);
    port.postMessage({ type: 'done' } satisfies FromWorker);
  })();
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
