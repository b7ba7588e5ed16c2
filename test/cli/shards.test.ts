// Shards beyond one machine: N shard processes started as a launcher starts them (the shard index
// only in its environment variable, 0-based) merge into exactly one single-process run, seed by seed
// (same trace hashes), for N ∈ {1, 2, 3, 7}; merge refuses other code versions and configurations.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, workdir } from './helpers.ts';
import type { Ran } from './helpers.ts';
import { main } from '../../cli/main.ts';
import { cli } from './inProcess.ts';
import { shardFromEnv } from '../../runner/shard.ts';
import { mergeResults } from '../../runner/results.ts';

const SEEDS = '14';

function lockstepEnv(args: string[], cwd: string, env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** In-process, with the launcher's variables set for the call only. */
async function inProcess(args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  const saved = { ...process.env };
  const dir = process.cwd();
  Object.assign(process.env, env);
  process.chdir(cwd);
  try {
    return await main(args);
  } finally {
    process.chdir(dir);
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const hashes = (dir: string): Map<number, string> => {
  const out = new Map<number, string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { seed: number; traceHash: string };
      expect(out.has(r.seed), `seed ${r.seed} in two shards`).toBe(false);
      out.set(r.seed, r.traceHash);
    }
  }
  return out;
};

const explore = (out: string): string[] => ['explore', 'tiny.json', '-p', 'gossip/forgetful', '--seeds', SEEDS, '--workers', '1', '--out', out, '--json'];

describe('shards from the launcher environment', () => {
  it('merge(N shards) equals one single-process run, seed by seed, for N = 1, 2, 3, 7', async () => {
    const dir = workdir();
    expect([0, 1]).toContain(await inProcess(explore('single'), dir, {}));
    const single = hashes(join(dir, 'single'));
    expect(single.size).toBe(Number(SEEDS));
    const launchers: Record<number, (i: number) => Record<string, string>> = {
      1: (i) => ({ LOCKSTEP_SHARD_INDEX: String(i), LOCKSTEP_SHARD_COUNT: '1' }),
      2: (i) => ({ JOB_COMPLETION_INDEX: String(i), LOCKSTEP_SHARD_COUNT: '2' }),
      3: (i) => ({ AWS_BATCH_JOB_ARRAY_INDEX: String(i), LOCKSTEP_SHARD_COUNT: '3' }),
      7: (i) => ({ LOCKSTEP_SHARD_INDEX: String(i), LOCKSTEP_SHARD_COUNT: '7' }),
    };
    for (const n of [1, 2, 3, 7]) {
      const out = `n${n}`;
      // Processes for 2 and 3 shards (as a launcher runs them); in-process for 1 and 7 (fast).
      if (n === 2 || n === 3) {
        const ran = await Promise.all(Array.from({ length: n }, (_, i) => lockstepEnv(explore(out), dir, launchers[n]!(i))));
        for (const r of ran) expect(r.code, r.stderr).toBeLessThanOrEqual(1);
      } else {
        for (let i = 0; i < n; i++) expect([0, 1]).toContain(await inProcess(explore(out), dir, launchers[n]!(i)));
      }
      const files = readdirSync(join(dir, out));
      expect(files.filter((f) => f.endsWith('.jsonl')).sort()).toEqual(
        Array.from({ length: n }, (_, i) => `explore-tiny-gossip_forgetful.shard-${i + 1}-of-${n}.jsonl`).sort());
      expect(hashes(join(dir, out))).toEqual(single);
      const merged = mergeResults(files.filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, out, f)));
      expect(merged).toHaveLength(1);
      expect(merged[0]!.seeds).toBe(Number(SEEDS));
      expect(merged[0]!.duplicates).toBe(0);
    }
    // A shard run twice (a retried pod) writes the same file: shards are idempotent.
    const before = readFileSync(join(dir, 'n3', 'explore-tiny-gossip_forgetful.shard-2-of-3.jsonl'), 'utf8');
    await inProcess(explore('n3'), dir, launchers[3]!(1));
    const after = readFileSync(join(dir, 'n3', 'explore-tiny-gossip_forgetful.shard-2-of-3.jsonl'), 'utf8');
    const strip = (t: string): string => t.replace(/"ms":[0-9.]+/g, '"ms":0');
    expect(strip(after)).toBe(strip(before));
  }, 120_000);

  it('reads the index 0-based and names what is missing or out of range', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0' }, 4)).toEqual({ index: 1, count: 4 });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '3', LOCKSTEP_SHARD_COUNT: '4' }, undefined)).toEqual({ index: 4, count: 4 });
    expect(shardFromEnv({}, undefined)).toBeUndefined();
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4' }, 4)).toThrow(/JOB_COMPLETION_INDEX: expected a 0-based shard index from 0 to 3, got "4"/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' }, undefined)).toThrow(/shard count is missing: pass --shard-count N or set LOCKSTEP_SHARD_COUNT/);
    expect(() => shardFromEnv({}, 3)).toThrow(/--shard-count: given without a shard index/);
  });

  it('merge refuses results of different code versions or configurations (exit 2), and reports duplicates', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'm'));
    const rec = (seed: number, extra: object): string => `${JSON.stringify({
      scenario: 'tiny', protocol: 'gossip', seed, ok: true, traceHash: `h${seed}`, events: 1, simTimeUs: 1,
      violations: [], coverage: {}, faultsFired: 0, ms: 1, codeVersion: 'v1', config: 'c1', ...extra,
    })}\n`;
    writeFileSync(join(dir, 'm', 'a.jsonl'), rec(1, {}) + rec(2, {}));
    writeFileSync(join(dir, 'm', 'b.jsonl'), rec(2, {}) + rec(3, {}));
    writeFileSync(join(dir, 'm', 'code.jsonl'), rec(4, { codeVersion: 'v2' }));
    writeFileSync(join(dir, 'm', 'conf.jsonl'), rec(5, { config: 'c2' }));
    expect(mergeResults([join(dir, 'm', 'a.jsonl'), join(dir, 'm', 'b.jsonl')])[0]).toMatchObject({ seeds: 3, duplicates: 1, conflicts: [] });
    expect((await cli(['explore', '--merge', 'm/a.jsonl', 'm/code.jsonl'], dir)).stderr).toMatch(/different code versions do not merge/);
    expect((await cli(['explore', '--merge', 'm/a.jsonl', 'm/conf.jsonl'], dir)).code).toBe(2);
    expect(() => mergeResults([join(dir, 'm', 'a.jsonl'), join(dir, 'm', 'code.jsonl')])).toThrow(/different code versions do not merge/);
    expect(() => mergeResults([join(dir, 'm', 'a.jsonl'), join(dir, 'm', 'conf.jsonl')])).toThrow(/different configurations do not merge/);
  });
});
