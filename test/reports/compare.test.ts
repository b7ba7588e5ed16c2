import { answerQuestion } from '../../reports/answer.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderJunit } from '../../reports/junit.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan, simulate } from '../../scenarios/simulate.ts';
import { compatibleScenarios, expandProtocols, inProcessRunner, poolRunner, runCompare } from '../../runner/compare.ts';
import type { ScenarioEntry } from '../../runner/compare.ts';
import { faultMixScenarios } from '../../reports/faultMixes.ts';
import { readRunFile } from '../../runner/runFiles.ts';
import { InProcessPool, WorkerPool } from '../../runner/pool.ts';
import type { SeedOutcome } from '../../runner/runSeed.ts';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mixes = faultMixScenarios(5, 10_000_000);
const crashes: ScenarioEntry = { scenario: mixes.find((s) => s.name === 'mix-crashes')!, source: 'mix-crashes' };
const standard: ScenarioEntry = { scenario: mixes.find((s) => s.name === 'mix-standard')!, source: 'mix-standard' };

describe('identical fault tapes', () => {
  it('plan() draws the same schedule for a seed whatever the protocol, and simulate() runs it', async () => {
    for (const seed of [1, 2, 3, 17]) {
      const planned = plan(standard.scenario, { seed });
      const a = await simulate(standard.scenario, { seed, protocol: 'gossip' });
      const b = await simulate(standard.scenario, { seed, protocol: 'gossip/forgetful' });
      expect(a.faults).toEqual(planned.faults);
      expect(b.faults).toEqual(planned.faults);
      expect(a.knobs).toEqual(b.knobs);
      expect(a.faultsFired.map((f) => [f.kind, f.atUs])).toEqual(b.faultsFired.map((f) => [f.kind, f.atUs]));
    }
    // Different seeds do draw different schedules (the tape is the seed's, not a constant).
    expect(plan(standard.scenario, { seed: 1 }).faults).not.toEqual(plan(standard.scenario, { seed: 2 }).faults);
  });
});

describe('expandProtocols', () => {
  it('brings each base protocol with its variants, and keeps an explicit variant alone', () => {
    expect(expandProtocols(['gossip'])).toEqual(['gossip', 'gossip/forgetful', 'gossip/quiet-after-heal']);
    expect(expandProtocols(['gossip'], false)).toEqual(['gossip']);
    expect(expandProtocols(['gossip/forgetful'])).toEqual(['gossip/forgetful']);
    expect(() => expandProtocols(['nope'])).toThrow(/unknown protocol/);
    const all = expandProtocols();
    expect(all.length).toBeGreaterThan(0);
  });
});

describe('compatibleScenarios', () => {
  it('leaves out, for every protocol, a scenario one protocol cannot build', () => {
    // A programmatic scenario (no validator in between) naming a workload no layer knows.
    const odd: ScenarioEntry = { scenario: { ...crashes.scenario, name: 'odd-workload', workload: { kind: 'no-such-workload' } }, source: 'odd' };
    const r = compatibleScenarios([crashes, odd], ['gossip', 'lease']);
    expect(r.entries.map((e) => e.scenario.name)).toEqual(['mix-crashes']);
    expect(r.skipped).toEqual([expect.objectContaining({ scenario: 'odd-workload', protocol: 'lease' })]);
    expect(compatibleScenarios([crashes, odd], ['gossip']).entries).toHaveLength(2);
  });
});

