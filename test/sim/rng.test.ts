// Seeded streams: same (seed, label) ⇒ same sequence; labels independent of each other's draws;
// the decision tape records every decision, overrides win, and a count-only tape keeps indices.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { SeedTree, Stream } from '../../sim/rng.ts';
import { Tape, DecisionKind } from '../../sim/tape.ts';

const draw = (s: Stream, n: number): number[] => Array.from({ length: n }, () => s.next());

describe('SeedTree streams', () => {
  test.prop([fc.nat({ max: 0xffffffff }), fc.string({ minLength: 1, maxLength: 12 })])(
    'same seed and label give the same sequence', (seed, label) => {
      expect(draw(new SeedTree(seed).stream(label), 20)).toEqual(draw(new SeedTree(seed).stream(label), 20));
    });

  test.prop([fc.nat({ max: 0xffffffff }), fc.nat({ max: 500 })])(
    "draws on one label never change another label's sequence", (seed, extra) => {
      const quiet = new SeedTree(seed);
      const reference = draw(quiet.stream('network'), 50);
      const busy = new SeedTree(seed);
      const faults = busy.stream('faults');
      const net = busy.stream('network');
      const got: number[] = [];
      for (let i = 0; i < 50; i++) {
        draw(faults, extra % 7); // interleave unrelated draws
        got.push(net.next());
      }
      draw(busy.stream('node:3'), extra);
      expect(got).toEqual(reference);
    });

  it('different seeds and different labels give different sequences', () => {
    const a = draw(new SeedTree(1).stream('x'), 8);
    expect(draw(new SeedTree(2).stream('x'), 8)).not.toEqual(a);
    expect(draw(new SeedTree(1).stream('y'), 8)).not.toEqual(a);
  });

  it('asking for a label again continues its stream rather than restarting it', () => {
    const t = new SeedTree(7);
    const got = [t.stream('w').next(), t.stream('w').next()];
    expect(got).toEqual(draw(new SeedTree(7).stream('w'), 2));
  });

  test.prop([fc.nat({ max: 0xffffffff }), fc.integer({ min: -50, max: 50 }), fc.nat({ max: 100 })])(
    'int() stays in [lo, hi], chance(0) is never and chance(1) always', (seed, lo, width) => {
      const s = new SeedTree(seed).stream('t');
      for (let i = 0; i < 50; i++) {
        const v = s.int(lo, lo + width);
        expect(Number.isInteger(v) && v >= lo && v <= lo + width).toBe(true);
        expect(s.chance(0)).toBe(false);
        expect(s.chance(1)).toBe(true);
      }
      expect(() => s.pick([])).toThrow(/empty/);
    });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) expect(() => new SeedTree(bad)).toThrow(RangeError);
  });
});

describe('Tape', () => {
  it('records kind and value of each decision in order', () => {
    const t = new Tape();
    expect(t.decide(DecisionKind.drop, 0)).toBe(0);
    expect(t.decide(DecisionKind.delayUs, 412)).toBe(412);
    expect(t.decide(DecisionKind.duplicate, 1)).toBe(1);
    expect(t.length).toBe(3);
    expect([t.kindAt(1), t.valueAt(1)]).toEqual([DecisionKind.delayUs, 412]);
    expect(t.nonDefault()).toEqual([1, 2]);
  });

  it('an override replaces the drawn value at its index and is what gets recorded', () => {
    const t = new Tape([[1, 0], [2, 7]]);
    expect(t.decide(DecisionKind.drop, 1)).toBe(1);
    expect(t.decide(DecisionKind.drop, 1)).toBe(0);
    expect(t.decide(DecisionKind.delayUs, 3)).toBe(7);
    expect(t.nonDefault()).toEqual([0, 2]);
  });

  it('spans many storage chunks without losing a decision', () => {
    const t = new Tape();
    const n = 200_000;
    for (let i = 0; i < n; i++) t.decide(1 + (i % 5), i % 7 === 0 ? 0 : i);
    expect(t.length).toBe(n);
    for (const i of [0, 1, 65_535, 65_536, 65_537, 131_072, n - 1]) {
      expect([t.kindAt(i), t.valueAt(i)]).toEqual([1 + (i % 5), i % 7 === 0 ? 0 : i]);
    }
    const nd = t.nonDefault();
    expect(nd.length).toBe(n - Math.ceil(n / 7));
    expect(nd.slice(0, 3)).toEqual([1, 2, 3]);
    expect(nd[nd.length - 1]).toBe(n - 1);
    expect(() => t.valueAt(n)).toThrow(RangeError);
  });

  it('a count-only tape keeps indices (so overrides still apply) but refuses to be read', () => {
    const t = new Tape([[2, 9]], false);
    t.decide(DecisionKind.drop, 0);
    t.decide(DecisionKind.drop, 1);
    expect(t.decide(DecisionKind.delayUs, 3)).toBe(9);
    expect(t.length).toBe(3);
    expect(() => t.nonDefault()).toThrow(/recordTape/);
  });
});
