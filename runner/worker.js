// The explore worker thread's entry: registers tsx in this thread (loader hooks are per thread),
// then runs the TypeScript worker (sim/cli/exploreWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./exploreWorker.ts');
