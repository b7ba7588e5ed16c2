// shrinkRun: failing runs of the flawed demo variant shrink to a small run that replays to the same
// checker violation, deterministically and within the run budget.
import { beforeAll, describe, expect, it } from 'vitest';
import { NotReproducedError, shrinkRun, simulateRunFile } from '../../scenarios/shrink.ts';
import type { ShrinkProgress, ShrinkResult } from '../../scenarios/shrink.ts';
import type { RunFile } from '../../scenarios/runfile.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { validateScenario } from '../../scenarios/validate.ts';
import { GOSSIP_SWARM, failingRunFiles, runFileOf } from './fixtures.ts';

describe('shrinkRun on gossip/forgetful', () => {
  let files: RunFile[];
  let results: ShrinkResult[];

  beforeAll(async () => {
    files = await failingRunFiles(GOSSIP_SWARM, 'gossip/forgetful', 6);
    results = [];
    for (const rf of files) results.push(await shrinkRun(rf, { maxRuns: 400 }));
  });

  it('found failing seeds to shrink', () => {
    expect(files).toHaveLength(6);
    expect(files.every((f) => f.violations.some((v) => v.checker === 'gossip-monotonic'))).toBe(true);
  });

  it('keeps the same checker failing and fails nothing new', () => {
    for (const [i, s] of results.entries()) {
      expect(s.checker).toBe('gossip-monotonic');
      expect(s.after.violation.checker).toBe('gossip-monotonic');
      const before = new Set(files[i]!.violations.map((v) => v.checker));
      for (const v of s.runFile.violations) expect(before.has(v.checker)).toBe(true);
    }
  });

  it('reduces faults to at most two and events by at least 10x', () => {
    for (const s of results) {
      expect(s.after.faults).toBeLessThanOrEqual(Math.min(2, s.before.faults));
      expect(s.after.events * 10).toBeLessThanOrEqual(s.before.events);
      expect(s.after.simTimeUs).toBeLessThan(s.before.simTimeUs);
      expect(s.after.nodes).toBeLessThanOrEqual(s.before.nodes);
    }
  });

  it('drops network noise: no non-default decisions left on the tape', () => {
    for (const s of results) {
      expect(s.before.decisions).toBeGreaterThan(0);
      expect(s.after.decisions).toBe(0);
    }
  });

  it('drops unneeded nodes in some runs, renumbering the faults', () => {
    expect(results.some((s) => s.after.nodes < s.before.nodes)).toBe(true);
    for (const s of results) {
      for (const f of s.runFile.faults) if (f.node !== undefined) expect(f.node).toBeLessThanOrEqual(s.runFile.scenario.nodes);
    }
  });

  it('writes a run-file that replays to the same trace hash and violation', async () => {
    for (const s of results) {
      const r = await simulateRunFile(s.runFile);
      expect(r.traceHash).toBe(s.runFile.traceHash);
      expect(r.events).toBe(s.runFile.events);
      expect(r.violations.map((v) => v.checker)).toEqual(s.runFile.violations.map((v) => v.checker));
      expect(s.runFile.createdBy).toBe('shrink');
      expect(s.runFile.scenario.faults.swarm).toBeUndefined();
      expect(s.runFile.scenario.faults.script).toEqual(s.runFile.faults);
      expect(validateScenario(s.runFile.scenario, 'shrunk').ok).toBe(true);
    }
  });

  it('shrinks a shrunk run-file again to one no larger (a fixpoint, not a drift)', async () => {
    const twice = await shrinkRun(results[1]!.runFile, { maxRuns: 200 });
    expect(twice.after.faults).toBeLessThanOrEqual(results[1]!.after.faults);
    expect(twice.after.nodes).toBeLessThanOrEqual(results[1]!.after.nodes);
    expect(twice.after.violation.checker).toBe('gossip-monotonic');
    expect((await simulateRunFile(twice.runFile)).traceHash).toBe(twice.runFile.traceHash);
  });

  it('is deterministic: the same input shrinks to the same run-file', async () => {
    const again = await shrinkRun(files[0]!, { maxRuns: 400 });
    expect(again.runFile).toEqual(results[0]!.runFile);
    expect(again.runs).toBe(results[0]!.runs);
  });
});

describe('shrinkRun budget and errors', () => {
  it('stops at maxRuns, keeping the smallest failure found so far', async () => {
    const [rf] = await failingRunFiles(GOSSIP_SWARM, 'gossip/forgetful', 1);
    const s = await shrinkRun(rf!, { maxRuns: 5 });
    expect(s.runs).toBeLessThanOrEqual(5);
    expect(s.runs).toBeGreaterThanOrEqual(4);
    expect(s.complete).toBe(false);
    expect(s.after.violation.checker).toBe('gossip-monotonic');
    expect((await simulateRunFile(s.runFile)).traceHash).toBe(s.runFile.traceHash);
  });

  it('stops when shouldStop says so, and reports progress', async () => {
    const [rf] = await failingRunFiles(GOSSIP_SWARM, 'gossip/forgetful', 1);
    const seen: ShrinkProgress[] = [];
    let polls = 0;
    const s = await shrinkRun(rf!, { shouldStop: () => ++polls > 8, onProgress: (p) => seen.push(p) });
    // Eight fast-mode runs, plus the first full run and verifications of what they found.
    expect(s.runs).toBeGreaterThanOrEqual(8);
    expect(s.runs).toBeLessThanOrEqual(12);
    expect(s.complete).toBe(false);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((p) => p.runs)).toEqual([...seen.map((p) => p.runs)].sort((a, b) => a - b));
  });

  it('refuses a run-file whose run passes', async () => {
    const r = await simulate(GOSSIP_SWARM, { seed: 1, protocol: 'gossip' });
    expect(r.ok).toBe(true);
    await expect(shrinkRun(runFileOf(GOSSIP_SWARM, 'gossip', r))).rejects.toThrow(NotReproducedError);
  });

  it('refuses when the named checker does not fail', async () => {
    const [rf] = await failingRunFiles(GOSSIP_SWARM, 'gossip/forgetful', 1);
    await expect(shrinkRun(rf!, { checker: 'gossip-converges' })).rejects.toThrow(/does not violate 'gossip-converges'/);
  });
});

describe('shrinkRun on a scripted scenario with workload clients', () => {
  it('shrinks the client list and keeps it non-empty', async () => {
    const scenario = {
      name: 'scripted', description: 'Scripted crashes, explicit clients.', nodes: 4, durationUs: 20_000_000, healAtUs: 8_000_000,
      clients: [1, 2, 3, 4],
      faults: { script: [
        { kind: 'pause', atUs: 1_000_000, node: 2, durationUs: 500_000 },
        { kind: 'crash', atUs: 3_000_000, node: 3, durationUs: 1_000_000 },
        { kind: 'partition', atUs: 4_000_000, shape: 'halves' as const, durationUs: 2_000_000 },
      ] },
    };
    const r = await simulate(scenario, { seed: 7, protocol: 'gossip/forgetful' });
    expect(r.ok).toBe(false);
    const s = await shrinkRun(runFileOf(scenario, 'gossip/forgetful', r), { maxRuns: 300 });
    expect(s.after.faults).toBe(1);
    expect(s.runFile.faults[0]!.kind).toBe('crash');
    expect(s.runFile.scenario.clients!.length).toBeGreaterThanOrEqual(1);
    expect(s.runFile.scenario.clients!.length).toBeLessThan(4);
    expect((await simulateRunFile(s.runFile)).violations[0]!.checker).toBe('gossip-monotonic');
  });
});
