// Example property test (copy me): the 'cman' membership protocol keeps its properties (view
// agreement, quorum gating, fencing before recovery, liveness) under drawn fault schedules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, arbitraries, simulate } from '../../index.ts';
import type { Scenario } from '../../index.ts';

const PROTOCOL = 'cman';
const registered = PROTOCOLS.some((p) => p.name === PROTOCOL);

const scenario: Scenario = {
  name: 'cman-property',
  description: 'A three-node cman cluster; faults in the first 8 s, then 12 s to settle.',
  nodes: 3,
  durationUs: 20_000_000,
  healAtUs: 8_000_000,
  faults: {},
};

describe(`${PROTOCOL} under arbitrary crashes, partitions and pauses`, () => {
  it.skipIf(!registered)(registered ? 'keeps membership consistent and settles after heal' : `skipped: protocol '${PROTOCOL}' is not registered yet`, async () => {
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