describe('runCompare', () => {
  it('catches the flawed variant, clears the correct protocol, writes replayable smallest examples', async () => {
    const r = await runCompare({ protocols: ['gossip', 'gossip/forgetful'], scenarios: [crashes, standard], seeds: 12, runDir: dir, runFilesPerCell: 2 });
    expect(r.cells).toHaveLength(4);
    expect(r.seedsPerCell).toBe(12);
    expect(r.seedMode).toBe('fixed');
    const good = r.protocols.find((p) => p.protocol === 'gossip')!;
    const bad = r.protocols.find((p) => p.protocol === 'gossip/forgetful')!;
    // The explore fields of DESIGN §5, per protocol.
    for (const p of r.protocols) {
      expect(p).toMatchObject({ scenario: 'mix-crashes,mix-standard', seeds: 24 });
      expect(typeof p.failed).toBe('number');
      expect(Array.isArray(p.failures)).toBe(true);
      expect(typeof p.checkersFired).toBe('object');
      expect(p.seedsPerSec).toBeGreaterThan(0);
      expect(p.linesOfCode).toBeGreaterThan(20);
    }
    expect(good.failed).toBe(0);
    expect(good.safety.count).toBe(0);
    expect(bad.failed).toBeGreaterThan(0);
    expect(bad.checkersFired['gossip-monotonic']).toBe(bad.failed);
    expect(bad.flaw).toMatch(/volatile/);
    const cell = r.cells.find((c) => c.protocol === 'gossip/forgetful' && c.scenario === 'mix-crashes')!;
    expect(cell.byChecker[0]).toMatchObject({ checker: 'gossip-monotonic', kind: 'always', count: cell.failed, n: 12 });
    expect(cell.metrics.steadyMessagesPerSec?.n).toBe(12);
    // The smallest failing example has a run-file that replays to the same run.
    const small = bad.smallestFailure!;
    expect(small.runFile).toBeDefined();
    const allFailures = r.cells.filter((c) => c.protocol === bad.protocol).flatMap((c) => c.failures);
    expect(small.events).toBe(Math.min(...allFailures.map((f) => f.events)));
    const rf = readRunFile(small.runFile!);
    expect(rf).toMatchObject({ protocol: 'gossip/forgetful', seed: small.seed, createdBy: 'compare' });
    const again = await simulate(rf.scenario, { seed: rf.seed, protocol: rf.protocol, faults: rf.faults, network: rf.network });
    expect(again.traceHash).toBe(rf.traceHash);
    expect(again.violations.map((v) => v.checker)).toEqual(rf.violations.map((v) => v.checker));
    expect(answerQuestion(r).join(' ')).toMatch(/gossip\/forgetful in \d+ of 24 runs/);
  });

  it('is deterministic: the same seeds give the same table', async () => {
    const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'wallMs' || k === 'seedsPerSec' ? 0 : v)));
    const opts = { protocols: ['gossip/forgetful'], scenarios: [crashes], seeds: 8 } as const;
    const a = await runCompare({ ...opts, scenarios: [...opts.scenarios], protocols: [...opts.protocols] });
    const b = await runCompare({ ...opts, scenarios: [...opts.scenarios], protocols: [...opts.protocols] });
    expect(strip(a.cells)).toEqual(strip(b.cells));
  });

  it('with --seeds auto runs the correct design at least the first round, more when there is time', async () => {
    const r = await runCompare({ protocols: ['gossip'], scenarios: [crashes], seeds: 'auto', budgetMs: 1 });
    expect(r.seedMode).toBe('auto');
    expect(r.seedsPerCell).toBe(1);
    expect(r.cells[0]!.seeds).toBe(1);
    const more = await runCompare({ protocols: ['gossip'], scenarios: [crashes, standard], seeds: 'auto', budgetMs: 1500 });
    expect(more.seedsPerCell).toBeGreaterThan(1);
    expect(more.protocols[0]!.seedsPerScenario).toBe(more.seedsPerCell);
  });

  it('with --seeds auto gives every correct design the same seeds and stops each variant once caught', async () => {
    const protocols = ['gossip', 'gossip/forgetful', 'gossip/quiet-after-heal'];
    const r = await runCompare({ protocols, scenarios: [crashes, standard], seeds: 'auto', budgetMs: 120_000, maxSeeds: 4 });
    // The correct design ran every round on every scenario: the cap, on a budget that is not the limit.
    const good = r.cells.filter((c) => c.protocol === 'gossip');
    expect(good.map((c) => c.seeds)).toEqual([4, 4]);
    expect(r.protocols.find((p) => p.protocol === 'gossip')).toMatchObject({ seeds: 8, seedsPerScenario: 4, scenariosRun: 2 });
    for (const v of ['gossip/forgetful', 'gossip/quiet-after-heal']) {
      const p = r.protocols.find((x) => x.protocol === v)!;
      // A variant's runs are sequential (VARIANT_BATCH = 1): seed 1 on each scenario in order, then
      // seed 2 …; it stops at the run that caught it, so it ran exactly the runs up to that one.
      expect(p.failed).toBe(1);
      const f = p.failures[0]!;
      const order = [crashes, standard].map((e) => e.scenario.name);
      const cellOf = r.cells.find((c) => c.protocol === v && c.failures.length > 0)!;
      const at = (f.seed - r.seedStart) * order.length + order.indexOf(cellOf.scenario);
      expect(p.seeds).toBe(at + 1);
    }
    expect(r.seedsPerCell).toBeUndefined();
    expect(answerQuestion(r).join(' ')).toMatch(/each ran until its first counterexample/);
    // Every renderer tells the unequal counts honestly.
    r.answer = answerQuestion(r);
    const term = renderTerminal(r, { color: false, perScenario: true });
    expect(term).toContain('× 4 seeds per correct design (seeds 1–4), flawed variants until caught');
    expect(term).toMatch(/workers busy \d+%/);
    const md = renderMarkdown(r);
    expect(md).toContain('4 seeds per correct design');
    expect(md).toMatch(/each flawed variant ran the same seeds until one caught it/);
    const html = renderHtml({ results: r });
    expect(html).toContain('flawed variants until caught');
    const junit = renderJunit(r);
    const forgetfulCells = r.cells.filter((c) => c.protocol === 'gossip/forgetful').length;
    expect(junit).toContain(`name="gossip/forgetful" tests="${forgetfulCells}"`);
    for (const out of [term, md, junit]) expect(out).not.toMatch(/undefined|NaN/);
    expect(html.split('<script>')[0]).not.toMatch(/undefined|NaN/);
  });

  it('with --seeds auto stops the correct designs at the target runs, however much budget is left', async () => {
    const r = await runCompare({ protocols: ['gossip'], scenarios: [crashes, standard], seeds: 'auto', budgetMs: 120_000, targetRuns: 5 });
    // 5 runs over 2 scenarios: 3 whole rounds (the bound is over rounds of the scenario set).
    expect(r.seedsPerCell).toBe(3);
    expect(r.workerMs).toBeGreaterThan(0);
    const more = await runCompare({ protocols: ['gossip'], scenarios: [crashes], seeds: 'auto', budgetMs: 120_000, targetRuns: 2, stopAtTarget: false, maxSeeds: 4 });
    expect(more.seedsPerCell).toBe(4);
  });

  it('gives the same summaries whatever the number of workers (cells run concurrently on the pool)', async () => {
    const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'wallMs' || k === 'seedsPerSec' || k === 'workers' ? 0 : v)));
    const base = { protocols: ['gossip', 'gossip/forgetful'], scenarios: [crashes, standard], seeds: 6 } as const;
    const one = await runCompare({ ...base, protocols: [...base.protocols], scenarios: [...base.scenarios], runner: poolRunner(new InProcessPool()), workers: 1 });
    const pool = await WorkerPool.start(2);
    try {
      const two = await runCompare({ ...base, protocols: [...base.protocols], scenarios: [...base.scenarios], runner: poolRunner(pool), workers: 2 });
      expect(strip(two.cells)).toEqual(strip(one.cells));
      expect(strip(two.protocols)).toEqual(strip(one.protocols));
      // Variant stopping under 'auto' depends on outcomes only: the same on one worker and on two.
      const auto = { protocols: ['gossip', 'gossip/forgetful'], scenarios: [crashes, standard], seeds: 'auto', budgetMs: 120_000, maxSeeds: 3 } as const;
      const a1 = await runCompare({ ...auto, protocols: [...auto.protocols], scenarios: [...auto.scenarios], runner: poolRunner(new InProcessPool()) });
      const a2 = await runCompare({ ...auto, protocols: [...auto.protocols], scenarios: [...auto.scenarios], runner: poolRunner(pool), workers: 2 });
      expect(strip(a2.cells)).toEqual(strip(a1.cells));
    } finally {
      await pool.close();
    }
  });

  it("gives the same per-seed results on the CLI's worker pool as in process", async () => {
    const pool = await WorkerPool.start(2);
    try {
      const viaPool: SeedOutcome[] = [];
      const local: SeedOutcome[] = [];
      await poolRunner(pool)(crashes, 'gossip/forgetful', [1, 2, 3, 4, 5, 6], (r) => viaPool.push(r));
      await inProcessRunner(crashes, 'gossip/forgetful', [1, 2, 3, 4, 5, 6], (r) => local.push(r));
      const key = ({ record: r }: SeedOutcome): string => `${r.seed}:${r.traceHash}:${r.ok}:${r.metrics?.messagesSent}`;
      expect(viaPool.map(key).sort()).toEqual(local.map(key).sort());
      expect(viaPool.filter((o) => !o.record.ok).every((o) => o.runFile?.createdBy === 'compare')).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('warm workers', () => {
  it('a worker that ran other cells gives the same trace hashes as a fresh worker and as this process', async () => {
    const seeds = [1, 2, 3, 4];
    const key = ({ record: r }: SeedOutcome): string => `${r.scenario}:${r.protocol}:${r.seed}:${r.traceHash}:${r.events}:${r.ok}`;
    const collect = async (pool: WorkerPool | InProcessPool, entry: ScenarioEntry, protocol: string): Promise<string[]> => {
      const out: SeedOutcome[] = [];
      await poolRunner(pool)(entry, protocol, seeds, (o) => out.push(o));
      return out.map(key).sort();
    };
    const reused = await WorkerPool.start(1);
    const fresh = await WorkerPool.start(1);
    try {
      // The reused worker runs other cells (another scenario, a flawed variant) before and between.
      const before = await collect(reused, standard, 'gossip/forgetful');
      const first = await collect(reused, crashes, 'gossip');
      await collect(reused, standard, 'gossip');
      const again = await collect(reused, crashes, 'gossip');
      const fromFresh = await collect(fresh, crashes, 'gossip');
      const local = await collect(new InProcessPool(), crashes, 'gossip');
      expect(again).toEqual(first);
      expect(fromFresh).toEqual(first);
      expect(local).toEqual(first);
      expect(await collect(fresh, standard, 'gossip/forgetful')).toEqual(before);
    } finally {
      await reused.close();
      await fresh.close();
    }
  });
});

describe('results JSON', () => {
  it('round-trips through JSON', async () => {
    const r = await runCompare({ protocols: ['gossip'], scenarios: [crashes], seeds: 3 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).toContain('"start"');
  });
});
