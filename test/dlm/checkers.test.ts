// Unit tests of the dlm-lvb checker on hand-made observation sequences: a new master adopting a
// holder's own unanswered write (fs/dlm's recover_lvb keeps the seq that holder read) is allowed only
// when that holder really wrote the value; anything else it adopts must match the last write.
import { describe, expect, it } from 'vitest';
import type { CheckerWorld, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { lvbChecker } from '../../protocols/dlm/checkers/lvb.ts';
import { LKF } from '../../protocols/dlm/flags.ts';
import { Mode } from '../../protocols/dlm/modes.ts';

function fakeWorld(): CheckerWorld & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages, nowUs: 0, eventIndex: 0, healed: false, healAtUs: 0, nodes: [1, 2, 3],
    isUp: () => true, isPaused: () => false, incarnation: () => 1,
    isFenced: () => false, fencedAtUs: () => -1, connected: () => true,
    module: () => undefined, violate: (m) => void messages.push(m), cover: () => undefined,
  };
}

let seq = 0;
function feed(c: WorldChecker, w: CheckerWorld, node: number, kind: string, data: Record<string, unknown>): void {
  const obs: Observation = { seq: seq++, atUs: seq * 10, kind, node, data };
  c.onObservation?.(obs, w);
}

const R = { ls: 't', res: 'r' };
const V1 = 'aa'.repeat(4);
const V2 = 'bb'.repeat(4);

/** Node 3 masters 'r' and stores V1 at seq 5; node 1 reads it under PW, then writes `written` by PW→PR. */
function history(c: WorldChecker, w: CheckerWorld, written: string | undefined): void {
  feed(c, w, 1, 'dlm-recovered', { ls: 't', gen: 1, members: [1, 2, 3] });
  feed(c, w, 3, 'dlm-lvb-write', { ...R, seq: 5, lvb: V1, lkid: 99 });
  feed(c, w, 1, 'dlm-op', { ...R, lkid: 11, opId: 1, op: 'request', mode: Mode.PW, flags: LKF.VALBLK, grmode: Mode.IV });
  feed(c, w, 3, 'dlm-lvb-read', { ...R, lkid: 11, owner: 1, seq: 5, lvb: V1, valNotValid: false });
  feed(c, w, 1, 'dlm-complete', { ...R, lkid: 11, opId: 1, status: 0, mode: Mode.PW, sbflags: 0, lvb: V1, lvbseq: 5, read: true, valblk: true });
  const flags = written === undefined ? 0 : LKF.VALBLK;
  feed(c, w, 1, 'dlm-op', { ...R, lkid: 11, opId: 2, op: 'convert', mode: Mode.PR, flags, grmode: Mode.PW, ...(written !== undefined ? { lvb: written } : {}) });
  feed(c, w, 1, 'dlm-complete', { ...R, lkid: 11, opId: 2, status: 0, mode: Mode.PR, sbflags: 0, lvbseq: 5, read: false, valblk: written !== undefined });
  // Node 3 dies before storing the write; nodes 1 and 2 recover, node 2 becomes the new master.
  feed(c, w, 1, 'dlm-recovered', { ls: 't', gen: 2, members: [1, 2] });
}

function readAt2(c: WorldChecker, w: CheckerWorld, lvb: string, lvbseq: number): void {
  feed(c, w, 2, 'dlm-lvb-read', { ...R, lkid: 12, owner: 2, seq: lvbseq, lvb, valNotValid: false });
  feed(c, w, 2, 'dlm-complete', { ...R, lkid: 12, opId: 1, status: 0, mode: Mode.PR, sbflags: 0, lvb, lvbseq, read: true, valblk: true });
}

