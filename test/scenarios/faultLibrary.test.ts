// Library scenarios built on directed links, fault points, role targets and composed variants:
// each one's verdict per protocol/variant, and the fault-fired accounting that keeps them honest.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';

async function verdict(scenario: string, protocol: string, seed: number): Promise<{ ok: boolean; checkers: string[] }> {
  const r = await simulate(loadScenario(scenario).scenario, { seed, protocol });
  expect(r.faultsNotFired, `${scenario} ${protocol}: every fault fired`).toEqual([]);
  return { ok: r.ok, checkers: [...new Set(r.violations.map((v) => v.checker))].sort() };
}

describe('membership-asymmetric-link: 3 cannot send to 1, 1 still reaches 3', () => {
  it.each([
    ['cman', true, []],
    ['cman/no-quorum', true, []],
    ['cman/no-fencing', false, ['fence-before-recovery']],
    ['cman/no-barrier', false, ['barrier-order', 'fence-before-recovery']],
  ] as const)('%s → ok %s %j', async (protocol, ok, checkers) => {
    for (const seed of [1, 2]) expect(await verdict('membership-asymmetric-link', protocol, seed)).toEqual({ ok, checkers });
  });

  it('the master drops and fences the node it cannot hear', async () => {
    const r = await simulate(loadScenario('membership-asymmetric-link').scenario, { seed: 1, protocol: 'cman' });
    expect(r.metrics.fenceRequests).toBe(1);
    expect(r.metrics.membershipEpochs).toBeGreaterThanOrEqual(2);
    expect(r.faultsFired.map((f) => f.detail)).toEqual(['3 → 1', '+20000 µs on 2 ↔ 3']);
  });
});

describe('dlm-lvb-crash-before-lvb-write: crash at "EX granted, LVB not yet written"', () => {
  it.each([
    ['dlm-lvb', true, []],
    ['dlm-lvb/ignore-valnotvalid', false, ['ownership-effect']],
    ['dlm-lvb/new-ex-request', false, ['ownership-effect']],
    ['dlm-lvb/no-fencing', false, ['fence-before-recovery']],
    ['dlm-lvb/plain-passwd', true, []],
  ] as const)('%s → ok %s %j', async (protocol, ok, checkers) => {
    for (const seed of [1, 2]) expect(await verdict('dlm-lvb-crash-before-lvb-write', protocol, seed)).toEqual({ ok, checkers });
  });

  it('the crash fired at the first hit of the point, and the run reports the point', async () => {
    const r = await simulate(loadScenario('dlm-lvb-crash-before-lvb-write').scenario, { seed: 1, protocol: 'dlm-lvb' });
    expect(r.faultsFired).toEqual([expect.objectContaining({ kind: 'crash', point: 'dlm-lvb.claimed', hit: 1, index: 0 })]);
    expect(r.faultPoints.find((p) => p.name === 'dlm-lvb.claimed')!.hits).toBeGreaterThanOrEqual(2);
  });

  it('under a protocol without that point the fault is reported as not fired, not a silent pass', async () => {
    const r = await simulate(loadScenario('dlm-lvb-crash-before-lvb-write').scenario, { seed: 1, protocol: 'lease' });
    expect(r.faultsFired).toEqual([]);
    expect(r.faultsNotFired).toEqual([expect.objectContaining({ index: 0, reason: expect.stringMatching(/'dlm-lvb.claimed' was reached 0 time/) })]);
    expect(r.faultPoints).toContainEqual({ name: 'dlm-lvb.claimed', hits: 0 });
  });
});
