// Fuzz the CLI's inputs (fast-check): malformed scenario files, run-files and flags must each end in
// exit 2 with one error naming the field, no stack trace and nothing written under --out. The CLI
// runs in-process (cli/main.ts). Every base input carries a small maxEvents, so a mutation that were
// wrongly accepted would still end within its bound. To cover a new field, add a row to a table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli } from './inProcess.ts';
import { workdir } from './helpers.ts';

const STACK = /\n\s+at |internal error/;

const BASE = {
  name: 'fuzz', nodes: 3, durationUs: '3s', deadlineUs: '1s', protocol: 'gossip', maxEvents: 50_000,
  faults: { script: [{ kind: 'crash', atUs: '1s', node: 1, durationUs: '200ms' }] },
};

/** Not a whole number ≥ 0 of microseconds nor a duration string. */
const notDuration = fc.oneof(fc.constantFrom(-1, 1.5, true, null, 'abc', '10 parsecs', '5x', [], {}), fc.string().filter((s) => !/^\s*\d/.test(s)));
const notBoolean = fc.oneof(fc.integer(), fc.string(), fc.constant(null));
const notInt = fc.oneof(fc.string(), fc.double({ noInteger: true, noNaN: true }), fc.constant(null), fc.constant(true));
const unknownKey = fc.stringMatching(/^[a-z][a-zA-Z]{2,12}$/).map((k) => `zz${k}`);

/** One malformed field: where it goes, the bad values, and the path the error must name. */
interface Mutation {
  path: string[];
  bad: fc.Arbitrary<unknown>;
  /** The field named in the error (default: the path joined). */
  names?: string;
}

const SCENARIO_MUTATIONS: Mutation[] = [
  { path: ['nodes'], bad: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 }), notInt) },
  { path: ['durationUs'], bad: fc.oneof(notDuration, fc.constant(0)) },
  { path: ['deadlineUs'], bad: fc.oneof(notDuration, fc.constant(0)) },
  { path: ['name'], bad: fc.oneof(fc.constantFrom('', 'a b', '../x', 'é'), fc.string({ minLength: 101, maxLength: 400 }).map((s) => `a${s}`)) },
  { path: ['protocol'], bad: fc.constantFrom('nosuch', 'gossip/nosuch', 'a/b/c', 3) },
  { path: ['maxEvents'], bad: fc.oneof(fc.integer({ max: 0 }), notInt) },
  { path: ['maxEventsPerInstant'], bad: fc.oneof(fc.integer({ max: 0 }), notInt) },
  { path: ['maxPendingEvents'], bad: fc.oneof(fc.integer({ max: 0 }), notInt) },
  { path: ['checkers'], bad: fc.constantFrom([], 'x', [1], ['a', 'a']) },
  { path: ['network', 'loss'], bad: fc.oneof(fc.double({ min: 1.0001, max: 1e9, noNaN: true }), fc.double({ max: -0.0001, min: -1e9, noNaN: true }), fc.string()) },
  { path: ['network', 'latencyShape'], bad: fc.string().filter((s) => !['uniform', 'exponential', 'long-tail'].includes(s)) },
  { path: ['cluster', 'tokenTimeoutUs'], bad: fc.oneof(fc.integer({ min: -1e9, max: 999 }), fc.constantFrom('x', true, null)) },
  { path: ['cluster', 'twoNode'], bad: notBoolean },
  { path: ['cluster', 'postFailDelayUs'], bad: fc.integer({ min: -1e9, max: -1 }) },
  { path: ['cluster', 'expectedVotes'], bad: fc.oneof(fc.integer({ max: 0 }), notInt) },
  { path: ['cluster', 'votes'], bad: fc.constantFrom('x', [-1], [1, 'a'], { x: 1 }) },
  { path: ['workload', 'kind'], bad: fc.string().filter((s) => !['snapshot-metadata', 'passwd', 'ownership-mix', 'dlm-random', 'none'].includes(s)) },
  { path: ['faults', 'script', '0', 'node'], bad: fc.oneof(fc.integer({ min: 4, max: 1e6 }), fc.integer({ max: 0 })), names: 'faults.script[0].node' },
  { path: ['faults', 'script', '0', 'kind'], bad: fc.string().filter((s) => s.length > 0 && !/^[a-z-]+$/.test(s)), names: 'faults.script[0].kind' },
  { path: ['faults', 'script', '0', 'atUs'], bad: notDuration, names: 'faults.script[0].atUs' },
  { path: ['faults', 'swarm'], bad: fc.constantFrom('nosuch', 3) },
];

/** Mutations that add a key no one knows, at the top or inside an options block. */
const UNKNOWN_KEYS: string[][] = [[], ['cluster'], ['network'], ['faults', 'script', '0']];

function setAt(doc: Record<string, unknown>, path: readonly string[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(doc);
  let o: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = v;
  return copy;
}

const pathName = (path: readonly string[]): string => path.reduce((s, k) => (/^\d+$/.test(k) ? `${s}[${k}]` : s === '' ? k : `${s}.${k}`), '');

const scenarioCase = fc.oneof(
  fc.constantFrom(...SCENARIO_MUTATIONS).chain((m) => m.bad.map((v) => ({
    doc: setAt(BASE, m.path, v), names: m.names ?? pathName(m.path),
  }))),
  fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), unknownKey).map(([at, key]) => ({
    doc: setAt(BASE, [...at, key], 1), names: pathName([...at, key]),
  })),
);

