// lockstep check: choice points leave random runs unchanged, the search is deterministic and stays
// within its bound, state cuts keep the verdict, a flawed DLM variant is found and its schedule
// replays to the same trace hash from its run-file overrides.
import { describe, expect, it } from 'vitest';
import { check, parseBound } from '../../runner/check.ts';
import type { Deviation } from '../../runner/check.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { validateScenario } from '../../scenarios/validate.ts';
import { claimLine } from '../../runner/checkClaim.ts';

const dlm = loadScenario('check-dlm').scenario;

describe('choice points on the tape', () => {
  it('an observer that returns nothing leaves the run as the seed makes it (same trace hash)', async () => {
    const plain = await simulate(dlm, { seed: 1 });
    let seen = 0;
    const observed = await simulate(dlm, {
      seed: 1,
      onWorld: (w) => {
        w.tape.observer = () => {
          seen++;
          return undefined;
        };
      },
    });
    expect(seen).toBe(plain.tapeLength);
    expect(observed.traceHash).toBe(plain.traceHash);
  });

  it('fault points add tape decisions only in scenarios that name them', async () => {
    const { check: _c, ...bare } = dlm;
    const withPoints = await simulate(dlm, { seed: 1 });
    const without = await simulate(bare, { seed: 1 });
    expect(withPoints.traceHash).toBe(without.traceHash);
    expect(withPoints.tapeLength).toBeGreaterThan(without.tapeLength);
  });
});

