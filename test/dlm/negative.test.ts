// Negative tests of the DLM checkers (FoundationDB-style: plant a bug, pass only if a checker reports
// it). Variants the swarm reaches are caught in swarm.test.ts; the rest are caught here on a script
// that reaches the case, with the correct DLM as control. Completeness: every DLM checker has a
// negative case, and every scripted variant has its script — adding either without the other fails.
import { describe, expect, it } from 'vitest';
import { DLM_VARIANTS, dlmCheckers } from '../../protocols/dlm/index.ts';
import { glockCacheChecker } from '../../protocols/dlm/checkers/glock.ts';
import type { Outcome } from './cases.ts';
import { altModeThenConvert, convDeadlkMasterDies, downConversionHeld, ivValBlkConversion } from './cases.ts';
import { runCluster } from './harness.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

/** The script that reaches each scripted variant's flaw. */
const SCRIPTED: Readonly<Record<string, (variant?: string) => Promise<Outcome>>> = {
  'no-demote-reply': convDeadlkMasterDies,
  'ivvalblk-own-flag': ivValBlkConversion,
  'sticky-flags': altModeThenConvert,
  'lose-down-conversion': downConversionHeld,
  'glock-trust-valid': glockCache,
};

/** The glock-cache workload (GFS2's LVB-validated metadata cache), 5 nodes, no faults. */
async function glockCache(variant?: string): Promise<Outcome> {
  const sc: Scenario = { name: 'glock', description: '', nodes: 5, protocol: 'dlm', durationUs: 12_000_000, healAtUs: 8_000_000, workload: { kind: 'glock-cache' }, faults: {} };
  const r = await simulate(sc, { seed: 1, ...(variant !== undefined ? { protocol: `dlm/${variant}` } : {}) });
  return { log: [], checkers: r.violations.map((v) => v.checker), messages: r.violations.map((v) => v.message) };
}

/** Coverage (sometimes) checkers: a fault-free run must report their case as not reached. */
const COVERAGE = ['dlm-valnotvalid-seen', 'dlm-remastered', 'dlm-recovery-restarted'];

describe('scripted negative tests', () => {
  for (const v of DLM_VARIANTS.filter((x) => x.scripted === true)) {
    it(`dlm/${v.name} is caught by ${v.caughtBy.join(', ')}; the correct DLM passes the same script`, async () => {
      const script = SCRIPTED[v.name];
      expect(script, `no script for scripted variant ${v.name}`).toBeDefined();
      const good = await script!();
      expect(good.messages).toEqual([]);
      const bad = await script!(v.name);
      expect(v.caughtBy.filter((c) => bad.checkers.includes(c))).not.toEqual([]);
    });
  }

  it('coverage checkers report their case as not reached in a fault-free run', async () => {
    const { result } = await runCluster({
      checkers: dlmCheckers(),
      scripts: { 1: async (a) => void (await (await a.ls.lock('x', 'EX', { valueBlock: true })).unlock()) },
    });
    expect(result.violations).toEqual([]);
    for (const c of COVERAGE) expect(result.coverage[c], c).toBe(false);
  });
});

describe('completeness', () => {
  it('every DLM checker has a negative case', () => {
    const caught = new Set(DLM_VARIANTS.flatMap((v) => v.caughtBy));
    const missing: string[] = [];
    for (const c of [...dlmCheckers(), glockCacheChecker()]) {
      const covered = c.kind === 'sometimes' ? COVERAGE.includes(c.name) : caught.has(c.name);
      if (!covered) missing.push(c.name);
    }
    expect(missing).toEqual([]);
  });

  it('every scripted variant has a script, and every script a scripted variant', () => {
    const scripted = DLM_VARIANTS.filter((v) => v.scripted === true).map((v) => v.name).sort();
    expect(Object.keys(SCRIPTED).sort()).toEqual(scripted);
  });

  it('every variant names only checkers the DLM has', () => {
    const names = new Set([...dlmCheckers(), glockCacheChecker()].map((c) => c.name));
    for (const v of DLM_VARIANTS) for (const c of v.caughtBy) expect(names.has(c), `${v.name}: ${c}`).toBe(true);
  });
});

describe('assertions in the DLM handlers', () => {
  it('a broken assumption surfaces as a named violation at the event that caused it', async () => {
    const { result } = await runCluster({
      scripts: {
        1: async (a) => {
          await a.ready();
          const lk = await a.ls.lock('x', 'PR');
          // A demote notice for a lock with no CONVDEADLK conversion in flight: the handler asserts.
          a.ls.inner.onApp(1, { k: 'demote', res: 'x', lkid: lk.id, gen: a.ls.inner.gen });
        },
      },
    });
    expect(result.violations.map((v) => v.checker)).toEqual(['assertion']);
    expect(result.violations[0]!.message).toMatch(/assertion failed: dlm: demote of lock \d+ without a CONVDEADLK conversion in flight/);
  });
});
