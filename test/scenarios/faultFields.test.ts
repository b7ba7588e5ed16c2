// Fault fields are validated per kind and per partition shape: directed links, role targets and
// fault points; a field that does not apply is an error naming its path, never ignored.
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../scenarios/validate.ts';
import type { ScenarioIssue } from '../../scenarios/validate.ts';

function issuesOf(fault: Record<string, unknown>, extra: Record<string, unknown> = {}): ScenarioIssue[] {
  const r = validateScenario({ name: 't', nodes: 3, durationUs: '20s', healAtUs: '10s', ...extra, faults: { script: [fault] } }, 'f.json');
  return r.ok ? [] : r.issues;
}

const at = (i: ScenarioIssue[]): string[] => i.map((x) => x.path);

describe('fields that do not apply are errors', () => {
  it("one-way with nodes (the old silent case) names faults.script[0].nodes and points to shape 'links'", () => {
    const i = issuesOf({ kind: 'partition', atUs: '1s', shape: 'one-way', node: 1, nodes: [3] });
    expect(at(i)).toEqual(['faults.script[0].nodes']);
    expect(i[0]!.expected).toMatch(/does not apply to partition shape 'one-way'.*use shape 'links' with from, to and direction 'one-way'/);
  });

  it.each([
    [{ kind: 'heal', atUs: 1, durationUs: 5 }, 'faults.script[0].durationUs'],
    [{ kind: 'clock-jump', atUs: 1, node: 1, deltaUs: 5, durationUs: 5 }, 'faults.script[0].durationUs'],
    [{ kind: 'crash', atUs: 1, node: 1, messageType: 'x' }, 'faults.script[0].messageType'],
    [{ kind: 'partition', atUs: 1, shape: 'halves', node: 2 }, 'faults.script[0].node'],
    [{ kind: 'partition', atUs: 1, shape: 'isolate', node: 2, groups: [[1], [2]] }, 'faults.script[0].groups'],
    [{ kind: 'fence-failure', atUs: 1, durationUs: 5, node: 1 }, 'faults.script[0].node'],
    [{ kind: 'flaky-network', atUs: 1, loss: 0.1, from: [1], to: [2] }, 'faults.script[0].from'],
    [{ kind: 'restart', point: 'dlm.grant' }, 'faults.script[0].point'],
  ])('%j → %s', (fault, path) => {
    expect(at(issuesOf(fault))).toContain(path);
  });
});

describe('directed links', () => {
  it('accepts from → to, one way or both, for partition, clog, slow-link and drop-messages', () => {
    for (const f of [
      { kind: 'partition', atUs: 1, from: [1], to: [3], direction: 'one-way' },
      { kind: 'clog', atUs: 1, from: [1, 2], to: [3], durationUs: '1s' },
      { kind: 'slow-link', atUs: 1, from: [1], to: [2, 3], extraUs: '50ms' },
      { kind: 'drop-messages', atUs: 1, messageType: 'hb', from: [1], to: [2], direction: 'one-way' },
    ]) expect(issuesOf(f), JSON.stringify(f)).toEqual([]);
  });

  it('needs both ends, real links, and a known direction', () => {
    expect(at(issuesOf({ kind: 'partition', atUs: 1, shape: 'links', from: [1] }))).toEqual(['faults.script[0].to']);
    expect(at(issuesOf({ kind: 'partition', atUs: 1, from: [1], to: [1] }))).toEqual(['faults.script[0].to']);
    expect(at(issuesOf({ kind: 'clog', atUs: 1, from: [1], to: [2], direction: 'sideways' }))).toEqual(['faults.script[0].direction']);
    expect(at(issuesOf({ kind: 'clog', atUs: 1, node: 1, from: [1], to: [2] }))).toEqual(['faults.script[0].node']);
    expect(at(issuesOf({ kind: 'slow-link', atUs: 1, from: [1], to: [9], extraUs: 5 }))).toEqual(['faults.script[0].to[0]']);
  });
});

describe('role targets', () => {
  it('accepts a known role with its resource; names the path of every mistake', () => {
    expect(issuesOf({ kind: 'pause', atUs: 1, role: { role: 'owner', resource: 'snap0' }, durationUs: '1s' })).toEqual([]);
    expect(issuesOf({ kind: 'crash', atUs: 1, role: { role: 'any', not: [1] } })).toEqual([]);
    expect(at(issuesOf({ kind: 'crash', atUs: 1, role: { role: 'boss' } }))).toEqual(['faults.script[0].role.role']);
    expect(at(issuesOf({ kind: 'crash', atUs: 1, role: { role: 'master' } }))).toEqual(['faults.script[0].role.resource']);
    expect(at(issuesOf({ kind: 'crash', atUs: 1, role: { role: 'fencer', resource: 'r' } }))).toEqual(['faults.script[0].role.resource']);
    expect(at(issuesOf({ kind: 'crash', atUs: 1, role: { role: 'any', when: 1 } }))).toEqual(['faults.script[0].role.when']);
    expect(at(issuesOf({ kind: 'crash', atUs: 1, node: 2, role: { role: 'any' } }))).toEqual(['faults.script[0].role']);
    expect(at(issuesOf({ kind: 'crash', atUs: 1 }))).toEqual(['faults.script[0].node']);
  });
});

describe('fault points', () => {
  it('a point fault needs no atUs but needs an explicit heal; hit counts from 1', () => {
    expect(issuesOf({ kind: 'crash', point: 'dlm-lvb.ex-granted', hit: 2 })).toEqual([]);
    expect(issuesOf({ kind: 'pause', point: 'dlm.grant', node: 2, durationUs: '1s' })).toEqual([]);
    const noHeal = validateScenario({ name: 't', nodes: 3, durationUs: '20s', faults: { script: [{ kind: 'crash', point: 'dlm.grant' }] } }, 'f.json');
    expect(noHeal.ok ? [] : noHeal.issues.map((x) => x.path)).toEqual(['healAtUs']);
    expect(at(issuesOf({ kind: 'crash', point: 'dlm.grant', hit: 0 }))).toEqual(['faults.script[0].hit']);
    expect(at(issuesOf({ kind: 'crash', atUs: 1, node: 1, hit: 2 }))).toEqual(['faults.script[0].point']);
  });

  it('an unknown point is an error with a suggestion; a role with a point names the node faulted', () => {
    const i = issuesOf({ kind: 'crash', point: 'dlm.grnt' });
    expect(at(i)).toEqual(['faults.script[0].point']);
    expect(i[0]!.expected).toMatch(/did you mean 'dlm.grant'/);
    expect(issuesOf({ kind: 'crash', point: 'dlm.grant', role: { role: 'any' } })).toEqual([]);
    // With a point, node narrows whose hits count and role is the target; without one they clash.
    expect(issuesOf({ kind: 'crash', point: 'dlm.grant', node: 2, role: { role: 'any' } })).toEqual([]);
    expect(at(issuesOf({ kind: 'crash', atUs: '1s', node: 2, role: { role: 'any' } }))).toEqual(['faults.script[0].role']);
  });
});
