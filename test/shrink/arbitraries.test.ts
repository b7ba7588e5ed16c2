// The fast-check arbitraries: every drawn schedule is valid for the engine and the validator, sorted,
// within its window; fast-check shrinks a failing schedule to a small one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARBITRARY_KINDS, arbitraries } from '../../scenarios/arbitraries.ts';
import { FAULT_KINDS, faultKind } from '../../sim/faults/registry.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { validateScenario } from '../../scenarios/validate.ts';
import type { Scenario } from '../../scenarios/types.ts';

const ALL_KINDS = FAULT_KINDS.map((k) => k.name);
const base = (nodes: number, script: FaultSpec[]): Scenario => ({
  name: 'arb', description: '', nodes, durationUs: 10_000_000, healAtUs: 5_000_000, faults: { script },
});

describe('arbitraries.faultSchedule', () => {
  it('draws only valid faults: required fields, node ids in range, integer times in the window, sorted', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(fc.constant(n), arbitraries.faultSchedule({
        nodes: n, startUs: 1_000_000, durationUs: 5_000_000, kinds: ALL_KINDS, maxFaults: 8, messageTypes: ['gossip'],
      }))),
      ([n, faults]) => {
        expect(faults.length).toBeLessThanOrEqual(8);
        for (const [i, f] of faults.entries()) {
          for (const field of faultKind(f.kind).requires) expect(f[field], `${f.kind} needs ${field}`).toBeDefined();
          expect(Number.isInteger(f.atUs)).toBe(true);
          expect(f.atUs).toBeGreaterThanOrEqual(1_000_000);
          expect(f.atUs).toBeLessThan(5_000_000);
          if (f.durationUs !== undefined) expect(f.durationUs).toBeGreaterThanOrEqual(1);
          if (f.node !== undefined) expect(f.node).toBeGreaterThanOrEqual(1);
          if (f.node !== undefined) expect(f.node).toBeLessThanOrEqual(n);
          for (const g of f.groups ?? []) expect(g.length).toBeGreaterThan(0);
          if (i > 0) expect(f.atUs).toBeGreaterThanOrEqual(faults[i - 1]!.atUs);
        }
        const v = validateScenario(base(n, faults), 'arb');
        expect(v.ok, JSON.stringify(v)).toBe(true);
      },
    ), { numRuns: 300, seed: 7 });
  });

  it('runs in the engine without errors', async () => {
    await fc.assert(fc.asyncProperty(arbitraries.faultSchedule({ nodes: 4, durationUs: 5_000_000, maxFaults: 6 }), async (faults) => {
      const r = await simulate(base(4, faults), { seed: 1, faults, protocol: 'gossip' });
      expect(r.violations.filter((v) => v.kind === 'exception')).toEqual([]);
    }), { numRuns: 25, seed: 11 });
  });

  it('draws the standard kinds by default and names unknown kinds', () => {
    const kinds = new Set(fc.sample(arbitraries.faultSchedule({ nodes: 5, durationUs: 1_000_000, maxFaults: 6 }), { numRuns: 300, seed: 3 }).flat().map((f) => f.kind));
    expect([...kinds].sort()).toEqual([...DEFAULT_ARBITRARY_KINDS].sort());
    expect(() => arbitraries.faultSchedule({ nodes: 3, durationUs: 1000, kinds: ['meteor'] })).toThrow(/unknown fault kind 'meteor'/);
    expect(() => arbitraries.faultSchedule({ nodes: 3, durationUs: 1000, kinds: ['drop-messages'] })).toThrow(/messageTypes/);
    expect(() => arbitraries.faultSchedule({ nodes: 3, durationUs: 0 })).toThrow(RangeError);
  });

  it('shrinks towards fewer, shorter, earlier faults on lower node ids', () => {
    // A property that fails as soon as any crash lasts over 1 s: the counterexample is one crash.
    const out = fc.check(fc.property(arbitraries.faultSchedule({ nodes: 5, durationUs: 10_000_000, maxFaults: 6 }),
      (faults) => !faults.some((f) => f.kind === 'crash' && (f.durationUs ?? 0) > 1_000_000)), { seed: 5, numRuns: 500 });
    expect(out.failed).toBe(true);
    const [faults] = out.counterexample!;
    expect(faults).toEqual([{ kind: 'crash', atUs: 0, node: 1, durationUs: 1_000_001 }]);
  });
});

describe('arbitraries.scenario and seed', () => {
  it('draws valid scenarios with scripted faults inside the fault phase', () => {
    for (const sc of fc.sample(arbitraries.scenario({ base: { protocol: 'gossip' }, nodes: { min: 2, max: 6 } }), { numRuns: 100, seed: 9 })) {
      expect(validateScenario(sc, 'arb').ok).toBe(true);
      expect(sc.nodes).toBeGreaterThanOrEqual(2);
      expect(sc.nodes).toBeLessThanOrEqual(6);
      expect(sc.healAtUs).toBe(20_000_000);
      for (const f of sc.faults.script!) expect(f.atUs).toBeLessThan(sc.healAtUs!);
    }
  });

  it('draws 32-bit seeds', () => {
    for (const s of fc.sample(arbitraries.seed(), { numRuns: 100, seed: 1 })) {
      expect(Number.isInteger(s) && s >= 0 && s <= 0xffff_ffff).toBe(true);
    }
  });
});
