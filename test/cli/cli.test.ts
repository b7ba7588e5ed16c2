// The CLI end to end, through the real binary: every command, --json shapes, exit codes, run-files,
// traces, replay, and bad input (file + field path named, exit 2, nothing written).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockstep, workdir } from './helpers.ts';
import { colourFor } from '../../reports/style.ts';
import { main } from '../../cli/main.ts';

/** Call the CLI's main() in this process, capturing what it writes. */
async function mainInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = 0;
  }
}

const dir = workdir();

describe('lockstep CLI', () => {
  it('--help lists the commands, each command has --help with examples; exit 0', async () => {
    const [top, run, explore] = await Promise.all([lockstep(['--help'], dir), lockstep(['run', '--help'], dir), lockstep(['explore', '--help'], dir)]);
    expect(top.code).toBe(0);
    for (const c of ['list', 'run', 'explore', 'replay']) expect(top.stdout).toContain(`lockstep ${c}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--seed');
    expect(explore.stdout).toContain('--shard');
    expect(top.stdout).not.toMatch(/\x1b\[/);
  });

  it('list --json has the DESIGN §5 shape', async () => {
    const r = await lockstep(['list', '--json'], dir);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as Record<string, { name: string }[]>;
    expect(o.scenarios!.map((s) => s.name)).toContain('standard');
    for (const s of o.scenarios!) expect(s).toEqual(expect.objectContaining({ name: expect.any(String), description: expect.any(String) }));
    const gossip = (o.protocols as unknown as { name: string; variants: { name: string; flaw: string; caughtBy: string[] }[] }[]).find((p) => p.name === 'gossip')!;
    expect(gossip.variants).toContainEqual({ name: 'gossip/forgetful', flaw: expect.any(String), caughtBy: ['gossip-monotonic'] });
    expect(o.checkers).toContainEqual(expect.objectContaining({ name: 'gossip-monotonic', kind: 'always', description: expect.any(String) }));
    expect(o.faults!.map((f) => f.name)).toEqual(expect.arrayContaining(['crash', 'partition', 'clock-jump', 'fence-failure', 'fast-reboot']));
    for (const f of o.faults!) expect(f).toEqual(expect.objectContaining({ name: expect.any(String), description: expect.any(String) }));
  });

  it('run: a passing run prints seed and knobs first, verdicts, exit 0; --json shape', async () => {
    const [text, json] = await Promise.all([
      lockstep(['run', 'tiny.json', '--protocol', 'gossip', '--seed', '7'], dir),
      lockstep(['run', 'tiny.json', '--protocol', 'gossip', '--seed', '7', '--json'], dir),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^seed 7 +scenario tiny +protocol gossip/);
    expect(text.stdout.split('\n')[1]).toMatch(/^knobs profile=standard faults=\d+ loss=/);
    expect(text.stdout).toMatch(/held +gossip-monotonic/);
    expect(text.stdout).toContain('OK: every property held.');
    expect(json.code).toBe(0);
    const o = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(o).toMatchObject({ scenario: 'tiny', protocol: 'gossip', seed: 7, ok: true, violations: [] });
    for (const k of ['traceHash', 'events', 'simTimeUs', 'faultsFired', 'metrics', 'knobs', 'checkers']) expect(o).toHaveProperty(k);
    expect(o.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('run: a failing run exits 1, writes a run-file and a trace, prints how to reproduce; replay reproduces it (exit 1)', async () => {
    const r = await lockstep(['run', 'owner-crash', '-p', 'gossip/forgetful', '--seed', '3', '--trace', 'out/trace.jsonl', '--json'], dir);
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout) as { ok: boolean; runFile: string; reproduce: string; violations: { checker: string; kind: string; atEvent: number; atUs: number; message: string }[]; traceHash: string };
    expect(o.ok).toBe(false);
    expect(o.violations[0]).toEqual({ checker: 'gossip-monotonic', kind: 'always', atEvent: expect.any(Number), atUs: expect.any(Number), message: expect.stringContaining('went back') });
    expect(o.reproduce).toBe('npx lockstep run owner-crash --protocol gossip/forgetful --seed 3');
    expect(o.runFile).toBe(join('runs', 'owner-crash-gossip_forgetful-seed3.run.json'));
    const rf = JSON.parse(readFileSync(join(dir, o.runFile), 'utf8')) as Record<string, unknown>;
    expect(rf).toMatchObject({ format: 'lockstep-run/1', protocol: 'gossip/forgetful', seed: 3, traceHash: o.traceHash, createdBy: 'run', tape: { overrides: [] } });
    expect(rf.codeVersion).toMatch(/^0\.1\.0\+[0-9a-f]{8}$/);
    const trace = readFileSync(join(dir, 'out/trace.jsonl'), 'utf8').trim().split('\n');
    expect(trace.length).toBeGreaterThan(100);
    expect(JSON.parse(trace[0]!)).toEqual(expect.objectContaining({ i: expect.any(Number), t: expect.any(Number), k: expect.any(String) }));
    expect(readdirSync(join(dir, 'out'))).toEqual(['trace.jsonl']);

    const [text, rep] = await Promise.all([
      lockstep(['run', 'owner-crash', '-p', 'gossip/forgetful', '--seed', '3'], dir),
      lockstep(['replay', o.runFile, '--json'], dir),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Reproduce: npx lockstep run owner-crash --protocol gossip/forgetful --seed 3');
    expect(text.stdout).toContain(`Run-file:  ${o.runFile}`);
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.stdout)).toMatchObject({ reproduced: true, sameTrace: true, sameViolations: true, stillFails: true, traceHash: o.traceHash, violatedCheckers: ['gossip-monotonic'] });
  });

  it('replay: a run-file whose recorded outcome differs says so; code version change is reported', async () => {
    const src = JSON.parse(readFileSync(join(dir, 'runs', 'owner-crash-gossip_forgetful-seed3.run.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'edited.run.json'), JSON.stringify({ ...src, protocol: 'gossip', codeVersion: '0.0.1+deadbeef' }));
    const r = await lockstep(['replay', 'edited.run.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the code changed since this run was recorded');
    expect(r.stdout).toContain('No longer fails');
  });

  it('bad input: exit 2 with the file and field path, nothing written', async () => {
    writeFileSync(join(dir, 'bad-node.json'), JSON.stringify({ nodes: 3, durationUs: '10s', faults: { script: [{ kind: 'crash', atUs: '1s', node: 5 }] } }));
    writeFileSync(join(dir, 'bad-syntax.json'), '{ "nodes": 3, ');
    writeFileSync(join(dir, 'bad-runfile.json'), JSON.stringify({ format: 'lockstep-run/1', protocol: 'gossip', seed: -1 }));
    // Through the real binary: one per command.
    const cases: [string[], RegExp][] = [
      [['run', 'bad-node.json', '--seed', '1', '--out', 'bad-out'], /bad-node\.json: faults\.script\[0\]\.node: expected a node id from 1 to 3/],
      [['explore', 'tiny.json', '--seeds', '5', '--shard', '0/3', '--out', 'bad-out'], /--shard: expected K\/N/],
      [['replay', 'bad-runfile.json'], /bad-runfile\.json: seed: expected an integer/],
    ];
    const results = await Promise.all(cases.map(([args]) => lockstep(args, dir)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
    // The same entry point in-process (the binary is a shim around main()), for the other cases.
    const inProcess: [string[], RegExp][] = [
      [['run', join(dir, 'bad-syntax.json'), '--out', join(dir, 'bad-out')], /bad-syntax\.json: \(document\): expected valid JSON/],
      [['run', join(dir, 'tiny.json'), '--protocol', 'paxos', '--out', join(dir, 'bad-out')], /--protocol: unknown protocol 'paxos'/],
      [['explore', join(dir, 'tiny.json'), '--out', join(dir, 'bad-out')], /--seeds: expected how many seeds/],
      [['explore', join(dir, 'tiny.json'), '--seeds', 'many'], /--seeds: expected a whole number/],
      [['run', join(dir, 'tiny.json'), '--colour'], /Unknown argument: colour/],
      [['run', 'no-such-scenario'], /no-such-scenario: \(document\): expected a library scenario name/],
      [['replay', join(dir, 'missing.run.json')], /missing\.run\.json: cannot read the run-file: ENOENT/],
    ];
    for (const [args, re] of inProcess) {
      const r = await mainInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });
});

describe('colour', () => {
  it('only on a TTY and never with NO_COLOR', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(colourFor({ isTTY: true })).toBe(true);
      expect(colourFor({ isTTY: false })).toBe(false);
      process.env.NO_COLOR = '1';
      expect(colourFor({ isTTY: true })).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});
