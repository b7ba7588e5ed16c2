// Every command's exit code (0 / 1 / 2, as docs/cli.md's table says), and the hostile inputs of the
// schema-and-exit-codes issue: each is a clean exit 2 naming the field, or a correct run.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './inProcess.ts';
import { workdir } from './helpers.ts';
import { colourFor, colourLevel, widthFor } from '../../reports/style.ts';
import { compareVerdict } from '../../runner/summary.ts';
import type { CompareResults, ProtocolSummary } from '../../runner/summary.ts';
import { fileSafe } from '../../runner/files.ts';

const STACK = /\n\s+at /;

/** A scenario whose forgetful gossip fails (a crash and restart) and whose correct gossip holds. */
function files(): string {
  const dir = workdir();
  writeFileSync(join(dir, 'crash.json'), JSON.stringify({
    name: 'crash', nodes: 3, durationUs: '6s', deadlineUs: '2s', protocol: 'gossip',
    faults: { script: [{ kind: 'crash', atUs: '2s', node: 1, durationUs: '500ms' }] },
  }));
  writeFileSync(join(dir, 'calm.json'), JSON.stringify({ name: 'calm', nodes: 3, durationUs: '3s', protocol: 'gossip' }));
  return dir;
}

describe('exit codes of every command', () => {
  const dir = files();

  it('list: 0', async () => {
    expect((await cli(['list', '--json'], dir)).code).toBe(0);
  });

  it('run: 0 held, 1 violated (run-file written), 2 bad input', async () => {
    expect((await cli(['run', 'crash.json', '--seed', '1', '--out', 'r'], dir)).code).toBe(0);
    const bad = await cli(['run', 'crash.json', '-p', 'gossip/forgetful', '--seed', '1', '--out', 'r'], dir);
    expect(bad.code).toBe(1);
    expect(readdirSync(join(dir, 'r'))).toContain('crash-gossip_forgetful-seed1.run.json');
    expect((await cli(['run', 'nope.json'], dir)).code).toBe(2);
    expect((await cli(['run', 'crash.json', '--seed', 'abc'], dir)).stderr).toMatch(/--seed: expected a seed.*got something that is not a number/);
  });

  it('replay: 1 the failure reproduces, 0 it passes, 2 a bad run-file; run and report load the same run-file', async () => {
    const rf = join('r', 'crash-gossip_forgetful-seed1.run.json');
    expect((await cli(['replay', rf], dir)).code).toBe(1);
    expect((await cli(['run', rf, '--out', 'r2'], dir)).code).toBe(1);
    expect((await cli(['run', rf, '-p', 'gossip', '--out', 'r2'], dir)).code).toBe(0);
    expect((await cli(['report', rf, '--html', '--out', 'rep'], dir)).code).toBe(0);
    expect((await cli(['replay', 'crash.json'], dir)).code).toBe(2);
  });

  it('shrink: 1 (the shrunk run fails as before), and the shrunk run-file loads with run, replay and report', async () => {
    const rf = join('r', 'crash-gossip_forgetful-seed1.run.json');
    const s = await cli(['shrink', rf, '--max-runs', '30', '--out', 'sh', '--quiet'], dir);
    expect(s.code).toBe(1);
    const shrunk = join('sh', readdirSync(join(dir, 'sh')).find((f) => f.endsWith('.shrunk.run.json'))!);
    expect((await cli(['run', shrunk, '--out', 'r3'], dir)).code).toBe(1);
    expect((await cli(['replay', shrunk], dir)).code).toBe(1);
    expect((await cli(['report', shrunk, '--html', '--out', 'rep'], dir)).code).toBe(0);
    expect((await cli(['shrink', 'crash.json'], dir)).code).toBe(2);
  }, 60_000);

  it('explore: 0 all held, 1 a seed failed, 2 bad input', async () => {
    expect((await cli(['explore', 'crash.json', '--seeds', '2', '--workers', '1', '--out', 'e'], dir)).code).toBe(0);
    expect((await cli(['explore', 'crash.json', '-p', 'gossip/forgetful', '--seeds', '2', '--workers', '1', '--out', 'e'], dir)).code).toBe(1);
    expect((await cli(['explore', 'crash.json', '--seeds', '0'], dir)).code).toBe(2);
  });

  it('compare: 0 when correct protocols hold and variants are caught; 1 when a variant escapes; 2 bad input', async () => {
    const ok = await cli(['compare', '-p', 'gossip', '-s', 'crash.json', '-n', '2', '--workers', '1', '--json', '--out', 'c1'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    // Where the time went, in the results file and on stderr.
    const saved = JSON.parse(readFileSync(join(dir, 'c1', 'compare-results.json'), 'utf8')) as { timings?: Record<string, number>; workerMs?: number };
    expect(Object.keys(saved.timings ?? {}).sort()).toEqual(['claimsCpuMs', 'claimsMs', 'cpuMs', 'diagramsCpuMs', 'diagramsMs', 'lvbTableCpuMs', 'lvbTableMs', 'mainCpuMs', 'poolStartMs', 'reportsMs', 'runsCpuMs', 'runsMs', 'totalMs', 'waitMs']);
    expect(saved.workerMs).toBeGreaterThanOrEqual(0);
    expect(ok.stderr).toMatch(/time: workers ready [\d.]+ s, runs [\d.]+ s \(alongside on the workers: bounded claims [\d.]+ s.*; total [\d.]+ s wall, [\d.]+ s CPU/);
    const missed = await cli(['compare', '-p', 'gossip', '-s', 'calm.json', '-n', '2', '--workers', '1', '--json', '--out', 'c2'], dir);
    expect(missed.code).toBe(1);
    expect(missed.stderr).toMatch(/missed: flawed variant gossip\/forgetful was not caught in 2 runs/);
    expect((await cli(['compare', '-p', 'nosuch', '--out', 'c3'], dir)).code).toBe(2);
    // report of the compare results draws the smallest failures' diagrams
    const rep = await cli(['report', join('c1', 'compare-results.json'), '--html', '--out', 'c1r'], dir);
    expect(rep.code).toBe(0);
  }, 60_000);

  it('report: 0 written, 2 bad input', async () => {
    expect((await cli(['report', 'crash.json', '--html'], dir)).code).toBe(2);
    expect((await cli(['report'], dir)).code).toBe(2);
  });

  it('compareVerdict: exit 1 only for a failing correct design or an uncaught variant', () => {
    const p = (protocol: string, variant: string | undefined, failed: number): ProtocolSummary =>
      ({ protocol, variant, failed, seeds: 10 }) as ProtocolSummary;
    const r = (ps: ProtocolSummary[]): CompareResults => ({ protocols: ps }) as CompareResults;
    expect(compareVerdict(r([p('a', undefined, 0), p('a/v', 'v', 3)]))).toEqual({ correctFailed: [], variantsMissed: [] });
    expect(compareVerdict(r([p('a', undefined, 2)])).correctFailed).toEqual([{ protocol: 'a', failed: 2, seeds: 10 }]);
    expect(compareVerdict(r([p('a/v', 'v', 0)])).variantsMissed).toEqual([{ protocol: 'a/v', seeds: 10 }]);
  });

  it('bare lockstep prints the commands (exit 2)', async () => {
    const r = await cli([], dir);
    expect(r.code).toBe(2);
    for (const c of ['list', 'run', 'explore', 'replay', 'shrink', 'compare', 'report']) expect(r.stdout).toContain(`lockstep ${c}`);
  });
});

describe('hostile inputs', () => {
  const dir = files();
  const scenario = (name: string, doc: unknown): string => {
    writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
    return name;
  };

  it('--out naming an existing file: a clean exit 2 before running', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    for (const args of [['run', 'crash.json', '-p', 'gossip/forgetful', '--seed', '1'], ['explore', 'crash.json', '--seeds', '1', '--workers', '1'],
      ['compare', '-p', 'gossip', '-s', 'crash.json', '-n', '1', '--workers', '1']]) {
      const r = await cli([...args, '--out', 'afile'], dir);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toMatch(/--out: expected a folder .* which is a file/);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('a long scenario name is refused (over 100 characters); file names are bounded either way', async () => {
    const r = await cli(['run', scenario('long.json', { name: 'a'.repeat(300), nodes: 3, durationUs: '1s' })], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/long\.json: name: expected a string of at most 100 characters/);
    expect(fileSafe('b'.repeat(300)).length).toBeLessThanOrEqual(80);
    expect(fileSafe('b'.repeat(300))).not.toBe(fileSafe(`${'b'.repeat(299)}c`));
    const name = 'n'.repeat(100);
    const f = await cli(['run', scenario('n100.json', { name, nodes: 3, durationUs: '6s', deadlineUs: '2s', faults: { script: [{ kind: 'crash', atUs: '2s', node: 1, durationUs: '500ms' }] } }),
      '-p', 'gossip/forgetful', '--seed', '1', '--out', 'long'], dir);
    expect(f.code).toBe(1);
    expect(readdirSync(join(dir, 'long'))).toHaveLength(1);
  });

  it('a 1,000,000-deep workload is refused without overflowing the stack', async () => {
    const deep = `{"nodes":3,"durationUs":"1s","workload":${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}}`;
    const r = await cli(['run', scenario('deep.json', deep)], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/deep\.json: \(document\): expected JSON nested at most 64 levels deep/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('50,000 bad entries print a capped number of lines with a count', async () => {
    const r = await cli(['run', scenario('many.json', { nodes: 3, durationUs: '1s', clients: Array.from({ length: 50_000 }, () => 'x') })], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').length).toBeLessThan(30);
    expect(r.stderr).toMatch(/… and 49,980 more/);
  });

  it('cluster/workload values the protocols cannot take are exit-2 errors naming the field', async () => {
    const cases: [object, RegExp][] = [
      [{ cluster: { twoNode: true } }, /nodes: expected exactly 2 nodes: cluster\.twoNode is set/],
      [{ cluster: { tokenTimeoutUs: -1 } }, /cluster\.tokenTimeoutUs: expected an integer from 1000/],
      [{ cluster: { tokenTimeoutUs: 0 } }, /cluster\.tokenTimeoutUs: expected an integer from 1000/],
      [{ cluster: { twoNode: 'yes' } }, /cluster\.twoNode: expected true or false/],
      [{ cluster: { postFailDelayUs: -1 } }, /cluster\.postFailDelayUs: expected an integer from 0/],
      [{ cluster: { votes: 'x' } }, /cluster\.votes: expected votes per node/],
      [{ cluster: { expectedVotes: 0 } }, /cluster\.expectedVotes: expected an integer from 1/],
      [{ workload: { kind: 'snapshot-metadata', snapshots: 1e18 } }, /workload\.snapshots: expected an integer from 0 to 1000/],
      [{ workload: { kind: 'snapshot-metadata', snapshots: 1e7 } }, /workload\.snapshots: expected an integer from 0 to 1000/],
      [{ workload: { kind: 'passwd', passwdBlocks: 0 } }, /workload\.passwdBlocks: expected an integer from 1 to 64/],
      [{ checkers: [] }, /checkers: expected an array of at least 1 item/],
      [{ cluster: { tokenTimeoutUs: 1000, bogus: 1 } }, /cluster\.bogus: expected no such field/],
    ];
    for (const [extra, re] of cases) {
      const r = await cli(['run', scenario('h.json', { nodes: 3, durationUs: '1s', ...extra }), '--out', 'h'], dir);
      expect(r.code, JSON.stringify(extra)).toBe(2);
      expect(r.stderr, JSON.stringify(extra)).toMatch(re);
      expect(r.stderr).not.toMatch(STACK);
    }
    expect(existsSync(join(dir, 'h'))).toBe(false);
  });

  it('replay rejects a run-file with network.loss: 5', async () => {
    mkdirSync(join(dir, 'rf'), { recursive: true });
    const rf = join(dir, 'r', 'crash-gossip_forgetful-seed1.run.json');
    if (!existsSync(rf)) await cli(['run', 'crash.json', '-p', 'gossip/forgetful', '--seed', '1', '--out', 'r'], dir);
    const doc = JSON.parse((await import('node:fs')).readFileSync(rf, 'utf8')) as { network: Record<string, number> };
    doc.network.loss = 5;
    writeFileSync(join(dir, 'rf', 'lossy.run.json'), JSON.stringify(doc));
    const r = await cli(['replay', join('rf', 'lossy.run.json')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lossy\.run\.json: network\.loss: expected a number from 0 to 1/);
  });
});

describe('one colour rule and a sane width', () => {
  it('FORCE_COLOR decides, then NO_COLOR, then a TTY (not TERM=dumb)', () => {
    expect(colourFor({ isTTY: true }, {})).toBe(true);
    expect(colourFor({ isTTY: false }, {})).toBe(false);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourFor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourFor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourFor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colourLevel({ isTTY: false }, { FORCE_COLOR: '3', NO_COLOR: '1' })).toBe(3);
  });

  it('FORCE_COLOR colours run and list output as it does compare; NO_COLOR keeps it plain', async () => {
    const dir = files();
    const coloured = await cli(['run', 'crash.json', '--seed', '1', '--out', 'r'], dir, { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(coloured.stdout).toMatch(/\u001b\[/);
    const plain = await cli(['list'], dir, { NO_COLOR: '1' });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const listColoured = await cli(['list'], dir, { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(listColoured.stdout).toMatch(/\u001b\[/);
  });

  it('a terminal reporting 0 columns gets 100', () => {
    expect(widthFor({ columns: 0 }, 110)).toBe(100);
    expect(widthFor({}, 110)).toBe(100);
    expect(widthFor({ columns: 80 }, 110)).toBe(80);
    expect(widthFor({ columns: 300 }, 110)).toBe(110);
  });
});
