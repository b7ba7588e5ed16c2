// compare's scheduler pieces, without timing: the round estimate, the scenarios that repeat another's
// runs, the ledger of work the workers owe, the diagrams started while the seeds run, and named tasks
// on the pool (served by priority among the runs, the same value on a worker as in process).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distinctScenarios, inProcessRunner, roundFits, runCompare, variantPriority } from '../../runner/compare.ts';
import type { ScenarioEntry } from '../../runner/compare.ts';
import { DiagramPrefetch, TaskLedger } from '../../runner/compareTasks.ts';
import type { TaskDone } from '../../runner/pool.ts';
import { InProcessPool, WorkerPool } from '../../runner/pool.ts';
import { configHash, runSeed } from '../../runner/runSeed.ts';
import type { SeedOutcome, WorkerJob } from '../../runner/runSeed.ts';
import { diagramOf, diagramPicks } from '../../runner/diagram.ts';
import type { RunView } from '../../runner/runView.ts';
import { loadLibrary, loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { faultMixScenarios } from '../../reports/faultMixes.ts';
import { codeVersion, searchVersion } from '../../runner/codeVersion.ts';
import { claimsToSearch, searchClaim } from '../../runner/checkClaims.ts';
import { threadCpuMs } from '../../runner/threadCpu.ts';
import { writeFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('roundFits', () => {
  it('counts the runs left and the work owed, over the workers', () => {
    // 10 runs of 100 ms on 2 workers: 500 ms.
    expect(roundFits(0, 500, 10, 100, 0, 2)).toBe(true);
    expect(roundFits(1, 500, 10, 100, 0, 2)).toBe(false);
    // 400 ms of tasks still owed push the same round past the deadline.
    expect(roundFits(0, 500, 10, 100, 400, 2)).toBe(false);
    expect(roundFits(0, 700, 10, 100, 400, 2)).toBe(true);
    // Zero workers is read as one.
    expect(roundFits(0, 1000, 10, 100, 0, 0)).toBe(true);
  });
});

describe('distinctScenarios', () => {
  it('leaves out a scenario whose runs repeat an earlier one (only name, description or protocol differ)', () => {
    const lib = loadLibrary().filter((e) => e.scenario !== undefined).map((e) => ({ scenario: e.scenario!, source: e.name }));
    const { entries, dropped } = distinctScenarios(lib);
    expect(dropped).toContainEqual({ scenario: 'ownership-split-brain-composed', sameAs: 'ownership-minority-partition' });
    expect(entries.length + dropped.length).toBe(lib.length);
    // The check configurations differ in their `check` block (choice points reach the run): kept.
    expect(entries.map((e) => e.scenario.name)).toEqual(expect.arrayContaining(['check-dlm-lvb', 'check-dlm-lvb-reader']));
  });

  it('is right that such scenarios run the same: equal trace hashes, seed for seed', async () => {
    const base = faultMixScenarios(5, 8_000_000).find((s) => s.name === 'mix-crashes')!;
    const twin = { ...base, name: 'twin', description: 'the same runs under another name', protocol: 'gossip/forgetful' };
    const other = { ...base, name: 'other', durationUs: base.durationUs - 1_000_000 };
    const entries: ScenarioEntry[] = [{ scenario: base, source: 'a' }, { scenario: twin, source: 'b' }, { scenario: other, source: 'c' }];
    expect(distinctScenarios(entries).dropped).toEqual([{ scenario: 'twin', sameAs: 'mix-crashes' }]);
    for (const seed of [1, 2]) {
      const a = await simulate(base, { seed, protocol: 'gossip' });
      const b = await simulate(twin, { seed, protocol: 'gossip' });
      expect(b.traceHash).toBe(a.traceHash);
    }
  });
});

describe('the library scenarios compare leaves out', () => {
  // The two library files compare treats as one: run both as compare runs them (its in-process
  // runner: the same job and runSeed as on a worker) under each correct design and a flawed variant
  // the composed file was written for, and compare every field of each seed's record that does not
  // name the scenario.
  const lib = loadLibrary().filter((e) => e.scenario !== undefined).map((e) => ({ scenario: e.scenario!, source: e.name }));
  const entry = (name: string): ScenarioEntry => lib.find((e) => e.scenario.name === name)!;
  const sameRun = (r: SeedOutcome): Record<string, unknown> => {
    const { scenario: _s, ms: _m, config: _c, ...rest } = r.record;
    if (r.runFile === undefined) return rest;
    const { scenario: _rs, scenarioSource: _src, ...file } = r.runFile;
    return { ...rest, runFile: file };
  };
  const cases: [string, number][] = [['dlm-lvb', 1], ['oldest-member', 2], ['lease', 3], ['oldest-member/no-quorum', 4]];
  for (const [protocol, seed] of cases) {
    it(`ownership-split-brain-composed runs as ownership-minority-partition under ${protocol} (seed ${seed})`, async () => {
      const runs = async (name: string): Promise<Record<string, unknown>[]> => {
        const out: SeedOutcome[] = [];
        await inProcessRunner(entry(name), protocol, [seed], (r) => out.push(r));
        return out.map(sameRun);
      };
      const a = await runs('ownership-minority-partition');
      const b = await runs('ownership-split-brain-composed');
      expect(a.map((r) => r.traceHash).every((h) => typeof h === 'string' && h.length > 0)).toBe(true);
      expect(b).toEqual(a);
    }, 60_000);
  }
});

describe('TaskLedger', () => {
  it('owes each unfinished task its estimate less the time since it was submitted, and sums what finished tasks took', async () => {
    let now = 0;
    const ledger = new TaskLedger(() => now);
    let finish: (d: TaskDone<string>) => void = () => undefined;
    const a = ledger.track('claims', new Promise<TaskDone<string>>((r) => (finish = r)), 1000);
    const b = ledger.track('diagrams', Promise.resolve({ value: 'v', ms: 40 }), 300);
    expect(ledger.owedMs()).toBe(1300);
    now = 250;
    await b;
    expect(ledger.owedMs()).toBe(750);
    now = 5000;
    expect(ledger.owedMs()).toBe(0);
    finish({ value: 'claim', ms: 1234.4 });
    expect(await a).toBe('claim');
    expect(ledger.workerMs('claims')).toBe(1234);
    expect(ledger.workerMs('diagrams')).toBe(40);
    expect(ledger.workerMs('lvbTable')).toBe(0);
    const failed = ledger.track('claims', Promise.reject(new Error('closed')), 100);
    await expect(failed).rejects.toThrow('closed');
    expect(ledger.owedMs()).toBe(0);
  });
});

function failing(protocol: string, seed: number, events: number): SeedOutcome {
  return {
    type: 'result',
    record: { scenario: 's', protocol, seed, ok: false, traceHash: '', events, simTimeUs: 1, violations: [{ checker: 'c', kind: 'always', atEvent: 1, atUs: 1, message: 'm' }], coverage: {}, faultsFired: 1, ms: 1 },
    runFile: { protocol, seed } as unknown as NonNullable<SeedOutcome['runFile']>,
  };
}

describe('DiagramPrefetch', () => {
  const protocols = ['gossip', 'gossip/forgetful', 'gossip/quiet-after-heal'];
  const fakeView = (path: string): RunView => ({ runFile: path } as unknown as RunView);

  it("draws each failure as soon as it is among the report's picks, and reuses it in the final views", async () => {
    const drawn: string[] = [];
    const pre = new DiagramPrefetch(2, protocols, async (arg) => {
      drawn.push(arg.runFile);
      return fakeView(arg.runFile);
    });
    pre.failed('gossip/quiet-after-heal', failing('gossip/quiet-after-heal', 1, 500), 'q1');
    pre.failed('gossip/forgetful', failing('gossip/forgetful', 3, 900), 'f3');
    // A larger failure of a variant already drawn changes nothing.
    pre.failed('gossip/forgetful', failing('gossip/forgetful', 4, 950), 'f4');
    expect(pre.startedPaths()).toEqual(['q1', 'f3']);
    // A correct design's failure comes first in the picks: drawn too.
    pre.failed('gossip', failing('gossip', 9, 2000), 'g9');
    expect(pre.startedPaths()).toEqual(['q1', 'f3', 'g9']);
    // The final picks (correct first, at most 2) reuse what was drawn; nothing is drawn twice.
    const results = {
      protocols: [
        { protocol: 'gossip', smallestFailure: { runFile: 'g9', events: 2000 } },
        { protocol: 'gossip/forgetful', variant: 'forgetful', smallestFailure: { runFile: 'f3', events: 900 } },
        { protocol: 'gossip/quiet-after-heal', variant: 'quiet-after-heal', smallestFailure: { runFile: 'q1', events: 500 } },
      ],
    };
    const views = await pre.final(results);
    expect(views.map((v) => v.runFile)).toEqual(['g9', 'f3']);
    expect(drawn).toEqual(['q1', 'f3', 'g9']);
    expect(diagramPicks(results.protocols, 2).map((p) => p.protocol)).toEqual(['gossip', 'gossip/forgetful']);
  });

  it('leaves out a run too long to draw, and a view whose replay failed (with a warning)', async () => {
    const warnings: string[] = [];
    const pre = new DiagramPrefetch(6, protocols, async (arg) => {
      if (arg.runFile === 'bad') throw new Error('no such file');
      return fakeView(arg.runFile);
    }, (m) => warnings.push(m));
    pre.failed('gossip/forgetful', failing('gossip/forgetful', 1, 200_000), 'huge');
    pre.failed('gossip/quiet-after-heal', failing('gossip/quiet-after-heal', 1, 10), 'bad');
    expect(pre.startedPaths()).toEqual(['bad']);
    const views = await pre.final({ protocols: [
      { protocol: 'gossip/forgetful', variant: 'forgetful', smallestFailure: { runFile: 'huge', events: 200_000 } },
      { protocol: 'gossip/quiet-after-heal', variant: 'quiet-after-heal', smallestFailure: { runFile: 'bad', events: 10 } },
    ] });
    expect(views).toEqual([]);
    expect(warnings).toEqual(['could not draw bad: no such file']);
  });
});

describe('pool tasks', () => {
  const crashes = faultMixScenarios(5, 10_000_000).find((s) => s.name === 'mix-crashes')!;
  const job = (protocol: string): WorkerJob => ({ scenario: crashes, scenarioSource: 'mix-crashes', protocol, codeVersion: codeVersion(), plugins: [], createdBy: 'compare' });

  it('serve a task by priority among the runs, in process and on workers, with the same value as a direct call', async () => {
    let failed: SeedOutcome | undefined;
    for (let seed = 1; failed === undefined && seed <= 20; seed++) {
      const o = await runSeed(job('gossip/forgetful'), seed);
      if (!o.record.ok) failed = o;
    }
    expect(failed?.runFile).toBeDefined();
    const direct = await diagramOf(failed!.runFile!, 'x.run.json');
    for (const pool of [new InProcessPool(), await WorkerPool.start(2)]) {
      try {
        const order: string[] = [];
        const runs = pool.run(job('gossip'), [1, 2, 3, 4], () => order.push('seed'), () => false, { priority: 1 });
        const task = pool.task('diagram', { run: failed!.runFile!, runFile: 'x.run.json' }, { priority: 0 }).then((d) => {
          order.push('task');
          return d;
        });
        const [, done] = await Promise.all([runs, task]);
        expect(done.value).toEqual(direct);
        expect(done.ms).toBeGreaterThanOrEqual(0);
        // In process (one seed at a time, so this is the start order), the task (priority 0) runs
        // right after the seed that had started, before the seeds still waiting (priority 1).
        if (pool.size === 1) expect(order).toEqual(['seed', 'task', 'seed', 'seed', 'seed']);
        expect(order.filter((x) => x === 'seed')).toHaveLength(4);
      } finally {
        await pool.close();
      }
    }
  }, 60_000);

  it('reject when the task throws, and the pool goes on serving', async () => {
    const pool = new InProcessPool();
    await expect(pool.task('claim', { protocol: 'no-such-design', maxSchedules: 1, capMs: 1000 })).rejects.toThrow();
    const seen: number[] = [];
    await pool.run(job('gossip'), [1], (m) => seen.push(m.record.seed), () => false);
    expect(seen).toEqual([1]);
  });

  it.runIf(threadCpuMs() !== undefined)('count each worker thread\'s own CPU for the seed chunks it ran, not the other threads\'', async () => {
    const pool = await WorkerPool.start(2);
    try {
      expect(pool.workerCpuMs()).toEqual([0, 0]);
      const main0 = threadCpuMs()!;
      const cpu0 = process.cpuUsage();
      await pool.run(job('dlm-lvb'), Array.from({ length: 16 }, (_, i) => i + 1), () => undefined, () => false);
      const cpu = process.cpuUsage(cpu0);
      const main = threadCpuMs()! - main0;
      const each = pool.workerCpuMs();
      expect(each).toHaveLength(2);
      // Both workers ran chunks (16 seeds go out in several chunks to whichever is idle).
      for (const ms of each) expect(ms).toBeGreaterThan(0);
      // The workers' own clocks add up to at most the process's CPU less the main thread's (10 ms
      // ticks per chunk give the slack), and the main thread, which only hands out chunks, is not counted.
      const workers = each[0]! + each[1]!;
      expect(workers).toBeLessThanOrEqual((cpu.user + cpu.system) / 1000 - main + 10 * 16);
      expect(workers).toBeGreaterThan(main);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('claimsToSearch', () => {
  it('searches a design unless its claim is cached for this code version and configuration: complete, or at the same schedule cap', () => {
    const file = join(dir, 'claims.json');
    const v = codeVersion();
    const search = searchVersion();
    const config = (p: string): string => configHash(loadScenario(`check-${p}`).scenario, p);
    writeFileSync(file, JSON.stringify({
      'dlm-lvb': { codeVersion: v, config: config('dlm-lvb'), search, bound: 'faults=2,delays=2', complete: true, claim: 'x' },
      'oldest-member': { codeVersion: v, config: config('oldest-member'), search, bound: 'schedules=2000', complete: false, claim: 'x' },
      lease: { codeVersion: v, config: config('lease'), search, bound: 'time', complete: false, claim: 'x' },
    }));
    expect(claimsToSearch(['dlm-lvb', 'dlm-lvb/no-fencing', 'oldest-member', 'lease'], file, 2000)).toEqual(['lease']);
    expect(claimsToSearch(['oldest-member'], file, 3000)).toEqual(['oldest-member']);
    writeFileSync(file, JSON.stringify({ 'dlm-lvb': { codeVersion: 'other', config: config('dlm-lvb'), search, bound: 'faults=2,delays=2', complete: true, claim: 'x' } }));
    expect(claimsToSearch(['dlm-lvb'], file)).toEqual(['dlm-lvb']);
    // The search engine (runner/check*.ts) is outside the code version too: a claim another search found is searched again.
    writeFileSync(file, JSON.stringify({ 'dlm-lvb': { codeVersion: v, config: config('dlm-lvb'), search: 'other', bound: 'faults=2,delays=2', complete: true, claim: 'x' } }));
    expect(claimsToSearch(['dlm-lvb'], file)).toEqual(['dlm-lvb']);
    // The check configurations are JSON, outside the code version: another configuration (or a
    // cache written before the configuration was recorded) is searched again.
    writeFileSync(file, JSON.stringify({
      'dlm-lvb': { codeVersion: v, config: config('oldest-member'), search, bound: 'faults=2,delays=2', complete: true, claim: 'x' },
      'oldest-member': { codeVersion: v, search, bound: 'faults=2,delays=2', complete: true, claim: 'x' },
    }));
    expect(claimsToSearch(['dlm-lvb', 'oldest-member'], file)).toEqual(['dlm-lvb', 'oldest-member']);
  });
});

describe('searchClaim', () => {
  it('stops at the schedule cap (the cached key) or, cut by its CPU safety stop, says so and is not reused', async () => {
    const capped = await searchClaim({ protocol: 'lease', maxSchedules: 5, capMs: 600_000 });
    expect(capped).toMatchObject({ codeVersion: codeVersion(), config: configHash(loadScenario('check-lease').scenario, 'lease'), bound: 'schedules=5', complete: false });
    expect(capped.claim).toContain('incomplete (schedules): 5 schedules explored');
    const cut = await searchClaim({ protocol: 'lease', maxSchedules: 2000, capMs: 0 });
    expect(cut).toMatchObject({ bound: 'time', complete: false });
    expect(cut.claim).toContain('incomplete (time)');
    const file = join(dir, 'claims-cut.json');
    writeFileSync(file, JSON.stringify({ lease: cut }));
    expect(claimsToSearch(['lease'], file)).toEqual(['lease']);
  }, 60_000);
});

describe('--seeds auto priorities', () => {
  const mix = faultMixScenarios(5, 8_000_000).find((s) => s.name === 'mix-crashes')!;
  const aimedAt = { ...mix, name: 'aimed', protocol: 'gossip' };
  const other = { ...mix, name: 'other', durationUs: mix.durationUs + 1 };
  const outcome = (scenario: string, protocol: string, seed: number, fail: boolean): SeedOutcome => ({
    type: 'result',
    record: { scenario, protocol, seed, ok: !fail, traceHash: '', events: 10, simTimeUs: 1, violations: fail ? [{ checker: 'c', kind: 'always', atEvent: 1, atUs: 1, message: 'm' }] : [], coverage: {}, faultsFired: 0, ms: 1 },
  });

  it("runs a variant's first seed first on its design's scenarios, elsewhere after the rounds up to the target", async () => {
    const calls: { scenario: string; protocol: string; seed: number; priority: number }[] = [];
    const fails = new Set(['other|gossip/forgetful']);
    const runner = async (entry: ScenarioEntry, protocol: string, seeds: readonly number[], onRun: (o: SeedOutcome) => void, opts?: { priority?: number }): Promise<void> => {
      for (const seed of seeds) {
        calls.push({ scenario: entry.scenario.name, protocol, seed, priority: opts?.priority ?? 0 });
        onRun(outcome(entry.scenario.name, protocol, seed, fails.has(`${entry.scenario.name}|${protocol}`)));
      }
    };
    const r = await runCompare({
      protocols: ['gossip', 'gossip/forgetful'], scenarios: [{ scenario: aimedAt, source: 'a' }, { scenario: other, source: 'b' }],
      seeds: 'auto', budgetMs: 600_000, targetRuns: 4, runner, workers: 2,
    });
    const variant = calls.filter((c) => c.protocol === 'gossip/forgetful');
    // Aimed scenario first (priority 0), then the other one at 2 (after the rounds' 1), where it is caught.
    expect(variant).toEqual([
      { scenario: 'aimed', protocol: 'gossip/forgetful', seed: 1, priority: 0 },
      { scenario: 'other', protocol: 'gossip/forgetful', seed: 1, priority: 2 },
    ]);
    // The correct design: 2 rounds (4 runs over 2 scenarios), at priority 1.
    expect(calls.filter((c) => c.protocol === 'gossip').map((c) => [c.seed, c.priority])).toEqual([[1, 1], [1, 1], [2, 1], [2, 1]]);
    expect(r.roundsEndedMs).toHaveLength(2);
    expect(r.roundRefused).toBeUndefined();
  });

  it("runs a variant's first seed on every aimed scenario even when the budget is spent, and nothing more", async () => {
    const calls: { scenario: string; protocol: string; seed: number }[] = [];
    const aimed2 = { ...aimedAt, name: 'aimed2', durationUs: aimedAt.durationUs + 2 };
    const aimed3 = { ...aimedAt, name: 'aimed3', durationUs: aimedAt.durationUs + 3 };
    const runner = async (entry: ScenarioEntry, protocol: string, seeds: readonly number[], onRun: (o: SeedOutcome) => void): Promise<void> => {
      for (const seed of seeds) {
        calls.push({ scenario: entry.scenario.name, protocol, seed });
        onRun(outcome(entry.scenario.name, protocol, seed, entry.scenario.name === 'aimed3' && protocol === 'gossip/forgetful'));
      }
    };
    const scenarios = [aimedAt, other, aimed2, aimed3].map((scenario) => ({ scenario, source: scenario.name }));
    // A budget of 0 is spent before the second run of anything.
    await runCompare({ protocols: ['gossip', 'gossip/forgetful'], scenarios, seeds: 'auto', budgetMs: 0, targetRuns: 400, runner, workers: 2 });
    // Caught on the third aimed scenario: the sweep of aimed scenarios ran whole; 'other' never ran.
    expect(calls.filter((c) => c.protocol === 'gossip/forgetful').map((c) => `${c.scenario}@${c.seed}`)).toEqual(['aimed@1', 'aimed2@1', 'aimed3@1']);
    // The correct design's first round runs whole too; no second round.
    expect(calls.filter((c) => c.protocol === 'gossip').map((c) => c.seed)).toEqual([1, 1, 1, 1]);
  });

  it('runs every first seed first when no scenario is aimed at the design; refuses a round that would end past the budget', async () => {
    const calls: { protocol: string; priority: number }[] = [];
    const runner = async (entry: ScenarioEntry, protocol: string, seeds: readonly number[], onRun: (o: SeedOutcome) => void, opts?: { priority?: number }): Promise<void> => {
      for (const seed of seeds) {
        calls.push({ protocol, priority: opts?.priority ?? 0 });
        // Each run reports a day of worker time: no second round can fit.
        const o = outcome(entry.scenario.name, protocol, seed, false);
        o.record.ms = 86_400_000;
        onRun(o);
      }
    };
    const r = await runCompare({
      protocols: ['gossip', 'gossip/forgetful'], scenarios: [{ scenario: mix, source: 'a' }, { scenario: other, source: 'b' }],
      seeds: 'auto', budgetMs: 600_000, targetRuns: 4, maxSeeds: 3, runner, workers: 2,
    });
    // Never caught: seed 1 everywhere first (0), then seeds 2 and 3 by seed (3, 4).
    expect(calls.filter((c) => c.protocol === 'gossip/forgetful').map((c) => c.priority)).toEqual([0, 0, 3, 3, 4, 4]);
    expect(r.roundsEndedMs).toHaveLength(1);
    expect(r.roundRefused).toMatchObject({ round: 1, leftRuns: 2, perRunMs: 86_400_000, reservedMs: 0 });
    expect(variantPriority(0, true)).toBe(0);
    expect(variantPriority(0, false)).toBe(2);
    expect(variantPriority(3, true)).toBe(5);
  });
});
