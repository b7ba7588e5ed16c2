import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lockstep-cli-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in this process (fast); stdout and stderr captured. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** The real binary in a subprocess. */
function lockstep(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lockstep compare and report', () => {
  it('compare --json prints per-protocol explore summaries and writes the files asked for', async () => {
    const out = join(dir, 'cmp');
    const r = lockstep('compare', '-p', 'gossip', '-s', 'mix-crashes,mix-none', '-n', '8', '--workers', '1', '--out', out, '--json', '--md', '--junit');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.format).toBe('lockstep-compare/2');
    expect(json.protocols.map((p: { protocol: string }) => p.protocol)).toEqual(['gossip', 'gossip/forgetful', 'gossip/quiet-after-heal']);
    for (const p of json.protocols) {
      for (const k of ['scenario', 'protocol', 'seeds', 'failed', 'failures', 'checkersFired', 'seedsPerSec']) expect(p).toHaveProperty(k);
      expect(p.seeds).toBe(16);
    }
    expect(json.cells).toHaveLength(6); // 3 protocols × 2 scenarios
    expect(existsSync(join(out, 'compare-results.json'))).toBe(true);
    expect(readFileSync(join(out, 'compare-summary.md'), 'utf8')).toContain('| gossip/forgetful |');
    expect(readFileSync(join(out, 'compare-junit.xml'), 'utf8')).toContain('<testcase classname="lockstep.gossip"');
    expect(existsSync(join(out, 'compare-report.html'))).toBe(false);
    const runFiles = readdirSync(join(out, 'compare-runs'));
    expect(runFiles.length).toBeGreaterThan(0);

    const rep = await inProcess('report', join(out, 'compare-results.json'), '--html', '--md', '--junit', '--out', join(dir, 'rep'));
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('wrote');
    expect(readFileSync(join(dir, 'rep', 'report.html'), 'utf8')).toContain('gossip/forgetful');
    expect(readFileSync(join(dir, 'rep', 'report.junit.xml'), 'utf8')).toMatch(/<testsuites name="lockstep compare" tests="6"/);

    const run = await inProcess('report', join(out, 'compare-runs', runFiles[0]!), '--html', '--chrome-trace', '--out', join(dir, 'run'), '--name', 'smallest');
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'run', 'smallest.html'), 'utf8')).toContain('class="run-diagram"');
    expect(JSON.parse(readFileSync(join(dir, 'run', 'smallest.trace.json'), 'utf8')).traceEvents.length).toBeGreaterThan(100);
  });

  it('report merges explore shards (a seed counted once)', async () => {
    const out = join(dir, 'explore');
    for (const shard of ['1/2', '2/2']) {
      const r = await inProcess('explore', 'swarm-crashes', '-p', 'gossip/forgetful', '--seeds', '6', '--workers', '1', '--shard', shard, '--out', out);
      expect([0, 1]).toContain(r.code);
    }
    const files = readdirSync(out).filter((f) => f.endsWith('.jsonl')).map((f) => join(out, f));
    expect(files).toHaveLength(2);
    const r = await inProcess('report', ...files, files[0]!, '--md', '--out', join(dir, 'merged'));
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'merged', 'report.md'), 'utf8');
    expect(md).toMatch(/\| gossip\/forgetful \| 6 \|/);
  });

  it('rejects bad input with exit 2 and a message', async () => {
    const a = await inProcess('compare', '-p', 'no-such-protocol', '-n', '1');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--protocols: unknown protocol 'no-such-protocol'/);
    const b = await inProcess('report', join(dir, 'cmp', 'compare-results.json'));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/choose at least one of --html, --md, --junit/);
  });
});
