// Unit tests of the ownership checkers on hand-made observation sequences: each fires on the case
// it exists for and stays quiet on its look-alike that is allowed.
import { describe, expect, it } from 'vitest';
import type { CheckerWorld, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { beliefChecker } from '../../protocols/ownership/belief.ts';
import { effectChecker, resourceOfKey } from '../../protocols/ownership/effect.ts';
import { clientChecker } from '../../protocols/ownership/client.ts';
import { livenessChecker } from '../../protocols/ownership/liveness.ts';

function fakeWorld(opts: { fenced?: number[]; down?: number[] } = {}): CheckerWorld & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages, nowUs: 0, eventIndex: 0, healed: false, healAtUs: 0, nodes: [1, 2, 3],
    isUp: (n) => !(opts.down ?? []).includes(n), isPaused: () => false, incarnation: () => 1,
    isFenced: (n) => (opts.fenced ?? []).includes(n), fencedAtUs: () => -1, connected: () => true,
    module: () => undefined, violate: (m) => void messages.push(m), cover: () => undefined,
  };
}

let seq = 0;
function feed(c: WorldChecker, w: CheckerWorld, node: number, kind: string, data: Record<string, unknown>): void {
  const obs: Observation = { seq: seq++, atUs: seq * 10, kind, node, data };
  c.onObservation?.(obs, w);
}

describe('ownership-belief', () => {
  it('fires when two live, unfenced nodes own a resource in the same epoch', () => {
    const c = beliefChecker();
    const w = fakeWorld();
    feed(c, w, 1, 'owner-begin', { resource: 'snap0', epoch: 3 });
    feed(c, w, 2, 'owner-begin', { resource: 'snap0', epoch: 3 });
    expect(w.messages[0]).toMatch(/same epoch/);
  });
  it('is quiet when the other believer is fenced, crashed, or in another epoch', () => {
    for (const w of [fakeWorld({ fenced: [1] }), fakeWorld({ down: [1] })]) {
      const c = beliefChecker();
      feed(c, w, 1, 'owner-begin', { resource: 'snap0', epoch: 3 });
      feed(c, w, 2, 'owner-begin', { resource: 'snap0', epoch: 3 });
      expect(w.messages).toEqual([]);
    }
    const c = beliefChecker();
    const w = fakeWorld();
    feed(c, w, 1, 'owner-begin', { resource: 'snap0', epoch: 3 });
    feed(c, w, 1, 'crash', {});
    feed(c, w, 2, 'owner-begin', { resource: 'snap0', epoch: 3 });
    feed(c, w, 3, 'owner-begin', { resource: 'snap0', epoch: 4 });
    expect(w.messages).toEqual([]);
  });
});

describe('ownership-effect', () => {
  const write = (c: WorldChecker, w: CheckerWorld, node: number, key: string, epoch: number | null, ok = true): void =>
    feed(c, w, node, 'disk-write', { key, ok, value: { epoch, owner: node } });
  it('fires on a write from an older epoch after a newer one, and on two writers in one epoch', () => {
    let c = effectChecker();
    let w = fakeWorld();
    write(c, w, 1, 'meta/snap0', 1);
    write(c, w, 2, 'meta/snap0/claim', 2);
    write(c, w, 1, 'meta/snap0', 1);
    expect(w.messages[0]).toMatch(/deposed owner/);
    c = effectChecker();
    w = fakeWorld();
    write(c, w, 1, 'meta/passwd/0', 5);
    write(c, w, 2, 'meta/passwd/1', 5);
    expect(w.messages[0]).toMatch(/two owners/);
  });
  it('says whether the two epochs come from one lineage of views or from independent ones', () => {
    const view = (c: WorldChecker, w: CheckerWorld, node: number, epoch: number, members: number[]): void =>
      feed(c, w, node, 'view', { epoch, members, byAge: members, incarnations: {}, quorate: true });
    const begin = (c: WorldChecker, w: CheckerWorld, node: number, epoch: number): void =>
      feed(c, w, node, 'owner-begin', { resource: 'snap0', epoch, token: null });
    // Two partitions formed from scratch: views 3001 {1,2} and 3003 {3,4} share no ancestor.
    let c = effectChecker();
    let w = fakeWorld();
    view(c, w, 1, 3001, [1, 2]);
    view(c, w, 3, 3003, [3, 4]);
    begin(c, w, 3, 3003);
    begin(c, w, 1, 3001);
    write(c, w, 3, 'meta/snap0', 3003);
    write(c, w, 1, 'meta/snap0', 3001);
    expect(w.messages[0]).toMatch(/independent lineages: n1 began owning snap0 in view 3001 \(members 1,2\) and n3 in view 3003/);
    // One lineage: n3's view 2003 follows the view 1001 in which n1 began, so n1 was deposed.
    c = effectChecker();
    w = fakeWorld();
    view(c, w, 1, 1001, [1, 2, 3]);
    view(c, w, 3, 1001, [1, 2, 3]);
    begin(c, w, 1, 1001);
    view(c, w, 3, 2003, [2, 3]);
    begin(c, w, 3, 2003);
    write(c, w, 3, 'meta/snap0', 2003);
    write(c, w, 1, 'meta/snap0', 1001);
    expect(w.messages[0]).toMatch(/deposed owner/);
  });
  it('ignores refused writes, unstamped writes and other resources', () => {
    const c = effectChecker();
    const w = fakeWorld();
    write(c, w, 1, 'meta/snap0', 2);
    write(c, w, 2, 'meta/snap0', 1, false);
    write(c, w, 2, 'meta/passwd/0', null);
    write(c, w, 2, 'meta/snap1', 1);
    write(c, w, 3, 'lease/snap0', 1);
    expect(w.messages).toEqual([]);
    expect(resourceOfKey('meta/passwd/2')).toBe('passwd');
    expect(resourceOfKey('lease/x')).toBeUndefined();
  });
});

