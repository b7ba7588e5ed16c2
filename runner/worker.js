// The explore worker thread's entry when the pool runs from the TypeScript sources (tests): registers
// tsx in this thread (loader hooks are per thread), then runs runner/exploreWorker.ts. Compiled code
// (the CLI) starts dist/exploreWorker.js instead and needs no tsx (see runner/pool.ts).
import { register } from 'tsx/esm/api';

register();
await import('./exploreWorker.ts');
