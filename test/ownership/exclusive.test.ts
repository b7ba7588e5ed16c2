// The exclusive-belief checker: unit cases on hand-made observations (who counts: crashed, fenced,
// paused, stopped; across epochs and lineages) and runs of the variants it must catch.
import { describe, expect, it } from 'vitest';
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import { exclusiveBeliefChecker, EXCLUSIVE_CHECKER } from '../../protocols/ownership/exclusive.ts';
import { libraryScenario, run } from './library.ts';

interface Fake extends CheckerWorld {
  messages: string[];
  fenced: Set<NodeId>;
  down: Set<NodeId>;
  paused: Set<NodeId>;
  nowUs: number;
}

function fakeWorld(): Fake {
  const w: Fake = {
    messages: [], fenced: new Set(), down: new Set(), paused: new Set(),
    nowUs: 0, eventIndex: 0, healed: false, healAtUs: 0, nodes: [1, 2, 3],
    isUp: (n) => !w.down.has(n), isPaused: (n) => w.paused.has(n), incarnation: () => 1,
    isFenced: (n) => w.fenced.has(n), fencedAtUs: () => -1, connected: () => true,
    module: () => undefined, violate: (m) => void w.messages.push(m), cover: () => undefined,
  };
  return w;
}

function feeder(w: Fake) {
  const c = exclusiveBeliefChecker();
  let seq = 0;
  return {
    c,
    feed(node: number, kind: string, data: Record<string, unknown> = {}, atUs = w.nowUs + 10): void {
      w.nowUs = atUs;
      const obs: Observation = { seq: seq++, atUs, kind, node, data };
      c.onObservation?.(obs, w);
    },
    own(node: number, resource: string, epoch: number): void {
      this.feed(node, 'owner-begin', { resource, epoch, token: null });
      this.feed(node, 'owner-ready', { resource, epoch });
    },
  };
}

describe('ownership-exclusive (unit)', () => {
  it('fires when two acting nodes serve one resource in different epochs, and measures the split', () => {
    const w = fakeWorld();
    const f = feeder(w);
    f.own(1, 'snap0', 1001);
    f.own(2, 'snap0', 2003);
    expect(w.messages[0]).toMatch(/n2 became ready to serve snap0 while 2 live, unfenced, running nodes/);
    expect(w.messages[0]).toMatch(/n1 \(epoch 1001.*n2 \(epoch 2003/);
    f.feed(1, 'owner-end', { resource: 'snap0', epoch: 1001, why: 'x' }, 1_000);
    f.feed(3, 'owner-begin', { resource: 'snap1', epoch: 5 }, 5_000);
    const m = f.c.metrics!(w);
    expect(m.splitBrainUs).toBe(1_000 - 40);
    expect(m.splitBrainUsMax).toBe(1_000 - 40);
  });

  it('does not count a fenced, crashed or paused old owner, nor a new owner still recovering', () => {
    for (const out of ['fenced', 'down', 'paused'] as const) {
      const w = fakeWorld();
      const f = feeder(w);
      f.own(1, 'snap0', 1);
      w[out].add(1);
      f.own(2, 'snap0', 2);
      expect(w.messages, out).toEqual([]);
    }
    const w = fakeWorld();
    const f = feeder(w);
    f.own(1, 'snap0', 1);
    f.feed(1, 'crash', {});
    f.own(2, 'snap0', 2);
    f.feed(3, 'owner-begin', { resource: 'snap0', epoch: 3, token: null });
    expect(w.messages).toEqual([]);
  });

  it('catches a paused owner the instant it resumes unfenced, and a believer whose fence is lifted', () => {
    let w = fakeWorld();
    let f = feeder(w);
    f.own(1, 'snap0', 1);
    w.paused.add(1);
    f.feed(1, 'pause');
    f.own(2, 'snap0', 2);
    expect(w.messages).toEqual([]);
    w.paused.delete(1);
    f.feed(1, 'resume');
    expect(w.messages[0]).toMatch(/n1 resumed while 2 live/);
    w = fakeWorld();
    f = feeder(w);
    f.own(1, 'snap0', 1);
    w.fenced.add(1);
    f.own(2, 'snap0', 2);
    w.fenced.delete(1);
    f.feed(1, 'unfence');
    expect(w.messages[0]).toMatch(/n1 was unfenced while 2 live/);
  });
});

describe('ownership-exclusive catches the variants that let a deposed owner keep acting', () => {
  const cases: [string, string][] = [
    ['dlm-lvb/no-fencing', 'ownership-minority-partition'],
    ['dlm-lvb/no-fencing', 'ownership-paused-owner'],
    ['oldest-member/no-fencing', 'ownership-minority-partition'],
  ];
  for (const [variant, scenario] of cases) {
    it(`${variant} on ${scenario}`, async () => {
      const r = await run({ ...libraryScenario(scenario), checkers: [EXCLUSIVE_CHECKER] }, variant, 1);
      expect(r.violations.map((v) => v.checker)).toEqual([EXCLUSIVE_CHECKER]);
    });
  }

  it('dlm-lvb/no-fencing: the cut-off owner and its successor both serve for the whole partition', async () => {
    const r = await run(libraryScenario('ownership-minority-partition'), 'dlm-lvb/no-fencing', 1);
    // Two partitions of 8 s each; the successor takes over about 1 s (token timeout) into each.
    expect(r.metrics.splitBrainUsMax).toBeGreaterThan(6_000_000);
    expect(r.metrics.splitBrainUs).toBeGreaterThan(12_000_000);
  });

  it('the correct designs hold it on the same scenarios (fencing comes first)', async () => {
    for (const p of ['dlm-lvb', 'oldest-member']) {
      for (const s of ['ownership-minority-partition', 'ownership-paused-owner']) {
        const r = await run({ ...libraryScenario(s), checkers: [EXCLUSIVE_CHECKER] }, p, 1);
        expect(r.violations, `${p} on ${s}`).toEqual([]);
        expect(r.metrics.splitBrainUs).toBe(0);
      }
    }
  });

  it('the lease does not declare it (two lease holders may believe at once: tokens make it safe)', async () => {
    const r = await run(libraryScenario('ownership-paused-owner'), 'lease', 1);
    expect(r.metrics.splitBrainUs).toBeUndefined();
    expect(r.metrics.beliefOverlapUs).toBeGreaterThanOrEqual(0);
  });

  it('oldest-member/no-quorum on a 2|2 split: both halves fence each other, so no two owners act', async () => {
    // Finding: without quorum each half fences the other before it takes over (F7), so the stale
    // half can no longer act when the other serves; quorum-gating is what catches this variant.
    const r = await run({ ...libraryScenario('split-brain-no-quorum'), checkers: [EXCLUSIVE_CHECKER, 'quorum-gating'] }, 'oldest-member/no-quorum', 1);
    expect(r.violations.map((v) => v.checker)).toEqual(['quorum-gating']);
    expect(r.metrics.splitBrainUs).toBe(0);
  });

  it('oldest-member/no-quorum: the effect checker names the independent lineages (seed 9)', async () => {
    // Each half fences the other, reboots and re-forms from scratch: views 3001 {1,2} and 3003 {3,4}
    // number epochs on their own, and n1 (3001) writes snap0 after n3 (3003) did.
    const r = await run({ ...libraryScenario('split-brain-no-quorum'), checkers: ['ownership-effect'] }, 'oldest-member/no-quorum', 9);
    expect(r.violations[0]?.message).toMatch(/epochs from independent lineages/);
    expect(r.violations[0]?.message).not.toMatch(/deposed/);
  });
});