describe('ownership-client', () => {
  const ack = (c: WorldChecker, w: CheckerWorld, node: number, d: Record<string, unknown>): void => feed(c, w, node, 'client-ack', d);
  it('fires on a chunk allocated twice, a lost update, a torn and a stale passwd read', () => {
    let c = clientChecker();
    let w = fakeWorld();
    ack(c, w, 1, { id: 'a', resource: 'snap0', op: 'alloc', chunk: 4, allocId: 'a' });
    ack(c, w, 2, { id: 'b', resource: 'snap0', op: 'alloc', chunk: 4, allocId: 'b' });
    expect(w.messages[0]).toMatch(/allocated twice/);
    c = clientChecker();
    w = fakeWorld();
    ack(c, w, 1, { id: 'a', resource: 'snap0', op: 'alloc', chunk: 4, allocId: 'a' });
    feed(c, w, 2, 'disk-write', { key: 'meta/snap0', ok: true, value: { epoch: 1, owner: 2, seq: 9, used: [[5, 'x']] } });
    expect(w.messages[0]).toMatch(/lost update/);
    c = clientChecker();
    w = fakeWorld();
    ack(c, w, 1, { id: 'r', resource: 'passwd', op: 'pread', versions: [3, 2, 2] });
    expect(w.messages[0]).toMatch(/torn/);
    c = clientChecker();
    w = fakeWorld();
    ack(c, w, 1, { id: 'w', resource: 'passwd', op: 'pwrite', version: 7 });
    feed(c, w, 2, 'client-request', { id: 'r', resource: 'passwd', op: 'pread' });
    ack(c, w, 2, { id: 'r', resource: 'passwd', op: 'pread', versions: [6, 6, 6] });
    expect(w.messages[0]).toMatch(/stale/);
  });
  it('allows re-allocating a chunk whose free was sent, and reads concurrent with a write', () => {
    const c = clientChecker();
    const w = fakeWorld();
    ack(c, w, 1, { id: 'a', resource: 'snap0', op: 'alloc', chunk: 4, allocId: 'a' });
    feed(c, w, 1, 'client-request', { id: 'f', resource: 'snap0', op: 'free', chunk: 4, allocId: 'a' });
    feed(c, w, 2, 'disk-write', { key: 'meta/snap0', ok: true, value: { epoch: 1, owner: 2, seq: 9, used: [] } });
    ack(c, w, 2, { id: 'b', resource: 'snap0', op: 'alloc', chunk: 4, allocId: 'b' });
    ack(c, w, 1, { id: 'f', resource: 'snap0', op: 'free', chunk: 4, allocId: 'a' });
    feed(c, w, 3, 'client-request', { id: 'r', resource: 'passwd', op: 'pread' });
    ack(c, w, 1, { id: 'w', resource: 'passwd', op: 'pwrite', version: 7 });
    ack(c, w, 3, { id: 'r', resource: 'passwd', op: 'pread', versions: [6, 6, 6] });
    expect(w.messages).toEqual([]);
  });
});

describe('ownership-liveness', () => {
  it('fires at the deadline when a resource has no ready owner or a request is stuck', () => {
    const c = livenessChecker({ resources: ['snap0', 'snap1'], requestSlackUs: 5 });
    const w = fakeWorld();
    feed(c, w, 1, 'owner-begin', { resource: 'snap0', epoch: 1 });
    feed(c, w, 1, 'owner-ready', { resource: 'snap0', epoch: 1 });
    feed(c, w, 2, 'client-request', { id: 'x', resource: 'snap1', op: 'alloc' });
    c.onDeadline?.({ ...w, nowUs: 1_000_000 });
    expect(w.messages[0]).toMatch(/snap1 has no ready owner.*outstanding/);
  });
});
