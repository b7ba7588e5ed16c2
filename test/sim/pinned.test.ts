// Pinned trace hashes of library scenarios: a change that moves or refactors code must leave them
// as they are; a change that alters behaviour on purpose re-records them in the same commit and says
// so in the commit message (recorded before the one-way layout move, unchanged by it; the DLM runs
// re-recorded when demotion notices and dlm-cancel/dlm-rebuilt observations landed; every run
// re-recorded when the engine stopped counting work-less events and heartbeats became one broadcast).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';

const PINNED: readonly (readonly [string, string, number, string, number, boolean])[] = [
  ['standard', 'dlm-lvb', 1, '747ad98892f24fab', 13084, true],
  ['standard', 'oldest-member', 2, 'a9cd1f84ce4c28a3', 12155, true],
  ['standard', 'lease', 3, '74397a04ded24dbd', 12835, true],
  ['owner-crash', 'dlm-lvb/no-fencing', 7, 'e08d8838ae7a2b3c', 9376, false],
  ['membership-split-2-2', 'cman', 4, 'f549f992f341b1e6', 1245, true],
  ['dlm-master-loss', 'dlm', 5, 'fc7f16e87d7c6f47', 19916, true],
  ['ownership-minority-partition', 'oldest-member/no-quorum', 1, '6a41e2bd20c8667d', 181603, false],
];

describe('pinned trace hashes', () => {
  it.each(PINNED)('%s under %s, seed %i', async (scenario, protocol, seed, hash, events, ok) => {
    const r = await simulate(loadScenario(scenario).scenario, { seed, protocol });
    expect({ hash: r.traceHash, events: r.events, ok: r.ok }).toEqual({ hash, events, ok });
  });
});
