// The membership API as modules above use it: views and onView, joinGroup with the
// stop/start/start_done/finish cycle, the promise helpers (nextView, whenRunning), leave(), the
// oldest member, and the quorum arithmetic (votes, expected votes, two_node, tie-breaker, wait_for_all).
import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world.ts';
import type { Context, Module, NodeId } from '../../sim/types.ts';
import { membershipStack, parseMembershipOptions } from '../../protocols/membership/index.ts';
import type { ClusterApi, ServiceGroup, StartInfo, View } from '../../protocols/membership/api.ts';
import { computeQuorum } from '../../protocols/membership/quorum.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';

/** A level-2 service recording its callbacks, using the promise helpers from a coroutine. */
class Recorder implements Module {
  readonly name = 'rec';
  readonly log: string[] = [];
  views: View[] = [];
  group!: ServiceGroup;
  firstRunningEvent = -1;
  oldestAtFirstView: NodeId | undefined;
  constructor(private readonly leaveAtUs?: number) {}
  onStart(ctx: Context): void {
    const cman = ctx.module<ClusterApi & Module>('cman');
    cman.onView((v) => this.views.push(v));
    this.group = cman.joinGroup('rec', 2, {
      stop: () => this.log.push('stop'),
      start: (members: readonly NodeId[], eventId: number, type: string, info: StartInfo) => {
        this.log.push(`start ${type} ${members.join(',')} failed=${info.failed.join(',')}`);
        ctx.defer(() => this.group.startDone(eventId));
      },
      finish: (eventId: number) => this.log.push(`finish ${eventId}`),
    });
    ctx.spawn('wait', async () => {
      const v = await cman.nextView();
      this.oldestAtFirstView = cman.oldest();
      expect(v.members.length).toBeGreaterThan(0);
      this.firstRunningEvent = await this.group.whenRunning();
    });
    if (this.leaveAtUs !== undefined) ctx.setTimer(this.leaveAtUs, 'leave');
  }
  onTimer(): void {
    this.group.leave();
  }
}

async function world(nodes: number, faults: FaultSpec[], leaveNode?: NodeId): Promise<{ w: World; rec: (n: NodeId) => Recorder | undefined }> {
  const opts = parseMembershipOptions({}, nodes);
  const w = new World({
    scenario: 'api', protocol: 'cman', seed: 7, nodes, durationUs: 12_000_000, deadlineUs: 1, faults, restartCrashedAtHeal: false,
    stack: (n) => [...membershipStack(opts), new Recorder(n === leaveNode ? 6_000_000 : undefined)],
  });
  const res = await w.run();
  expect(res.violations).toEqual([]);
  return { w, rec: (n) => w.module<Recorder>(n, 'rec') };
}

describe('membership API', () => {
  it('installs one view everywhere, runs JOIN then FAILED events, resolves the promises', async () => {
    const { rec } = await world(3, [{ kind: 'crash', atUs: 5_000_000, node: 3 }]);
    const r1 = rec(1)!;
    expect(r1.views.map((v) => v.members)).toEqual([[1, 2, 3], [1, 2]]);
    expect(rec(2)!.views.map((v) => v.epoch)).toEqual(r1.views.map((v) => v.epoch));
    expect(r1.log[0]).toBe('start JOIN 1,2,3 failed=');
    expect(r1.log[1]).toMatch(/^finish \d+$/);
    expect(r1.log.slice(2)).toEqual(['stop', 'start FAILED 1,2 failed=3', expect.stringMatching(/^finish/)]);
    expect(r1.firstRunningEvent).toBe(Number(r1.log[1]!.split(' ')[1]));
    expect(r1.oldestAtFirstView).toBe(1);
    expect(r1.group.members()).toEqual([1, 2]);
    expect(r1.group.state()).toBe('running');
  });

  it('leave() runs a LEAVE event: the others restart without the leaver, which gets no more callbacks', async () => {
    const { rec } = await world(3, [], 2);
    const r1 = rec(1)!;
    expect(r1.log.filter((l) => l.startsWith('start'))).toEqual(['start JOIN 1,2,3 failed=', 'start LEAVE 1,3 failed=']);
    expect(rec(2)!.group.state()).toBe('left');
    expect(rec(2)!.log.filter((l) => l.startsWith('start'))).toHaveLength(1);
  });
});

describe('quorum arithmetic', () => {
  const base = { votes: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 }, expectedVotes: undefined, twoNode: false, waitForAll: false, autoTieBreaker: false, allowQuorumDecrease: false };
  const all = [1, 2, 3, 4, 5];
  it('quorum = max(⌊E/2⌋+1, ⌊V/2⌋+1)', () => {
    expect(computeQuorum(base, [1, 2, 3], all)).toMatchObject({ votes: 3, expectedVotes: 5, quorum: 3, quorate: true });
    expect(computeQuorum(base, [4, 5], all)).toMatchObject({ votes: 2, quorum: 3, quorate: false });
    const weighted = { ...base, votes: { ...base.votes, 5: 3 } };
    expect(computeQuorum(weighted, [4, 5], all)).toMatchObject({ votes: 4, expectedVotes: 7, quorum: 4, quorate: true });
  });
  it('expected votes rise with present votes and never drop; quorum never drops unless allowed', () => {
    expect(computeQuorum({ ...base, expectedVotes: 3 }, all, all)).toMatchObject({ expectedVotes: 5, quorum: 3 });
    expect(computeQuorum({ ...base, expectedVotes: 3 }, [1, 2], all, 5, 3)).toMatchObject({ expectedVotes: 5, quorum: 3, quorate: false });
    expect(computeQuorum({ ...base, expectedVotes: 3, allowQuorumDecrease: true }, [1, 2], all, 5, 3)).toMatchObject({ expectedVotes: 3, quorum: 2, quorate: true });
  });
  it('two_node: quorum 1, but only after both nodes were seen (wait_for_all)', () => {
    const two = { ...base, votes: { 1: 1, 2: 1 }, twoNode: true, waitForAll: true };
    expect(computeQuorum(two, [2], [1, 2], 0, 0, true)).toMatchObject({ quorum: 1, quorate: true });
    expect(computeQuorum(two, [2], [1, 2], 0, 0, false)).toMatchObject({ quorate: false });
  });
  it('auto_tie_breaker: on a 50/50 split the half with the lowest node id is quorate', () => {
    const four = { ...base, votes: { 1: 1, 2: 1, 3: 1, 4: 1 }, autoTieBreaker: true };
    expect(computeQuorum(four, [1, 4], [1, 2, 3, 4]).quorate).toBe(true);
    expect(computeQuorum(four, [2, 3], [1, 2, 3, 4]).quorate).toBe(false);
    expect(computeQuorum({ ...four, autoTieBreaker: false }, [1, 4], [1, 2, 3, 4]).quorate).toBe(false);
  });
  it('parses scenario.cluster options and rejects bad ones', () => {
    const o = parseMembershipOptions({ twoNode: true, tokenTimeoutUs: 2_000_000, votes: [1, 2] }, 2);
    expect(o).toMatchObject({ twoNode: true, waitForAll: true, tokenTimeoutUs: 2_000_000, heartbeatUs: 500_000, votes: { 1: 1, 2: 2 } });
    expect(() => parseMembershipOptions({ twoNode: true }, 3)).toThrow(/exactly 2 nodes/);
    expect(() => parseMembershipOptions({ autoTieBreaker: 'yes' }, 3)).toThrow(/boolean/);
  });
});
