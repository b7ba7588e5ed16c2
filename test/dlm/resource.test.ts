// The pure lock table: compatibility, grant rules 1–8, grant passes, basts, conversion deadlock,
// NOQUEUE, unlock/cancel statuses and the LVB rules (reference §1–2), without any engine.
import { describe, expect, it } from 'vitest';
import { Mode, compatible, isDownConversion } from '../../protocols/dlm/modes.ts';
import { LKF, SBF, Status } from '../../protocols/dlm/flags.ts';
import { Resource, newLkb } from '../../protocols/dlm/resource.ts';
import type { Effect, GrantInfo, Lkb } from '../../protocols/dlm/resource.ts';
import { lvbOpOnGrant, lvbOpOnUnlock, recoverLvbNewMaster, seqAtLeast, zeroLvb } from '../../protocols/dlm/lvb.ts';

const { NL, CR, CW, PR, PW, EX, IV } = Mode;
const SIZE = 8;
let nextId = 1;
const lvbOf = (byte: number): string => byte.toString(16).padStart(2, '0').repeat(SIZE);

function rsb(): Resource {
  return new Resource('r', SIZE);
}
function req(r: Resource, mode: Mode, flags = 0, node = 1): Lkb {
  const l = newLkb(nextId++, node, mode, flags, SIZE);
  r.request(l);
  return l;
}
function casts(e: Effect[]): Extract<Effect, { kind: 'cast' }>[] {
  return e.filter((x): x is Extract<Effect, { kind: 'cast' }> => x.kind === 'cast');
}
function basts(e: Effect[]): { id: number; mode: Mode }[] {
  return e.filter((x): x is Extract<Effect, { kind: 'bast' }> => x.kind === 'bast').map((b) => ({ id: b.lkb.id, mode: b.mode }));
}

describe('modes', () => {
  it('has the reference compatibility matrix, symmetric', () => {
    const yes: [Mode, Mode][] = [[NL, EX], [CR, PW], [CR, CW], [CW, CW], [PR, PR], [CR, CR]];
    const no: [Mode, Mode][] = [[CR, EX], [CW, PR], [CW, PW], [PR, PW], [PW, PW], [EX, EX]];
    for (const [a, b] of yes) expect(compatible(a, b) && compatible(b, a)).toBe(true);
    for (const [a, b] of no) expect(compatible(a, b) || compatible(b, a)).toBe(false);
  });
  it('counts exactly 20 compatible ordered pairs', () => {
    let count = 0;
    for (let a = 0; a <= 5; a++) for (let b = 0; b <= 5; b++) if (compatible(a as Mode, b as Mode)) count++;
    expect(count).toBe(20);
  });
  it('knows down-conversions (not PR↔CW, not QUECVT)', () => {
    expect(isDownConversion(EX, PR, false)).toBe(true);
    expect(isDownConversion(PR, CW, false)).toBe(false);
    expect(isDownConversion(PW, NL, true)).toBe(false);
    expect(isDownConversion(CR, PR, false)).toBe(false);
  });
});

