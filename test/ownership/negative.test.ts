// Negative tests: every flawed variant of the ownership protocols is caught by the checker it names,
// on a seed of a library scenario (only that checker runs, and the run stops at its first violation).
import { describe, expect, it } from 'vitest';
import { libraryScenario, run } from './library.ts';
import { resolveProtocol } from '../../protocols/index.ts';
import { NEGATIVE_CASES as CASES } from './negativeCases.ts';

describe('ownership and demo variants are caught by the checkers they name', () => {
  for (const c of CASES) {
    it(`${c.variant}: ${c.checker} fires on ${c.scenario}`, async () => {
      const resolved = resolveProtocol(c.variant);
      expect(resolved.variant?.caughtBy).toContain(c.checker);
      const fired: number[] = [];
      for (const seed of c.seeds) {
        // Only the checker under test runs, so the run can stop at its first violation.
        const scenario = { ...libraryScenario(c.scenario), checkers: [c.checker] };
        const r = await run(scenario, c.variant, seed, true, c.overrides);
        if (r.violations.some((v) => v.checker === c.checker)) fired.push(seed);
        if (fired.length > 0) break;
      }
      expect(fired.length, `${c.checker} never fired for ${c.variant} on seeds ${c.seeds.join(', ')}`).toBeGreaterThan(0);
    });
  }

  it('every variant of every ownership protocol has a negative case here', () => {
    for (const p of ['lease', 'oldest-member', 'dlm-lvb', 'gossip']) {
      for (const v of resolveProtocol(p).def.variants) {
        const covered = CASES.filter((c) => c.variant === `${p}/${v.name}`).map((c) => c.checker);
        expect(covered.length, `${p}/${v.name} has no negative test`).toBeGreaterThan(0);
        for (const checker of covered) expect(v.caughtBy).toContain(checker);
      }
    }
  });
});
