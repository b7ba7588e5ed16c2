// The event queue pops in (time, seq) order — ties by insertion, never by heap shape — and pushFirst
// items come before every ordinary item at the same time, in their own push order.
import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { EventQueue } from '../../sim/queue.ts';

describe('EventQueue', () => {
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 600 })])(
    'pops in (time, seq) order, equal to a stable reference sort', (ops) => {
      const q = new EventQueue<number>();
      ops.forEach(([t], i) => q.push(t, i));
      const expected = ops.map(([t], i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
      const got: number[] = [];
      while (q.size > 0) got.push(q.pop()!);
      expect(got).toEqual(expected);
      expect(q.pop()).toBeUndefined();
      expect(q.peekTime()).toBe(Infinity);
    });

  test.prop([fc.array(fc.record({ t: fc.integer({ min: 0, max: 8 }), first: fc.boolean(), popAfter: fc.boolean() }), { maxLength: 400 })])(
    'interleaved push / pushFirst / pop matches a reference model', (ops) => {
      const q = new EventQueue<number>();
      // Reference: a list sorted by (time, class, order) where pushFirst items are class 0.
      const model: { t: number; cls: number; ord: number; id: number }[] = [];
      let ord = 0;
      ops.forEach((op, id) => {
        if (op.first) q.pushFirst(op.t, id);
        else q.push(op.t, id);
        model.push({ t: op.t, cls: op.first ? 0 : 1, ord: ord++, id });
        if (op.popAfter) {
          model.sort((a, b) => a.t - b.t || a.cls - b.cls || a.ord - b.ord);
          expect(q.peekTime()).toBe(model[0]!.t);
          expect(q.pop()).toBe(model.shift()!.id);
        }
      });
      model.sort((a, b) => a.t - b.t || a.cls - b.cls || a.ord - b.ord);
      const rest: number[] = [];
      while (q.size > 0) rest.push(q.pop()!);
      expect(rest).toEqual(model.map((m) => m.id));
    });

  test.prop([fc.array(fc.record({ t: fc.integer({ min: 0, max: 30 }), first: fc.boolean(), dead: fc.boolean(), pop: fc.boolean(), compact: fc.boolean() }), { maxLength: 400 })])(
    'compact drops the refused items; everything else pops as from a sorted reference (pushFirst and ties included)', (ops) => {
      const q = new EventQueue<number>();
      // The reference: every queued item with its key; a pushFirst item sorts before ordinary ones at its time.
      let model: { t: number; first: number; i: number }[] = [];
      const dead = new Set<number>();
      let firsts = 0;
      ops.forEach((o, i) => {
        if (o.first) q.pushFirst(o.t, i);
        else q.push(o.t, i);
        model.push({ t: o.t, first: o.first ? firsts++ : Infinity, i });
        if (o.dead) dead.add(i);
        if (o.compact) {
          q.compact((x) => !dead.has(x));
          model = model.filter((m) => !dead.has(m.i));
        }
        if (o.pop) {
          model.sort((a, b) => a.t - b.t || (a.first === b.first ? a.i - b.i : a.first - b.first));
          expect(q.pop()).toBe(model.shift()?.i);
        }
        expect(q.size).toBe(model.length);
      });
      model.sort((a, b) => a.t - b.t || (a.first === b.first ? a.i - b.i : a.first - b.first));
      const rest: number[] = [];
      while (q.size > 0) rest.push(q.pop()!);
      expect(rest).toEqual(model.map((m) => m.i));
    });

  test.prop([fc.integer({ min: 1, max: 5000 })], { numRuns: 20 })('grows past its initial capacity without losing items', (n) => {
    const q = new EventQueue<number>();
    for (let i = n - 1; i >= 0; i--) q.push(i * 3, i);
    for (let i = 0; i < n; i++) expect(q.pop()).toBe(i);
  });

  test('pending() lists exactly the queued items', () => {
    const q = new EventQueue<string>();
    ['a', 'b', 'c'].forEach((s, i) => q.push(10 - i, s));
    q.pop();
    expect(q.pending().sort()).toEqual(['a', 'b']);
  });
});
