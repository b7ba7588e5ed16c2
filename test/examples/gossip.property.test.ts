// Example property test (copy me): the demo 'gossip' protocol keeps every checker green under any
// fault schedule fast-check draws. On a failure, fast-check shrinks the schedule and prints it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraries, simulate } from '../../index.ts';
import type { Scenario } from '../../index.ts';

const scenario: Scenario = {
  name: 'gossip-property',
  description: 'Four gossiping nodes; faults in the first 6 s, then 10 s to converge.',
  nodes: 4,
  durationUs: 16_000_000,
  healAtUs: 6_000_000,
  deadlineUs: 10_000_000,
  faults: {},
};

describe('gossip under arbitrary fault schedules', () => {
  it('never goes backwards and converges after heal', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraries.faultSchedule({ nodes: scenario.nodes, durationUs: scenario.healAtUs!, maxFaults: 4 }),
        arbitraries.seed(),
        async (faults, seed) => {
          const r = await simulate(scenario, { seed, faults, protocol: 'gossip' });
          // Throwing (rather than returning false) puts the checker's own explanation in the report.
          expect(r.violations.map((v) => `${v.checker}: ${v.message}`)).toEqual([]);
        },
      ),
      { numRuns: 40, seed: 20261124 },
    );
  });
});
