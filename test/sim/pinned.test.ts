// Pinned trace hashes of library scenarios: a change that moves or refactors code must leave them
// as they are; a change that alters behaviour on purpose re-records them in the same commit and says
// so in the commit message (recorded before the one-way layout move, unchanged by it; the DLM runs
// re-recorded when demotion notices and dlm-cancel/dlm-rebuilt observations landed).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';

const PINNED: readonly (readonly [string, string, number, string, number, boolean])[] = [
  ['standard', 'dlm-lvb', 1, 'd5966290945c17c0', 54348, true],
  ['standard', 'oldest-member', 2, '470d7842d7e5c49d', 52774, true],
  ['standard', 'lease', 3, '7ebf3548385da126', 51154, true],
  ['owner-crash', 'dlm-lvb/no-fencing', 7, 'b6d5f51e8129a19e', 40897, false],
  ['membership-split-2-2', 'cman', 4, 'eda1ef96ecb380ef', 1961, true],
  ['dlm-master-loss', 'dlm', 5, 'ca69b343c6af3dec', 22056, true],
  ['ownership-minority-partition', 'oldest-member/no-quorum', 1, '653395caa86a0ca3', 294519, false],
];

describe('pinned trace hashes', () => {
  it.each(PINNED)('%s under %s, seed %i', async (scenario, protocol, seed, hash, events, ok) => {
    const r = await simulate(loadScenario(scenario).scenario, { seed, protocol });
    expect({ hash: r.traceHash, events: r.events, ok: r.ok }).toEqual({ hash, events, ok });
  });
});
