// The library entry exposes what a user's property test needs: simulate, arbitraries, shrink and the
// scenario library (`import { simulate, scenarios, arbitraries } from 'lockstep'`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as lockstep from '../../index.ts';

describe('index.ts exports', () => {
  it('has arbitraries, shrink and scenarios', () => {
    expect(typeof lockstep.arbitraries.faultSchedule).toBe('function');
    expect(typeof lockstep.arbitraries.scenario).toBe('function');
    expect(typeof lockstep.arbitraries.seed).toBe('function');
    expect(lockstep.shrink).toBe(lockstep.shrinkRun);
    expect(typeof lockstep.simulateRunFile).toBe('function');
    expect(lockstep.scenarios.libraryNames()).toContain('steady-state');
  });

  it('runs a library scenario with a drawn schedule', async () => {
    const { scenario } = lockstep.scenarios.loadScenario('steady-state');
    const [faults] = fc.sample(lockstep.arbitraries.faultSchedule({ nodes: scenario.nodes, durationUs: 5_000_000, maxFaults: 2, minFaults: 1 }), { numRuns: 1, seed: 1 });
    const r = await lockstep.simulate({ ...scenario, durationUs: 8_000_000, healAtUs: 5_000_000 }, { seed: 1, faults: faults!, protocol: 'gossip' });
    expect(r.faults).toEqual(faults);
    expect(r.events).toBeGreaterThan(0);
  });
});
