// The resource (rsb) on its master: grant, convert and wait queues, the grant rules 1–8, grant
// passes, blocking ASTs, conversion deadlock, NOQUEUE, unlock/cancel and the LVB. Pure: no engine.
// Follows fs/dlm/lock.c (_can_be_granted, grant_pending_locks, do_request/convert/unlock/cancel).
import type { NodeId } from '../../sim/types.ts';
import { Mode, compatible } from './modes.ts';
import { LKF, SBF, Status } from './flags.ts';
import { lvbOpOnGrant, lvbOpOnUnlock, nextSeq, zeroLvb } from './lvb.ts';
import { assert } from './assert.ts';

export type QueueName = 'grant' | 'convert' | 'wait' | 'none';

/** The master copy of a lock. */
export interface Lkb {
  readonly id: number;
  readonly node: NodeId;
  grmode: Mode;
  rqmode: Mode;
  /** Flags (LKF) of the current or last operation. */
  flags: number;
  /** Status-block flags pending for the next completion (DEMOTED, ALTMODE). */
  sbflags: number;
  queue: QueueName;
  /** Highest mode this lock was basted for since its last grant (one bast per escalation). */
  highbast: Mode;
  /** The lock's copy of the value block: what it last read or wrote, or what it offers to write. */
  lvb: string;
  lvbseq: number;
  /** Set on a queued conversion when it had been refused at once (so it is no longer "first-time"). */
  converting: boolean;
  /** The grant being completed read the LVB (set by a grant, consumed by its completion). */
  lvbRead: boolean;
  /**
   * The grant being completed wrote the LVB or invalidated it (IVVALBLK): its own completion does not
   * report VALNOTVALID (fs/dlm set_lvb_lock returns before setting the flag on the lock).
   */
  lvbWrote: boolean;
}

/** A completion AST (cast) or a blocking AST (bast) the master must deliver to the lock's owner. */
export type Effect =
  | { kind: 'cast'; lkb: Lkb; status: number; sbflags: number; mode: Mode; lvb: string | undefined; lvbseq: number; read: boolean }
  | { kind: 'bast'; lkb: Lkb; mode: Mode }
  /**
   * CONVDEADLK demoted a queued conversion's granted mode to NL: the owner's process copy must take
   * NL too (fs/dlm's convert reply carries DEMOTED and munge_demoted sets the copy's grmode).
   */
  | { kind: 'demote'; lkb: Lkb };

/** How a grant happened, reported before the grant is applied (so a checker sees the queues as they were). */
export interface GrantInfo {
  /** 'new' = first-time request, 'convert-now' = first-time conversion, else the queue it came from. */
  from: 'new' | 'convert-now' | 'convert' | 'wait';
  mode: Mode;
  recovery: boolean;
}

/** Planted flaws for negative tests (all off in the correct DLM). */
export interface ResourceBugs {
  /** New requests ignore the convert queue (rule 7 broken). */
  ignoreConvertQueue?: boolean;
  /** Treat PR and PW as compatible (the matrix broken). */
  badCompat?: boolean;
  /** An IVVALBLK conversion reports VALNOTVALID on its own completion (reference §2 broken). */
  ivValBlkReportsInvalid?: boolean;
  /** Status-block flags are not cleared after a completion: a later one repeats them. */
  stickySbflags?: boolean;
}

export interface ResourceHooks {
  beforeGrant?(r: Resource, lkb: Lkb, info: GrantInfo): void;
  onLvbWrite?(r: Resource, lkb: Lkb): void;
  /** A grant read the LVB into the lock (after the copy; `r.valNotValid` is what the completion reports). */
  onLvbRead?(r: Resource, lkb: Lkb): void;
  /** The value block was marked lost: flagged VALNOTVALID, or `zeroed` where the lockspace signals so. */
  onLvbInvalidate?(r: Resource, why: string, zeroed: boolean): void;
}

function has(lkb: Lkb, flag: number): boolean {
  return (lkb.flags & flag) !== 0;
}

export class Resource {
  readonly grantQueue: Lkb[] = [];
  readonly convertQueue: Lkb[] = [];
  readonly waitQueue: Lkb[] = [];
  lvb: string;
  lvbseq = 0;
  valNotValid = false;
  /** After recovery: the next grant pass grants conversions regardless of order (rule 3). */
  recoverGrant = false;
  private effects: Effect[] = [];

