// Search order (`--order bfs|dfs`): bfs runs every schedule with 0 deviations, then exactly 1, then
// exactly 2, … (iterative deviation bounding); both orders run the same set of schedules, each once,
// deterministically; state cuts keep the verdict; works with parts (--shard / --workers); the
// progress line reaches stderr with --workers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, parseBound, DEFAULT_ORDER } from '../../runner/check.ts';
import type { CheckProgress, Deviation } from '../../runner/check.ts';
import { aggregateProgress, checkParallel } from '../../runner/checkParallel.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { cli } from '../cli/inProcess.ts';

const scenario = loadScenario('check-oldest-member').scenario;
const protocol = 'oldest-member';
const bound = parseBound('faults=1,delays=1');
/** Two faults: schedules with 0, 1 and 2 deviations (49 without cuts). */
const two = parseBound('faults=2,delays=0');

async function schedules(order: 'bfs' | 'dfs', prune: boolean, part?: { k: number; of: number }): Promise<{ seen: string[]; complete: boolean }> {
  const seen: string[] = [];
  const r = await check({ scenario, protocol, seed: 1, bound: two, prune, order, ...(part !== undefined ? { part } : {}), onSchedule: (d) => seen.push(JSON.stringify(d)) });
  return { seen, complete: r.complete };
}

describe('search order', () => {
  it('bfs is the default', () => {
    expect(DEFAULT_ORDER).toBe('bfs');
  });

  it('bfs runs the same schedules as dfs, each once, by non-decreasing number of deviations, the same twice', async () => {
    const dfs = await schedules('dfs', false);
    const bfs = await schedules('bfs', false);
    const again = await schedules('bfs', false);
    expect(bfs.complete).toBe(true);
    expect(dfs.complete).toBe(true);
    expect(again.seen).toEqual(bfs.seen);
    expect(new Set(bfs.seen).size).toBe(bfs.seen.length);
    expect([...bfs.seen].sort()).toEqual([...dfs.seen].sort());
    expect(bfs.seen).not.toEqual(dfs.seen);
    const lengths = bfs.seen.map((s) => (JSON.parse(s) as Deviation[]).length);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]!).toBeGreaterThanOrEqual(lengths[i - 1]!);
    expect(lengths).toContain(2);
  }, 120_000);

  it('with state cuts both orders complete with the same verdict and no more schedules than without', async () => {
    const full = await schedules('bfs', false);
    for (const order of ['bfs', 'dfs'] as const) {
      const r = await check({ scenario, protocol, seed: 1, bound: two, order });
      expect(r.complete).toBe(true);
      expect(r.counterexamples).toEqual([]);
      expect(r.schedules).toBeLessThanOrEqual(full.seen.length);
    }
    const flawed = await check({ scenario, protocol: 'oldest-member/no-stop', seed: 1, bound: parseBound('faults=2,delays=2'), order: 'bfs' });
    expect(flawed.reason).toBe('counterexample');
    expect(flawed.counterexamples[0]!.violations.length).toBeGreaterThan(0);
  }, 120_000);

  it('the parts of a bfs search (shards) together run exactly its schedules', async () => {
    const whole = await schedules('bfs', false);
    const a = await schedules('bfs', false, { k: 0, of: 2 });
    const b = await schedules('bfs', false, { k: 1, of: 2 });
    expect(a.complete && b.complete).toBe(true);
    // The root schedule runs in each part.
    expect(new Set([...a.seen, ...b.seen])).toEqual(new Set(whole.seen));
    expect(a.seen.length + b.seen.length - 1).toBe(whole.seen.length);
  }, 120_000);

  it('two workers in bfs order give the sequential claim and report progress', async () => {
    const seq = await check({ scenario, protocol, seed: 1, bound, prune: false, order: 'bfs' });
    const progress: CheckProgress[] = [];
    const par = await checkParallel({ scenario, protocol, seed: 1, bound, prune: false, all: false, order: 'bfs' }, 2, (p) => progress.push(p));
    expect(par.complete).toBe(true);
    expect(par.order).toBe('bfs');
    expect(par.schedules).toBe(seq.schedules);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // The last aggregate covers both parts' final counts.
    expect(progress[progress.length - 1]!.schedules).toBe(seq.schedules);
  }, 120_000);

  it('aggregates the workers\' progress: sums, the root once, the deepest depth', () => {
    const p = (schedules: number, depth: number): CheckProgress => ({ schedules, states: 10, cuts: 1, depth, frontier: 5 });
    expect(aggregateProgress([p(20, 1), undefined, p(30, 2)])).toEqual({ schedules: 49, states: 20, cuts: 2, depth: 2, frontier: 10 });
  });
});

describe('lockstep check (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-order-'));
  it('--order is validated, exit 2', async () => {
    const r = await cli(['check', 'check-oldest-member', '--protocol', protocol, '--order', 'sideways'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--order: expected bfs or dfs/);
  });

  it('prints the progress line on stderr with --workers 2 and names the order', async () => {
    const r = await cli(['check', 'check-oldest-member', '--protocol', protocol, '--bound', 'faults=1,delays=1', '--workers', '2'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\d+ schedules \(\d+\/s\), \d+ states, \d+ cuts, depth \d+, frontier \d+/);
    expect(r.stdout).toMatch(/fewest deviations first/);
  }, 120_000);
});
