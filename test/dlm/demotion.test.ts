// CONVDEADLK demotion reaches the lock's owner (fs/dlm's convert reply with DEMOTED; munge_demoted),
// so a master rebuilt after the old one dies holds compatible granted modes. The minimal case from
// differential testing: 3 nodes, 'r' mastered on node 1; node 1 NL; node 2 CW (A) and NL (B);
// B NL→PR queued behind A; A CW→PW with CONVDEADLK and QUECVT: the master demotes A to NL, grants
// B PR and queues A as NL→PW; then node 1 dies.
import { describe, expect, it } from 'vitest';
import { convDeadlkMasterDies as minimalCase } from './cases.ts';
import { Resource, newLkb } from '../../protocols/dlm/resource.ts';
import { Mode } from '../../protocols/dlm/modes.ts';
import { LKF, SBF } from '../../protocols/dlm/flags.ts';

describe('CONVDEADLK demotion after the master dies', () => {
  it('with the demote reply: the copy takes NL, the rebuilt master is consistent, A completes DEMOTED', async () => {
    const o = await minimalCase();
    expect(o.messages).toEqual([]);
    expect(o.log).toEqual(['A CW', 'B 0 PR', 'A before crash NL busy true', 'A 0 PW demoted true']);
  });

  it('dlm/no-demote-reply (the old behaviour): the rebuilt master holds CW and PR, and dlm-compat fires', async () => {
    const o = await minimalCase('no-demote-reply');
    expect(o.checkers).toContain('dlm-compat');
    expect(o.messages.find((m) => m.includes('rebuilt'))).toMatch(/rebuilt t\/r with lock \d+ of node 2 holding (CW|PR)/);
  });
});

describe('a rebuild after the demote notice died with the master', () => {
  it('re-demotes a CONVDEADLK conversion whose granted mode conflicts with a rebuilt grant, and tells its owner', () => {
    const r = new Resource('r', 8);
    const a = newLkb(1, 2, Mode.PW, LKF.CONVDEADLK | LKF.QUECVT, 8);
    a.grmode = Mode.CW; // the copy never heard of its demotion
    const b = newLkb(2, 3, Mode.IV, 0, 8);
    b.grmode = Mode.PR; // granted by the dead master after it demoted a
    r.rebuild(a);
    r.rebuild(b);
    r.reconcileRebuiltDemotions();
    expect([a.queue, a.grmode, a.sbflags & SBF.DEMOTED]).toEqual(['convert', Mode.NL, SBF.DEMOTED]);
    expect(r.drain().map((e) => [e.kind, e.lkb.id])).toEqual([['demote', 1]]);
  });
});
