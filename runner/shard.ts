// Shards of a seed range: `--shard K/N` splits a range so N machines (a CI matrix, a Kubernetes
// indexed job) each run one interleaved part, and their results merge into one.
import { InputError } from './errors.ts';

/** The largest seed: seeds are 32-bit unsigned integers. */
export const MAX_SEED = 0xffff_ffff;

/** `--shard K/N`: shard K (1-based) of N. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(v: unknown): Shard {
  const m = typeof v === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v) : null;
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard: expected K/N with 1 ≤ K ≤ N (e.g. 2/4 is the second of four shards), got ${JSON.stringify(v)}`);
  }
  return { index, count };
}

/**
 * The seeds of one shard: the i-th seed of the range (i = 0, 1, …) belongs to shard (i mod N) + 1,
 * so shards interleave and stay balanced however slow some seeds are.
 */
export function shardSeeds(firstSeed: number, count: number, shard: Shard | undefined): number[] {
  if (firstSeed + count - 1 > MAX_SEED) {
    throw new InputError(`--seeds: the range ${firstSeed}..${firstSeed + count - 1} goes past the largest seed ${MAX_SEED}`);
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (shard === undefined || i % shard.count === shard.index - 1) out.push(firstSeed + i);
  return out;
}
