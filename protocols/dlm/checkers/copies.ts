// What each node's process copies believe, rebuilt from observations (independent of DLM internals):
// a lock is believed granted in a mode from its completion until its unlock is issued. A copy whose
// owner was removed from the lockspace (crash, restart, cut off and purged) stops counting when the
// lockspace's next recovery completes without it; a reset or crash drops it at once.
import type { NodeId, Observation } from '../../../sim/types.ts';
import type { CheckerWorld } from '../../../sim/types.ts';
import { Mode, compatible, isDownConversion } from '../modes.ts';
import { LKF, Status } from '../flags.ts';
import { lvbOpOnGrant } from '../lvb.ts';
import { asDlm } from '../observations.ts';
import type { DlmObservationData } from '../observations.ts';

export interface Copy {
  node: NodeId;
  inc: number;
  ls: string;
  res: string;
  lkid: number;
  mode: Mode;
  valblk: boolean;
  /** A CONVDEADLK conversion is in flight: the master may already have demoted it to NL. */
  mayBeDemoted: boolean;
  /** An up (or PR↔CW) conversion is in flight: the master may already have granted this mode. */
  rq: Mode | undefined;
  /** Observation seq of the completion that last granted it. */
  grantedSeq: number;
}

/**
 * A value a lock offered to write from PW/EX (a conversion or unlock with a value block) that the
 * master has not numbered back to it. The lock's buffer keeps it — fs/dlm's process copy points at
 * the caller's buffer — until a later grant numbers it or a read replaces it, or the lock is gone.
 * A down-conversion completes at once (its own completion keeps the offer); an unlock deferred by
 * recovery leaves the lock, and its offer, to be rebuilt.
 */
export interface Offer {
  node: NodeId;
  ls: string;
  res: string;
  lvb: string;
  /** The down-conversion whose own (local) completion does not answer the offer; -1 for any other op. */
  opId: number;
}

export const COPY_KINDS = ['dlm-op', 'dlm-complete', 'dlm-demoted', 'dlm-reset', 'dlm-recovered', 'crash'] as const;

export class Copies {
  readonly byLock = new Map<number, Copy>();
  /** Latest completed membership per lockspace (by generation). */
  readonly members = new Map<string, { gen: number; members: Set<NodeId>; incs: Map<NodeId, number> }>();
  /** Outstanding offers to write, by lock id (see Offer). */
  readonly offers = new Map<number, Offer>();
  /** Copies whose owner died or was cut off: they count as "departed holders" at the next recovery. */
  readonly departedHolders: Copy[] = [];

  /** Feed one observation; returns the copy a completion granted, if any. */
  feed(obs: Observation, w: CheckerWorld): Copy | undefined {
    if (obs.kind === 'crash') {
      for (const c of [...this.byLock.values()]) if (c.node === obs.node) this.depart(c);
      for (const [id, o] of [...this.offers]) if (o.node === obs.node) this.offers.delete(id);
      return undefined;
    }
    const o = asDlm(obs);
    if (o === undefined) return undefined;
    switch (o.kind) {
      case 'dlm-reset':
        for (const c of [...this.byLock.values()]) if (c.node === o.node && c.ls === o.data.ls) this.depart(c);
        for (const [id, x] of [...this.offers]) if (x.node === o.node && x.ls === o.data.ls) this.offers.delete(id);
        return undefined;
      case 'dlm-recovered':
        this.onRecovered(o.data, w);
        return undefined;
      case 'dlm-demoted': {
        // The master told the owner that CONVDEADLK demoted its conversion: the copy now holds NL.
        const c = this.byLock.get(o.data.lkid);
        if (c !== undefined) {
          c.mode = Mode.NL;
          c.mayBeDemoted = false;
        }
        return undefined;
      }
      case 'dlm-op':
        this.onOp(o.data);
        return undefined;
      case 'dlm-complete':
        return this.onComplete(o.node, o.seq, o.data, w);
      default:
        return undefined;
    }
  }

  /**
   * Rule "new lineage": a generation no higher than the recorded one (the same, too), from a group
   * none of whose members carries over (same incarnation) from the recorded one, is a new lineage —
   * the lockspace was re-created after all its members were lost; it replaces the recorded membership.
   */
  private onRecovered(d: DlmObservationData['dlm-recovered'], w: CheckerWorld): void {
    const cur = this.members.get(d.ls);
    const reborn = cur !== undefined && d.members.every((n) => !cur.members.has(n) || w.incarnation(n) !== cur.incs.get(n));
    if (cur === undefined || d.gen > cur.gen || reborn) {
      const members = new Set(d.members);
      this.members.set(d.ls, { gen: d.gen, members, incs: new Map([...members].map((n) => [n, w.incarnation(n)])) });
    }
  }

