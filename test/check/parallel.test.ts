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

  it('the first counterexample stops every part; with --all each part searches on', async () => {
    // read-unchecked's counterexample lies in part 1 (schedule 61 there); part 0 holds none and, run
    // to its end, took ~5,900 schedules.
    const reader = loadScenario('check-dlm-lvb-reader').scenario;
    const job = { scenario: reader, protocol: 'dlm-lvb/read-unchecked', seed: 1, bound: parseBound('faults=2,delays=2'), prune: true };
    const first = await checkParallel({ ...job, all: false }, 2);
    expect(first.reason).toBe('counterexample');
    expect(first.counterexamples).toHaveLength(1);
    expect(first.counterexamples[0]!.result.violations.map((v) => v.checker)).toContain('ownership-client');
    expect(first.schedules).toBeLessThan(1_000);
    const all = await checkParallel({ ...job, all: true, maxSchedules: 400 }, 2);
    expect(all.schedules).toBeGreaterThan(first.schedules);
  }, 120_000);
});
