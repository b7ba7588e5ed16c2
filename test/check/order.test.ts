// Search order: bfs (every schedule with 0 deviations, then exactly 1, then exactly 2, …: iterative
// deviation bounding; within a level, fewer delays first) and dfs explore the same set of schedules, each once; bfs never goes back to
// fewer deviations, is deterministic, splits into shards that add up to the whole, and keeps the
// verdict with state cuts on.
import { describe, expect, it } from 'vitest';
import { check, parseBound } from '../../runner/check.ts';
import type { Deviation, SearchOrder } from '../../runner/check.ts';
import { loadScenario } from '../../scenarios/load.ts';

const scenario = loadScenario('check-oldest-member').scenario;
const bound = parseBound('faults=1,delays=1');

async function schedules(order: SearchOrder, extra: { prune?: boolean; part?: { k: number; of: number } } = {}): Promise<{ seen: string[]; complete: boolean }> {
  const seen: string[] = [];
  const r = await check({ scenario, protocol: 'oldest-member', seed: 1, bound, order, prune: extra.prune ?? false,
    ...(extra.part !== undefined ? { part: extra.part } : {}), onSchedule: (d) => seen.push(JSON.stringify(d)) });
  return { seen, complete: r.complete };
}

describe('search order', () => {
  it('bfs and dfs run the same schedules, each exactly once; bfs in order of deviation count', async () => {
    const bfs = await schedules('bfs');
    const dfs = await schedules('dfs');
    expect(bfs.complete).toBe(true);
    expect(dfs.complete).toBe(true);
    expect(new Set(bfs.seen).size).toBe(bfs.seen.length);
    expect([...bfs.seen].sort()).toEqual([...dfs.seen].sort());
    const counts = bfs.seen.map((s) => (JSON.parse(s) as Deviation[]).length);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(counts.at(-1)).toBeGreaterThanOrEqual(1);
    // Within a level, faults before delays: the delay count never goes down until the level changes.
    const delays = bfs.seen.map((s) => (JSON.parse(s) as Deviation[]).filter((d) => d[2] === 'delay').length);
    for (let i = 1; i < counts.length; i++) if (counts[i] === counts[i - 1]) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(new Set(delays.filter((_, i) => counts[i] === 1)).size).toBe(2);
  }, 120_000);

  it('bfs is deterministic: the same arguments explore the same schedules in the same order', async () => {
    const a = await schedules('bfs', { prune: true });
    const b = await schedules('bfs', { prune: true });
    expect(b.seen).toEqual(a.seen);
  }, 120_000);

  it('bfs shards partition the search: the parts add up to the whole (the root runs in each)', async () => {
    const whole = await schedules('bfs');
    const parts = [await schedules('bfs', { part: { k: 0, of: 2 } }), await schedules('bfs', { part: { k: 1, of: 2 } })];
    expect(parts.every((p) => p.complete)).toBe(true);
    const union = [...new Set(parts.flatMap((p) => p.seen))].sort();
    expect(union).toEqual([...whole.seen].sort());
    expect(parts[0]!.seen.length + parts[1]!.seen.length - 1).toBe(whole.seen.length);
  }, 120_000);

  it('state cuts keep the verdict in bfs order and run no more schedules than without', async () => {
    const dlm = loadScenario('check-dlm').scenario;
    const small = parseBound('faults=1,delays=1');
    const cut = await check({ scenario: dlm, protocol: 'dlm/split-master', seed: 1, bound: small, order: 'bfs' });
    const full = await check({ scenario: dlm, protocol: 'dlm/split-master', seed: 1, bound: small, order: 'bfs', prune: false });
    expect(cut.counterexamples.length).toBe(full.counterexamples.length);
    expect(cut.counterexamples[0]?.deviations).toEqual(full.counterexamples[0]?.deviations);
    expect(cut.schedules).toBeLessThanOrEqual(full.schedules);
  }, 120_000);

  it('the default order runs a level\'s fault-only schedules before its delays: a one-crash bug comes before any delay', async () => {
    const dlm = loadScenario('check-dlm').scenario;
    const seen: Deviation[][] = [];
    const r = await check({ scenario: dlm, protocol: 'dlm/no-lvb-invalidate', seed: 1, bound: parseBound('faults=2,delays=2'), onSchedule: (d) => seen.push([...d]) });
    expect(r.order).toBe('bfs');
    const cx = r.counterexamples[0]!;
    expect(cx.deviations.every((d) => d[2] !== 'delay')).toBe(true);
    // Nothing with a delay ran before it; in tape order (dfs) the delays in front of the crash run first.
    expect(seen.slice(0, cx.schedule).some((d) => d.some((x) => x[2] === 'delay'))).toBe(false);
    const dfs = await check({ scenario: dlm, protocol: 'dlm/no-lvb-invalidate', seed: 1, bound: parseBound('faults=2,delays=2'), order: 'dfs' });
    expect(dfs.counterexamples[0]!.schedule).toBeGreaterThan(cx.schedule);
  }, 120_000);

  it('a counterexample stops the search: complete is false with reason counterexample', async () => {
    const dlm = loadScenario('check-dlm').scenario;
    const r = await check({ scenario: dlm, protocol: 'dlm/split-master', seed: 1, bound: parseBound('faults=2,delays=2'), order: 'bfs' });
    expect(r.complete).toBe(false);
    expect(r.reason).toBe('counterexample');
    expect(r.order).toBe('bfs');
  }, 120_000);
});

describe('check-dlm-lvb-passwd: a passwd writer dying mid-write', () => {
  const passwd = loadScenario('check-dlm-lvb-passwd').scenario;
  it('finds plain-passwd (one crash) and passwd-trusts-zero (two crashes: no value-block holder is left)', async () => {
    const plain = await check({ scenario: passwd, protocol: 'dlm-lvb/plain-passwd', seed: 1, bound: parseBound('faults=2,delays=0'), order: 'bfs' });
    expect(plain.counterexamples[0]!.violations[0]!.message).toMatch(/torn passwd read/);
    expect(plain.counterexamples[0]!.deviations.length).toBe(1);
    const zero = await check({ scenario: passwd, protocol: 'dlm-lvb/passwd-trusts-zero', seed: 1, bound: parseBound('faults=2,delays=0'), order: 'bfs' });
    expect(zero.counterexamples[0]!.violations[0]!.message).toMatch(/torn passwd read/);
    expect(zero.counterexamples[0]!.deviations.map((d) => d[2])).toEqual(['crash', 'crash']);
  }, 120_000);

  it('correct dlm-lvb completes it within the fault bound (the full faults=2,delays=2 search is in docs/check.md)', async () => {
    const r = await check({ scenario: passwd, protocol: 'dlm-lvb', seed: 1, bound: parseBound('faults=2,delays=0') });
    expect(r.counterexamples).toEqual([]);
    expect(r.complete).toBe(true);
  }, 120_000);
});
