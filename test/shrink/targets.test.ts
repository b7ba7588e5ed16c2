// Replay and shrink stay byte-exact for runs with role targets and fault points: the run-file
// records what each fault resolved to, replays to the same hash, and shrink drops the faults that
// do not matter (a role target, a point never reached) like any other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan, simulate } from '../../scenarios/simulate.ts';
import { shrinkRun, simulateRunFile } from '../../scenarios/shrink.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { buildRunFile, readRunFile, writeRunFile } from '../../runner/runFiles.ts';
import type { RunFile } from '../../scenarios/runfile.ts';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function recorded(scenario: Scenario, protocol: string, seed: number): Promise<RunFile> {
  const r = await simulate(scenario, { seed, protocol });
  expect(r.ok).toBe(false);
  const path = join(dir, `${scenario.name}-${seed}.run.json`);
  writeRunFile(path, buildRunFile({
    scenario, scenarioSource: scenario.name, protocol, seed, network: plan(scenario, { seed }).network,
    tapeOverrides: [], result: r, codeVersion: 'test', createdBy: 'run',
  }));
  return readRunFile(path);
}

describe('replay with role targets and fault points', () => {
  it.each([
    ['dlm-lvb-crash-before-lvb-write', 'dlm-lvb/ignore-valnotvalid', 1],
    ['ownership-paused-owner-by-role', 'lease/no-token-check', 2],
  ] as const)('%s under %s replays exactly and records what the faults resolved to', async (name, protocol, seed) => {
    const rf = await recorded(loadScenario(name).scenario, protocol, seed);
    expect(rf.faultsFired!.length).toBe(1);
    expect(rf.faultsFired![0]!.point ?? rf.faultsFired![0]!.role).toBeDefined();
    const again = await simulateRunFile(rf);
    expect(again.traceHash).toBe(rf.traceHash);
    expect(again.violations).toEqual(rf.violations);
    expect(again.faultsFired).toEqual(rf.faultsFired);
  });
});

describe('shrink with role targets and fault points', () => {
  it('drops a role-targeted clock jump and a never-reached point fault, keeps the crash at the point, and replays', async () => {
    const base = loadScenario('dlm-lvb-crash-before-lvb-write').scenario;
    const scenario: Scenario = {
      ...base,
      faults: {
        script: [
          { kind: 'clock-jump', atUs: 15_000_000, deltaUs: 1_000, role: { role: 'oldest-member' } },
          ...base.faults.script!,
          { kind: 'crash', atUs: 0, point: 'oldest-member.claimed' },
        ],
      },
    };
    const rf = await recorded(scenario, 'dlm-lvb/ignore-valnotvalid', 1);
    expect(rf.faultsNotFired!.map((f) => f.index)).toEqual([2]);
    const s = await shrinkRun(rf, { maxRuns: 40 });
    expect(s.runFile.faults.map((f) => [f.kind, f.point])).toEqual([['crash', 'dlm-lvb.claimed']]);
    const path = join(dir, 'shrunk.run.json');
    writeRunFile(path, s.runFile);
    const back = await simulateRunFile(readRunFile(path));
    expect(back.traceHash).toBe(s.runFile.traceHash);
    expect(back.violations.map((v) => v.checker)).toContain('ownership-effect');
    expect(back.faultsFired).toEqual(s.runFile.faultsFired);
  });
});
