// The fault library: every registered kind fires and is accounted in faultsFired (and one that
// cannot act is not); faults after the heal do not fire; the heal restores everything; swarm draws
// are a pure function of (profile, seed) and are printed as knobs.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { probeWorld } from './fixtures/probe.ts';
import { FAULT_KINDS, faultKind } from '../../sim/faults/registry.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';
import { drawSwarm } from '../../sim/faults/swarm.ts';
import type { SwarmProfile } from '../../sim/faults/swarm.ts';
import { SeedTree } from '../../sim/rng.ts';
import { SWARM_PROFILES } from '../../scenarios/profiles.ts';
import { simulate, plan } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

/** One scripted instance of every kind, each placed where it can act. */
const EVERY_KIND: FaultSpec[] = [
  { kind: 'crash', atUs: 100_000, node: 1 },
  { kind: 'restart', atUs: 200_000, node: 1 },
  { kind: 'pause', atUs: 300_000, node: 2 },
  { kind: 'resume', atUs: 400_000, node: 2 },
  { kind: 'partition', atUs: 500_000, shape: 'halves', nodes: [1, 2, 3, 4, 5] },
  { kind: 'heal', atUs: 600_000 },
  { kind: 'clog', atUs: 700_000, node: 3, durationUs: 100_000 },
  { kind: 'clock-jump', atUs: 800_000, node: 4, deltaUs: 1_000 },
  { kind: 'clock-drift', atUs: 900_000, node: 4, ppm: 200, durationUs: 100_000 },
  { kind: 'fence-failure', atUs: 1_000_000, durationUs: 100_000 },
  { kind: 'fence-slow', atUs: 1_100_000, durationUs: 100_000, extraUs: 5_000 },
  { kind: 'fast-reboot', atUs: 1_200_000, node: 5, durationUs: 50_000 },
  { kind: 'flaky-network', atUs: 1_300_000, loss: 0.2, durationUs: 100_000 },
  { kind: 'drop-messages', atUs: 1_400_000, messageType: 'ping', durationUs: 100_000 },
  { kind: 'slow-link', atUs: 1_500_000, from: [1], to: [2, 3], extraUs: 50_000, durationUs: 100_000 },
];

const pinging = {
  start(ctx: { setTimer(d: number, t: unknown): number }) { ctx.setTimer(10_000, 'p'); },
  timer(ctx: { allNodes: readonly number[]; node: number; send(to: number, m: { type: string }): void; setTimer(d: number, t: unknown): number }) {
    for (const n of ctx.allNodes) if (n !== ctx.node) ctx.send(n, { type: 'ping' });
    ctx.setTimer(10_000, 'p');
  },
};

describe('fault kinds', () => {
  it('the script above covers every registered kind', () => {
    expect(new Set(EVERY_KIND.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS.map((k) => k.name)));
  });

  it('every kind fires and is accounted, in time order, with its nodes', () => {
    const w = probeWorld({ nodes: 5, faults: EVERY_KIND, healAtUs: 2_000_000, handlers: pinging });
    const r = w.runSync();
    expect(r.ok).toBe(true);
    expect(r.faultsFired.map((f) => f.kind)).toEqual(EVERY_KIND.map((f) => f.kind));
    expect(r.faultsFired.map((f) => f.atUs)).toEqual(EVERY_KIND.map((f) => f.atUs));
    const byKind = Object.fromEntries(r.faultsFired.map((f) => [f.kind, f]));
    expect(byKind.crash!.nodes).toEqual([1]);
    expect(byKind['fast-reboot']!.nodes).toEqual([5]);
    expect(byKind.partition!.detail).toBe('1,2 | 3,4,5');
    expect(w.incarnation(1)).toBe(2);
    expect(w.incarnation(5)).toBe(2);
  });

  it('a fault that cannot act is not accounted; faults after the heal do not fire', () => {
    const r = probeWorld({
      nodes: 3, healAtUs: 1_000_000, handlers: pinging,
      faults: [
        { kind: 'restart', atUs: 100_000, node: 1 }, // not down
        { kind: 'resume', atUs: 200_000, node: 1 }, // not paused
        { kind: 'heal', atUs: 300_000 }, // nothing to heal
        { kind: 'crash', atUs: 1_500_000, node: 2 }, // after the heal
      ],
    }).runSync();
    expect(r.faultsFired).toEqual([]);
    expect(r.faultsNotFired.map((f) => [f.index, f.kind])).toEqual([[0, 'restart'], [1, 'resume'], [2, 'heal'], [3, 'crash']]);
    expect(r.faultsNotFired[3]!.reason).toMatch(/healed phase/);
  });

  it('the heal ends every fault: partitions, clogs, filters, bursts, pauses, drift, the fence device, and restarts crashed nodes', () => {
    const w = probeWorld({
      nodes: 3, healAtUs: 1_000_000, handlers: pinging,
      faults: [
        { kind: 'partition', atUs: 100_000, shape: 'isolate', node: 1 },
        { kind: 'clog', atUs: 100_000, node: 2 },
        { kind: 'drop-messages', atUs: 100_000, messageType: 'ping' },
        { kind: 'flaky-network', atUs: 100_000, loss: 0.9 },
        { kind: 'pause', atUs: 100_000, node: 3 },
        { kind: 'crash', atUs: 100_000, node: 2 },
        { kind: 'fence-failure', atUs: 100_000 },
      ],
    });
    w.runSync();
    expect(w.healed).toBe(true);
    expect(w.network.isHealed()).toBe(true);
    expect([1, 2, 3].map((n) => [w.isUp(n), w.isPaused(n)])).toEqual([[true, false], [true, false], [true, false]]);
    expect(w.incarnation(2)).toBe(2);
    expect(w.disk.deviceFailed(w.nowUs)).toBe(false);
  });

  it('unknown kinds are named in the error', () => {
    expect(() => faultKind('meteor')).toThrow(/unknown fault kind 'meteor'.*crash/);
  });
});

