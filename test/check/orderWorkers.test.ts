// `--order` with worker threads and on the command line: two workers in bfs order run the sequential
// bfs search's schedules (without state cuts) and report the order; a bad --order is exit 2.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, parseBound } from '../../runner/check.ts';
import { checkParallel } from '../../runner/checkParallel.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { cli } from '../cli/inProcess.ts';

describe('search order with workers and on the command line', () => {
  const scenario = loadScenario('check-oldest-member').scenario;
  const bound = parseBound('faults=2,delays=0');

  it('two workers in bfs order run the sequential bfs schedules and give its claim', async () => {
    const seq = await check({ scenario, protocol: 'oldest-member', seed: 1, bound, prune: false, order: 'bfs' });
    const par = await checkParallel({ scenario, protocol: 'oldest-member', seed: 1, bound, prune: false, all: false, order: 'bfs' }, 2);
    expect(seq.complete).toBe(true);
    expect(par.complete).toBe(true);
    expect(par.order).toBe('bfs');
    expect(par.schedules).toBe(seq.schedules);
    expect(par.counterexamples).toEqual([]);
  }, 120_000);

  it('a bad --order is named with its expected values, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-check-order-'));
    const r = await cli(['check', 'check-oldest-member', '--order', 'sideways', '--out', dir], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--order: expected (bfs or dfs|dfs or bfs), got "sideways"/);
  });

  it('--strategy exhaustive is the default, dfs its older name; a bad one is named, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-check-strategy-'));
    const args = ['check', 'check-oldest-member', '--bound', 'faults=1,delays=0', '--json', '-q', '--out', dir];
    const plain = await cli(args, dir);
    const named = await cli([...args, '--strategy', 'exhaustive'], dir);
    const old = await cli([...args, '--strategy', 'dfs'], dir);
    expect([plain.code, named.code, old.code]).toEqual([0, 0, 0]);
    const schedules = [plain, named, old].map((r) => (JSON.parse(r.stdout) as { schedules: number; complete: boolean }).schedules);
    expect(schedules[0]).toBeGreaterThan(1);
    expect(schedules).toEqual([schedules[0], schedules[0], schedules[0]]);
    const bad = await cli(['check', 'check-oldest-member', '--strategy', 'greedy', '--out', dir], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--strategy: expected exhaustive, pct or random, got "greedy"/);
  }, 120_000);
});
