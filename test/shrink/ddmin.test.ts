// ddmin and bisection: the pure search strategies shrink builds on.
import { describe, expect, it } from 'vitest';
import { ddmin, split } from '../../scenarios/ddmin.ts';
import { shrinkInt } from '../../scenarios/shrink.ts';

describe('split', () => {
  it('cuts a list into near-equal contiguous chunks, in order', () => {
    expect(split([1, 2, 3, 4, 5], 2)).toEqual([[1, 2, 3], [4, 5]]);
    expect(split([1, 2, 3], 5)).toEqual([[1], [2], [3]]);
  });
});

describe('ddmin', () => {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  it('finds the two items a failure needs among a hundred', async () => {
    let tests = 0;
    const fails = async (s: number[]): Promise<boolean> => (tests++, s.includes(17) && s.includes(83));
    expect(await ddmin(range(100), fails)).toEqual([17, 83]);
    expect(tests).toBeLessThan(100);
  });

  it('returns the empty list when the failure needs nothing', async () => {
    expect(await ddmin(range(10), async () => true)).toEqual([]);
  });

  it('is 1-minimal for an interaction of three', async () => {
    const need = [3, 4, 9];
    const out = await ddmin(range(12), async (s) => need.every((x) => s.includes(x)));
    expect(out).toEqual(need);
  });

  it('stops when told, keeping the smallest failing subset found so far', async () => {
    let tests = 0;
    const out = await ddmin(range(64), async (s) => (tests++, s.includes(5)), () => tests >= 3);
    expect(out).toContain(5);
    expect(out.length).toBeLessThan(64);
    expect(tests).toBe(3);
  });
});

describe('shrinkInt', () => {
  it('finds the threshold of a monotone failure to within 1/32', async () => {
    const x = await shrinkInt(1_000_000, 0, async (v) => v >= 300_000);
    expect(x).toBeGreaterThanOrEqual(300_000);
    expect(x).toBeLessThanOrEqual(300_000 + 1_000_000 / 32);
  });

  it('goes straight to the bound when it fails there', async () => {
    let tests = 0;
    expect(await shrinkInt(500, 1, async () => (tests++, true))).toBe(1);
    expect(tests).toBe(1);
  });
});