  constructor(
    readonly name: string,
    readonly lvbSize: number,
    /** How a lost value block is signalled: VALNOTVALID (fs/dlm) or a zeroed block (o2dlm). */
    readonly lostSignal: 'valnotvalid' | 'zero' = 'valnotvalid',
    private readonly hooks: ResourceHooks = {},
    private readonly bugs: ResourceBugs = {},
  ) {
    this.lvb = zeroLvb(lvbSize);
  }

  /** Take the effects produced so far, in the order they were queued. */
  drain(): Effect[] {
    const e = this.effects;
    this.effects = [];
    return e;
  }

  all(): Lkb[] {
    return [...this.grantQueue, ...this.convertQueue, ...this.waitQueue];
  }

  find(id: number): Lkb | undefined {
    return this.grantQueue.find((l) => l.id === id) ?? this.convertQueue.find((l) => l.id === id) ?? this.waitQueue.find((l) => l.id === id);
  }

  isEmpty(): boolean {
    return this.grantQueue.length + this.convertQueue.length + this.waitQueue.length === 0;
  }

  // ---- operations -----------------------------------------------------------------------------

  /** A new lock request (do_request). `lkb.rqmode` and `lkb.flags` are set; grmode is IV. */
  request(lkb: Lkb): void {
    assert(lkb.grmode === Mode.IV && lkb.queue === 'none', `request: lock ${lkb.id} is not new`);
    assert(lkb.rqmode !== Mode.IV, `request: lock ${lkb.id} asks for no mode`);
    // The caller refuses EXPEDITE on anything but a new NL request (validate.ts), as fs/dlm does.
    assert(!has(lkb, LKF.EXPEDITE) || lkb.rqmode === Mode.NL, `request: EXPEDITE on a non-NL request (lock ${lkb.id})`);
    if (this.canBeGranted(lkb, true, false).ok) {
      this.grantLock(lkb, 'new');
      this.cast(lkb, Status.OK);
      return;
    }
    if (!has(lkb, LKF.NOQUEUE)) {
      this.move(lkb, 'wait');
      this.sendBlockingAsts(lkb, false);
      return;
    }
    if (has(lkb, LKF.NOQUEUEBAST)) this.sendBlockingAsts(lkb, true);
    this.cast(lkb, Status.EAGAIN);
  }

  /** A conversion of a granted lock (do_convert). */
  convert(lkb: Lkb, rqmode: Mode, flags: number, lvb: string | undefined): void {
    assert(lkb.queue === 'grant', `convert: lock ${lkb.id} is not granted (on ${lkb.queue})`);
    assert(rqmode !== Mode.IV && lkb.grmode !== Mode.IV, `convert: lock ${lkb.id} converts to or from no mode`);
    lkb.rqmode = rqmode;
    lkb.flags = flags;
    lkb.converting = false;
    if (lvb !== undefined) lkb.lvb = lvb;
    const g = this.canBeGranted(lkb, true, false);
    if (g.ok) {
      this.grantLock(lkb, 'convert-now');
      this.cast(lkb, Status.OK);
      this.grantPending();
      return;
    }
    if (g.deadlock && !has(lkb, LKF.NODLCKWT)) {
      lkb.rqmode = Mode.IV;
      this.cast(lkb, Status.EDEADLK);
      return;
    }
    if ((lkb.sbflags & SBF.DEMOTED) !== 0 && lkb.grmode === Mode.NL) {
      // CONVDEADLK demoted us to NL: other conversions may now go first, then try again.
      this.grantPendingConvert(false);
      if (this.canBeGrantedBasic(lkb, true, false)) {
        this.grantLock(lkb, 'convert-now');
        this.cast(lkb, Status.OK);
        this.grantPending();
        return;
      }
    }
    if (!has(lkb, LKF.NOQUEUE)) {
      lkb.converting = true;
      this.move(lkb, 'convert');
      if ((lkb.sbflags & SBF.DEMOTED) !== 0) this.effects.push({ kind: 'demote', lkb });
      if (g.deadlock) this.bast(lkb, lkb.rqmode); // NODLCKWT: the deadlocked lock is told instead
      this.sendBlockingAsts(lkb, false);
      return;
    }
    if (has(lkb, LKF.NOQUEUEBAST)) this.sendBlockingAsts(lkb, true);
    lkb.rqmode = Mode.IV;
    this.cast(lkb, Status.EAGAIN);
  }

