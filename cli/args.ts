// Parsing and checking of CLI flag values the types of yargs cannot express (seeds, shards, counts).
// Every failure is an InputError that names the flag and what was expected.
import { InputError } from '../runner/errors.ts';
import { MAX_SEED } from '../runner/shard.ts';

/** A 32-bit unsigned seed. */
export function parseSeed(v: unknown, flag: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SEED) {
    throw new InputError(`${flag}: expected a seed, an integer from 0 to ${MAX_SEED}, got ${describeArg(v)}`);
  }
  return n;
}

/** A positive integer (counts: --seeds, --workers). */
export function parseCount(v: unknown, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new InputError(`${flag}: expected a whole number from 1 to ${max}, got ${describeArg(v)}`);
  }
  return n;
}

/** A flag value for an error message ("abc" reaches us as NaN from a numeric flag). */
function describeArg(v: unknown): string {
  if (typeof v === 'number' && Number.isNaN(v)) return 'something that is not a number';
  if (Array.isArray(v)) return `${v.length} values (give the flag once)`;
  return JSON.stringify(v) ?? String(v);
}
