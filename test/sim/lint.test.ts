// The determinism lint: it finds each banned use (real clock, Math.random, timers, node:fs), the
// script exits 1 on them, the io-edge marker exempts a file, comments and strings do not trip it,
// and the real sim/ and protocols/ trees are clean.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { lintTree, lintSource, IO_EDGE_MARKER } from '../../tools/lint.ts';
import { lintLayerTree } from '../../tools/layers.ts';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BAD = [
  '// A module that cheats in every way the lint knows.',
  "import { readFileSync } from 'node:fs';",
  "import { writeFile } from 'fs/promises';",
  'export const t0 = Date.now();',
  'export const d = new Date();',
  'export const r = Math.random();',
  'export const p = performance.now();',
  'export const h = process.hrtime.bigint();',
  'setTimeout(() => {}, 10);',
  'setInterval(() => {}, 10);',
  'setImmediate(() => {});',
  "export const f = readFileSync('x');",
].join('\n');

const rulesOf = (findings: { rule: string }[]) => [...new Set(findings.map((f) => f.rule.split(' ')[0]))].sort();

describe('determinism lint', () => {
  it('finds every banned use, with file and line', () => {
    mkdirSync(join(dir, 'bad', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'bad', 'nested', 'cheat.ts'), BAD);
    const findings = lintTree([join(dir, 'bad')]);
    expect(rulesOf(findings)).toEqual(['Date', 'Math.random', 'node:fs', 'performance', 'process.hrtime', 'timers']);
    expect(findings.map((f) => f.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(findings[0]!.file).toMatch(/cheat\.ts$/);
  });

  it('the lint script exits 1 on a bad tree and names the problem; 0 on a clean one', () => {
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(join(dir, 'bad', 'clock.ts'), 'export const now = () => Date.now();\n');
    mkdirSync(join(dir, 'good'), { recursive: true });
    writeFileSync(join(dir, 'good', 'ok.ts'), 'export const add = (a: number, b: number) => a + b;\n');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'tools/lint.ts', join(dir, 'bad')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/clock\.ts:1: Date \(real clock\) is not allowed here/);
    const good = spawnSync(process.execPath, ['--import', 'tsx', 'tools/lint.ts', join(dir, 'good')], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/determinism lint: ok/);
  });

  it('finds the clock and randomness reached another way: destructured, through globalThis, perf_hooks, timers, crypto', () => {
    const src = [
      'const { now } = performance;',
      'const t = globalThis.performance.now();',
      "import { performance as p } from 'node:perf_hooks';",
      "import { setTimeout as sleep } from 'timers/promises';",
      "const { randomUUID } = await import('node:crypto');",
      'const b = crypto.getRandomValues(new Uint8Array(4));',
      "import { createHash } from 'node:crypto'; // deterministic: allowed",
    ].join('\n');
    expect(lintSource('x.ts', src).map((f) => `${f.line} ${f.rule.split(' (')[0]}`)).toEqual([
      '1 performance', '2 performance', '3 performance', '3 perf_hooks or timers module', '4 perf_hooks or timers module',
      '5 crypto randomness', '6 crypto randomness',
    ]);
  });

  it('a file marked as an I/O edge on its first line is exempt', () => {
    expect(lintSource('edge.ts', `// ${IO_EDGE_MARKER} (writes run files)\n${BAD}`)).toEqual([]);
    // The marker only counts on line 1.
    expect(lintSource('late.ts', `// hello\n// ${IO_EDGE_MARKER}\n${BAD}`).length).toBeGreaterThan(0);
  });

  it('comments and string or template text do not trip it; code after a // inside a string still does', () => {
    const src = [
      '// Date.now() would be wrong here',
      '/* Math.random() */ const a = 1;',
      "const s = 'setTimeout(f)'; const q = \"performance.now()\";",
      'const t = `Date.now() is banned`;',
      "const url = 'http://x'; const late = Date.now();",
      'const tpl = `at ${Math.random()}`;',
    ].join('\n');
    expect(lintSource('x.ts', src).map((f) => `${f.line} ${f.rule.split(' ')[0]}`)).toEqual(['5 Date', '6 Math.random']);
  });

  it('test files are not linted', () => {
    mkdirSync(join(dir, 'tests'), { recursive: true });
    writeFileSync(join(dir, 'tests', 'x.test.ts'), 'Date.now();');
    expect(lintTree([join(dir, 'tests')])).toEqual([]);
  });

  it('the real sim/ and protocols/ trees are clean', () => {
    expect(lintTree(['sim', 'protocols'])).toEqual([]);
  });
});

describe('layering lint', () => {
  it('passes on the real tree', () => {
    expect(lintLayerTree()).toEqual([]);
  });

  it('fails on a planted upward import, naming file, line and both layers', () => {
    const root = join(dir, 'layers');
    mkdirSync(join(root, 'sim'), { recursive: true });
    mkdirSync(join(root, 'protocols'), { recursive: true });
    mkdirSync(join(root, 'examples'), { recursive: true });
    writeFileSync(join(root, 'protocols', 'p.ts'), "import type { X } from '../sim/x.ts';\nexport const p = 1;\n");
    writeFileSync(join(root, 'sim', 'x.ts'), "export type X = number;\nimport { p } from '../protocols/p.ts';\n");
    writeFileSync(join(root, 'examples', 'e.ts'), "import { World } from '../sim/x.ts';\n");
    const findings = lintLayerTree(root);
    expect(findings.map((f) => [f.file, f.line])).toEqual([['sim/x.ts', 2], ['examples/e.ts', 1]]);
    expect(findings[0]!.why).toMatch(/sim\/ may not import from protocols\//);
    expect(findings[1]!.why).toMatch(/public API only/);
  });

  it('the lint script exits 1 on an upward import in the real tree', () => {
    const planted = 'sim/zz-planted-upward.ts';
    writeFileSync(planted, "import type { Scenario } from '../scenarios/types.ts';\nexport type S = Scenario;\n");
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/lint.ts'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/sim\/zz-planted-upward\.ts:1: sim\/ may not import from scenarios\//);
    } finally {
      rmSync(planted, { force: true });
    }
  });
});
