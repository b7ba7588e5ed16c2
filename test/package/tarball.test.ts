// The package as a user gets it: `npm pack` (which runs the build), installed into a fresh consumer
// package; the consumer compiles against the shipped .d.ts with the strictest flags and no
// skipLibCheck, imports Lockstep from plain node, runs a vitest + fast-check property through the
// public API, and runs the installed `lockstep` bin (CLI and worker threads, no tsx anywhere).
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { simulate, scenarios } from '../../index.ts';
import { makeConsumer, pack } from './consumer.ts';
import type { Packed } from './consumer.ts';

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'],
    strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false,
    resolveJsonModule: true, outDir: 'out',
  },
  include: ['src'],
};

/** Uses the public API the way the README shows, plus the exported JSON Schema. */
const MAIN = `import fc from 'fast-check';
import { simulate, scenarios, arbitraries, type Scenario, type SimulateResult } from 'lockstep';
import schema from 'lockstep/scenario.schema.json' with { type: 'json' };

const { scenario }: { scenario: Scenario } = scenarios.loadScenario('steady-state');
const r: SimulateResult = await simulate(scenario, { seed: 1, protocol: 'dlm-lvb' });
const drawn: Scenario[] = fc.sample(arbitraries.scenario({ nodes: { min: 3, max: 3 } }), { numRuns: 2, seed: 7 });
const first = drawn[0];
console.log(JSON.stringify({ ok: r.ok, traceHash: r.traceHash, schemaId: schema.$id, drawnNodes: first?.nodes }));
`;

const PROPERTY = `import fc from 'fast-check';
import { expect, test } from 'vitest';
import { simulate, scenarios, arbitraries } from 'lockstep';

test('dlm-lvb: no violation under drawn fault schedules', async () => {
  const { scenario } = scenarios.loadScenario('owner-crash');
  const faults = arbitraries.faultSchedule({ nodes: scenario.nodes, durationUs: 20_000_000, maxFaults: 2 });
  await fc.assert(fc.asyncProperty(faults, async (f) => {
    const r = await simulate(scenario, { seed: 1, protocol: 'dlm-lvb', faults: f });
    expect(r.violations).toEqual([]);
  }), { numRuns: 3, seed: 42 });
});
`;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cwd: string, cmd: string, args: readonly string[]): Ran {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Real (not linked) package folders named `name` anywhere under `dir`. */
function copiesOf(dir: string, name: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (!lstatSync(p).isDirectory()) continue;
    if (entry === name) out.push(p);
    else copiesOf(p, name, out);
  }
  return out;
}

describe('the packed tarball in a consumer package', () => {
  let work = '';
  let consumer = '';
  let packed: Packed;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'lockstep-pack-'));
    consumer = join(work, 'consumer');
    packed = pack(work);
    makeConsumer(consumer, packed);
    mkdirSync(join(consumer, 'src'));
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(consumer, 'src', 'main.ts'), MAIN);
    writeFileSync(join(consumer, 'src', 'property.test.ts'), PROPERTY);
  }, 600_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  test('ships the compiled package only: no sources, tests, bench or CI files', () => {
    const files = packed.files;
    for (const f of ['dist/index.js', 'dist/cli.js', 'dist/exploreWorker.js', 'dist/types/index.d.ts',
      'dist/scenarios/scenario.schema.json', 'dist/scenarios/library/steady-state.json',
      'dist/reports/html/report.css', 'dist/reports/html/diagram.client.js', 'dist/code-version.json',
      'bin/lockstep.js', 'package.json', 'README.md']) {
      expect(files, f).toContain(f);
    }
    const stray = files.filter((f) => /^(test|bench|tools|\.ci|scratch|runs|node_modules)\//.test(f)
      || (/\.ts$/.test(f) && !f.endsWith('.d.ts')) || f.includes('tsbuildinfo') || f.endsWith('.tmp'));
    expect(stray).toEqual([]);
  });

  test('compiles with strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, no skipLibCheck', () => {
    const tsc = run(consumer, process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--listFiles']);
    const errors = tsc.stdout.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toEqual([]);
    expect(tsc.status).toBe(0);
    // The library's declarations were checked, not skipped.
    expect(tsc.stdout).toContain(join('node_modules', 'lockstep', 'dist', 'types', 'index.d.ts'));
  });

  test('plain node imports it and runs a scenario to the same trace hash as the sources', async () => {
    const r = run(consumer, process.execPath, ['out/main.js']);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { ok: boolean; traceHash: string; schemaId: string; drawnNodes: number };
    const { scenario } = scenarios.loadScenario('steady-state');
    const want = await simulate(scenario, { seed: 1, protocol: 'dlm-lvb' });
    expect(got).toEqual({ ok: true, traceHash: want.traceHash, schemaId: expect.any(String), drawnNodes: 3 });
  });

  test('one copy of fast-check: the consumer\'s, shared with lockstep as a peer', () => {
    expect(copiesOf(join(consumer, 'node_modules'), 'fast-check')).toEqual([join(consumer, 'node_modules', 'fast-check')]);
    expect(existsSync(join(consumer, 'node_modules', 'tsx'))).toBe(false);
  });

  test('a vitest + fast-check property runs through the public API', () => {
    const r = run(consumer, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', '.', 'src/']);
    expect(r.stdout + r.stderr).toMatch(/1 passed/);
    expect(r.status).toBe(0);
  });

  test('the installed bin runs compiled code: list, run, explore with worker threads', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'lockstep');
    const list = run(consumer, bin, ['list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('steady-state');
    const one = run(consumer, bin, ['run', 'steady-state', '--seed', '1', '-p', 'dlm-lvb']);
    const { scenario } = scenarios.loadScenario('steady-state');
    const want = await simulate(scenario, { seed: 1, protocol: 'dlm-lvb' });
    expect(one.stdout).toContain(`trace hash ${want.traceHash}`);
    expect(one.status).toBe(0);
    const ex = run(consumer, bin, ['explore', 'steady-state', '--seeds', '4', '--workers', '2', '--out', join(work, 'runs')]);
    expect(ex.stdout).toMatch(/4 seeds \(1\.\.4\), 0 failed/);
    expect(ex.status).toBe(0);
  });
});