  /** Unlock a granted lock (do_unlock): write the LVB from PW/EX, remove, complete -DLM_EUNLOCK, grant pass. */
  unlock(lkb: Lkb, flags: number, lvb: string | undefined): void {
    assert(lkb.queue === 'grant' || (flags & LKF.FORCEUNLOCK) !== 0, `unlock: lock ${lkb.id} is busy (on ${lkb.queue})`);
    lkb.flags = (lkb.flags & ~(LKF.IVVALBLK | LKF.VALBLK)) | (flags & (LKF.IVVALBLK | LKF.VALBLK | LKF.FORCEUNLOCK));
    if (lvb !== undefined) lkb.lvb = lvb;
    if (lvbOpOnUnlock(lkb.grmode) === 'write') this.writeLvb(lkb);
    this.remove(lkb);
    this.effects.push({ kind: 'cast', lkb, status: Status.EUNLOCK, sbflags: 0, mode: Mode.IV, lvb: undefined, lvbseq: lkb.lvbseq, read: false });
    this.grantPending();
  }

  /** Cancel (do_cancel): a waiting request is removed, a conversion reverts; a granted lock is a no-op. */
  cancel(lkb: Lkb): boolean {
    if (lkb.queue === 'grant') return false;
    if (lkb.queue === 'wait') {
      this.remove(lkb);
    } else if (lkb.queue === 'convert') {
      lkb.rqmode = Mode.IV;
      lkb.converting = false;
      this.move(lkb, 'grant');
    } else {
      return false;
    }
    this.cast(lkb, Status.ECANCEL);
    this.grantPending();
    return true;
  }

  /** Drop a departed node's lock during recovery; a PW/EX holder with VALBLK invalidates the LVB. Returns whether it did. */
  purge(lkb: Lkb, invalidate: boolean): boolean {
    const inval = invalidate && lkb.grmode >= Mode.PW && has(lkb, LKF.VALBLK);
    this.remove(lkb);
    return inval;
  }

  /** Put a rebuilt lock (from recovery) straight onto a queue. */
  rebuild(lkb: Lkb): void {
    assert(lkb.queue === 'none', `rebuild: lock ${lkb.id} is already on the ${lkb.queue} queue of ${this.name}`);
    assert(lkb.grmode !== Mode.IV || lkb.rqmode !== Mode.IV, `rebuild: lock ${lkb.id} holds and requests nothing`);
    const q: QueueName = lkb.grmode === Mode.IV ? 'wait' : lkb.rqmode !== Mode.IV ? 'convert' : 'grant';
    lkb.converting = q === 'convert';
    this.move(lkb, q);
  }

  /**
   * After a rebuild: a CONVDEADLK conversion whose granted mode conflicts with another rebuilt lock's
   * was demoted by the dead master, whose word of it (the demote notice) died with it — a master
   * grants nothing against a converting lock's granted mode otherwise. Demote it again and tell its
   * owner, so the rebuilt queues hold compatible granted modes. (A model addition: fs/dlm's rebuild
   * trusts the copy.)
   */
  reconcileRebuiltDemotions(): void {
    for (const lkb of [...this.convertQueue]) {
      if (!has(lkb, LKF.CONVDEADLK) || lkb.grmode === Mode.NL) continue;
      const others = [...this.grantQueue, ...this.convertQueue].filter((o) => o !== lkb);
      if (others.every((o) => compatible(o.grmode, lkb.grmode))) continue;
      lkb.grmode = Mode.NL;
      lkb.sbflags |= SBF.DEMOTED;
      this.effects.push({ kind: 'demote', lkb });
    }
  }

  /**
   * After a rebuild, conversions re-queued in recovery may deadlock each other (they were never
   * checked together). Treat each as if it were being queued now: -EDEADLK by default (back to its
   * granted mode), demotion with CONVDEADLK, a bast with NODLCKWT. fs/dlm only logs such a deadlock.
   */
  resolveRebuiltDeadlocks(): void {
    for (const lkb of [...this.convertQueue]) {
      if (!this.conversionDeadlock(lkb)) continue;
      if (has(lkb, LKF.CONVDEADLK)) {
        lkb.grmode = Mode.NL;
        lkb.sbflags |= SBF.DEMOTED;
        this.effects.push({ kind: 'demote', lkb });
      } else if (has(lkb, LKF.NODLCKWT)) {
        this.bast(lkb, lkb.rqmode);
      } else {
        lkb.rqmode = Mode.IV;
        lkb.converting = false;
        this.move(lkb, 'grant');
        this.cast(lkb, Status.EDEADLK);
      }
    }
  }