describe('the bound', () => {
  it('parses budgets and names a bad part', () => {
    expect(parseBound('faults=2,delays=1,crash=1')).toMatchObject({ faults: 2, delays: 1, perKind: { crash: 1 } });
    expect(() => parseBound('faults=two')).toThrow(/'faults=two' is not name=count/);
    expect(() => parseBound('crashes=1')).toThrow(/unknown budget 'crashes'/);
  });

  it('the scenario check section is validated field by field', () => {
    const r = validateScenario({ ...dlm, check: { choices: { faults: ['explode'] } } }, 'x.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.path).toBe('check.choices.faults[0]');
  });
});

describe('the search', () => {
  const bound = parseBound('faults=1,delays=1');
  it('explores the same schedules in the same order twice, each within the bound', async () => {
    const runs: string[][] = [[], []];
    for (const k of [0, 1]) {
      await check({ scenario: dlm, protocol: 'dlm', seed: 1, bound, maxSchedules: 10, onSchedule: (d) => runs[k]!.push(JSON.stringify(d)) });
    }
    expect(runs[0]!.length).toBe(10);
    expect(runs[1]).toEqual(runs[0]);
    for (const s of runs[0]!) {
      const devs = JSON.parse(s) as Deviation[];
      expect(devs.filter((d) => d[2] === 'delay').length).toBeLessThanOrEqual(1);
      expect(devs.filter((d) => d[2] !== 'delay').length).toBeLessThanOrEqual(1);
    }
  });

  it('state cuts keep the verdict of the full search and explore no more schedules', async () => {
    const small = parseBound('faults=1,delays=0');
    const cut = await check({ scenario: dlm, protocol: 'dlm', seed: 1, bound: small });
    const full = await check({ scenario: dlm, protocol: 'dlm', seed: 1, bound: small, prune: false });
    expect(full.complete).toBe(true);
    expect(cut.complete).toBe(true);
    expect(cut.counterexamples.length).toBe(full.counterexamples.length);
    expect(cut.schedules).toBeLessThanOrEqual(full.schedules);
    expect(claimLine(cut, 3)).toMatch(/^dlm: no violation in any schedule with ≤ 1 faults and ≤ 0 delays on 3 nodes \(complete: \d+ schedules/);
  });

  it('finds dlm/split-master and its schedule replays to the same trace hash from the overrides', async () => {
    const r = await check({ scenario: dlm, protocol: 'dlm/split-master', seed: 1, bound: parseBound('faults=2,delays=2') });
    expect(r.complete).toBe(false);
    expect(r.reason).toBe('counterexample');
    const c = r.counterexamples[0]!;
    expect(c.violations.map((v) => v.checker)).toContain('dlm-masters');
    const again = await simulate(dlm, { seed: 1, protocol: 'dlm/split-master', tapeOverrides: c.deviations.map(([i, v]) => [i, v] as const) });
    expect(again.traceHash).toBe(c.result.traceHash);
    expect(again.violations.map((v) => v.checker)).toContain('dlm-masters');
  });

  it('dlm-lvb completes its small configuration: a fenced node that resumes believing is no second owner', async () => {
    // The search first found 'pause@172=2': n1 paused holding EX, expelled and fenced; n3 took over
    // in epoch 1; n1 resumed and began owning epoch 1 before cman killed it. A fenced believer
    // cannot act, so ownership-belief no longer counts it (it did, and this was a false alarm).
    const scenario = loadScenario('check-dlm-lvb').scenario;
    const r = await check({ scenario, protocol: 'dlm-lvb', seed: 1, bound: parseBound('faults=2,delays=2') });
    expect(r.counterexamples).toEqual([]);
    expect(r.complete).toBe(true);
  });
});

describe('finding F16: reads are not fenced', () => {
  // I/O fencing refuses a fenced node's writes, not its reads (SCSI-3 "write exclusive, registrants
  // only"). n2, isolated and then paused holding PR on file:passwd mid-read, is evicted and fenced;
  // writers take EX; n2 resumes and reads the last block at its successor's version.
  const scenario = loadScenario('check-dlm-lvb-reader').scenario;
  const schedule = [[173, 6], [181, 4]] as const;

  it('the unchecked reader serves a torn passwd file', async () => {
    const r = await simulate(scenario, { seed: 1, protocol: 'dlm-lvb/read-unchecked', tapeOverrides: schedule });
    const torn = r.violations.find((v) => v.checker === 'ownership-client');
    expect(torn?.message).toMatch(/torn passwd read by n2/);
  });

  it('dlm-lvb asks whether its PR lock was held throughout and retries the read', async () => {
    const r = await simulate(scenario, { seed: 1, protocol: 'dlm-lvb', tapeOverrides: schedule });
    expect(r.violations).toEqual([]);
  });
});

describe('ownership-failure-fenced: a fenced holder resuming is not the resource moving', () => {
  // check-dlm-lvb-reader, schedule 96 of the search before the fix: n1 takes EX on snap0 and is paused
  // holding it; n2 and n3 expel and fence n1; n2 takes EX and crashes (n3 alone is inquorate, so
  // nobody fences n2). n1 resumes 2 s later, its process copy still saying EX, and begins owning
  // snap0 before cman kills it. n1 is cut off at the device: that is not n2's lock moving on.
  const scenario = loadScenario('check-dlm-lvb-reader').scenario;
  const schedule = [[173, 3], [260, 1]] as const;

  it('the stale owner begins behind its fence, and the checker stays quiet', async () => {
    const seen: string[] = [];
    const r = await simulate(scenario, {
      seed: 1, protocol: 'dlm-lvb', tapeOverrides: schedule,
      trace: (rec) => {
        const k = (rec as { k?: string }).k;
        const node = (rec as { node?: number }).node;
        if (k === 'fence' || k === 'crash' || k === 'owner-begin' || k === 'resume') seen.push(`${k}:n${node}`);
      },
    });
    // The situation the false alarm came from: n1 fenced, n2 crashed, then n1 resumes and begins owning.
    const at = (e: string): number => seen.indexOf(e);
    expect(at('fence:n1')).toBeGreaterThanOrEqual(0);
    expect(at('crash:n2')).toBeGreaterThan(at('fence:n1'));
    expect(seen.lastIndexOf('owner-begin:n1')).toBeGreaterThan(at('crash:n2'));
    expect(r.violations).toEqual([]);
  });
});