describe('grant rules', () => {
  it('grants compatible new requests at once and queues conflicting ones with a bast to the holder', () => {
    const r = rsb();
    const a = req(r, PR);
    const b = req(r, CR);
    expect(casts(r.drain()).map((c) => [c.lkb.id, c.status])).toEqual([[a.id, 0], [b.id, 0]]);
    const c = req(r, EX);
    expect(c.queue).toBe('wait');
    expect(basts(r.drain())).toEqual([{ id: a.id, mode: EX }, { id: b.id, mode: EX }]);
  });

  it('rule 7: a new request waits behind a queued request even if compatible', () => {
    const r = rsb();
    req(r, PR);
    const w = req(r, EX);
    const n = req(r, CR);
    expect(w.queue).toBe('wait');
    expect(n.queue).toBe('wait');
  });

  it('rule 5: NOORDER is granted whenever compatible', () => {
    const r = rsb();
    req(r, PR);
    req(r, EX);
    const n = req(r, CR, LKF.NOORDER);
    expect(n.queue).toBe('grant');
  });

  it('rule 1: EXPEDITE NL ignores the queues; EXPEDITE on another mode is refused', () => {
    const r = rsb();
    req(r, EX);
    req(r, EX);
    const n = req(r, NL, LKF.EXPEDITE);
    expect(n.queue).toBe('grant');
    expect(() => req(r, PR, LKF.EXPEDITE)).toThrow(/EXPEDITE/);
  });

  it('rule 7 also holds while conversions are queued; rule 2 checks the convert queue granted modes', () => {
    const r = rsb();
    const a = req(r, PR);
    const b = req(r, PR);
    r.convert(a, EX, 0, undefined); // blocked by b
    expect(a.queue).toBe('convert');
    const n = req(r, CR);
    expect(n.queue).toBe('wait'); // convert queue not empty
    r.drain();
    r.unlock(b, 0, undefined);
    const e = r.drain();
    // conversions first: a gets EX; n (CR) is incompatible with EX and stays
    expect(casts(e).map((c) => [c.lkb.id, c.status, c.mode])).toEqual([[b.id, Status.EUNLOCK, IV], [a.id, 0, EX]]);
    expect(n.queue).toBe('wait');
  });

  it('rule 4: a first-time conversion overtakes queued conversions; with QUECVT it waits', () => {
    const r = rsb();
    const a = req(r, CR);
    const b = req(r, NL); // NL: a CR here would block a's EX, a conversion deadlock
    const x = req(r, PR);
    const y = req(r, NL);
    r.convert(a, EX, 0, undefined); // blocked → convert queue
    expect(a.queue).toBe('convert');
    r.convert(b, CW, 0, undefined); // CW blocked by x(PR)
    expect(b.queue).toBe('convert');
    r.convert(x, CR, 0, undefined); // first-time down-conversion granted in place
    expect(x.grmode).toBe(CR);
    r.drain();
    r.convert(y, CR, LKF.QUECVT, undefined);
    expect(y.queue).toBe('convert'); // QUECVT: convert queue not empty
  });

  it('rule 6: a queued conversion is granted only at the head of the convert queue', () => {
    const r = rsb();
    const a = req(r, PR);
    const b = req(r, NL);
    const c = req(r, NL);
    const d = req(r, NL);
    r.convert(b, EX, 0, undefined); // blocked by a → head
    r.convert(c, CR, LKF.QUECVT, undefined); // compatible, but QUECVT queues it behind b
    expect(r.convertQueue.map((l) => l.id)).toEqual([b.id, c.id]);
    r.drain();
    r.unlock(d, 0, undefined); // a grant pass: c is compatible but not at the head
    expect(c.queue).toBe('convert');
    r.unlock(a, 0, undefined); // b (head) granted EX; c (CR vs EX) stays
    expect(b.grmode).toBe(EX);
    expect(c.queue).toBe('convert');
  });

  it('rule 8: ALTPR switches to PR and sets ALTMODE', () => {
    const r = rsb();
    req(r, PR);
    const b = req(r, EX, LKF.ALTPR);
    expect(b.grmode).toBe(PR);
    const c = casts(r.drain()).find((x) => x.lkb === b)!;
    expect(c.sbflags & SBF.ALTMODE).toBe(SBF.ALTMODE);
  });

  it('rule 3: after recovery, conversions are granted regardless of order', () => {
    const r = rsb();
    const a = req(r, NL);
    const b = req(r, NL);
    a.rqmode = PR;
    b.rqmode = CR;
    // rebuilt conversions: a at the head is compatible; b behind it too
    r.grantQueue.splice(0);
    a.queue = 'none';
    b.queue = 'none';
    r.rebuild(a);
    r.rebuild(b);
    const seen: GrantInfo[] = [];
    const r2 = new Resource('r2', SIZE, 'valnotvalid', { beforeGrant: (_r, _l, i) => seen.push(i) });
    const x = newLkb(nextId++, 1, IV, 0, SIZE);
    x.grmode = NL;
    x.rqmode = PW;
    const y = newLkb(nextId++, 2, IV, 0, SIZE);
    y.grmode = NL;
    y.rqmode = CR;
    const z = newLkb(nextId++, 3, IV, 0, SIZE);
    z.grmode = CR;
    r2.rebuild(x);
    r2.rebuild(y);
    r2.rebuild(z);
    r2.recoverGrant = true;
    r2.grantPending();
    // x (PW) is compatible with z (CR) and y's NL: granted; y granted out of order too
    expect(x.grmode).toBe(PW);
    expect(y.grmode).toBe(CR);
    expect(seen.every((i) => i.recovery)).toBe(true);
  });
});

