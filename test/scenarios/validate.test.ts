// The scenario validator: durations, every kind of rejection with file + field path + expectation,
// and fast-check robustness (arbitrary JSON and mutated valid scenarios only ever error cleanly).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioError, parseDurationUs, validateScenario } from '../../scenarios/validate.ts';
import type { ScenarioIssue } from '../../scenarios/validate.ts';
import { loadLibrary, loadScenario } from '../../scenarios/load.ts';

const base = { name: 't', nodes: 3, durationUs: '20s', faults: { script: [{ kind: 'crash', atUs: '5s', node: 2, durationUs: '1s' }] } };

function issues(raw: unknown): ScenarioIssue[] {
  const r = validateScenario(raw, 'f.json');
  return r.ok ? [] : r.issues;
}

function paths(raw: unknown): string[] {
  return issues(raw).map((i) => i.path);
}

describe('durations', () => {
  it('parses integers and unit strings to microseconds', () => {
    expect(parseDurationUs(1500)).toBe(1500);
    expect(parseDurationUs('10s')).toBe(10_000_000);
    expect(parseDurationUs('250ms')).toBe(250_000);
    expect(parseDurationUs('500us')).toBe(500);
    expect(parseDurationUs('500µs')).toBe(500);
    expect(parseDurationUs('2m')).toBe(120_000_000);
    expect(parseDurationUs('1m30s')).toBe(90_000_000);
    expect(parseDurationUs('1.5ms')).toBe(1500);
    expect(parseDurationUs('-2s')).toBe(-2_000_000);
  });

  it('rejects what is not a whole number of microseconds', () => {
    for (const bad of [1.5, '0.5us', '10', 's', '10 parsecs', '', null, true, [], {}, Number.NaN, Infinity]) expect(parseDurationUs(bad)).toBeUndefined();
  });

  it('normalizes every *Us field of a scenario', () => {
    const r = validateScenario({ ...base, nodes: 2, healAtUs: '10s', deadlineUs: '5s', network: { latencyMaxUs: '2ms' }, cluster: { tokenTimeoutUs: '3s', twoNode: true } }, 'f.json');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario).toMatchObject({ durationUs: 20_000_000, healAtUs: 10_000_000, deadlineUs: 5_000_000, network: { latencyMaxUs: 2000 }, cluster: { tokenTimeoutUs: 3_000_000, twoNode: true } });
    expect(r.scenario.faults.script![0]).toEqual({ kind: 'crash', atUs: 5_000_000, node: 2, durationUs: 1_000_000 });
  });
});

