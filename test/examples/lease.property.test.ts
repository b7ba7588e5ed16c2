// Example property test (copy me): the 'lease' protocol keeps ownership raceless (belief, effect and
// client checkers) under fault schedules fast-check draws. Skipped, visibly, until 'lease' is registered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, arbitraries, simulate } from '../../index.ts';
import type { Scenario } from '../../index.ts';

const PROTOCOL = 'lease';
const registered = PROTOCOLS.some((p) => p.name === PROTOCOL);

const scenario: Scenario = {
  name: 'lease-property',
  description: 'Three nodes serve the snapshot-metadata workload; faults in the first 8 s.',
  nodes: 3,
  durationUs: 20_000_000,
  healAtUs: 8_000_000,
  workload: { kind: 'snapshot-metadata' },
  faults: {},
};

describe(`${PROTOCOL} under arbitrary crashes, partitions and pauses`, () => {
  it.skipIf(!registered)(registered ? 'keeps ownership raceless' : `skipped: protocol '${PROTOCOL}' is not registered yet`, async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraries.faultSchedule({
          nodes: scenario.nodes, durationUs: scenario.healAtUs!, maxFaults: 3,
          kinds: ['crash', 'fast-reboot', 'partition', 'clog', 'pause'],
        }),
        arbitraries.seed(),
        async (faults, seed) => {
          const r = await simulate(scenario, { seed, faults, protocol: PROTOCOL });
          expect(r.violations.map((v) => `${v.checker}: ${v.message}`)).toEqual([]);
        },
      ),
      { numRuns: 8, seed: 20261124 },
    );
  });
});
