// Findings from random fault mixes (swarm profiles) on the small check configurations: a whole
// cluster that reboots at once, and a claimant that loses quorum between its grant and its claim.
// Each case is the seed that showed it, run on the configuration with its `faults` replaced by a
// swarm profile (what `lockstep explore` does with a swarm scenario).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { withSwarm } from '../../scenarios/profiles.ts';

async function story(config: string, profile: string, protocol: string, seed: number) {
  const recs: { k: string; t: number; node: number; [x: string]: unknown }[] = [];
  const r = await simulate(withSwarm(loadScenario(config).scenario, profile), { seed, protocol, trace: (rec) => { recs.push(rec as never); } });
  return { r, recs };
}

describe('F17: a claimant that lost quorum between its EX grant and its claim waits for recovery (quorum-gating)', () => {
  it('check-dlm-lvb, profile targeted, seed 103: n2 owns snap0 only once a quorate recovery has ended', async () => {
    const { r, recs } = await story('check-dlm-lvb', 'targeted', 'dlm-lvb', 103);
    expect(r.violations).toEqual([]);
    // The schedule still happens: n2 is paused at its grant, and resumes alone and inquorate.
    expect(r.faultsFired).toContainEqual(expect.objectContaining({ kind: 'pause', point: 'dlm-lvb.ex-granted', nodes: [2] }));
    const resumedInquorate = recs.find((x) => x.k === 'view' && x.node === 2 && x.quorate === false);
    expect(resumedInquorate).toBeDefined();
    const begin = recs.find((x) => x.k === 'owner-begin' && x.node === 2 && x.resource === 'snap0');
    expect(begin).toBeDefined();
    // Its claim went on only after its lockspace recovered in a quorate view.
    const recovered = recs.filter((x) => x.k === 'dlm-recovered' && x.node === 2 && x.t > resumedInquorate!.t);
    expect(recovered.length).toBeGreaterThan(0);
    expect(begin!.t).toBeGreaterThanOrEqual(recovered[0]!.t);
  });
});

describe('ownership-failure-fenced: a fence domain formed afresh proves its members rebooted (false alarm fixed)', () => {
  it.each([
    ['check-dlm-lvb', 'standard', 'dlm-lvb', 17],
    ['check-dlm-lvb', 'targeted', 'dlm-lvb', 215],
    ['check-oldest-member', 'standard', 'oldest-member', 17],
    ['check-oldest-member', 'targeted', 'oldest-member', 356],
  ] as const)('%s, profile %s, %s seed %i: every node rebooted, the domain re-formed, no alarm', async (config, profile, protocol, seed) => {
    const { r, recs } = await story(config, profile, protocol, seed);
    expect(r.violations.filter((v) => v.checker === 'ownership-failure-fenced')).toEqual([]);
    // What made it look like a move: an owner's incarnation failed, and snap0 was taken again
    // after a fence-domain start with no previous members.
    const fresh = recs.find((x) => x.k === 'sm-start' && x.level === 0 && Array.isArray(x.previous) && (x.previous as unknown[]).length === 0 && x.t > 1_000_000);
    expect(fresh).toBeDefined();
    expect(recs.some((x) => (x.k === 'owner-begin' || (x.k === 'ex-held' && x.held === true)) && x.resource === 'snap0' && x.t > fresh!.t)).toBe(true);
  });

  it('the checker still catches dlm-lvb/no-fencing on ownership-fast-reboot-owner', async () => {
    const r = await simulate(loadScenario('ownership-fast-reboot-owner').scenario, { seed: 1, protocol: 'dlm-lvb/no-fencing' });
    expect(r.violations.map((v) => v.checker)).toContain('ownership-failure-fenced');
  });
});

describe('F18: a joiner that promised a competing master is dropped without ever installing a view (liveness-after-heal)', () => {
  it('check-oldest-member, profile partitions, seed 343: the master tells the viewless node to reboot, and it rejoins', async () => {
    const { r, recs } = await story('check-oldest-member', 'partitions', 'oldest-member', 343);
    expect(r.violations).toEqual([]);
    const kill = recs.find((x) => x.k === 'cman-kill' && x.node === 3 && String(x.reason).startsWith('removed: node 1'));
    expect(kill, 'node 3 is told to reboot').toBeDefined();
    // Before the kill node 3 had no view: it acked node 1's prepare, then node 2's, and ignored node 1's commit.
    const restart = recs.find((x) => x.k === 'restart' && x.node === 3 && x.incarnation === 2)!;
    expect(recs.some((x) => x.k === 'view' && x.node === 3 && x.t > restart.t && x.t < kill!.t)).toBe(false);
    expect(recs.some((x) => x.k === 'view' && x.node === 1 && x.t < kill!.t && (x.members as number[]).includes(3))).toBe(true);
    // Afterwards it is back in every node's last view.
    const last = new Map<number, number[]>();
    for (const x of recs) if (x.k === 'view') last.set(x.node, x.members as number[]);
    expect([...last.values()].every((m) => m.includes(3))).toBe(true);
  });
});

describe('F19: a finish cut by a partition, then the next level started (barrier-order)', () => {
  it('check-dlm-lvb-reader, profile targeted, seed 9602: n3 finishes its fence event before it starts the DLM\'s', async () => {
    const { r, recs } = await story('check-dlm-lvb-reader', 'targeted', 'dlm-lvb', 9602);
    expect(r.violations).toEqual([]);
    // The coordinator's finish of the fence event to n3 was dropped by the one-way partition 2 → 1,3.
    const fenceStart = recs.find((x) => x.k === 'sm-start' && x.node === 3 && x.group === 'fence' && x.eventId === 2002001)!;
    const dlmStart = recs.find((x) => x.k === 'sm-start' && x.node === 3 && x.group === 'dlm:ownership' && x.eventId === 2002003)!;
    const fenceFinish = recs.find((x) => x.k === 'sm-finish' && x.node === 3 && x.group === 'fence' && x.eventId === 2002001)!;
    expect(recs.some((x) => x.k === 'drop' && x.node === 3 && x.from === 2 && x.why === 'partition' && x.t > fenceStart.t && x.t < dlmStart.t)).toBe(true);
    expect(fenceFinish).toBeDefined();
    expect(fenceFinish.t).toBeLessThanOrEqual(dlmStart.t);
  });
});
