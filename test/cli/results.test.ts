// Results files, shards and merge, in-process: a cut-off last line is dropped on resume, shards
// partition any range, merge deduplicates and flags conflicting hashes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsAppender, mergeResults, readResults, resultsPath, summarize } from '../../runner/results.ts';
import type { SeedRecord } from '../../runner/results.ts';
import { parseSeed } from '../../cli/args.ts';
import { parseShard, shardSeeds } from '../../runner/shard.ts';
import { InputError } from '../../runner/errors.ts';

function rec(seed: number, ok = true, hash = `h${seed}`): SeedRecord {
  return {
    scenario: 's', protocol: 'p', seed, ok, traceHash: hash, events: 10, simTimeUs: 100, faultsFired: 1, ms: 5,
    violations: ok ? [] : [{ checker: 'c', kind: 'always', atEvent: 1, atUs: 1, message: 'm' }], coverage: { cov: seed % 2 === 0 },
  };
}

describe('results files', () => {
  it('a cut-off last line is reported, and resume truncates it before appending', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-res-'));
    const path = resultsPath(dir, 's', 'p/v');
    expect(path).toBe(join(dir, 'explore-s-p_v.jsonl'));
    const a = new ResultsAppender(path, false);
    a.append(rec(1));
    a.append(rec(2, false));
    a.close();
    appendFileSync(path, '{"scenario":"s","prot');
    const r = readResults(path);
    expect(r.records.map((x) => x.seed)).toEqual([1, 2]);
    expect(r.partialTail).toBe(true);
    const b = new ResultsAppender(path, true);
    b.append(rec(3));
    b.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as SeedRecord).seed)).toEqual([1, 2, 3]);
    const c = new ResultsAppender(path, false);
    c.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('a corrupt complete line is bad input naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-res-'));
    const path = join(dir, 'r.jsonl');
    writeFileSync(path, `${JSON.stringify(rec(1))}\nnot json\n`);
    expect(() => readResults(path)).toThrowError(/r\.jsonl: line 2: expected one JSON seed record/);
    writeFileSync(path, `${JSON.stringify({ ...rec(1), ok: 'yes' })}\n`);
    expect(() => readResults(path)).toThrowError(/line 1: ok: expected true or false/);
  });

  it('summarize counts failures, checkers fired and sometimes coverage', () => {
    const s = summarize([rec(1), rec(2, false), rec(3, false), rec(4), rec(2, true)], 's', 'p');
    expect(s).toMatchObject({ seeds: 4, failed: 2, checkersFired: { c: 2 }, coverage: { cov: 2 }, firstSeed: 1, lastSeed: 4 });
    expect(s.failures.map((f) => f.seed)).toEqual([2, 3]);
  });

  it('merge deduplicates seeds across files and flags conflicting trace hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-res-'));
    const f1 = join(dir, 'a.jsonl');
    const f2 = join(dir, 'b.jsonl');
    writeFileSync(f1, [rec(1), rec(2, false)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(f2, [rec(2, false), rec(3), rec(1, true, 'other'), { ...rec(1), scenario: 't' }].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const [s, t] = mergeResults([f1, f2]);
    expect(s).toMatchObject({ scenario: 's', seeds: 3, failed: 1, duplicates: 2, conflicts: [1] });
    expect(t).toMatchObject({ scenario: 't', seeds: 1 });
  });
});

describe('shards and seeds', () => {
  it('the N shards of any range partition it', () => {
    fc.assert(fc.property(fc.nat(1000), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 12 }), (first, count, n) => {
      const all = Array.from({ length: n }, (_, k) => shardSeeds(first, count, { index: k + 1, count: n })).flat().sort((a, b) => a - b);
      expect(all).toEqual(shardSeeds(first, count, undefined));
      expect(all).toHaveLength(count);
    }), { numRuns: 200 });
  });

  it('bad --shard, --seed and ranges are rejected with the flag named', () => {
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2']) expect(() => parseShard(bad)).toThrowError(InputError);
    expect(parseShard(' 2 / 4 ')).toEqual({ index: 2, count: 4 });
    expect(() => parseSeed('-1', '--seed')).toThrowError(/--seed: expected a seed/);
    expect(() => parseSeed('4294967296', '--seed')).toThrowError(InputError);
    expect(() => shardSeeds(4294967290, 10, undefined)).toThrowError(/past the largest seed/);
  });
});
