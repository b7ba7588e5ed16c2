// The worked plugin example (examples/chubby): a Chubby-style lock service with sequencers, run
// through the public API only. Its checkers hold under arbitrary faults, and each flawed variant
// is caught by the checker it names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraries, simulate } from '../../index.ts';
import type { FaultSpec, Scenario } from '../../index.ts';
import { chubby, parseChubbyOptions } from '../../examples/chubby/protocol.ts';

const base: Scenario = {
  name: 'chubby-property', description: 'Four nodes: a lock master and three clients; faults in the first 3 s.',
  nodes: 4, durationUs: 6_000_000, healAtUs: 3_000_000, deadlineUs: 2_000_000, faults: {},
};
const pausedHolder: FaultSpec[] = [{ kind: 'pause', atUs: 1_000_000, node: 2, durationUs: 2_000_000 }];
const masterRestart: FaultSpec[] = [{ kind: 'crash', atUs: 1_000_000, node: 1, durationUs: 500_000 }];
const staggered: Scenario = { ...base, bootAtUs: [0, 50_000, 300_000, 300_000] };

describe('examples/chubby', () => {
  it('holds every property under arbitrary crashes, pauses, partitions and clogs', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraries.faultSchedule({ nodes: 4, durationUs: 3_000_000, maxFaults: 4, kinds: ['crash', 'pause', 'partition', 'clog'] }),
        arbitraries.seed(),
        async (faults, seed) => {
          const r = await simulate(base, { seed, faults, protocol: chubby });
          return r.violations.length === 0;
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });

  it('a holder paused mid-update is refused by the storage (the sequencer does its job)', async () => {
    const r = await simulate(staggered, { seed: 1, faults: pausedHolder, protocol: chubby });
    expect(r.violations).toEqual([]);
    expect(r.coverage['chubby-stale-write-fenced']).toBe(true);
  });

  it('no-sequencer: the paused holder overwrites its successor, and chubby-sequenced-writes catches it', async () => {
    const r = await simulate(staggered, { seed: 1, faults: pausedHolder, protocol: chubby, variant: 'no-sequencer' });
    expect(r.protocol).toBe('chubby/no-sequencer');
    expect(r.violations.map((v) => v.checker)).toEqual(['chubby-sequenced-writes']);
    expect(r.violations[0]!.message).toMatch(/node 2 wrote the file under sequencer 1 after node \d wrote it under [2-9]/);
  });

  it('volatile-sequencer: a restarted master reuses sequencers, and chubby-sequencers-increase catches it', async () => {
    const r = await simulate(base, { seed: 1, faults: masterRestart, protocol: chubby, variant: 'volatile-sequencer' });
    expect(r.violations.map((v) => v.checker)).toContain('chubby-sequencers-increase');
    const fixed = await simulate(base, { seed: 1, faults: masterRestart, protocol: chubby });
    expect(fixed.violations).toEqual([]);
  });

  it('each variant names only declared checkers, and its catch is one of them', () => {
    const declared = chubby.checkers.map((c) => c.name);
    for (const v of chubby.variants) for (const c of v.caughtBy) expect(declared).toContain(c);
  });

  it('its options parser names the bad field', async () => {
    expect(() => parseChubbyOptions({ chubbyLeaseUs: -5 }, 4)).toThrow(/cluster\.chubbyLeaseUs: expected a positive whole number of µs, got -5/);
    expect(() => parseChubbyOptions({ chubbyGuardUs: 900_000 }, 4)).toThrow(/cluster\.chubbyGuardUs: expected less than chubbyLeaseUs/);
    expect(() => parseChubbyOptions({}, 1)).toThrow(/nodes: expected at least 2/);
    await expect(simulate({ ...base, cluster: { chubbyTickUs: 'fast' } }, { seed: 1, protocol: chubby })).rejects.toThrow(/cluster\.chubbyTickUs/);
  });
});
