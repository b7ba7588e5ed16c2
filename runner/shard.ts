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

/** Launcher variables holding a 0-based shard index, in the order they are looked at. */
export const SHARD_INDEX_VARS = [
  { name: 'LOCKSTEP_SHARD_INDEX', launcher: 'any launcher (e.g. a GitHub Actions matrix: strategy.job-index)' },
  { name: 'JOB_COMPLETION_INDEX', launcher: 'a Kubernetes Indexed Job' },
  { name: 'AWS_BATCH_JOB_ARRAY_INDEX', launcher: 'an AWS Batch array job' },
] as const;

/** The variable holding the shard count when `--shard-count` is not given. */
export const SHARD_COUNT_VAR = 'LOCKSTEP_SHARD_COUNT';

/**
 * The shard from the launcher's environment when `--shard` is not given: the first of
 * SHARD_INDEX_VARS that is set (0-based, so index i is shard i+1), of `count` shards (the
 * `--shard-count` flag, else LOCKSTEP_SHARD_COUNT). Undefined when no index variable is set.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv, countFlag: number | undefined): Shard | undefined {
  const found = SHARD_INDEX_VARS.find((v) => env[v.name] !== undefined && env[v.name] !== '');
  if (found === undefined) {
    if (countFlag !== undefined) throw new InputError(`--shard-count: given without a shard index (set one of ${SHARD_INDEX_VARS.map((v) => v.name).join(', ')}, or use --shard K/N)`);
    return undefined;
  }
  const raw = env[found.name]!;
  const index = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  const countRaw = countFlag ?? env[SHARD_COUNT_VAR];
  if (countRaw === undefined || countRaw === '') {
    throw new InputError(`${found.name}=${raw} (${found.launcher}) gives the shard index; the shard count is missing: pass --shard-count N or set ${SHARD_COUNT_VAR}`);
  }
  const count = typeof countRaw === 'number' ? countRaw : /^\d+$/.test(countRaw.trim()) ? Number(countRaw) : NaN;
  const from = countFlag !== undefined ? '--shard-count' : SHARD_COUNT_VAR;
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`${from}: expected a whole number of shards ≥ 1, got ${JSON.stringify(countRaw)}`);
  if (!Number.isSafeInteger(index) || index >= count) {
    throw new InputError(`${found.name}: expected a 0-based shard index from 0 to ${count - 1}, got ${JSON.stringify(raw)}`);
  }
  return { index: index + 1, count };
}
