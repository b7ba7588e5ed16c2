// The check worker thread's entry when run from the TypeScript sources (tests): registers tsx in this
// thread (loader hooks are per thread), then runs runner/checkWorker.ts. Compiled code starts
// dist/checkWorker.js instead (tools/build.js).
import { register } from 'tsx/esm/api';

register();
await import('./checkWorker.ts');