describe('rejections name the file, the field path and what was expected', () => {
  it('unknown fields, with a suggestion', () => {
    const i = issues({ ...base, nodse: 3 });
    expect(i).toHaveLength(1);
    expect(i[0]).toMatchObject({ file: 'f.json', path: 'nodse' });
    expect(i[0]!.expected).toContain("did you mean 'nodes'");
    expect(paths({ ...base, faults: { script: [{ kind: 'crash', atUs: 0, node: 1, colour: 'red' }] } })).toEqual(['faults.script[0].colour']);
  });

  it('wrong types', () => {
    expect(paths({ ...base, nodes: '3' })).toContain('nodes');
    expect(paths({ ...base, durationUs: true })).toEqual(['durationUs']);
    expect(paths({ ...base, checkers: 'x' })).toEqual(['checkers']);
    expect(paths({ ...base, workload: { size: 1 } })).toEqual(['workload.kind']);
    expect(paths({ ...base, workload: { kind: 'no-such-workload' } })).toEqual(['workload.kind']);
    expect(paths({ ...base, network: { latencyShape: 'gaussian' } })).toEqual(['network.latencyShape']);
    expect(paths({ ...base, workload: { kind: 'passwd' }, network: { latencyShape: 'long-tail', latencyMeanUs: '2ms' } })).toEqual([]);
    expect(paths([])).toEqual(['']);
    expect(paths(null)).toEqual(['']);
  });

  it('impossible values', () => {
    const onMissingNode = issues({ ...base, faults: { script: [{ kind: 'crash', atUs: '1s', node: 7 }] } });
    expect(onMissingNode[0]).toMatchObject({ path: 'faults.script[0].node' });
    expect(onMissingNode[0]!.expected).toContain('from 1 to 3');
    expect(paths({ ...base, faults: { script: [{ kind: 'crash', atUs: -5, node: 1 }] } })).toEqual(['faults.script[0].atUs']);
    expect(paths({ ...base, faults: { script: [{ kind: 'crash', atUs: '30s', node: 1 }] } })).toEqual(['faults.script[0].atUs']);
    expect(paths({ ...base, healAtUs: '5s', faults: { script: [{ kind: 'crash', atUs: '6s', node: 1 }] } })).toEqual(['faults.script[0].atUs']);
    expect(paths({ ...base, nodes: 0 })).toContain('nodes');
    expect(paths({ ...base, durationUs: 0 })).toEqual(['durationUs']);
    expect(paths({ ...base, healAtUs: '1m' })).toEqual(['healAtUs']);
    expect(paths({ ...base, network: { loss: 2 } })).toEqual(['network.loss']);
    expect(paths({ ...base, network: { latencyMinUs: '5ms', latencyMaxUs: '1ms' } })).toEqual(['network.latencyMaxUs']);
    expect(paths({ ...base, clients: [1, 1] })).toEqual(['clients[1]']);
    expect(paths({ ...base, bootAtUs: [0, 0, 0, 0] })).toEqual(['bootAtUs']);
  });

  it('unknown fault kinds and fields a kind requires', () => {
    const unknownKind = issues({ ...base, faults: { script: [{ kind: 'meteor', atUs: 0 }] } });
    expect(unknownKind[0]!.path).toBe('faults.script[0].kind');
    expect(unknownKind[0]!.expected).toContain('crash');
    expect(paths({ ...base, faults: { script: [{ kind: 'clock-jump', atUs: 0, node: 1 }] } })).toEqual(['faults.script[0].deltaUs']);
    expect(paths({ ...base, faults: { script: [{ kind: 'fence-slow', atUs: 0 }] } })).toEqual(['faults.script[0].durationUs', 'faults.script[0].extraUs']);
    expect(paths({ ...base, faults: { script: [{ kind: 'partition', atUs: 0, shape: 'isolate' }] } })).toEqual(['faults.script[0].node']);
    expect(paths({ ...base, faults: { script: [{ kind: 'partition', atUs: 0, groups: [[1, 2], [2, 3]] }] } })).toEqual(['faults.script[0].groups[1][0]']);
  });

  it('unknown swarm profile and protocol; script and swarm together', () => {
    expect(issues({ ...base, faults: { swarm: 'hurricane' } })[0]).toMatchObject({ path: 'faults.swarm' });
    const p = issues({ ...base, protocol: 'paxos' });
    expect(p[0]!.path).toBe('protocol');
    expect(p[0]!.expected).toContain('gossip');
    expect(paths({ ...base, protocol: 'gossip/nonsense' })).toEqual(['protocol']);
    expect(paths({ ...base, faults: { swarm: 'standard', script: [] } })).toEqual(['faults']);
    expect(validateScenario({ ...base, protocol: 'gossip/forgetful' }, 'f.json').ok).toBe(true);
  });

  it('the thrown ScenarioError message carries file, path and expectation on one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-load-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...base, faults: { script: [{ kind: 'crash', atUs: '1s', node: 9 }] } }));
    expect(() => loadScenario(file)).toThrowError(/bad\.json: faults\.script\[0\]\.node: expected a node id from 1 to 3.*got the number 9/);
    writeFileSync(file, '{"nodes": 3,');
    expect(() => loadScenario(file)).toThrowError(/bad\.json: \(document\): expected valid JSON/);
    expect(() => loadScenario('no-such-scenario')).toThrowError(ScenarioError);
  });

  it('defaults the name to the file name; loads by library name and by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-load-'));
    const file = join(dir, 'mine.json');
    const { name: _omit, ...rest } = base;
    writeFileSync(file, JSON.stringify(rest));
    expect(loadScenario(file).scenario.name).toBe('mine');
    expect(loadScenario('owner-crash').fromLibrary).toBe(true);
  });
});

describe('robustness (fast-check)', () => {
  it('arbitrary JSON never crashes the validator: a scenario or clean issues', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = validateScenario(v, 'any.json');
      if (!r.ok) for (const i of r.issues) expect(i.file).toBe('any.json');
    }), { numRuns: 500 });
  });

  it('arbitrary objects with scenario-like keys only error cleanly', () => {
    const key = fc.constantFrom('name', 'nodes', 'durationUs', 'faults', 'healAtUs', 'network', 'disk', 'cluster', 'workload', 'checkers', 'bootAtUs', 'clients', 'protocol', 'maxEvents', '__proto__', 'constructor');
    fc.assert(fc.property(fc.dictionary(key, fc.jsonValue()), (v) => {
      const r = validateScenario(v, 'x.json');
      if (!r.ok) expect(r.issues.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });

  it('mutated library scenarios either validate or fail with issues that have a path and expectation', () => {
    const valid = loadLibrary().map((e) => JSON.parse(JSON.stringify(e.scenario)) as Record<string, unknown>);
    const mutation = fc.record({
      which: fc.nat(valid.length - 1),
      path: fc.array(fc.oneof(fc.constantFrom('faults', 'script', 'network', 'cluster', 'workload', 'node', 'atUs', 'groups', 'kind', 'shape'), fc.nat(3)), { minLength: 1, maxLength: 4 }),
      value: fc.jsonValue(),
    });
    fc.assert(fc.property(mutation, ({ which, path, value }) => {
      const doc = JSON.parse(JSON.stringify(valid[which])) as Record<string, unknown>;
      setPath(doc, path, value);
      const r = validateScenario(doc, 'm.json');
      if (!r.ok) for (const i of r.issues) expect(i.expected.length).toBeGreaterThan(0);
      else expect(r.scenario.nodes).toBeGreaterThanOrEqual(1);
    }), { numRuns: 800 });
  });
});

/** Set a value at a path of keys/indices, creating nothing: stops where the path leaves the document. */
function setPath(doc: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let o: unknown = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const next = (o as Record<string | number, unknown>)[path[i]!];
    if (typeof next !== 'object' || next === null) break;
    o = next;
  }
  if (typeof o === 'object' && o !== null) (o as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}
