// Determinism: for 200 random scenarios/seeds the trace hash is the same on a second run in this
// process, in a worker thread and in a fresh child process; different seeds give different hashes;
// the trace being on or off does not change the hash.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hashAll, hashCases } from './fixtures/hashes.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

const CASES = hashCases(200);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

describe('determinism', () => {
  let first: string[] = [];

  it('the same case twice in one process gives the same hash (200 cases)', async () => {
    first = await hashAll(CASES);
    expect(await hashAll(CASES)).toEqual(first);
    expect(first.every((h) => /^[0-9a-f]{16}$/.test(h))).toBe(true);
    // The cases really differ: nearly all hashes are distinct.
    expect(new Set(first).size).toBeGreaterThan(190);
  });

  it('a worker thread computes the same hashes', async () => {
    if (first.length === 0) first = await hashAll(CASES);
    // The worker registers tsx's ESM loader itself, then loads the TypeScript worker module.
    const boot = `import('tsx/esm/api').then(async ({ register }) => { register(); await import(${JSON.stringify(new URL('./fixtures/hashWorker.ts', import.meta.url).href)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: CASES });
    const fromWorker = await new Promise<string[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(fromWorker).toEqual(first);
  });

  it('a fresh child process computes the same hashes', async () => {
    if (first.length === 0) first = await hashAll(CASES);
    const child = spawnSync(process.execPath, ['--import', 'tsx', here('./fixtures/hashes.ts')], {
      input: JSON.stringify(CASES), encoding: 'utf8', maxBuffer: 1 << 24,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual(first);
  });

  it('different seeds give different hashes', async () => {
    const sc: Scenario = { name: 'seeds', description: '', nodes: 4, durationUs: 1_000_000, deadlineUs: 500_000, faults: { swarm: 'standard' } };
    const hashes = new Set<string>();
    for (let seed = 0; seed < 200; seed++) hashes.add((await simulate(sc, { seed })).traceHash);
    expect(hashes.size).toBe(200);
  });

  it('turning the JSONL trace on does not change the hash', async () => {
    for (const c of CASES.slice(0, 20)) {
      const lines: string[] = [];
      const traced = await simulate(c.scenario, { seed: c.seed, protocol: c.protocol, trace: (rec) => lines.push(JSON.stringify(rec)) });
      const plain = await simulate(c.scenario, { seed: c.seed, protocol: c.protocol });
      expect(traced.traceHash).toBe(plain.traceHash);
      expect(lines.length).toBeGreaterThan(0);
    }
  });
});