  private onOp(d: DlmObservationData['dlm-op']): void {
    const c = this.byLock.get(d.lkid);
    if (c === undefined) return;
    const offers = c.mode >= Mode.PW && (d.flags & LKF.VALBLK) !== 0 && (d.flags & LKF.IVVALBLK) === 0 &&
      (d.op === 'unlock' || (d.op === 'convert' && lvbOpOnGrant(c.mode, d.mode) === 'write'));
    if (offers && d.lvb !== undefined) {
      // A down-conversion's own completion is local and at once: it does not answer the offer.
      const local = d.op === 'convert' && isDownConversion(c.mode, d.mode, (d.flags & LKF.QUECVT) !== 0);
      this.offers.set(c.lkid, { node: c.node, ls: c.ls, res: c.res, lvb: d.lvb, opId: local ? d.opId : -1 });
    }
    if (d.op === 'unlock') this.byLock.delete(c.lkid);
    else if (d.op === 'convert') {
      // Asking to go down gives up the higher mode at once; CONVDEADLK allows a silent demotion.
      if (isDownConversion(c.mode, d.mode, false)) c.mode = d.mode;
      else c.rq = d.mode;
      if ((d.flags & LKF.CONVDEADLK) !== 0) c.mayBeDemoted = true;
    }
  }

  private onComplete(node: NodeId, seq: number, d: DlmObservationData['dlm-complete'], w: CheckerWorld): Copy | undefined {
    let c = this.byLock.get(d.lkid);
    const offer = this.offers.get(d.lkid);
    // Answered by a later grant, replaced by a read, or the lock is gone.
    const answered = (d.status === Status.OK && offer?.opId !== d.opId) || d.read || d.mode === Mode.IV;
    if (offer !== undefined && answered) this.offers.delete(d.lkid);
    if (!this.isMember(d.ls, node)) {
      // A node already cut off from the lockspace (e.g. resumed after a pause) learns of an old grant:
      // the lockspace has purged that lock; the copy is not part of its state.
      if (c !== undefined) this.byLock.delete(d.lkid);
      return undefined;
    }
    const refusedKeepsMode = (d.status === Status.EDEADLK || d.status === Status.ECANCEL || d.status === Status.EAGAIN) && d.mode !== Mode.IV;
    if (d.status !== Status.OK && !refusedKeepsMode) {
      if (c !== undefined) this.byLock.delete(d.lkid);
      return undefined;
    }
    if (c === undefined) {
      c = {
        node, inc: w.incarnation(node), ls: d.ls, res: d.res, lkid: d.lkid, mode: d.mode, valblk: false,
        mayBeDemoted: false, rq: undefined, grantedSeq: seq,
      };
      this.byLock.set(d.lkid, c);
    }
    c.mode = d.mode;
    if (d.status === Status.OK) c.grantedSeq = seq;
    c.valblk = d.valblk;
    c.mayBeDemoted = false;
    c.rq = undefined;
    return d.status === Status.OK ? c : undefined;
  }

  private depart(c: Copy): void {
    this.byLock.delete(c.lkid);
    if (this.isMember(c.ls, c.node)) this.departedHolders.push(c);
  }

  isMember(ls: string, node: NodeId): boolean {
    const m = this.members.get(ls);
    return m === undefined || m.members.has(node);
  }

  /** Is this node's copy in `ls` still counted (not removed from the lockspace by a completed recovery)? */
  counts(c: Copy, w: CheckerWorld): boolean {
    if (!w.isUp(c.node) || w.incarnation(c.node) !== c.inc) return false;
    const m = this.members.get(c.ls);
    return m === undefined || m.members.has(c.node);
  }

  /** Counted copies on one resource. */
  on(ls: string, res: string, w: CheckerWorld): Copy[] {
    const out: Copy[] = [];
    for (const c of this.byLock.values()) if (c.ls === ls && c.res === res && this.counts(c, w)) out.push(c);
    return out;
  }

  /**
   * The modes a copy may hold as far as its owner can tell: its granted mode, the mode of a
   * conversion in flight (the master may have granted it already), NL if CONVDEADLK may have demoted it.
   */
  static possible(c: Copy): Mode[] {
    const out: Mode[] = [c.mode];
    if (c.rq !== undefined) out.push(c.rq);
    if (c.mayBeDemoted) out.push(Mode.NL);
    return out;
  }

  /** Two copies conflict when no combination of their possible modes is compatible. */
  static conflict(a: Copy, b: Copy): boolean {
    for (const x of Copies.possible(a)) for (const y of Copies.possible(b)) if (compatible(x, y)) return false;
    return true;
  }
}
