// `lockstep shrink` end to end: a failing `lockstep run` writes a run-file, shrink writes a smaller
// one that loads, replays to the same violation, and bad input exits 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFile } from '../../runner/runFiles.ts';
import { parseBudgetMs } from '../../cli/commands/shrink.ts';
import type { ShrinkJson } from '../../cli/commands/shrink.ts';
import { simulateRunFile } from '../../scenarios/shrink.ts';

const BIN = join(import.meta.dirname, '../../bin/lockstep.js');
const exec = promisify(execFile);

async function lockstep(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('lockstep shrink', () => {
  let dir: string;
  let original: string;
  let json: Awaited<ReturnType<typeof lockstep>>;
  let human: Awaited<ReturnType<typeof lockstep>>;
  let passing: Awaited<ReturnType<typeof lockstep>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-shrink-'));
    writeFileSync(join(dir, 'gossip.json'), JSON.stringify({
      name: 'gossip-swarm', description: 'Five gossiping nodes under the standard swarm.', nodes: 5, durationUs: '30s',
      protocol: 'gossip/forgetful', faults: { swarm: 'standard' },
    }));
    const r = await lockstep('run', join(dir, 'gossip.json'), '--seed', '5', '--out', join(dir, 'runs'), '--json');
    expect(r.code).toBe(1);
    original = (JSON.parse(r.stdout) as { runFile: string }).runFile;
    const rf = JSON.parse(readFileSync(original, 'utf8')) as { protocol: string };
    rf.protocol = 'gossip';
    writeFileSync(join(dir, 'passing.run.json'), JSON.stringify(rf));
    // The three invocations are independent: run them side by side.
    [json, human, passing] = await Promise.all([
      lockstep('shrink', original, '--out', join(dir, 'shrunk'), '--json', '--budget', '60s'),
      lockstep('shrink', original, '--out', join(dir, 'shrunk2'), '--quiet', '--max-runs', '30'),
      lockstep('shrink', join(dir, 'passing.run.json'), '--out', join(dir, 'x')),
    ]);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a smaller run-file that replays to the same checker violation', async () => {
    const r = json;
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout) as ShrinkJson;
    expect(o.checker).toBe('gossip-monotonic');
    expect(o.after.faults).toBeLessThan(o.before.faults);
    expect(o.after.events).toBeLessThan(o.before.events);
    expect(o.complete).toBe(true);
    expect(r.stderr).toMatch(/\[\d+\.\ds, \d+ runs\] faults/);
    const rf = readRunFile(o.runFile);
    expect(rf.createdBy).toBe('shrink');
    const again = await simulateRunFile(rf);
    expect(again.traceHash).toBe(rf.traceHash);
    expect(again.violations.map((v) => v.checker)).toContain('gossip-monotonic');
    // And through the CLI, as a user would check it.
    const rep = await lockstep('replay', o.runFile, '--json');
    expect(rep.code).toBe(1);
    const rj = JSON.parse(rep.stdout) as { reproduced: boolean; violatedCheckers: string[] };
    expect(rj.reproduced).toBe(true);
    expect(rj.violatedCheckers).toContain('gossip-monotonic');
  });

  it('prints a before/after table, and says when --max-runs ended it', async () => {
    const r = human;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/faults\s+5\s+→\s+1/);
    expect(r.stdout).toMatch(/gossip-monotonic still violated/);
    expect(r.stdout).toMatch(/(29|30) runs in .*budget reached/);
    expect(r.stdout).toMatch(/npx lockstep replay /);
    expect(r.stderr).toBe('');
    const rf = readRunFile(join(dir, 'shrunk2', 'gossip-swarm-gossip_forgetful-seed5.shrunk.run.json'));
    expect(rf.violations.some((v) => v.checker === 'gossip-monotonic')).toBe(true);
  });

  it('exits 2 on a run-file that no longer fails', async () => {
    const r = passing;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot shrink: the run does not violate 'gossip-monotonic'/);
  });

  it('parses budgets', () => {
    expect(parseBudgetMs('60s')).toBe(60_000);
    expect(parseBudgetMs('2m')).toBe(120_000);
    expect(parseBudgetMs('500ms')).toBe(500);
    expect(parseBudgetMs('5')).toBe(5_000);
    expect(() => parseBudgetMs('0s')).toThrow(/--budget/);
    expect(() => parseBudgetMs('soon')).toThrow(/--budget: expected a positive duration/);
  });
});
