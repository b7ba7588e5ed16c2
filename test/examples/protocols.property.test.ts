// The same property as dlm-lvb.property.test.ts for every other protocol of the stack: no checker
// fires under fault schedules fast-check draws (membership, the DLM itself, and the other designs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraries, simulate } from '../../index.ts';
import type { Scenario } from '../../index.ts';

const CASES: { protocol: string; holds: string; workload?: Scenario['workload']; numRuns: number }[] = [
  { protocol: 'oldest-member', holds: 'keeps ownership raceless', workload: { kind: 'snapshot-metadata' }, numRuns: 8 },
  { protocol: 'lease', holds: 'keeps ownership raceless', workload: { kind: 'snapshot-metadata' }, numRuns: 8 },
  { protocol: 'cman', holds: 'keeps membership consistent and settles after heal', numRuns: 8 },
  { protocol: 'dlm', holds: 'keeps lock modes compatible, queues ordered and LVBs valid', workload: { kind: 'dlm-random' }, numRuns: 5 },
];

describe.each(CASES)('$protocol under arbitrary crashes, partitions and pauses', ({ protocol, holds, workload, numRuns }) => {
  const scenario: Scenario = {
    name: `${protocol}-property`,
    description: 'Three nodes; faults in the first 8 s, then 12 s to settle.',
    nodes: 3,
    durationUs: 20_000_000,
    healAtUs: 8_000_000,
    ...(workload ? { workload } : {}),
    faults: {},
  };
  it(holds, async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraries.faultSchedule({
          nodes: scenario.nodes, durationUs: scenario.healAtUs!, maxFaults: 3,
          kinds: ['crash', 'fast-reboot', 'partition', 'clog', 'pause'],
        }),
        arbitraries.seed(),
        async (faults, seed) => {
          const r = await simulate(scenario, { seed, faults, protocol });
          expect(r.violations.map((v) => `${v.checker}: ${v.message}`)).toEqual([]);
        },
      ),
      { numRuns, seed: 20261124 },
    );
  });
});
