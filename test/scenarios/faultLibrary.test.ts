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
    // The crashed claimant's lock goes on unfenced: the ownership half of §5.13 sees it too.
    ['dlm-lvb/no-fencing', false, ['fence-before-recovery', 'ownership-failure-fenced']],
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

describe('ownership-paused-owner-by-role: the owner of snap0 is paused, whoever it is', () => {
  it.each(['dlm-lvb', 'oldest-member', 'lease'])('%s: the role resolves to the node that owns snap0, and the design holds', async (protocol) => {
    const owners = new Map<number, boolean>();
    const r = await simulate(loadScenario('ownership-paused-owner-by-role').scenario, {
      seed: 1, protocol,
      trace: (rec) => {
        if (rec.t >= 5_000_000 || rec.resource !== 'snap0') return;
        if (rec.k === 'owner-begin') owners.set(rec.node, true);
        if (rec.k === 'owner-end') owners.delete(rec.node);
      },
    });
    expect(r.ok).toBe(true);
    expect(r.faultsFired).toEqual([expect.objectContaining({ kind: 'pause', atUs: 5_000_000, role: 'owner of snap0', index: 0 })]);
    expect([...owners.keys()]).toContain(r.faultsFired[0]!.nodes[0]);
  });

  it('compare pauses the same role, not the same node: the designs put snap0 on different nodes', async () => {
    const nodes = new Set<number>();
    for (const protocol of ['dlm-lvb', 'oldest-member', 'lease']) {
      const r = await simulate(loadScenario('ownership-paused-owner-by-role').scenario, { seed: 1, protocol });
      nodes.add(r.faultsFired[0]!.nodes[0]!);
    }
    expect(nodes.size).toBeGreaterThan(1);
  });

  it.each([
    ['dlm-lvb/no-fencing', 1, 'fence-before-recovery'],
    ['oldest-member/no-fencing', 1, 'fence-before-recovery'],
    ['lease/no-token-check', 2, 'ownership-effect'],
  ] as const)('%s (seed %i) is caught by %s', async (protocol, seed, checker) => {
    expect((await verdict('ownership-paused-owner-by-role', protocol, seed)).checkers).toContain(checker);
  });
});

describe('ownership-split-brain-composed: no-quorum+no-fencing', () => {
  it.each(['oldest-member', 'dlm-lvb'])('under %s each flaw is caught by its own checker; composed they corrupt storage', async (base) => {
    expect(await verdict('ownership-split-brain-composed', base, 1)).toEqual({ ok: true, checkers: [] });
    // Alone, each flaw is seen by the membership checkers (and no-fencing by exclusive belief) while
    // the snapshot stores stay intact; together they corrupt them. (Under dlm-lvb, no-quorum alone
    // can also tear the passwd file, which is locked rather than owned: docs/faults.md.)
    const noQuorum = await verdict('ownership-split-brain-composed', `${base}/no-quorum`, 1);
    expect(noQuorum.checkers).toEqual(expect.arrayContaining(['quorum-gating', 'unfence-needs-membership']));
    expect(noQuorum.checkers).not.toContain('ownership-effect');
    expect(await verdict('ownership-split-brain-composed', `${base}/no-fencing`, 1)).toEqual({
      ok: false, checkers: ['fence-before-recovery', 'ownership-exclusive'],
    });
    expect(await verdict('ownership-split-brain-composed', `${base}/no-quorum+no-fencing`, 1)).toEqual({
      ok: false, checkers: ['fence-before-recovery', 'ownership-client', 'ownership-effect', 'ownership-exclusive', 'ownership-failure-fenced', 'quorum-gating'],
    });
  });

  it('the scenario names the composed variant as its default protocol', () => {
    expect(loadScenario('ownership-split-brain-composed').scenario.protocol).toBe('oldest-member/no-fencing+no-quorum'); // canonical order
  });
});

