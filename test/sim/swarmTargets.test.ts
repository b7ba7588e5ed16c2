// Swarm profiles draw role targets, fault points and directed links (profile 'targeted'); the draw
// is a pure function of the seed, every drawn fault is a valid scripted fault, and runs account for
// every drawn fault (fired, or not fired with a reason).
import { describe, expect, it } from 'vitest';
import { drawSwarm } from '../../sim/faults/swarm.ts';
import { SeedTree } from '../../sim/rng.ts';
import { swarmProfile } from '../../scenarios/profiles.ts';
import { validateScenario } from '../../scenarios/validate.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

const nodes = [1, 2, 3, 4, 5];
const targeted = swarmProfile('targeted')!;

describe("swarm profile 'targeted'", () => {
  const draws = Array.from({ length: 60 }, (_, seed) => drawSwarm(targeted, new SeedTree(seed), nodes, 2_000_000, 30_000_000));
  const all = draws.flatMap((d) => d.faults);

  it('draws roles, points and directed links, and still plain node ids', () => {
    expect(all.some((f) => f.role !== undefined)).toBe(true);
    expect(all.some((f) => f.point !== undefined && f.hit !== undefined)).toBe(true);
    expect(all.some((f) => f.from !== undefined && f.to !== undefined)).toBe(true);
    expect(all.some((f) => f.node !== undefined)).toBe(true);
  });

  it('is a pure function of the seed', () => {
    expect(drawSwarm(targeted, new SeedTree(7), nodes, 2_000_000, 30_000_000)).toEqual(draws[7]);
  });

  it('every drawn fault is a valid scripted fault', () => {
    for (const d of draws) {
      const r = validateScenario({ name: 't', nodes: 5, durationUs: '45s', healAtUs: '30s', faults: { script: d.faults } }, 'draw.json');
      expect(r.ok ? [] : r.issues, JSON.stringify(d.faults)).toEqual([]);
    }
  });

  it('a run accounts for every drawn fault: fired or not fired with a reason', async () => {
    const sc: Scenario = { name: 't', description: '', nodes: 5, durationUs: 30_000_000, workload: { kind: 'ownership-mix', snapshots: 2 }, faults: { swarm: 'targeted' } };
    for (const seed of [1, 2, 3]) {
      const r = await simulate(sc, { seed, protocol: 'dlm-lvb' });
      expect(r.faultsFired.length + r.faultsNotFired.length, `seed ${seed}`).toBeGreaterThanOrEqual(r.faults.length);
      for (const n of r.faultsNotFired) expect(n.reason.length).toBeGreaterThan(5);
    }
  });
});
