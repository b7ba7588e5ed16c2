// What each node's process copies believe, rebuilt from observations (independent of DLM internals):
// a lock is believed granted in a mode from its completion until its unlock is issued. A copy whose
// owner was removed from the lockspace (crash, restart, cut off and purged) stops counting when the
// lockspace's next recovery completes without it; a reset or crash drops it at once.
import type { NodeId, Observation } from '../../../sim/types.ts';
import type { CheckerWorld } from '../../../sim/types.ts';
import { Mode, compatible, isDownConversion } from '../modes.ts';
import { LKF, Status } from '../flags.ts';
import { lvbOpOnGrant } from '../lvb.ts';

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
    const d = obs.data;
    switch (obs.kind) {
      case 'crash':
        for (const c of [...this.byLock.values()]) if (c.node === obs.node) this.depart(c);
        for (const [id, o] of [...this.offers]) if (o.node === obs.node) this.offers.delete(id);
        return undefined;
      case 'dlm-reset':
        for (const c of [...this.byLock.values()]) if (c.node === obs.node && c.ls === d.ls) this.depart(c);
        for (const [id, o] of [...this.offers]) if (o.node === obs.node && o.ls === d.ls) this.offers.delete(id);
        return undefined;
      case 'dlm-recovered': {
        const ls = d.ls as string;
        const cur = this.members.get(ls);
        const gen = d.gen as number;
        // A generation no higher than the recorded one (the same, too: swarm-partitions seed 929), from a
        // group none of whose members carries over (same incarnation) from the recorded one, is a new
        // lineage: the lockspace was re-created after all its members were lost.
        const reborn = cur !== undefined && (d.members as NodeId[]).every((n) => !cur.members.has(n) || w.incarnation(n) !== cur.incs.get(n));
        if (cur === undefined || gen > cur.gen || (gen <= cur.gen && reborn)) {
          const members = new Set(d.members as NodeId[]);
          this.members.set(ls, { gen, members, incs: new Map([...members].map((n) => [n, w.incarnation(n)])) });
        }
        return undefined;
      }
      case 'dlm-demoted': {
        // The master told the owner that CONVDEADLK demoted its conversion: the copy now holds NL.
        const c = this.byLock.get(d.lkid as number);
        if (c !== undefined) {
          c.mode = Mode.NL;
          c.mayBeDemoted = false;
        }
        return undefined;
      }
      case 'dlm-op': {
        const c = this.byLock.get(d.lkid as number);
        if (c === undefined) return undefined;
        const flags = d.flags as number;
        const offers = c.mode >= Mode.PW && (flags & LKF.VALBLK) !== 0 && (flags & LKF.IVVALBLK) === 0 &&
          (d.op === 'unlock' || (d.op === 'convert' && lvbOpOnGrant(c.mode, d.mode as Mode) === 'write'));
        if (offers) {
          // A down-conversion's own completion is local and at once: it does not answer the offer.
          const local = d.op === 'convert' && isDownConversion(c.mode, d.mode as Mode, (flags & LKF.QUECVT) !== 0);
          this.offers.set(c.lkid, { node: c.node, ls: c.ls, res: c.res, lvb: d.lvb as string, opId: local ? (d.opId as number) : -1 });
        }
        if (d.op === 'unlock') this.byLock.delete(c.lkid);
        else if (d.op === 'convert') {
          // Asking to go down gives up the higher mode at once; CONVDEADLK allows a silent demotion.
          if (isDownConversion(c.mode, d.mode as Mode, false)) c.mode = d.mode as Mode;
          else c.rq = d.mode as Mode;
          if (((d.flags as number) & LKF.CONVDEADLK) !== 0) c.mayBeDemoted = true;
        }
        return undefined;
      }
      case 'dlm-complete': {
        const lkid = d.lkid as number;
        const status = d.status as number;
        const mode = d.mode as Mode;
        let c = this.byLock.get(lkid);
        const offer = this.offers.get(lkid);
        // Answered by a later grant, replaced by a read, or the lock is gone.
        if (offer !== undefined && ((status === Status.OK && offer.opId !== d.opId) || d.read === true || mode === Mode.IV)) this.offers.delete(lkid);
        if (!this.isMember(d.ls as string, obs.node)) {
          // A node already cut off from the lockspace (e.g. resumed after a pause) learns of an old grant:
          // the lockspace has purged that lock; the copy is not part of its state.
          if (c !== undefined) this.byLock.delete(lkid);
          return undefined;
        }
        if (status === Status.OK || ((status === Status.EDEADLK || status === Status.ECANCEL || status === Status.EAGAIN) && mode !== Mode.IV)) {
          if (c === undefined) {
            c = {
              node: obs.node, inc: w.incarnation(obs.node), ls: d.ls as string, res: d.res as string, lkid, mode, valblk: false,
              mayBeDemoted: false, rq: undefined, grantedSeq: obs.seq,
            };
            this.byLock.set(lkid, c);
          }
          c.mode = mode;
          if (status === Status.OK) c.grantedSeq = obs.seq;
          c.valblk = d.valblk === true;
          c.mayBeDemoted = false;
          c.rq = undefined;
          return status === Status.OK ? c : undefined;
        }
        if (c !== undefined) this.byLock.delete(lkid);
        return undefined;
      }
    }
    return undefined;
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
