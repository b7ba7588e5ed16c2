// Example property test (copy me): the 'dlm' lock manager keeps its own properties (compatible
// modes, queue order, LVB rules, one master) under drawn fault schedules. Skipped until registered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, arbitraries, simulate } from '../../index.ts';
import type { Scenario } from '../../index.ts';

const PROTOCOL = 'dlm';
const registered = PROTOCOLS.some((p) => p.name === PROTOCOL);

const scenario: Scenario = {
  name: 'dlm-property',
  description: 'Three nodes run a random lock workload on the DLM; faults in the first 8 s.',
  nodes: 3,
  durationUs: 20_000_000,
  healAtUs: 8_000_000,
  workload: { kind: 'dlm-random' },
  faults: {},
};

describe(`${PROTOCOL} under arbitrary crashes, partitions and pauses`, () => {
  it.skipIf(!registered)(registered ? 'keeps lock modes compatible, queues ordered and LVBs valid' : `skipped: protocol '${PROTOCOL}' is not registered yet`, async () => {
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
      { numRuns: 5, seed: 20261124 },
    );
  });
});