describe('swarm', () => {
  const nodes = [1, 2, 3, 4, 5];
  const profileArb = fc.constantFrom(...SWARM_PROFILES);

  test.prop([profileArb, fc.nat({ max: 0xffffffff })], { numRuns: 100 })(
    'a draw is a pure function of (profile, seed) and stays inside the fault phase', (profile, seed) => {
      const a = drawSwarm(profile, new SeedTree(seed), nodes, 2_000_000, 20_000_000);
      const b = drawSwarm(profile, new SeedTree(seed), nodes, 2_000_000, 20_000_000);
      expect(a).toEqual(b);
      expect(a.faults.length).toBeGreaterThanOrEqual(profile.faults.min);
      expect(a.faults.length).toBeLessThanOrEqual(profile.faults.max);
      for (const f of a.faults) {
        expect((profile.weights[f.kind] ?? 0) > 0).toBe(true);
        expect(f.atUs).toBeGreaterThanOrEqual(2_000_000);
        expect(f.atUs + (f.kind === 'fast-reboot' ? 0 : (f.durationUs ?? 0))).toBeLessThanOrEqual(20_000_000);
        for (const field of faultKind(f.kind).requires) expect(f[field], `${f.kind}.${field}`).toBeDefined();
      }
      expect(a.faults.map((f) => f.atUs)).toEqual([...a.faults.map((f) => f.atUs)].sort((x, y) => x - y));
      expect(a.knobs).toMatchObject({ profile: profile.name, faults: a.faults.length, loss: a.network.loss, duplicate: a.network.duplicate });
    });

  it('different seeds draw different schedules', () => {
    const std = SWARM_PROFILES.find((p) => p.name === 'standard')!;
    const keys = new Set<string>();
    for (let seed = 0; seed < 50; seed++) keys.add(JSON.stringify(drawSwarm(std, new SeedTree(seed), nodes, 0, 10_000_000)));
    expect(keys.size).toBe(50);
  });

  it('drawing on other streams does not change the swarm draw', () => {
    const std = SWARM_PROFILES.find((p) => p.name === 'standard')!;
    const t = new SeedTree(9);
    for (let i = 0; i < 100; i++) t.stream('network').next();
    expect(drawSwarm(std, t, nodes, 0, 1e7)).toEqual(drawSwarm(std, new SeedTree(9), nodes, 0, 1e7));
  });

  it('a profile with no weights draws nothing', () => {
    const none: SwarmProfile = { name: 'x', description: '', faults: { min: 3, max: 3 }, weights: {}, durationUs: { min: 1, max: 1 } };
    expect(drawSwarm(none, new SeedTree(1), nodes, 0, 1e6).faults).toEqual([]);
  });

  it('simulate() runs exactly the planned schedule and returns the printed knobs', async () => {
    const sc: Scenario = { name: 'sw', description: '', nodes: 5, durationUs: 15_000_000, faults: { swarm: 'standard' } };
    const p = plan(sc, { seed: 77 });
    const r = await simulate(sc, { seed: 77 });
    expect(r.knobs).toEqual(p.knobs);
    expect(r.faults).toEqual(p.faults);
    const scripted = new Set(p.faults.map((f) => `${f.kind}@${f.atUs}`));
    for (const f of r.faultsFired) expect(scripted.has(`${f.kind}@${f.atUs}`)).toBe(true);
  });
});
