// Example property test (copy me): the 'dlm-lvb' protocol keeps ownership raceless (belief, effect and
// client checkers) under fault schedules fast-check draws. On a failure, fast-check shrinks the
// schedule and prints the counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraries, simulate } from '../../index.ts';
import type { Scenario } from '../../index.ts';

const scenario: Scenario = {
  name: 'dlm-lvb-property',
  description: 'Three nodes serve the snapshot-metadata workload; faults in the first 8 s.',
  nodes: 3,
  durationUs: 20_000_000,
  healAtUs: 8_000_000,
  workload: { kind: 'snapshot-metadata' },
  faults: {},
};

describe('dlm-lvb under arbitrary crashes, partitions and pauses', () => {
  it('keeps ownership raceless', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraries.faultSchedule({
          nodes: scenario.nodes, durationUs: scenario.healAtUs!, maxFaults: 3,
          kinds: ['crash', 'fast-reboot', 'partition', 'clog', 'pause'],
        }),
        arbitraries.seed(),
        async (faults, seed) => {
          const r = await simulate(scenario, { seed, faults, protocol: 'dlm-lvb' });
          // Throwing (rather than returning false) puts the checker's own explanation in the report.
          expect(r.violations.map((v) => `${v.checker}: ${v.message}`)).toEqual([]);
        },
      ),
      { numRuns: 8, seed: 20261124 },
    );
  });
});
