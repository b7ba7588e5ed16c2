// explore through the real binary: JSONL results, resume after a killed explore (every seed exactly
// once), shards that partition the range, determinism across worker counts, merge, stop-on-failure.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockstep, start, workdir } from './helpers.ts';
import { libraryNames } from '../../scenarios/load.ts';

const dir = workdir();
const FILE = (out: string, suffix = ''): string => join(dir, out, `explore-tiny-gossip_forgetful${suffix}.jsonl`);

interface Line {
  seed: number;
  ok: boolean;
  traceHash: string;
  runFile?: string;
}

function lines(path: string): Line[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);
}

function hashes(path: string): Map<number, string> {
  return new Map(lines(path).map((l) => [l.seed, l.traceHash]));
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('lockstep explore', () => {
  it('same per-seed hashes with 1 and 2 workers; summary shape; failing seeds write run-files; exit 1', async () => {
    const [one, two] = await Promise.all([
      lockstep(['explore', 'tiny.json', '-p', 'gossip/forgetful', '--seeds', '40', '--workers', '1', '--out', 'w1', '--json'], dir),
      lockstep(['explore', 'tiny.json', '-p', 'gossip/forgetful', '--seeds', '40', '--workers', '2', '--out', 'w2', '--json'], dir),
    ]);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    const h1 = hashes(FILE('w1'));
    const h2 = hashes(FILE('w2'));
    expect([...h1.keys()].sort((a, b) => a - b)).toEqual(range(1, 40));
    expect(new Map([...h2].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...h1].sort((a, b) => a[0] - b[0])));
    const s = JSON.parse(two.stdout) as Record<string, unknown> & { failures: { seed: number; violations: unknown[]; runFile: string }[] };
    expect(s).toMatchObject({ scenario: 'tiny', protocol: 'gossip/forgetful', seeds: 40, workers: 2 });
    expect(s.failed).toBeGreaterThan(0);
    expect(s.failed).toBeLessThan(40);
    expect(s.failures).toHaveLength(s.failed as number);
    expect((s.checkersFired as Record<string, number>)['gossip-monotonic']).toBeGreaterThan(0);
    expect(s.failures.map((f) => f.seed)).toEqual(lines(FILE('w2')).filter((l) => !l.ok).map((l) => l.seed).sort((a, b) => a - b));
    expect(s.coverage).toHaveProperty('gossip-restart-caught-up');
    expect(s.seedsPerSec).toBeGreaterThan(0);
    for (const f of s.failures) expect(existsSync(join(dir, f.runFile))).toBe(true);

    // The same seed run alone in the main process has the same hash as in a worker.
    const seed = s.failures[0]!.seed;
    const alone = await lockstep(['run', 'tiny.json', '-p', 'gossip/forgetful', '--seed', String(seed), '--json'], dir);
    expect((JSON.parse(alone.stdout) as { traceHash: string }).traceHash).toBe(h1.get(seed));
  });

  it('shards K/N partition the seed range (union = the whole range, no overlap) and merge into one summary', async () => {
    const shards = await Promise.all([1, 2, 3].map((k) =>
      lockstep(['explore', 'tiny.json', '-p', 'gossip/forgetful', '--seeds', '40', '--shard', `${k}/3`, '--workers', '1', '--out', 'sh', '--json'], dir)));
    const seen: number[] = [];
    const union = new Map<number, string>();
    for (const k of [1, 2, 3]) {
      expect(shards[k - 1]!.code).toBeLessThanOrEqual(1);
      const ls = lines(FILE('sh', `.shard-${k}-of-3`));
      expect(ls.map((l) => l.seed).sort((a, b) => a - b)).toEqual(range(1, 40).filter((_, i) => i % 3 === k - 1));
      for (const l of ls) {
        seen.push(l.seed);
        union.set(l.seed, l.traceHash);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(range(1, 40));
    expect(new Map([...union].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...hashes(FILE('w1'))].sort((a, b) => a[0] - b[0])));

    const merged = await lockstep(['explore', '--merge', ...[1, 2, 3].map((k) => FILE('sh', `.shard-${k}-of-3`)), '--json'], dir);
    const m = JSON.parse(merged.stdout) as { seeds: number; failed: number; duplicates: number };
    const whole = lines(FILE('w1'));
    expect(m.seeds).toBe(40);
    expect(m.failed).toBe(whole.filter((l) => !l.ok).length);
    expect(m.duplicates).toBe(0);
    expect(merged.code).toBe(m.failed > 0 ? 1 : 0);
  });

  it('an explore killed mid-way resumes with --resume: every seed exactly once', async () => {
    const args = ['explore', 'tiny.json', '-p', 'gossip/forgetful', '--seeds', '400', '--workers', '2', '--out', 'rs'];
    const child = start(args, dir);
    const path = FILE('rs');
    await new Promise<void>((resolve, reject) => {
      const poll = (): void => {
        const n = existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
        if (n >= 30) {
          child.kill('SIGKILL');
          resolve();
        } else if (child.exitCode !== null) reject(new Error(`explore ended before it could be killed (${n} lines)`));
        else setTimeout(poll, 20);
      };
      poll();
    });
    await new Promise((r) => child.once('close', r));
    const before = lines(path).length;
    expect(before).toBeGreaterThanOrEqual(30);
    expect(before).toBeLessThan(400);
    const resumed = await lockstep([...args, '--resume', '--json'], dir);
    expect(resumed.code).toBeLessThanOrEqual(1);
    const s = JSON.parse(resumed.stdout) as { seeds: number; resumed: number; ran: number };
    expect(s.seeds).toBe(400);
    expect(s.resumed + s.ran).toBe(400);
    expect(s.resumed).toBeGreaterThanOrEqual(before - 1);
    const all = lines(path).map((l) => l.seed).sort((a, b) => a - b);
    expect(all).toEqual(range(1, 400));
  });

  it('--stop-on-failure stops early; a failing seed replays from its run-file', async () => {
    const r = await lockstep(['explore', 'owner-crash', '-p', 'gossip/forgetful', '--seeds', '200', '--workers', '1', '--stop-on-failure', '--out', 'stop', '--json'], dir);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as { seeds: number; failed: number; stoppedEarly: boolean; failures: { runFile: string }[] };
    expect(s.stoppedEarly).toBe(true);
    expect(s.seeds).toBeLessThan(200);
    const rep = await lockstep(['replay', s.failures[0]!.runFile, '--json'], dir);
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.stdout)).toMatchObject({ reproduced: true });
  });

  it("'all' explores every library scenario and sums them up", async () => {
    const r = await lockstep(['explore', 'all', '-p', 'gossip', '--seeds', '1', '--workers', '1', '--out', 'all', '--json'], dir);
    expect(r.code).toBeLessThanOrEqual(1);
    const s = JSON.parse(r.stdout) as { scenario: string; seeds: number; failed: number; summaries: { scenario: string; seeds: number; failed: number }[]; skipped: { scenario: string }[] };
    expect(s.scenario).toBe('all');
    // Scenarios that restrict themselves to another protocol's checkers are skipped, the rest all run.
    expect([...s.summaries, ...s.skipped].map((x) => x.scenario).sort()).toEqual(libraryNames());
    expect(s.summaries.map((x) => x.scenario)).toContain('standard');
    expect(s.seeds).toBe(s.summaries.length);
    expect(s.failed).toBe(s.summaries.reduce((n, x) => n + x.failed, 0));
    expect(r.code).toBe(s.failed > 0 ? 1 : 0);
  });
});
