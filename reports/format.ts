// Number and name formatting shared by every renderer (plain text; each renderer escapes its own way).
import type { RateCi } from '../runner/stats.ts';
import type { Distribution } from '../runner/stats.ts';

/** A rate per 1,000 seeds, e.g. "12.0". */
export function per1000(x: number): string {
  const v = x * 1000;
  if (v === 0) return '0';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** "12.0 [8.1–17.5]" (per 1,000 seeds, 95% Wilson interval). */
export function rateWithCi(r: RateCi): string {
  if (r.n === 0) return '–';
  return `${per1000(r.rate)} [${per1000(r.lo)}–${per1000(r.hi)}]`;
}

/** Microseconds as a readable duration: 850 µs, 12.3 ms, 4.20 s. */
export function duration(us: number | undefined): string {
  if (us === undefined || !Number.isFinite(us)) return '–';
  const a = Math.abs(us);
  if (a < 1000) return `${Math.round(us)} µs`;
  if (a < 1_000_000) return `${(us / 1000).toFixed(a < 10_000 ? 2 : a < 100_000 ? 1 : 0)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/** A count or rate with sensible precision; "–" when missing. */
export function num(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** "p50 / p99" of a distribution of durations. */
export function latencyPair(d: Distribution | undefined): string {
  if (d === undefined) return '–';
  return `${duration(d.p50)} / ${duration(d.p99)}`;
}

/** Percent with one decimal, e.g. "3.4%". */
export function percent(x: number): string {
  return `${(x * 100).toFixed(x * 100 >= 10 || x === 0 ? 0 : 1)}%`;
}