  // ---- grant logic ----------------------------------------------------------------------------

  /**
   * Rules 1–8 (_can_be_granted plus alt modes and the conversion-deadlock check of can_be_granted).
   * May demote (CONVDEADLK) or switch to the alternate mode (ALTPR/ALTCW) as Linux does.
   */
  canBeGranted(lkb: Lkb, now: boolean, recover: boolean): { ok: boolean; deadlock: boolean } {
    if (this.canBeGrantedBasic(lkb, now, recover)) return { ok: true, deadlock: false };
    const conv = lkb.grmode !== Mode.IV;
    if (conv && !has(lkb, LKF.NOQUEUE) && this.conversionDeadlock(lkb)) {
      if (has(lkb, LKF.CONVDEADLK)) {
        lkb.grmode = Mode.NL;
        lkb.sbflags |= SBF.DEMOTED;
        return { ok: false, deadlock: false };
      }
      return { ok: false, deadlock: true };
    }
    const rq = lkb.rqmode;
    const alt = rq !== Mode.PR && has(lkb, LKF.ALTPR) ? Mode.PR : rq !== Mode.CW && has(lkb, LKF.ALTCW) ? Mode.CW : Mode.IV;
    if (alt !== Mode.IV) {
      lkb.rqmode = alt;
      if (this.canBeGrantedBasic(lkb, now, false)) {
        lkb.sbflags |= SBF.ALTMODE;
        return { ok: true, deadlock: false };
      }
      lkb.rqmode = rq;
    }
    return { ok: false, deadlock: false };
  }

  private compat(a: Mode, b: Mode): boolean {
    if (this.bugs.badCompat === true && ((a === Mode.PR && b === Mode.PW) || (a === Mode.PW && b === Mode.PR))) return true;
    return compatible(a, b);
  }

  private conflicts(queue: readonly Lkb[], lkb: Lkb): boolean {
    for (const o of queue) if (o !== lkb && !this.compat(o.grmode, lkb.rqmode)) return true;
    return false;
  }

  private canBeGrantedBasic(lkb: Lkb, now: boolean, recover: boolean): boolean {
    const conv = lkb.grmode !== Mode.IV;
    if (has(lkb, LKF.EXPEDITE)) return true; // rule 1
    if (this.conflicts(this.grantQueue, lkb) || this.conflicts(this.convertQueue, lkb)) return false; // rule 2
    if (conv && recover) return true; // rule 3
    if (now && conv) return !has(lkb, LKF.QUECVT) || this.convertQueue.length === 0; // rule 4
    if (has(lkb, LKF.NOORDER)) return true; // rule 5
    if (!now && conv) return this.convertQueue[0] === lkb; // rule 6
    const convertEmpty = this.convertQueue.length === 0 || this.bugs.ignoreConvertQueue === true;
    if (now && !conv) return convertEmpty && this.waitQueue.length === 0; // rule 7
    if (!now && !conv) return convertEmpty && this.waitQueue[0] === lkb;
    return false;
  }

  /**
   * fs/dlm conversion_deadlock_detect. A conversion ahead of `lkb` in the convert queue (all of them,
   * while `lkb` is not queued yet) whose requested mode `lkb`'s granted mode blocks can never go
   * first, and `lkb` may not pass it (head of queue): deadlock. One behind `lkb` deadlocks only if
   * each blocks the other. (The one-way case was first missing here: seed 175 of swarm-partitions
   * hung with NL→PW QUECVT queued ahead of PR→PW, each waiting for the other.)
   */
  private conversionDeadlock(lkb: Lkb): boolean {
    let ahead = true;
    for (const o of this.convertQueue) {
      if (o === lkb) {
        ahead = false;
        continue;
      }
      const blocksIt = !compatible(lkb.grmode, o.rqmode);
      if (ahead ? blocksIt : blocksIt && !compatible(o.grmode, lkb.rqmode)) return true;
    }
    return false;
  }