describe('ownership-paused-passwd-reader: a fault at a point, aimed at a role (check\'s F16 schedule)', () => {
  it('the point is the moment, the role the target: n1 reaches the point, the master of file:passwd is faulted', async () => {
    const reached: { point: string; node: number; t: number }[] = [];
    const r = await simulate(loadScenario('ownership-paused-passwd-reader').scenario, {
      seed: 1, protocol: 'dlm-lvb',
      trace: (rec) => { if (rec.k === 'point') reached.push({ point: String(rec.point), node: rec.node, t: rec.t }); },
    });
    expect(r.ok).toBe(true);
    expect(r.faultsNotFired).toEqual([]);
    expect(r.faultsFired).toEqual([
      expect.objectContaining({ kind: 'partition', role: 'master of file:passwd', point: 'dlm-lvb.ex-granted', hit: 1, detail: 'isolate 2' }),
      expect.objectContaining({ kind: 'pause', role: 'master of file:passwd', point: 'dlm-lvb.published', hit: 1, nodes: [2] }),
    ]);
    for (const f of r.faultsFired) {
      const by = reached.find((p) => p.point === f.point && p.t === f.atUs);
      expect(by, `${f.point} reached at ${f.atUs}`).toBeDefined();
      expect(by!.node).not.toBe(2);
    }
  });

  it.each([
    ['dlm-lvb', true, []],
    ['dlm-lvb/read-unchecked', false, ['ownership-client']],
  ] as const)('seed 1: %s → ok %s %j', async (protocol, ok, checkers) => {
    expect(await verdict('ownership-paused-passwd-reader', protocol, 1)).toEqual({ ok, checkers });
  });

  it('the correct design holds on seeds 1–8, whether or not the schedule lines up', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const r = await simulate(loadScenario('ownership-paused-passwd-reader').scenario, { seed, protocol: 'dlm-lvb' });
      expect(r.violations, `seed ${seed}`).toEqual([]);
    }
  });

  it('a design without those points reports both faults as not fired', async () => {
    const r = await simulate(loadScenario('ownership-paused-passwd-reader').scenario, { seed: 1, protocol: 'lease' });
    expect(r.faultsFired).toEqual([]);
    expect(r.faultsNotFired.map((f) => f.reason)).toEqual([expect.stringMatching(/'dlm-lvb.ex-granted' was reached 0 time/), expect.stringMatching(/'dlm-lvb.published' was reached 0 time/)]);
  });
});

describe('cluster-power-loss: every node crashes at once and boots again; the lockspace forms afresh', () => {
  it.each([
    ['dlm-lvb', 4, true, []],
    ['oldest-member', 4, true, []],
    ['lease', 4, true, []],
    // A fresh lockspace's value block is zero without VALNOTVALID: trusting it restarts the epochs at 1,
    // next to the pre-outage owner's writes in epoch 1 (the correct design asks the disk).
    ['dlm-lvb/ignore-valnotvalid', 4, false, ['ownership-effect']],
    ['dlm-lvb/new-ex-request', 3, false, ['ownership-effect']],
  ] as const)('%s seed %i → ok %s %j', async (protocol, seed, ok, checkers) => {
    expect(await verdict('cluster-power-loss', protocol, seed)).toEqual({ ok, checkers });
  });

  it('the correct designs hold on seeds 1–6, and every node is down together before the first boots', async () => {
    const sc = loadScenario('cluster-power-loss').scenario;
    for (const protocol of ['dlm-lvb', 'oldest-member', 'lease']) {
      for (let seed = 1; seed <= 6; seed++) {
        const r = await simulate(sc, { seed, protocol });
        expect(r.violations, `${protocol} seed ${seed}`).toEqual([]);
      }
    }
    const r = await simulate(sc, { seed: 1, protocol: 'dlm-lvb' });
    const crashes = r.faultsFired.filter((f) => f.kind === 'crash');
    const restarts = r.faultsFired.filter((f) => f.kind === 'restart');
    expect(crashes.map((f) => f.atUs)).toEqual([10e6, 10e6, 10e6, 10e6, 10e6]);
    expect(Math.min(...restarts.map((f) => f.atUs))).toBeGreaterThan(10e6);
    expect(restarts).toHaveLength(5);
  });
});
