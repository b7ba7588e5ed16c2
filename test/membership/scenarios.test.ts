// Scripted membership scenarios (scenarios/library/membership-*.json): each asserts the specific
// outcome the reference predicts — who is quorate, who fences whom, which events abort, epochs,
// incarnations and longevity order — not just that the checkers held.
import { describe, expect, it } from 'vitest';
import { fired, loadScenario, run } from './helpers.ts';

const S = 1_000_000;
/** Each scenario's outcome must not depend on the seed: run it under several. */
const SEEDS = (process.env.LOCKSTEP_SCENARIO_SEEDS ?? '1,2').split(',').map(Number);

describe.each(SEEDS)('membership scenarios (seed %i)', (seed) => {
  it('3/2 partition: the majority stays quorate and fences the minority, which recovers nothing', async () => {
    const r = await run(loadScenario('membership-partition-3-2'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const during = (n: number) => r.views(n).filter((v) => v.t > 5 * S && v.t < 15 * S);
    expect(during(1)[0]).toMatchObject({ members: [1, 2, 3], quorate: true });
    expect(during(4)[0]).toMatchObject({ members: [4, 5], quorate: false });
    expect(during(1)[0]!.epoch % 1000).toBe(1); // mastered by node 1
    expect(during(4)[0]!.epoch % 1000).toBe(4);
    const requests = r.of('fence-request');
    expect(requests.map((o) => [o.node, o.victim])).toEqual([[1, 4], [1, 5]]);
    // The minority never starts any recovery while partitioned.
    expect(r.of('sm-start').filter((o) => (o.node === 4 || o.node === 5) && o.t > 5 * S && o.t < 15 * S)).toEqual([]);
    // Fenced minority nodes find their registration gone, reboot, and rejoin youngest.
    expect(r.of('fence-watchdog').map((o) => o.node).sort()).toEqual([4, 5]);
    const last = r.views(1).at(-1)!;
    expect(last.members).toEqual([1, 2, 3, 4, 5]);
    expect(last.byAge.slice(0, 3)).toEqual([1, 2, 3]);
    expect(last.incarnations[4]).toBeGreaterThan(1);
    expect(last.incarnations[1]).toBe(1);
    expect(r.result.coverage).toMatchObject({ 'fenced-a-victim': true, 'killed-a-dissenter': true });
  });

  it('2/2 split without a tie-breaker: neither half is quorate; the half without node 1 loses the merge', async () => {
    const r = await run(loadScenario('membership-split-2-2'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const during = (n: number) => r.views(n).filter((v) => v.t > 5 * S && v.t < 13 * S);
    expect(during(1)[0]).toMatchObject({ members: [1, 2], quorate: false });
    expect(during(3)[0]).toMatchObject({ members: [3, 4], quorate: false });
    expect(r.of('fence-request').filter((o) => o.t < 13 * S)).toEqual([]);
    expect(r.of('sm-start').filter((o) => o.t > 5 * S && o.t < 13 * S)).toEqual([]);
    // After the merge, 3 and 4's old incarnations are victims: dropped once rejoined, fenced if not yet.
    for (const o of r.of('fence-request')) expect([3, 4]).toContain(o.victim);
    const kills = r.of('cman-kill');
    expect(kills.map((o) => o.node).sort()).toEqual([3, 4]);
    expect(kills.every((o) => String(o.reason).startsWith('merge'))).toBe(true);
    const last = r.views(1).at(-1)!;
    expect(last).toMatchObject({ members: [1, 2, 3, 4], quorate: true });
    expect(last.byAge.slice(0, 2)).toEqual([1, 2]); // the rebooted losers rejoin youngest
  });

  it('2/2 split with auto_tie_breaker: the half holding node 1 keeps quorum and fences 3 and 4', async () => {
    const r = await run(loadScenario('membership-split-2-2-tiebreaker'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const during = (n: number) => r.views(n).filter((v) => v.t > 5 * S && v.t < 13 * S);
    expect(during(1)[0]).toMatchObject({ members: [1, 2], quorate: true });
    expect(during(3)[0]).toMatchObject({ members: [3, 4], quorate: false });
    expect(r.of('fence-request').map((o) => [o.node, o.victim])).toEqual([[1, 3], [1, 4]]);
    expect(r.of('sm-start').filter((o) => (o.node === 3 || o.node === 4) && o.t > 5 * S && o.t < 13 * S)).toEqual([]);
  });

  it('two-node fence race: both halves are quorate, node 1 wins, node 2 dies and waits for node 1', async () => {
    const r = await run(loadScenario('membership-two-node-fence-race'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const during = (n: number) => r.views(n).filter((v) => v.t > 5 * S && v.t < 13 * S);
    expect(during(1)[0]).toMatchObject({ members: [1], quorate: true });
    expect(during(2)[0]).toMatchObject({ members: [2], quorate: true });
    // Only node 1 fences; node 2 never gets to (its fence delay outlasts its watchdog).
    expect(r.of('fence').filter((o) => o.ok === true).map((o) => [o.by, o.node])).toEqual([[1, 2]]);
    expect(r.of('fence-request').map((o) => o.node)).toEqual([1]);
    expect(r.of('cman-kill', 2).length).toBeGreaterThan(0);
    expect(r.of('cman-kill', 1)).toEqual([]);
    // After its reboot node 2 alone is not quorate (wait_for_all) until it rejoins node 1.
    const rebooted = r.views(2).filter((v) => v.incarnations[2] === 2);
    expect(rebooted.every((v) => !v.quorate)).toBe(true);
    expect(r.views(1).at(-1)).toMatchObject({ members: [1, 2], quorate: true });
  });

  it('nested failure: a failure during fencing aborts the event and restarts under a new one', async () => {
    const r = await run(loadScenario('membership-nested-failure'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const fenceStarts = r.of('sm-start', 1).filter((o) => o.group === 'fence' && o.t > 5 * S);
    expect(fenceStarts.map((o) => o.failed)).toEqual([[5], [4, 5]]);
    const first = fenceStarts[0]!.eventId;
    const second = fenceStarts[1]!.eventId as number;
    expect(r.of('sm-finish').filter((o) => o.eventId === first)).toEqual([]); // superseded: never finishes
    expect(r.of('sm-finish').filter((o) => o.eventId === second)).toHaveLength(3);
    // The application recovers only after both victims are fenced, and only once.
    const appStart = r.of('sm-start', 1).filter((o) => o.group === 'app' && o.t > 5 * S);
    expect(appStart).toHaveLength(1);
    const fencedOk = r.of('fence').filter((o) => o.ok === true);
    for (const v of [4, 5]) expect(fencedOk.some((o) => o.node === v && o.t <= appStart[0]!.t)).toBe(true);
    expect(appStart[0]!.failed).toEqual([4, 5]);
    expect(r.views(1).at(-1)!.members).toEqual([1, 2, 3]);
    expect(r.result.coverage['aborted-a-recovery']).toBe(true);
  });

  it('merge after partition: unfenced minority nodes carrying state are killed and rejoin fresh', async () => {
    const r = await run(loadScenario('membership-merge'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const during = r.of('fence-result').filter((o) => o.t < 15.5 * S);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o.ok === false)).toBe(true); // the device failed throughout the partition
    const kills = r.of('cman-kill');
    expect(kills.map((o) => o.node).sort()).toEqual([1, 2]);
    expect(kills.every((o) => String(o.reason).startsWith('merge') && o.t >= 15 * S)).toBe(true);
    const last = r.views(3).at(-1)!;
    expect(last).toMatchObject({ members: [1, 2, 3, 4, 5], quorate: true });
    expect(last.byAge.slice(0, 3)).toEqual([3, 4, 5]); // the survivors are the oldest now
    expect(last.incarnations[1]).toBe(2);
    expect(r.views(3).find((v) => v.t > 15 * S)!.epoch % 1000).toBe(3); // the first merged view: mastered by node 3
    // The old incarnations are still victims: dropped if already rejoined, fenced otherwise.
    for (const v of [1, 2]) {
      const handled = r.of('fence-drop').some((o) => o.victim === v) || r.of('fence').some((o) => o.node === v && o.ok === true && o.t > 15 * S);
      expect(handled).toBe(true);
    }
  });

  it('fast reboot: the old incarnation fails (view without it, fenced), the new one rejoins youngest', async () => {
    const r = await run(loadScenario('membership-fast-reboot'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    const v = r.views(1).filter((x) => x.t > 5 * S);
    expect(v[0]).toMatchObject({ members: [1, 2, 4, 5] });
    expect(v[1]).toMatchObject({ members: [1, 2, 3, 4, 5], byAge: [1, 2, 4, 5, 3] });
    expect(v[1]!.incarnations[3]).toBe(2);
    expect(v[1]!.epoch).toBeGreaterThan(v[0]!.epoch);
    expect(r.of('fence-request').map((o) => [o.victim, o.failedInc])).toEqual([[3, 1]]);
    // The rejoined incarnation unfenced itself when it joined the fence domain.
    expect(r.of('unfence', 3).some((o) => o.t > 5.2 * S)).toBe(true);
  });

  it('paused node: expelled and fenced while paused, killed on resume before it recovers anything', async () => {
    const r = await run(loadScenario('membership-paused-node'), undefined, seed);
    expect(fired(r.result)).toEqual([]);
    expect(r.views(1).filter((x) => x.t > 5 * S)[0]).toMatchObject({ members: [1, 3, 4, 5], quorate: true });
    expect(r.of('fence-request').map((o) => [o.node, o.victim])).toEqual([[1, 2]]);
    const kill = r.of('cman-kill', 2);
    expect(kill).toHaveLength(1);
    // Killed the instant it resumes: by the newer view without it ('expelled'), or — when its own
    // held timers first made it declare everyone dead and install a lone inquorate view — by the
    // merge rule against the quorate majority.
    expect(String(kill[0]!.reason)).toMatch(/^(expelled|merge)/);
    expect(kill[0]!.t).toBe(10 * S);
    expect(r.views(2).filter((v) => v.t >= 10 * S && v.incarnations[2] === 1).every((v) => !v.quorate)).toBe(true);
    // Between its pause and its death node 2 started nothing.
    expect(r.of('sm-start', 2).filter((o) => o.t >= 5 * S && o.t <= 10 * S)).toEqual([]);
    expect(r.views(1).at(-1)).toMatchObject({ members: [1, 2, 3, 4, 5], byAge: [1, 3, 4, 5, 2] });
  });
});