describe('blocking ASTs', () => {
  it('sends at most one bast per escalation, again after a new grant', () => {
    const r = rsb();
    const a = req(r, PR);
    req(r, PW);
    req(r, PW);
    expect(basts(r.drain())).toEqual([{ id: a.id, mode: PW }]);
    req(r, EX);
    expect(basts(r.drain())).toEqual([{ id: a.id, mode: EX }]);
  });

  it('bastes a PR holder when a CW request is blocked', () => {
    const r = rsb();
    const p = req(r, PR);
    const c = req(r, CW);
    expect(c.queue).toBe('wait');
    expect(basts(r.drain())).toEqual([{ id: p.id, mode: CW }]);
  });

  it('a grant pass bastes holders for the highest blocked mode', () => {
    const r = rsb();
    const a = req(r, PW);
    const w1 = req(r, PR);
    const w2 = req(r, EX);
    r.drain();
    r.unlock(a, 0, undefined);
    const e = r.drain();
    expect(casts(e).map((x) => x.lkb.id)).toEqual([a.id, w1.id]);
    expect(w2.queue).toBe('wait');
    expect(basts(e)).toEqual([{ id: w1.id, mode: EX }]);
  });
});

describe('conversion deadlock', () => {
  function deadlockPair(flags: number): { r: Resource; a: Lkb; b: Lkb } {
    const r = rsb();
    const a = req(r, CR);
    const b = req(r, PR);
    r.convert(a, PW, 0, undefined); // queued: b's PR blocks PW (b is basted for PW)
    r.drain();
    r.convert(b, EX, flags, undefined); // a's CR blocks b's EX and b's PR blocks a's PW → deadlock
    return { r, a, b };
  }
  it('default: the conversion is refused with -EDEADLK and the lock keeps its old mode', () => {
    const { r, b } = deadlockPair(0);
    const c = casts(r.drain()).find((x) => x.lkb === b)!;
    expect(c.status).toBe(Status.EDEADLK);
    expect(b.queue).toBe('grant');
    expect(b.grmode).toBe(PR);
  });
  it('CONVDEADLK: the granted mode is demoted to NL (DEMOTED) and the conversion goes on', () => {
    const { r, a, b } = deadlockPair(LKF.CONVDEADLK);
    // b demoted to NL: a (head, CR→PW) is now compatible → granted; b waits behind PW
    const e = casts(r.drain());
    expect(e.map((x) => [x.lkb.id, x.status])).toEqual([[a.id, 0]]);
    expect(b.grmode).toBe(NL);
    expect(b.queue).toBe('convert');
    r.unlock(a, 0, undefined);
    const c = casts(r.drain()).find((x) => x.lkb === b)!;
    expect(c.status).toBe(0);
    expect(c.sbflags & SBF.DEMOTED).toBe(SBF.DEMOTED);
    expect(b.grmode).toBe(EX);
  });
  it('one way is enough against a conversion ahead: its request blocked by our granted mode (fs/dlm conversion_deadlock_detect)', () => {
    // Found by the swarm (seed 175 of swarm-partitions): a's NL→PW queued ahead; b's PR→PW blocked by
    // x. a's NL blocks nothing, but b's PR blocks a forever and b may not pass a: without the check,
    // both waited for ever once x left.
    const r = rsb();
    const x = req(r, PR);
    const a = req(r, NL);
    const b = req(r, PR);
    r.convert(a, PW, LKF.QUECVT, undefined); // blocked by x and b
    r.drain();
    r.convert(b, PW, 0, undefined); // blocked by x; a is ahead and b's PR blocks a's PW → deadlock
    const c = casts(r.drain()).find((e) => e.lkb === b)!;
    expect(c.status).toBe(Status.EDEADLK);
    expect([b.queue, b.grmode]).toEqual(['grant', PR]);
    r.unlock(x, 0, undefined);
    r.unlock(b, 0, undefined);
    expect(casts(r.drain()).map((e) => [e.lkb.id, e.status])).toContainEqual([a.id, 0]);
    expect(a.grmode).toBe(PW);
  });
  it('one way is not enough against a conversion behind us', () => {
    const r = rsb();
    const x = req(r, PR);
    const b = req(r, PR);
    const a = req(r, NL);
    r.convert(b, EX, 0, undefined); // queued first: blocked by x (and a's NL is fine)
    r.drain();
    r.convert(a, PW, LKF.QUECVT, undefined); // queued behind b: b's PR blocks a, a's NL does not block b
    expect(casts(r.drain())).toEqual([]);
    expect(a.queue).toBe('convert');
    r.unlock(x, 0, undefined);
    expect(casts(r.drain()).filter((e) => e.lkb !== x).map((e) => [e.lkb.id, e.status])).toEqual([[b.id, 0]]);
    expect(a.queue).toBe('convert'); // now blocked by b's EX, in turn
  });
  it('NODLCKWT: nothing is cancelled, the converting lock gets a bast instead', () => {
    const { r, b } = deadlockPair(LKF.NODLCKWT);
    const e = r.drain();
    expect(casts(e)).toEqual([]);
    expect(b.queue).toBe('convert');
    expect(basts(e)).toContainEqual({ id: b.id, mode: EX });
  });
});

