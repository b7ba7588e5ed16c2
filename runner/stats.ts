// Small statistics for reports: Wilson score intervals for failure rates and quantiles of samples.

/** A rate with its 95% confidence interval, all as fractions in [0, 1]. */
export interface RateCi {
  count: number;
  n: number;
  rate: number;
  lo: number;
  hi: number;
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for `count` successes out of `n` trials. Unlike the normal approximation it
 * stays inside [0, 1] and gives a useful upper bound when nothing failed (0 of n ⇒ hi ≈ 3.8/n).
 */
export function wilson(count: number, n: number, z: number = Z95): RateCi {
  if (!(n > 0)) return { count, n: 0, rate: 0, lo: 0, hi: 1 };
  if (count < 0 || count > n) throw new RangeError(`wilson: count ${count} outside 0..${n}`);
  const p = count / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { count, n, rate: p, lo: count === 0 ? 0 : Math.max(0, centre - half), hi: count === n ? 1 : Math.min(1, centre + half) };
}

/** Summary of a sample of numbers (e.g. per-run failover latencies). */
export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Quantile by the nearest-rank method on an ascending array (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function distribution(samples: readonly number[]): Distribution | undefined {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const sum = xs.reduce((s, x) => s + x, 0);
  return {
    n: xs.length,
    min: xs[0]!,
    p50: quantile(xs, 0.5),
    p90: quantile(xs, 0.9),
    p99: quantile(xs, 0.99),
    max: xs[xs.length - 1]!,
    mean: sum / xs.length,
  };
}