  /** grant_pending_locks: conversions (rescanned after each grant), then waiters, then basts. */
  grantPending(): void {
    const recover = this.recoverGrant;
    this.recoverGrant = false;
    const conv = this.grantPendingConvert(recover);
    let high = conv.high;
    let cw = conv.cw;
    for (const lkb of [...this.waitQueue]) {
      if (this.canBeGranted(lkb, false, false).ok) {
        this.grantLock(lkb, 'wait');
        this.cast(lkb, Status.OK);
      } else {
        if (lkb.rqmode > high) high = lkb.rqmode;
        if (lkb.rqmode === Mode.CW) cw = true;
      }
    }
    if (high === Mode.IV) return;
    for (const gr of this.grantQueue) {
      if (gr.grmode === Mode.PR && cw) {
        if (gr.highbast < Mode.EX) {
          this.pushBast(gr, high === Mode.PR ? Mode.CW : high);
          gr.highbast = high;
        }
        continue;
      }
      if (gr.highbast < high && !compatible(gr.grmode, high)) {
        this.pushBast(gr, high);
        gr.highbast = high;
      }
    }
  }

  private grantPendingConvert(recover: boolean): { high: Mode; cw: boolean } {
    let high: Mode = Mode.IV;
    let cw = false;
    let demoteRestart = false;
    const demoted: Lkb[] = [];
    for (;;) {
      let restart = false;
      high = Mode.IV;
      cw = false;
      for (const lkb of [...this.convertQueue]) {
        const wasDemoted = (lkb.sbflags & SBF.DEMOTED) !== 0;
        const g = this.canBeGranted(lkb, false, recover);
        if (g.ok) {
          this.grantLock(lkb, 'convert', recover);
          this.cast(lkb, Status.OK);
          restart = true;
          continue;
        }
        if (!wasDemoted && (lkb.sbflags & SBF.DEMOTED) !== 0) {
          demoted.push(lkb); // fs/dlm logs "pending demoted" here; the copy is told below
          demoteRestart = true;
          continue;
        }
        if (g.deadlock) {
          if (has(lkb, LKF.NODLCKWT) && lkb.highbast < lkb.rqmode) {
            this.pushBast(lkb, lkb.rqmode);
            lkb.highbast = lkb.rqmode;
          }
          continue;
        }
        if (lkb.rqmode > high) high = lkb.rqmode;
        if (lkb.rqmode === Mode.CW) cw = true;
      }
      if (restart) continue;
      if (demoteRestart) {
        demoteRestart = false;
        continue;
      }
      break;
    }
    // A queued conversion demoted in this pass and still queued: its owner takes NL now. (fs/dlm
    // tells the copy only at the grant; the model tells it at once so a rebuild sees NL.)
    for (const lkb of demoted) if (lkb.queue === 'convert') this.effects.push({ kind: 'demote', lkb });
    return { high, cw };
  }

  /** Basts to holders that block `lkb`: the grant queue, and with `all` the convert queue too. */
  private sendBlockingAsts(lkb: Lkb, all: boolean): void {
    const queues = all ? [this.grantQueue, this.convertQueue] : [this.grantQueue];
    for (const q of queues) {
      for (const gr of q) {
        if (gr === lkb) continue;
        if (gr.highbast < lkb.rqmode && !compatible(gr.grmode, lkb.rqmode)) {
          this.pushBast(gr, lkb.rqmode);
          gr.highbast = lkb.rqmode;
        }
      }
    }
  }

  private bast(lkb: Lkb, mode: Mode): void {
    if (lkb.highbast < mode) {
      this.pushBast(lkb, mode);
      lkb.highbast = mode;
    }
  }

  private pushBast(lkb: Lkb, mode: Mode): void {
    this.effects.push({ kind: 'bast', lkb, mode });
  }