describe('NOQUEUE, unlock, cancel', () => {
  it('NOQUEUE fails with -EAGAIN and no bast; with NOQUEUEBAST the holders are basted', () => {
    const r = rsb();
    const a = req(r, EX);
    r.drain();
    const b = req(r, PR, LKF.NOQUEUE);
    let e = r.drain();
    expect(casts(e).map((c) => [c.lkb.id, c.status])).toEqual([[b.id, Status.EAGAIN]]);
    expect(basts(e)).toEqual([]);
    req(r, PR, LKF.NOQUEUE | LKF.NOQUEUEBAST);
    e = r.drain();
    expect(basts(e)).toEqual([{ id: a.id, mode: PR }]);
    expect(r.waitQueue).toEqual([]);
  });

  it('unlock completes with -DLM_EUNLOCK and grants waiters; cancel of a waiter gives -DLM_ECANCEL', () => {
    const r = rsb();
    const a = req(r, EX);
    const b = req(r, EX);
    const c = req(r, EX);
    r.drain();
    expect(r.cancel(c)).toBe(true);
    expect(casts(r.drain()).map((x) => [x.lkb.id, x.status])).toEqual([[c.id, Status.ECANCEL]]);
    r.unlock(a, 0, undefined);
    expect(casts(r.drain()).map((x) => [x.lkb.id, x.status])).toEqual([[a.id, Status.EUNLOCK], [b.id, 0]]);
  });

  it('cancel of a conversion reverts to the old mode; cancel of a granted lock is a no-op', () => {
    const r = rsb();
    const a = req(r, PR);
    const b = req(r, PR);
    r.convert(a, EX, 0, undefined);
    r.drain();
    expect(r.cancel(a)).toBe(true);
    const e = casts(r.drain());
    expect(e.map((x) => [x.lkb.id, x.status, x.mode])).toEqual([[a.id, Status.ECANCEL, PR]]);
    expect(a.queue).toBe('grant');
    expect(r.cancel(b)).toBe(false);
    expect(r.drain()).toEqual([]);
  });

  it('unlock of a busy lock is refused unless FORCEUNLOCK', () => {
    const r = rsb();
    req(r, EX);
    const b = req(r, EX);
    expect(() => r.unlock(b, 0, undefined)).toThrow(/busy/);
    r.unlock(b, LKF.FORCEUNLOCK, undefined);
    expect(b.queue).toBe('none');
  });
});

