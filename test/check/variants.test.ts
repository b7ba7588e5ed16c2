// Every flawed variant of the ownership protocols and of the DLM that CHECK_TARGETS lists is found by
// `lockstep check` on its small configuration at the configuration's default bound, and every variant
// of those protocols is either listed there or named in NOT_FOUND_YET with a reason.
import { describe, expect, it } from 'vitest';
import { check, parseBound } from '../../runner/check.ts';
import { CHECK_TARGETS, NOT_FOUND_YET } from '../../runner/checkVariants.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { PROTOCOLS } from '../../protocols/index.ts';

describe('check finds the flawed variants on small configurations', () => {
  it('every variant of dlm, dlm-lvb, oldest-member and lease is accounted for', () => {
    const listed = new Set([...CHECK_TARGETS.map((t) => t.variant), ...Object.keys(NOT_FOUND_YET)]);
    for (const def of PROTOCOLS.filter((p) => ['dlm', 'dlm-lvb', 'oldest-member', 'lease'].includes(p.name))) {
      for (const v of def.variants) expect(listed.has(`${def.name}/${v.name}`), `${def.name}/${v.name}`).toBe(true);
    }
  });

  for (const t of CHECK_TARGETS) {
    it(`${t.variant} on ${t.config}`, async () => {
      const scenario = loadScenario(t.config).scenario;
      const r = await check({ scenario, protocol: t.variant, seed: 1, bound: parseBound(scenario.check?.bound ?? ''), maxSchedules: 5_000 });
      expect(r.counterexamples.length, `${t.variant}: ${r.schedules} schedules, ${r.reason ?? 'complete'}`).toBe(1);
    }, 120_000);
  }
});
