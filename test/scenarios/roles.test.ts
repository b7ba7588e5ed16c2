// Role resolvers: each follows its layer's observations (unit cases), and under the real stacks
// every role resolves to the node the trace says holds it when the fault fires.
import { describe, expect, it } from 'vitest';
import type { CheckerWorld, Observation } from '../../sim/types.ts';
import type { RoleResolver } from '../../sim/faults/roles.ts';
import { ownerRole } from '../../protocols/ownership/roles.ts';
import { fencerRole, oldestMemberRole } from '../../protocols/membership/roles.ts';
import { directoryRole, masterRole } from '../../protocols/dlm/roles.ts';
import { dirNode } from '../../protocols/dlm/directory.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { TraceRecord } from '../../sim/world.ts';

const w = {} as CheckerWorld;
let seq = 0;
function feed(r: RoleResolver, kind: string, node: number, data: Record<string, unknown> = {}): void {
  const obs: Observation = { seq: seq++, atUs: 0, kind, node, data };
  r.onObservation!(obs, w);
}

describe('role resolvers follow observations', () => {
  it('owner: begin adds, end and crash remove', () => {
    const r = ownerRole();
    feed(r, 'owner-begin', 2, { resource: 'a' });
    feed(r, 'owner-begin', 3, { resource: 'a' });
    expect(r.resolve({ role: 'owner', resource: 'a' }, w).sort()).toEqual([2, 3]);
    feed(r, 'owner-end', 2, { resource: 'a' });
    feed(r, 'crash', 3);
    expect(r.resolve({ role: 'owner', resource: 'a' }, w)).toEqual([]);
  });

  it('oldest-member: first of byAge in each node\'s latest view; fencer: requests in flight', () => {
    const o = oldestMemberRole();
    feed(o, 'view', 1, { byAge: [2, 1, 3] });
    feed(o, 'view', 3, { byAge: [2, 3] });
    expect([...new Set(o.resolve({ role: 'oldest-member' }, w))]).toEqual([2]);
    const f = fencerRole();
    feed(f, 'fence-request', 1, { victim: 4 });
    expect(f.resolve({ role: 'fencer' }, w)).toEqual([1]);
    feed(f, 'fence-result', 1, { victim: 4, ok: true });
    expect(f.resolve({ role: 'fencer' }, w)).toEqual([]);
  });

  it('master: last to take mastery, r means own:r; directory: the hash over the recovered members', () => {
    const m = masterRole();
    feed(m, 'dlm-master', 2, { ls: 'ownership', res: 'own:snap0' });
    expect(m.resolve({ role: 'master', resource: 'snap0' }, w)).toEqual([2]);
    feed(m, 'crash', 2);
    expect(m.resolve({ role: 'master', resource: 'snap0' }, w)).toEqual([]);
    const d = directoryRole();
    feed(d, 'dlm-master', 1, { res: 'own:snap0' });
    feed(d, 'dlm-recovered', 1, { members: [3, 1, 2] });
    expect(d.resolve({ role: 'directory', resource: 'snap0' }, w)).toEqual([dirNode('own:snap0', [1, 2, 3])]);
  });
});

describe('roles under the real stacks', () => {
  it.each([
    [{ role: 'master', resource: 'snap0' }, 'dlm-master'],
    [{ role: 'oldest-member' }, 'view'],
    [{ role: 'directory', resource: 'snap0' }, 'dlm-recovered'],
  ] as const)('dlm-lvb: %j resolves when the fault fires, to a node the trace names', async (role, kind) => {
    const sc = loadScenario('ownership-paused-owner-by-role').scenario;
    const recs: TraceRecord[] = [];
    const r = await simulate({ ...sc, faults: { script: [{ kind: 'pause', atUs: 5_000_000, durationUs: 1_000_000, role }] } }, {
      seed: 1, protocol: 'dlm-lvb', trace: (x) => { if (x.k === kind && x.t < 5_000_000) recs.push(x); },
    });
    expect(r.faultsNotFired).toEqual([]);
    const node = r.faultsFired[0]!.nodes[0]!;
    if (kind === 'dlm-master') expect(recs.filter((x) => x.res === 'own:snap0').at(-1)!.node).toBe(node);
    if (kind === 'view') expect((recs.at(-1)!.byAge as number[])[0]).toBe(node);
    if (kind === 'dlm-recovered') expect(dirNode('own:snap0', [...(recs.at(-1)!.members as number[])].sort((a, b) => a - b))).toBe(node);
  });

  it('a role the protocol has no resolver for does not fire and says why', async () => {
    const sc = loadScenario('ownership-paused-owner-by-role').scenario;
    const r = await simulate({ ...sc, faults: { script: [{ kind: 'pause', atUs: 5_000_000, role: { role: 'master', resource: 'snap0' } }] } }, { seed: 1, protocol: 'lease' });
    expect(r.faultsNotFired[0]!.reason).toBe("protocol lease has no role 'master'");
  });
});
