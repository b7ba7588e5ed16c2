// Swarm property test of the standalone 'dlm' protocol: the correct DLM never violates a property
// over a batch of seeds (LOCKSTEP_SEEDS overrides the batch size), and every flawed variant is caught
// by the checkers it names. Also runs the library scenarios dlm-*.json.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenarioFile } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { DLM_VARIANTS } from '../../protocols/dlm/index.ts';

const SEEDS = Number(process.env.LOCKSTEP_SEEDS ?? 4);

function swarm(profile: string): Scenario {
  return { name: `dlm-swarm-${profile}`, description: 'swarm', nodes: 5, protocol: 'dlm', durationUs: 15_000_000, faults: { swarm: profile } };
}

describe('dlm swarm', () => {
  it(`the correct DLM holds every property over ${SEEDS} seeds of each swarm profile`, async () => {
    const failures: string[] = [];
    for (const profile of ['standard', 'crashes']) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const r = await simulate(swarm(profile), { seed });
        if (!r.ok) failures.push(`${profile} seed ${seed}: ${r.violations.map((v) => `${v.checker}: ${v.message}`).join(' | ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  for (const v of DLM_VARIANTS.filter((x) => x.scripted !== true)) {
    it(`catches dlm/${v.name} (${v.caughtBy.join(', ')})`, async () => {
      const caught = new Set<string>();
      for (let seed = 1; seed <= 12 && caught.size === 0; seed++) {
        const r = await simulate(swarm('crashes'), { seed, protocol: `dlm/${v.name}` });
        for (const x of r.violations) caught.add(x.checker);
      }
      expect(v.caughtBy.some((c) => caught.has(c))).toBe(true);
    });
  }
});

describe('dlm library scenarios', () => {
  const names = ['dlm-lvb-holder-dies', 'dlm-master-loss', 'dlm-directory-loss', 'dlm-recovery-interrupted', 'dlm-partition-during-recovery'];
  for (const name of names) {
    it(`${name} passes and reaches its case`, async () => {
      const sc = loadScenarioFile(new URL(`../../scenarios/library/${name}.json`, import.meta.url).pathname);
      expect(sc.protocol).toBe('dlm');
      const cov: Record<string, boolean> = {};
      for (let seed = 1; seed <= 2; seed++) {
        const r = await simulate(sc, { seed });
        expect(r.violations).toEqual([]);
        for (const [k, v] of Object.entries(r.coverage)) cov[k] ||= v;
      }
      if (name === 'dlm-recovery-interrupted') expect(cov['dlm-recovery-restarted']).toBe(true);
      if (name === 'dlm-master-loss') expect(cov['dlm-remastered']).toBe(true);
    });
  }

  it('dlm-lvb-holder-dies catches dlm/no-lvb-invalidate', async () => {
    const sc = loadScenarioFile(new URL('../../scenarios/library/dlm-lvb-holder-dies.json', import.meta.url).pathname);
    const caught: string[] = [];
    for (let seed = 1; seed <= 10 && caught.length === 0; seed++) {
      const r = await simulate(sc, { seed, protocol: 'dlm/no-lvb-invalidate' });
      caught.push(...r.violations.map((v) => v.checker));
    }
    expect(caught).toContain('dlm-lvb');
  });
});

describe("dlm: workload kind 'none'", () => {
  it('runs no lock operation (and dlm-random, the default, does)', async () => {
    const base = { ...swarm('standard'), nodes: 3, durationUs: 10_000_000, faults: { swarm: 'standard' } };
    const none = await simulate({ ...base, workload: { kind: 'none' } }, { seed: 1 });
    expect(none.violations).toEqual([]);
    expect(none.metrics.dlmOpsCompleted).toBe(0);
    const random = await simulate({ ...base, workload: { kind: 'dlm-random' } }, { seed: 1 });
    expect(random.metrics.dlmOpsCompleted).toBeGreaterThan(0);
  });
});
