// lockstep-lint: io-edge (reads the process heap; the engine itself reads no process state)
// The heap ceiling of one run: a probe the engine asks every few thousand events, ending the run with
// a named `budget` violation instead of letting Node die of "heap out of memory" minutes later.
import { getHeapStatistics } from 'node:v8';

/** Default ceiling: this share of the heap Node may grow to (what --max-old-space-size allows). */
const DEFAULT_SHARE = 0.7;

/** Heap a run may grow by, in MB: the scenario's `maxHeapMb`, else 70% of Node's heap limit. */
export function heapCeilingMb(maxHeapMb: number | undefined): number {
  if (maxHeapMb !== undefined) return maxHeapMb;
  return Math.floor((getHeapStatistics().heap_size_limit * DEFAULT_SHARE) / 2 ** 20);
}

/**
 * This thread's heap in use. `v8.getHeapStatistics()` reads the isolate's own counters;
 * `process.memoryUsage()` also reads the process's resident size from /proc on every call, which cost
 * 7% of each explore worker's time (and more with two workers reading at once).
 */
function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/**
 * A probe for `simulate({ probe })`: undefined while the heap has grown by less than the ceiling since
 * the run started, else a sentence naming the bound and the heap in use.
 */
export function heapProbe(maxHeapMb?: number): () => string | undefined {
  const ceiling = heapCeilingMb(maxHeapMb);
  const base = heapUsed();
  return () => {
    const grownMb = (heapUsed() - base) / 2 ** 20;
    if (grownMb <= ceiling) return undefined;
    return `heap ceiling of ${ceiling} MB (maxHeapMb; the heap grew by ${Math.round(grownMb)} MB)`;
  };
}