/** Exit 2, one error line naming `names`, no stack, nothing under out. */
function expectClean(r: { code: number; stderr: string }, names: string, out: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr.match(/^error:/gm)?.length, r.stderr).toBe(1);
  expect(r.stderr, `should name ${names}`).toContain(names);
  expect(existsSync(out), `${out} written`).toBe(false);
}

describe('fuzz: malformed inputs are clean exit-2 errors', () => {
  const dir = workdir();
  let n = 0;

  it('scenario files', async () => {
    await fc.assert(fc.asyncProperty(scenarioCase, async ({ doc, names }) => {
      const file = `s${++n}.json`;
      writeFileSync(join(dir, file), JSON.stringify(doc));
      const out = `out${n}`;
      const cmd = n % 2 === 0 ? ['run', file, '--seed', '1'] : ['explore', file, '--seeds', '2', '--workers', '1'];
      expectClean(await cli([...cmd, '--out', out], dir), names, join(dir, out));
    }), { numRuns: 120, seed: 17 });
  }, 120_000);

  it('run-files', async () => {
    writeFileSync(join(dir, 'crash.json'), JSON.stringify({ ...BASE, name: 'crash' }));
    const made = await cli(['run', 'crash.json', '-p', 'gossip/forgetful', '--seed', '1', '--out', 'good'], dir);
    expect(made.code).toBe(1);
    const good = JSON.parse(readFileSync(join(dir, 'good', 'crash-gossip_forgetful-seed1.run.json'), 'utf8')) as Record<string, unknown>;
    const RUN_FILE_MUTATIONS: Mutation[] = [
      { path: ['seed'], bad: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 2 ** 32, max: 2 ** 40 }), notInt) },
      { path: ['network', 'loss'], bad: fc.oneof(fc.double({ min: 1.0001, max: 1e9, noNaN: true }), fc.integer({ max: -1 })) },
      { path: ['network', 'duplicate'], bad: fc.oneof(fc.double({ min: 1.0001, max: 1e9, noNaN: true }), fc.string()) },
      { path: ['format'], bad: fc.string().filter((s) => s !== 'lockstep-run/1') },
      { path: ['tape', 'overrides'], bad: fc.constantFrom('x', [[-1, 0]], [[1]], [['a', 1]]) },
      { path: ['violations'], bad: fc.constantFrom('x', 3, [{}]) },
      { path: ['scenario', 'nodes'], bad: fc.oneof(fc.integer({ max: 0 }), notInt), names: '#scenario: nodes' },
      { path: ['scenario', 'cluster', 'tokenTimeoutUs'], bad: fc.integer({ min: -5, max: 999 }), names: '#scenario: cluster.tokenTimeoutUs' },
    ];
    const runFileCase = fc.constantFrom(...RUN_FILE_MUTATIONS).chain((m) => m.bad.map((v) => ({ doc: setAt(good, m.path, v), names: m.names ?? pathName(m.path) })));
    await fc.assert(fc.asyncProperty(runFileCase, async ({ doc, names }) => {
      const file = `r${++n}.run.json`;
      writeFileSync(join(dir, file), JSON.stringify(doc));
      const cmd = n % 3 === 0 ? ['replay', file] : n % 3 === 1 ? ['run', file, '--out', `out${n}`] : ['shrink', file, '--out', `out${n}`];
      expectClean(await cli(cmd, dir), names, join(dir, `out${n}`));
    }), { numRuns: 50, seed: 17 });
  }, 120_000);

  it('flags', async () => {
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(BASE));
    const FLAG_CASES: fc.Arbitrary<{ args: string[]; names: string }>[] = [
      fc.oneof(fc.stringMatching(/^[a-z]{1,6}$/), fc.constantFrom('-1', '4294967296', '1.5')).map((v) => ({ args: ['run', 'ok.json', '--seed', v], names: '--seed' })),
      fc.constantFrom('0', '-3', 'x', '1.5').map((v) => ({ args: ['explore', 'ok.json', '--seeds', v], names: '--seeds' })),
      fc.constantFrom('0', '257', 'x').map((v) => ({ args: ['explore', 'ok.json', '--seeds', '2', '--workers', v], names: '--workers' })),
      fc.constantFrom('0/3', '4/3', '1', 'a/b', '1/0').map((v) => ({ args: ['explore', 'ok.json', '--seeds', '2', '--shard', v], names: '--shard' })),
      fc.constantFrom('0', '51', 'x').map((v) => ({ args: ['compare', '-p', 'gossip', '-s', 'ok.json', '--diagrams', v], names: '--diagrams' })),
      fc.constantFrom('0', 'soon', '0s', '5 parsecs').map((v) => ({ args: ['shrink', 'ok.json', '--budget', v], names: '--budget' })),
      unknownKey.map((k) => ({ args: ['run', 'ok.json', `--${k}`, '1'], names: k })),
    ];
    await fc.assert(fc.asyncProperty(fc.oneof(...FLAG_CASES), async ({ args, names }) => {
      const out = `out${++n}`;
      expectClean(await cli([...args, '--out', out], dir), names, join(dir, out));
    }), { numRuns: 60, seed: 17 });
  }, 120_000);
});