describe('LVB', () => {
  it('follows the read/write table by granted → requested mode', () => {
    expect(lvbOpOnGrant(IV, EX)).toBe('read');
    expect(lvbOpOnGrant(NL, PR)).toBe('read');
    expect(lvbOpOnGrant(PR, NL)).toBe('none');
    expect(lvbOpOnGrant(CW, CR)).toBe('none');
    expect(lvbOpOnGrant(PW, EX)).toBe('read');
    expect(lvbOpOnGrant(PW, PR)).toBe('write');
    expect(lvbOpOnGrant(EX, NL)).toBe('write');
    expect(lvbOpOnUnlock(PW)).toBe('write');
    expect(lvbOpOnUnlock(PR)).toBe('none');
  });

  it('a writer stores its LVB with a new seq on down-conversion and unlock; readers see value and seq', () => {
    const r = rsb();
    const a = req(r, EX, LKF.VALBLK);
    r.drain();
    r.convert(a, PR, LKF.VALBLK, lvbOf(7));
    expect([r.lvb, r.lvbseq, a.lvbseq]).toEqual([lvbOf(7), 1, 1]);
    const b = req(r, CR, LKF.VALBLK);
    const c = casts(r.drain()).find((x) => x.lkb === b)!;
    expect([c.lvb, c.lvbseq, c.read]).toEqual([lvbOf(7), 1, true]);
    r.unlock(a, LKF.VALBLK, lvbOf(9)); // unlock from PR: no write
    expect(r.lvbseq).toBe(1);
  });

  it('VALNOTVALID: IVVALBLK invalidates (not reported on its own completion); later reads and untouched grants carry the flag until a PW/EX writer writes', () => {
    const r = rsb();
    const a = req(r, EX, LKF.VALBLK);
    r.drain();
    r.convert(a, NL, LKF.VALBLK | LKF.IVVALBLK, lvbOf(1));
    expect(r.valNotValid).toBe(true);
    expect(r.lvbseq).toBe(0);
    // Its own completion does not carry the flag (fs/dlm set_lvb_lock returns before flagging the lock).
    expect(casts(r.drain())[0]!.sbflags & SBF.VALNOTVALID).toBe(0);
    const b = req(r, PR, LKF.VALBLK);
    expect(casts(r.drain())[0]!.sbflags & SBF.VALNOTVALID).toBe(SBF.VALNOTVALID);
    r.unlock(b, 0, undefined);
    r.convert(a, EX, LKF.VALBLK, undefined);
    expect(casts(r.drain()).find((x) => x.lkb === a)!.sbflags & SBF.VALNOTVALID).toBe(SBF.VALNOTVALID);
    r.convert(a, PW, LKF.VALBLK, lvbOf(2)); // EX→PW writes: clears, and this completion carries no flag
    const w = casts(r.drain())[0]!;
    expect(w.sbflags & SBF.VALNOTVALID).toBe(0);
    expect(r.valNotValid).toBe(false);
  });

  it('purge of a PW/EX VALBLK holder asks for invalidation; of a CR holder it does not', () => {
    const r = rsb();
    const a = req(r, PW, LKF.VALBLK);
    const b = req(r, CR, LKF.VALBLK);
    expect(r.purge(b, true)).toBe(false);
    expect(r.purge(a, true)).toBe(true);
  });

  it('recover_lvb on a new master: > CR holder gives a valid LVB; NL/CR only gives highest seq (wrap-safe) flagged', () => {
    expect(recoverLvbNewMaster([], SIZE)).toBeUndefined();
    expect(recoverLvbNewMaster([{ grmode: PR, valblk: false, lvb: lvbOf(1), lvbseq: 3 }], SIZE)).toBeUndefined();
    expect(recoverLvbNewMaster([
      { grmode: CR, valblk: true, lvb: lvbOf(1), lvbseq: 9 },
      { grmode: PW, valblk: true, lvb: lvbOf(2), lvbseq: 4 },
    ], SIZE)).toEqual({ lvb: lvbOf(2), seq: 4, valNotValid: false });
    expect(recoverLvbNewMaster([
      { grmode: CR, valblk: true, lvb: lvbOf(1), lvbseq: 0xfffffffe },
      { grmode: NL, valblk: true, lvb: lvbOf(2), lvbseq: 1 }, // wrapped: newer
    ], SIZE)).toEqual({ lvb: lvbOf(2), seq: 1, valNotValid: true });
    expect(seqAtLeast(1, 0xffffffff)).toBe(true);
    expect(zeroLvb(8)).toBe('0'.repeat(16));
  });
});