describe('dlm-lvb and a recovered pending write', () => {
  it("accepts a new master adopting a holder's unanswered write under the seq it read; the next write may reuse seq 6", () => {
    const c = lvbChecker();
    const w = fakeWorld();
    history(c, w, V2);
    feed(c, w, 2, 'dlm-lvb-recovered', { ...R, seq: 5, lvb: V2, valNotValid: false, pendingWrite: true, zeroed: false, members: [1, 2] });
    readAt2(c, w, V2, 5);
    feed(c, w, 2, 'dlm-lvb-write', { ...R, seq: 6, lvb: V1, lkid: 11 });
    expect(w.messages).toEqual([]);
  });

  it('fires when the claimed pending write is a value no holder wrote', () => {
    const c = lvbChecker();
    const w = fakeWorld();
    history(c, w, V2);
    feed(c, w, 2, 'dlm-lvb-recovered', { ...R, seq: 5, lvb: 'cc'.repeat(4), valNotValid: false, pendingWrite: true, zeroed: false, members: [1, 2] });
    expect(w.messages[0]).toMatch(/no holder has such a write outstanding/);
  });

  it('fires when the holder converted down without a value block (it wrote nothing)', () => {
    const c = lvbChecker();
    const w = fakeWorld();
    history(c, w, undefined);
    feed(c, w, 2, 'dlm-lvb-recovered', { ...R, seq: 5, lvb: V2, valNotValid: false, pendingWrite: true, zeroed: false, members: [1, 2] });
    expect(w.messages[0]).toMatch(/no holder has such a write outstanding/);
  });

  it('fires on a read of an adopted value that is neither the last write nor a pending write', () => {
    const c = lvbChecker();
    const w = fakeWorld();
    history(c, w, V2);
    feed(c, w, 2, 'dlm-lvb-recovered', { ...R, seq: 5, lvb: V2, valNotValid: false, pendingWrite: false, zeroed: false, members: [1, 2] });
    readAt2(c, w, V2, 5);
    expect(w.messages[0]).toMatch(/but the last PW\/EX write was seq 5/);
  });

  it("accepts a cancelled PW→PW conversion's offer (the buffer keeps it) until a read replaces it", () => {
    const setup = (c: WorldChecker, w: CheckerWorld): void => {
      feed(c, w, 1, 'dlm-recovered', { ls: 't', gen: 1, members: [1, 2, 3] });
      feed(c, w, 3, 'dlm-lvb-write', { ...R, seq: 5, lvb: V1, lkid: 99 });
      feed(c, w, 1, 'dlm-op', { ...R, lkid: 11, opId: 1, op: 'request', mode: Mode.PW, flags: LKF.VALBLK, grmode: Mode.IV });
      feed(c, w, 3, 'dlm-lvb-read', { ...R, lkid: 11, owner: 1, seq: 5, lvb: V1, valNotValid: false });
      feed(c, w, 1, 'dlm-complete', { ...R, lkid: 11, opId: 1, status: 0, mode: Mode.PW, sbflags: 0, lvb: V1, lvbseq: 5, read: true, valblk: true });
      feed(c, w, 1, 'dlm-op', { ...R, lkid: 11, opId: 2, op: 'convert', mode: Mode.PW, flags: LKF.VALBLK | LKF.QUECVT, grmode: Mode.PW, lvb: V2 });
      feed(c, w, 1, 'dlm-complete', { ...R, lkid: 11, opId: 2, status: -65537, mode: Mode.PW, sbflags: 0, lvbseq: 5, read: false, valblk: true });
    };
    let c = lvbChecker();
    let w = fakeWorld();
    setup(c, w);
    feed(c, w, 1, 'dlm-recovered', { ls: 't', gen: 2, members: [1, 2] });
    feed(c, w, 2, 'dlm-lvb-recovered', { ...R, seq: 5, lvb: V2, valNotValid: false, pendingWrite: true, zeroed: false, members: [1, 2] });
    expect(w.messages).toEqual([]);

    c = lvbChecker();
    w = fakeWorld();
    setup(c, w);
    feed(c, w, 1, 'dlm-op', { ...R, lkid: 11, opId: 3, op: 'convert', mode: Mode.EX, flags: LKF.VALBLK, grmode: Mode.PW, lvb: V2 });
    feed(c, w, 3, 'dlm-lvb-read', { ...R, lkid: 11, owner: 1, seq: 5, lvb: V1, valNotValid: false });
    feed(c, w, 1, 'dlm-complete', { ...R, lkid: 11, opId: 3, status: 0, mode: Mode.EX, sbflags: 0, lvb: V1, lvbseq: 5, read: true, valblk: true });
    feed(c, w, 1, 'dlm-recovered', { ls: 't', gen: 2, members: [1, 2] });
    feed(c, w, 2, 'dlm-lvb-recovered', { ...R, seq: 5, lvb: V2, valNotValid: false, pendingWrite: true, zeroed: false, members: [1, 2] });
    expect(w.messages[0]).toMatch(/no holder has such a write outstanding/);
  });
});
