// Parsing and checking of CLI flag values the types of yargs cannot express (seeds, shards, counts).
// Every failure is a CliInputError that names the flag and what was expected.
import { CliInputError } from './errors.ts';

export const MAX_SEED = 0xffff_ffff;

/** A 32-bit unsigned seed. */
export function parseSeed(v: unknown, flag: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SEED) {
    throw new CliInputError(`${flag}: expected a seed, an integer from 0 to ${MAX_SEED}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** A positive integer (counts: --seeds, --workers). */
export function parseCount(v: unknown, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new CliInputError(`${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

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
    throw new CliInputError(`--shard: expected K/N with 1 ≤ K ≤ N (e.g. 2/4 is the second of four shards), got ${JSON.stringify(v)}`);
  }
  return { index, count };
}

/**
 * The seeds of one shard: the i-th seed of the range (i = 0, 1, …) belongs to shard (i mod N) + 1,
 * so shards interleave and stay balanced however slow some seeds are.
 */
export function shardSeeds(firstSeed: number, count: number, shard: Shard | undefined): number[] {
  if (firstSeed + count - 1 > MAX_SEED) {
    throw new CliInputError(`--seeds: the range ${firstSeed}..${firstSeed + count - 1} goes past the largest seed ${MAX_SEED}`);
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (shard === undefined || i % shard.count === shard.index - 1) out.push(firstSeed + i);
  return out;
}
