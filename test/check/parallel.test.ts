// `--workers N`: the parts of one search on worker threads merge into the sequential search's claim.
import { describe, expect, it } from 'vitest';
import { check, parseBound } from '../../runner/check.ts';
import { checkParallel } from '../../runner/checkParallel.ts';
import { loadScenario } from '../../scenarios/load.ts';

describe('check on worker threads', () => {
  const scenario = loadScenario('check-oldest-member').scenario;
  const bound = parseBound('faults=1,delays=1');

  it('without state cuts, two workers explore exactly the sequential schedules and give the same claim', async () => {
    const seq = await check({ scenario, protocol: 'oldest-member', seed: 1, bound, prune: false });
    const par = await checkParallel({ scenario, protocol: 'oldest-member', seed: 1, bound, prune: false, all: false }, 2);
    expect(seq.complete).toBe(true);
    expect(par.complete).toBe(true);
    expect(par.schedules).toBe(seq.schedules);
    expect(par.counterexamples).toEqual([]);
  }, 120_000);

  it('finds a flawed variant and re-runs its counterexample for the run-file', async () => {
    const par = await checkParallel({ scenario, protocol: 'oldest-member/no-stop', seed: 1, bound: parseBound('faults=2,delays=2'), prune: true, all: false }, 2);
    expect(par.complete).toBe(false);
    expect(par.reason).toBe('counterexample');
    expect(par.counterexamples[0]!.result.violations.length).toBeGreaterThan(0);
  }, 120_000);
});
