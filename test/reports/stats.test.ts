import { describe, expect, it } from 'vitest';
import { distribution, quantile, wilson } from '../../runner/stats.ts';
import { countCodeLines } from '../../runner/loc.ts';
import { readMetric, runMetrics } from '../../runner/metrics.ts';

describe('wilson', () => {
  it('gives the textbook interval for 50 of 100', () => {
    const r = wilson(50, 100);
    expect(r.rate).toBe(0.5);
    expect(r.lo).toBeCloseTo(0.4038, 3);
    expect(r.hi).toBeCloseTo(0.5962, 3);
  });
  it('bounds a zero count away from zero (≈ 3.7% for 0 of 100)', () => {
    const r = wilson(0, 100);
    expect(r.lo).toBe(0);
    expect(r.hi).toBeCloseTo(0.037, 3);
  });
  it('stays inside [0, 1] and handles n = 0 and all failures', () => {
    expect(wilson(10, 10).hi).toBe(1);
    expect(wilson(10, 10).lo).toBeGreaterThan(0.65);
    expect(wilson(0, 0)).toMatchObject({ n: 0, lo: 0, hi: 1 });
    expect(() => wilson(5, 3)).toThrow(/outside/);
  });
});

describe('quantiles', () => {
  it('uses the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(distribution([3, 1, 2, Number.NaN])).toMatchObject({ n: 3, min: 1, p50: 2, max: 3, mean: 2 });
    expect(distribution([])).toBeUndefined();
  });
});

describe('lines of code', () => {
  it('counts code lines, not blanks or comments (line, block, trailing)', () => {
    const src = [
      '// header comment',
      '',
      'import x from "y"; // trailing',
      '/* block',
      '   still block */',
      'const url = "http://example.com"; /* inline */ const z = 1;',
      '  /** doc */',
      'export function f() {',
      "  return '//not a comment';",
      '}',
    ].join('\n');
    expect(countCodeLines(src)).toBe(5);
  });
});

describe('metric columns', () => {
  it('reads accepted names in order of preference and falls back to a pattern', () => {
    expect(readMetric({ failoverLatencyUsMax: 9, failoverLatencyUsMean: 5 }, 'failoverLatencyUs')).toBe(5);
    expect(readMetric({ failoverLatencyUsP50Custom: 7 }, 'failoverLatencyUs')).toBe(7);
    expect(readMetric({}, 'requestsServed')).toBeUndefined();
  });
  it('leaves per-failover figures out of runs without a failover and derives steady messages', () => {
    const m = runMetrics({ metrics: { failovers: 0, failoverLatencyUsMean: 0, messagesPerFailover: 0, messagesSent: 500, requestsServed: 3 }, simTimeUs: 10_000_000 });
    expect(m.failoverLatencyUs).toBeUndefined();
    expect(m.messagesPerFailover).toBeUndefined();
    expect(m.steadyMessagesPerSec).toBe(50);
    expect(m.requestsServed).toBe(3);
    expect(runMetrics({ metrics: {}, simTimeUs: 0 })).toEqual({});
  });
});
