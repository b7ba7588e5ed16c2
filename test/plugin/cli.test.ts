// The CLI with --plugin: the example protocol (examples/chubby) runs under run, explore with two
// worker threads, compare and list; run-files record the plugin so replay reloads it; a missing
// plugin, a name clash and a throwing protocol are reported, never a crash.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lockstep, workdir } from '../cli/helpers.ts';

const CHUBBY = fileURLToPath(new URL('../../examples/chubby/protocol.ts', import.meta.url));
const PAUSED = fileURLToPath(new URL('../../examples/chubby/paused-holder.json', import.meta.url));
const RESTART = fileURLToPath(new URL('../../examples/chubby/master-restart.json', import.meta.url));
const INDEX = fileURLToPath(new URL('../../index.ts', import.meta.url));

describe('lockstep --plugin', () => {
  it('run: the example passes, its flawed variant fails with a run-file that records the plugin and replays', async () => {
    const dir = workdir();
    const ok = await lockstep(['run', PAUSED, '--plugin', CHUBBY, '-p', 'chubby', '--seed', '1'], dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ held\s+chubby-sequenced-writes/);
    const bad = await lockstep(['run', PAUSED, '--plugin', CHUBBY, '-p', 'chubby/no-sequencer', '--seed', '1', '--json'], dir);
    expect(bad.code).toBe(1);
    const o = JSON.parse(bad.stdout) as { runFile: string; reproduce: string; violations: { checker: string }[] };
    expect(o.violations.map((v) => v.checker)).toEqual(['chubby-sequenced-writes']);
    expect(o.reproduce).toContain(`--plugin ${CHUBBY}`);
    const rf = JSON.parse(readFileSync(join(dir, o.runFile), 'utf8')) as { plugins: string[] };
    expect(rf.plugins).toEqual([CHUBBY]);
    const again = await lockstep(['replay', o.runFile], dir);
    expect(again.stdout).toContain('Reproduced exactly');
    expect(again.code).toBe(1);
  }, 60_000);

  it('replay says which plugin is missing', async () => {
    const dir = workdir();
    const moved = join(dir, 'plugin');
    mkdirSync(moved);
    const bad = await lockstep(['run', PAUSED, '--plugin', CHUBBY, '-p', 'chubby/no-sequencer', '--seed', '1', '--json'], dir);
    const runFile = (JSON.parse(bad.stdout) as { runFile: string }).runFile;
    const rf = JSON.parse(readFileSync(join(dir, runFile), 'utf8')) as { plugins: string[] };
    rf.plugins = [join(moved, 'gone.ts')];
    writeFileSync(join(dir, 'moved.run.json'), JSON.stringify(rf));
    const r = await lockstep(['replay', 'moved.run.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`moved.run.json: plugins: protocol 'chubby' came from the plugin ${join(moved, 'gone.ts')}, which is missing; pass --plugin <file>`);
    const withFlag = await lockstep(['replay', 'moved.run.json', '--plugin', CHUBBY], dir);
    expect(withFlag.code).toBe(1);
  }, 60_000);

  it('explore --workers 2: the worker threads load the plugin', async () => {
    const dir = workdir();
    const r = await lockstep(['explore', PAUSED, '--plugin', CHUBBY, '-p', 'chubby/no-sequencer', '--workers', '2', '--seeds', '6', '--json'], dir);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as { seeds: number; failed: number; workers: number; checkersFired: Record<string, number> };
    expect(s).toMatchObject({ seeds: 6, failed: 6, workers: 2 });
    expect(Object.keys(s.checkersFired)).toEqual(['chubby-sequenced-writes']);
    const ok = await lockstep(['explore', 'tiny.json', '--plugin', CHUBBY, '-p', 'chubby', '--workers', '2', '--seeds', '6', '--json'], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ seeds: 6, failed: 0 });
  }, 90_000);

  it('compare (worker pool): the plugin and its variants side by side', async () => {
    const dir = workdir();
    const r = await lockstep(['compare', '--plugin', CHUBBY, '-p', 'chubby', '-s', `tiny.json,${PAUSED},${RESTART}`, '-n', '3', '--workers', '2', '--json'], dir);
    expect(r.code, r.stderr).toBe(0); // the correct design held and both flaws were caught
    const o = JSON.parse(r.stdout) as { protocols: { protocol: string; failed: number; linesOfCode: number }[] };
    expect(o.protocols.map((p) => p.protocol)).toEqual(['chubby', 'chubby/no-sequencer', 'chubby/volatile-sequencer']);
    expect(o.protocols.find((p) => p.protocol === 'chubby')!.failed).toBe(0);
    expect(o.protocols.find((p) => p.protocol === 'chubby/no-sequencer')!.failed).toBeGreaterThanOrEqual(3);
    expect(o.protocols.find((p) => p.protocol === 'chubby/volatile-sequencer')!.failed).toBeGreaterThan(0);
    expect(o.protocols[0]!.linesOfCode).toBeGreaterThan(100);
  }, 90_000);

  it('list shows the plugin, its variants and its checkers', async () => {
    const r = await lockstep(['list', '--json', '--plugin', CHUBBY], workdir());
    const o = JSON.parse(r.stdout) as { protocols: { name: string; variants: { name: string }[] }[]; checkers: { name: string; kind: string; protocols: string[] }[] };
    const p = o.protocols.find((x) => x.name === 'chubby')!;
    expect(p.variants.map((v) => v.name)).toEqual(['chubby/no-sequencer', 'chubby/volatile-sequencer']);
    expect(o.checkers).toContainEqual(expect.objectContaining({ name: 'chubby-progress', kind: 'eventually', protocols: ['chubby'] }));
  }, 30_000);

  it('a clash with a built-in, a module without a protocol, and a missing file are bad input', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'clash.mts'), `import { defineProtocol } from ${JSON.stringify(INDEX)};
export default defineProtocol({ name: 'lease', description: 'Mine.', checkers: [],
  build: () => ({ stack: () => [], checkers: [] }) });
`);
    writeFileSync(join(dir, 'empty.mjs'), 'export const x = 1;\n');
    const clash = await lockstep(['list', '--plugin', 'clash.mts'], dir);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain("--plugin clash.mts: protocol 'lease': the name is taken by a built-in protocol");
    const empty = await lockstep(['list', '--plugin', 'empty.mjs'], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/expected its default export \(or an export named 'protocol'\) to be a protocol made by defineProtocol\(\).*exports: x/);
    const missing = await lockstep(['list', '--plugin', 'nope.ts'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--plugin: no such file: ${join(dir, 'nope.ts')}`);
  }, 60_000);

  it('a protocol whose build throws fails its seeds (exception recorded) in explore and compare, in and out of process', async () => {
    const dir = workdir();
    // A .ts plugin outside a package is read as CommonJS: say "type": "module" (or name it .mts).
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'thrower.ts'), `import { defineProtocol } from ${JSON.stringify(INDEX)};
const end = { name: 'end', kind: 'always' as const, description: 'Throws at the end of the run.' };
export default [
  defineProtocol({ name: 'thrower-build', description: 'Throws while building.', checkers: [],
    build: () => { throw new Error('boom in build'); } }),
  defineProtocol({ name: 'thrower-end', description: 'A checker that throws at the end.', checkers: [end],
    build: () => ({ stack: () => [], checkers: [{ ...end, onEnd: () => { throw new Error('boom at end'); } }] }) }),
];
`);
    for (const [p, why] of [['thrower-build', 'boom in build'], ['thrower-end', 'boom at end']] as const) for (const workers of ['1', '2']) {
      const r = await lockstep(['explore', 'tiny.json', '--plugin', 'thrower.ts', '-p', p, '--workers', workers, '--seeds', '2', '--json'], dir);
      expect(r.code, r.stderr).toBe(1);
      const s = JSON.parse(r.stdout) as { failed: number; failures: { violations: { checker: string; message: string }[] }[] };
      expect(s.failed).toBe(2);
      expect(s.failures[0]!.violations[0]).toMatchObject({ checker: 'exception', message: expect.stringContaining(why) });
    }
    for (const workers of ['1', '2']) {
      const r = await lockstep(['compare', '--plugin', 'thrower.ts', '-p', 'thrower-end', '-s', 'tiny.json', '-n', '2', '--workers', workers, '--json'], dir);
      expect(r.code, r.stderr).toBe(1); // a correct design that fails makes compare exit 1
      expect(r.stderr).toMatch(/thrower-end \(a correct design\) failed 2 of 2 seeds/);
      const o = JSON.parse(r.stdout) as { protocols: { protocol: string; failed: number }[] };
      expect(o.protocols).toEqual([expect.objectContaining({ protocol: 'thrower-end', failed: 2 })]);
    }
  }, 90_000);
});
