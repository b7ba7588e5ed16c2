// The scripted DLM workload ('dlm-script') behind the small check configurations of the DLM's
// scripted variants: bad programs are refused naming file and field (exit 2 at the CLI), the script
// makes the calls it declares (issue 13's CONVDEADLK case: a demotion), the master's death after the
// demotion is a choice the search makes, and the correct DLM completes a configuration without a
// violation. The glock-cache workload is selectable in a scenario with its options.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, parseBound } from '../../runner/check.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { validateScenario } from '../../scenarios/validate.ts';
import type { ScenarioIssue } from '../../scenarios/validate.ts';
import { cli } from '../cli/inProcess.ts';
import { workdir } from '../cli/helpers.ts';

const base = { name: 's', nodes: 3, durationUs: '3s', protocol: 'dlm' };

function issues(programs: unknown, extra: Record<string, unknown> = {}): ScenarioIssue[] {
  const r = validateScenario({ ...base, workload: { kind: 'dlm-script', programs, ...extra } }, 'f.json');
  return r.ok ? [] : r.issues;
}

const at = (list: ScenarioIssue[]): string[] => list.map((i) => `${i.file}: ${i.path}`);

describe('dlm-script: validation names file and field', () => {
  it('a good program passes, its durations read at any depth', () => {
    const r = validateScenario({
      ...base,
      workload: { kind: 'dlm-script', programs: [{ node: 2, ops: [{ op: 'lock', lock: 'A', resource: 'r0', mode: 'CW', atUs: '550ms' }, { op: 'sleep', afterUs: '20ms' }] }] },
    }, 'f.json');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ops = (r.scenario.workload as unknown as { programs: { ops: { atUs?: number; afterUs?: number }[] }[] }).programs[0]!.ops;
    expect(ops[0]!.atUs).toBe(550_000);
    expect(ops[1]!.afterUs).toBe(20_000);
  });

  it('field-level errors: unknown op, mode, flag, field, bad duration', () => {
    expect(at(issues([{ node: 1, ops: [{ op: 'grab', lock: 'A' }] }]))).toEqual(['f.json: workload.programs[0].ops[0].op']);
    expect(at(issues([{ node: 1, ops: [{ op: 'lock', lock: 'A', resource: 'r', mode: 'XX' }] }]))).toEqual(['f.json: workload.programs[0].ops[0].mode']);
    expect(at(issues([{ node: 1, ops: [{ op: 'lock', lock: 'A', resource: 'r', mode: 'NL', flags: ['convDeadLock'] }] }]))).toEqual(['f.json: workload.programs[0].ops[0].flags[0]']);
    expect(at(issues([{ node: 1, ops: [{ op: 'lock', lock: 'A', resource: 'r', mode: 'NL', colour: 'red' }] }]))).toEqual(['f.json: workload.programs[0].ops[0].colour']);
    const d = issues([{ node: 1, ops: [{ op: 'sleep', atUs: 'soon' }] }]);
    expect(at(d)).toEqual(['f.json: workload.programs[0].ops[0].atUs']);
    expect(d[0]!.expected).toMatch(/duration/);
  });

  it('what the schema cannot say: node outside the cluster, two programs for a node, fields an op does not read, undeclared handles', () => {
    const n = issues([{ node: 4, ops: [{ op: 'sleep' }] }]);
    expect(at(n)).toEqual(['f.json: workload.programs[0].node']);
    expect(n[0]!.expected).toMatch(/from 1 to 3/);
    expect(at(issues([{ node: 1, ops: [{ op: 'sleep' }] }, { node: 1, ops: [{ op: 'sleep' }] }]))).toEqual(['f.json: workload.programs[1].node']);
    const missing = issues([{ node: 1, ops: [{ op: 'convert', lock: 'A' }] }]);
    expect(at(missing)).toEqual(['f.json: workload.programs[0].ops[0].mode', 'f.json: workload.programs[0].ops[0].lock']);
    expect(missing[1]!.expected).toMatch(/an earlier 'lock' operation/);
    expect(at(issues([{ node: 1, ops: [{ op: 'lock', lock: 'A', resource: 'r', mode: 'NL', invalidate: true }] }]))).toEqual(['f.json: workload.programs[0].ops[0].invalidate']);
    expect(at(issues([{ node: 1, ops: [{ op: 'lock', lock: 'A', resource: 'r', mode: 'NL' }, { op: 'lock', lock: 'A', resource: 'r', mode: 'PR' }] }]))).toEqual(['f.json: workload.programs[0].ops[1].lock']);
  });

  it('the CLI refuses a bad program with exit 2, naming file and field', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...base, workload: { kind: 'dlm-script', programs: [{ node: 2, ops: [{ op: 'unlock', lock: 'B' }] }] } }));
    const r = await cli(['check', 'bad.json', '--workers', '1'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.json: workload.programs[0].ops[0].lock');
  });

  it('glock-cache is selectable in a scenario with its options; a bad one names the field', () => {
    expect(validateScenario({ ...base, workload: { kind: 'glock-cache', workersPerNode: 1, writeChance: 0.5, thinkMaxUs: '100ms' } }, 'g.json').ok).toBe(true);
    const r = validateScenario({ ...base, workload: { kind: 'glock-cache', writeChance: 2 } }, 'g.json');
    expect(r.ok ? [] : at(r.issues)).toEqual(['g.json: workload.writeChance']);
  });
});

describe('dlm-script: the calls and the search', () => {
  const convdeadlk = loadScenario('check-dlm-convdeadlk').scenario;

  it("makes issue 13's CONVDEADLK case: the master demotes A and tells its owner; every operation completes", async () => {
    const kinds: string[] = [];
    const r = await simulate(convdeadlk, { seed: 1, trace: (rec) => { if (rec.k === 'dlm-demoted' || rec.k === 'dlm-complete') kinds.push(String(rec.k)); } });
    expect(r.violations).toEqual([]);
    expect(kinds.filter((k) => k === 'dlm-demoted')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'dlm-complete')).toHaveLength(8);
  });

  it("dlm/no-demote-reply: the search chooses the master's death after the demotion and dlm-compat fires", async () => {
    const r = await check({ scenario: convdeadlk, protocol: 'dlm/no-demote-reply', seed: 1, bound: parseBound(convdeadlk.check!.bound!), maxSchedules: 200 });
    expect(r.counterexamples).toHaveLength(1);
    const cx = r.counterexamples[0]!;
    expect(cx.violations.map((v) => v.checker)).toContain('dlm-compat');
    expect(cx.deviations.some(([, value, cls]) => cls === 'crash' && value === 1)).toBe(true); // node 1, the master
  }, 60_000);

  it('the correct dlm completes check-dlm-flags at faults=1,delays=1 with no violation', async () => {
    const sc = loadScenario('check-dlm-flags').scenario;
    const r = await check({ scenario: sc, protocol: 'dlm', seed: 1, bound: parseBound('faults=1,delays=1') });
    expect(r.counterexamples).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.schedules).toBeGreaterThan(50);
  }, 120_000);
});