  private grantLock(lkb: Lkb, how: 'new' | 'convert-now' | 'convert' | 'wait', recovery = false): void {
    assert(lkb.rqmode !== Mode.IV, `grant: lock ${lkb.id} on ${this.name} requests no mode`);
    assert(how === 'new' ? lkb.queue === 'none' : lkb.queue !== 'none', `grant: lock ${lkb.id} (${how}) is on queue '${lkb.queue}'`);
    this.hooks.beforeGrant?.(this, lkb, { from: how, mode: lkb.rqmode, recovery });
    const op = lvbOpOnGrant(lkb.grmode, lkb.rqmode);
    lkb.grmode = lkb.rqmode;
    lkb.rqmode = Mode.IV;
    lkb.highbast = Mode.IV;
    lkb.converting = false;
    this.move(lkb, 'grant');
    lkb.lvbRead = false;
    lkb.lvbWrote = op === 'write' && (has(lkb, LKF.VALBLK) || has(lkb, LKF.IVVALBLK));
    if (op === 'write' && has(lkb, LKF.IVVALBLK)) {
      this.writeLvb(lkb); // invalidates, with or without VALBLK (fs/dlm set_lvb_lock)
      return;
    }
    if (!has(lkb, LKF.VALBLK)) return;
    if (op === 'read') {
      lkb.lvb = this.lvb;
      lkb.lvbseq = this.lvbseq;
      lkb.lvbRead = true;
      this.hooks.onLvbRead?.(this, lkb);
    } else if (op === 'write') {
      this.writeLvb(lkb);
    }
  }

  /** Store the lock's LVB on the resource (or invalidate with IVVALBLK). */
  private writeLvb(lkb: Lkb): void {
    if (has(lkb, LKF.IVVALBLK)) {
      this.invalidateLvb(`IVVALBLK by lock ${lkb.id}`);
      return;
    }
    if (!has(lkb, LKF.VALBLK)) return;
    this.lvb = lkb.lvb;
    this.lvbseq = nextSeq(this.lvbseq);
    lkb.lvbseq = this.lvbseq;
    this.valNotValid = false;
    this.hooks.onLvbWrite?.(this, lkb);
  }

  private cast(lkb: Lkb, status: number): void {
    let sb = lkb.sbflags;
    if (this.bugs.stickySbflags !== true) lkb.sbflags = 0;
    const valblk = has(lkb, LKF.VALBLK);
    // VALNOTVALID on a grant that read the LVB or left it alone; a write clears the flag and an
    // IVVALBLK write sets it for later operations only (reference §2, fs/dlm set_lvb_lock).
    const ownWrite = lkb.lvbWrote && this.bugs.ivValBlkReportsInvalid !== true;
    if (status === Status.OK && valblk && this.valNotValid && !ownWrite) sb |= SBF.VALNOTVALID;
    const read = status === Status.OK && lkb.lvbRead;
    lkb.lvbRead = false;
    lkb.lvbWrote = false;
    this.effects.push({
      kind: 'cast', lkb, status, sbflags: sb, mode: lkb.grmode,
      lvb: valblk ? lkb.lvb : undefined, lvbseq: lkb.lvbseq, read,
    });
  }

  // ---- queues ---------------------------------------------------------------------------------

  private queueOf(q: QueueName): Lkb[] | undefined {
    return q === 'grant' ? this.grantQueue : q === 'convert' ? this.convertQueue : q === 'wait' ? this.waitQueue : undefined;
  }

  private move(lkb: Lkb, to: QueueName): void {
    const from = this.queueOf(lkb.queue);
    if (from !== undefined) {
      const i = from.indexOf(lkb);
      assert(i >= 0, `lock ${lkb.id} not on its ${lkb.queue} queue of ${this.name}`);
      from.splice(i, 1);
    }
    lkb.queue = to;
    this.queueOf(to)?.push(lkb);
  }

  private remove(lkb: Lkb): void {
    this.move(lkb, 'none');
  }

  /**
   * The value block is lost (its PW/EX holder departed, or IVVALBLK): flag it VALNOTVALID, keeping
   * the stale bytes (fs/dlm), or zero it without a flag (o2dlm's blanked LVB), as the lockspace chose.
   */
  invalidateLvb(why: string): void {
    const zero = this.lostSignal === 'zero';
    if (zero) this.lvb = zeroLvb(this.lvbSize);
    else this.valNotValid = true;
    this.hooks.onLvbInvalidate?.(this, why, zero);
  }
}

export function newLkb(id: number, node: NodeId, rqmode: Mode, flags: number, lvbSize: number, lvb?: string): Lkb {
  return {
    id, node, grmode: Mode.IV, rqmode, flags, sbflags: 0, queue: 'none', highbast: Mode.IV,
    lvb: lvb ?? zeroLvb(lvbSize), lvbseq: 0, converting: false, lvbRead: false, lvbWrote: false,
  };
}
