// Negative tests: every flawed variant of the ownership protocols is caught by the checker it names,
// on a seed of a library scenario (only that checker runs, and the run stops at its first violation).
import { describe, expect, it } from 'vitest';
import { libraryScenario, run } from './library.ts';
import { resolveProtocol } from '../../protocols/index.ts';

const CASES: { variant: string; scenario: string; checker: string; seeds: number[] }[] = [
  { variant: 'lease/no-token-check', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [1, 3, 4] },
  { variant: 'lease/no-token-check', scenario: 'ownership-paused-owner', checker: 'ownership-client', seeds: [2, 6, 7] },
  { variant: 'lease/no-cas', scenario: 'ownership-paused-owner', checker: 'ownership-belief', seeds: [1, 2] },
  { variant: 'lease/no-cas', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [2, 3, 4, 5] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-client', seeds: [2, 3, 4, 5] },
  { variant: 'oldest-member/no-stop', scenario: 'ownership-rejoin-rebalance', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'oldest-member/no-stop', scenario: 'ownership-rejoin-rebalance', checker: 'ownership-client', seeds: [1, 2] },
  { variant: 'oldest-member/no-quorum', scenario: 'ownership-minority-partition', checker: 'quorum-gating', seeds: [1, 2] },
  { variant: 'dlm-lvb/ignore-valnotvalid', scenario: 'ownership-owner-crash', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'dlm-lvb/new-ex-request', scenario: 'ownership-owner-crash', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'dlm-lvb/plain-passwd', scenario: 'ownership-passwd-writer-death', checker: 'ownership-client', seeds: [1, 2, 3, 4, 5, 6] },
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [2, 3] },
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-client', seeds: [2, 3] },
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-minority-partition', checker: 'ownership-exclusive', seeds: [1, 2] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-minority-partition', checker: 'ownership-exclusive', seeds: [1, 2] },
];

describe('ownership variants are caught by the checkers they name', () => {
  for (const c of CASES) {
    it(`${c.variant}: ${c.checker} fires on ${c.scenario}`, async () => {
      const resolved = resolveProtocol(c.variant);
      expect(resolved.variant?.caughtBy).toContain(c.checker);
      const fired: number[] = [];
      for (const seed of c.seeds) {
        // Only the checker under test runs, so the run can stop at its first violation.
        const scenario = { ...libraryScenario(c.scenario), checkers: [c.checker] };
        const r = await run(scenario, c.variant, seed, true);
        if (r.violations.some((v) => v.checker === c.checker)) fired.push(seed);
        if (fired.length > 0) break;
      }
      expect(fired.length, `${c.checker} never fired for ${c.variant} on seeds ${c.seeds.join(', ')}`).toBeGreaterThan(0);
    });
  }

  it('every variant of every ownership protocol has a negative case here', () => {
    for (const p of ['lease', 'oldest-member', 'dlm-lvb']) {
      for (const v of resolveProtocol(p).def.variants) {
        const covered = CASES.filter((c) => c.variant === `${p}/${v.name}`).map((c) => c.checker);
        expect(covered.length, `${p}/${v.name} has no negative test`).toBeGreaterThan(0);
        for (const checker of covered) expect(v.caughtBy).toContain(checker);
      }
    }
  });
});
