// One lockspace on one node: the process side (this node's locks and their pending operations),
// the master side (resources this node masters), the directory part it holds, and the glue to the
// service group and to recovery (./recovery.ts). Local and remote masters take the same path: every
// operation is a message to the master, a self-message when the master is this node.
// Volatile only: a crashed node loses its lockspaces; survivors purge its locks in recovery.
import type { NodeId } from '../../sim/types.ts';
import type { ClusterApi, ServiceCallbacks, ServiceGroup, StartInfo, StartType } from '../membership/api.ts';
import { LEVEL_DLM } from '../membership/api.ts';
import type { Module } from '../../sim/types.ts';
import { Mode, isDownConversion } from './modes.ts';
import { LKF, SBF, Status } from './flags.ts';
import { Resource, newLkb } from './resource.ts';
import type { Effect, GrantInfo, Lkb, ResourceBugs } from './resource.ts';
import { CallbackQueue } from './callbacks.ts';
import type { CastCallback } from './callbacks.ts';
import { Channel } from './channel.ts';
import { dirNode } from './directory.ts';
import { Recovery, RcInbox } from './recovery.ts';
import type { RcMsg } from './recovery.ts';
import { lvbOpOnGrant, lvbOpOnUnlock } from './lvb.ts';
import { lockCallRefusal, unlockCallRefusal } from './validate.ts';
import { assert } from './assert.ts';
import { emit } from './observations.ts';
import type { DlmContext, DlmTimerTag } from './dlm.ts';

/** Planted flaws of the whole DLM (negative tests). All off in the correct DLM. */
export interface DlmBugs extends ResourceBugs {
  /** Recovery does not invalidate the LVB when a PW/EX holder's lock is purged. */
  noLvbInvalidate?: boolean;
  /** Drop every Nth completion at the owner (never delivered). */
  loseCompletionEvery?: number;
  /** Recovery ignores existing directory entries: every requester becomes master. */
  splitMaster?: boolean;
  /** Locks on remastered resources are not rebuilt at the new master. */
  noRebuild?: boolean;
  /** The master never tells a converting lock's owner that CONVDEADLK demoted it (the old model). */
  noDemoteReply?: boolean;
  /** A down-conversion completes at the requester but is never sent to the master. */
  loseDownConversion?: boolean;
}

/**
 * How a lockspace tells its users that a value block was lost (its PW/EX holder died, or IVVALBLK):
 * 'valnotvalid' — fs/dlm: the VALNOTVALID flag on later grants, contents kept ("garbage or merely
 * stale"); 'zero' — o2dlm: the block is zeroed and no flag is set (ocfs2/dlm dlmrecovery.c blanks
 * the LVB of a resource whose EX/PW holder died; reference §2, commit 1c520dfb).
 */
export type LostLvbSignal = 'valnotvalid' | 'zero';

export interface LockspaceOptions {
  /** LVB size in bytes: a multiple of 8, the same on every node (default 32). */
  lvbSize: number;
  /** The lost-value-block signal (default 'valnotvalid'); the same on every node. */
  lostLvb?: LostLvbSignal;
}

/** Where a lock's callbacks go (the API layer). */
export interface LockSink {
  cast(lock: PLock, cb: CastCallback): void;
  bast(lock: PLock, mode: Mode): void;
}

export type OpKind = 'request' | 'convert' | 'unlock';

export interface PendingOp {
  opId: number;
  kind: OpKind;
  mode: Mode;
  flags: number;
  lvb: string | undefined;
  /** Sent to a master (false = waiting for a lookup, or for recovery to end). */
  sent: boolean;
  /** The master it was sent to (or rebuilt at). */
  master?: NodeId;
  cancel: boolean;
  /** The master demoted this conversion's granted mode to NL (CONVDEADLK); its completion says so. */
  demoted?: boolean;
}

/** The process copy of a lock on its owner node. */
export interface PLock {
  readonly id: number;
  readonly res: string;
  grmode: Mode;
  op: PendingOp | undefined;
  /** Flags of the last operation (VALBLK tells whether the lock carries a value block). */
  flags: number;
  lvb: string;
  lvbseq: number;
  /**
   * Model-only mark (fs/dlm keeps no such flag): the buffer holds a value this lock offered to write
   * from PW/EX that the master has not numbered back to it — a down-conversion (completed at once),
   * a conversion in flight, or one cancelled or refused. fs/dlm's process copy points at the caller's
   * buffer, so recovery sends exactly this value; the mark lets recovery say when a new master adopts it.
   */
  wrote: boolean;
  readonly cbq: CallbackQueue;
  readonly sink: LockSink;
  gone: boolean;
  /** Set when the request itself was refused at the caller (-EINVAL): nothing was sent. */
  refusedWith?: number;
}

/** Application messages between lockspace members (carried by the reliable channel). */
export type AppMsg =
  | { k: 'lookup'; res: string; gen: number }
  | { k: 'lookupReply'; res: string; master: NodeId; gen: number }
  | { k: 'request'; res: string; lkid: number; mode: Mode; flags: number; lvb?: string; gen: number }
  | { k: 'convert'; res: string; lkid: number; mode: Mode; flags: number; lvb?: string; down: boolean; gen: number }
  | { k: 'unlock'; res: string; lkid: number; flags: number; lvb?: string; gen: number }
  | { k: 'cancel'; res: string; lkid: number; gen: number }
  | { k: 'cast'; res: string; lkid: number; status: number; sbflags: number; mode: Mode; lvb?: string; lvbseq: number; read: boolean; gen: number }
  | { k: 'bast'; res: string; lkid: number; mode: Mode; gen: number }
  /** fs/dlm's convert reply for a queued conversion that CONVDEADLK demoted: the copy takes NL. */
  | { k: 'demote'; res: string; lkid: number; gen: number }
  | { k: 'notMaster'; res: string; lkid: number; gen: number };


export class Lockspace implements ServiceCallbacks {
  // ---- membership and recovery state ----
  /** Generation: completed recoveries, agreed by all members. */
  gen = 0;
  /** Generation for which this node last sent DONE. */
  doneSentGen = 0;
  /** Members of the last completed recovery, ascending. */
  members: NodeId[] = [];
  memberInc = new Map<NodeId, number>();
  /** Generation at which each member was (re)admitted: older messages from it are stale. */
  joinedGen = new Map<NodeId, number>();
  /** Nodes whose locks this node purged since the last completed recovery. */
  purged = new Set<NodeId>();
  /** Resources this node must find a new master for (kept across aborted recoveries). */
  remaster = new Set<string>();
  /** Resources mastered here since a recovery began that has not completed (dropped if it aborts). */
  newRsbs = new Set<string>();
  recovering = true;
  recovery: Recovery | undefined;
  readonly inbox = new RcInbox();
  private saved: { from: NodeId; msg: AppMsg }[] = [];
  /** Locks whose callbacks are held back by recovery (including locks already gone). */
  private held = new Set<PLock>();
  group: ServiceGroup | undefined;

  // ---- process side ----
  readonly locks = new Map<number, PLock>();
  readonly masters = new Map<string, NodeId>();
  private readonly lookups = new Set<string>();
  private nextLock = 1;
  private nextOp = 1;
  private castCount = 0;

  // ---- master and directory side ----
  readonly rsbs = new Map<string, Resource>();
  readonly lkbs = new Map<number, { lkb: Lkb; rsb: Resource }>();
  readonly dir = new Map<string, NodeId>();

  readonly channel: Channel<AppMsg>;

  constructor(
    readonly ctx: DlmContext,
    readonly name: string,
    readonly opts: LockspaceOptions,
    readonly bugs: DlmBugs,
  ) {
    this.channel = new Channel(ctx, name, (from, body) => this.onApp(from, body));
  }

  join(): void {
    this.group = this.ctx.module<ClusterApi & Module>('cman').joinGroup(`dlm:${this.name}`, LEVEL_DLM, this);
  }

  // ---- service group callbacks ------------------------------------------------------------------

  stop(): void {
    this.recovering = true;
    this.recovery?.abort();
    this.recovery = undefined;
    emit(this.ctx, 'dlm-stop', { ls: this.name });
  }

  start(members: readonly NodeId[], eventId: number, _type: StartType, info?: StartInfo): void {
    this.recovering = true;
    this.recovery?.abort();
    const sorted = [...members].sort((a, b) => a - b);
    this.recovery = new Recovery(this, eventId, sorted, info?.incarnations ?? {});
    emit(this.ctx, 'dlm-recovery-start', { ls: this.name, ev: eventId, members: sorted });
    this.ctx.faultPoint('dlm.recovery-start');
    this.ctx.defer(() => this.recovery?.ev === eventId && this.recovery.begin());
  }

  finish(_eventId: number): void {}

  /** Called by Recovery when every phase has completed: resume locking. */
  resume(ev: number): void {
    this.recovering = false;
    this.recovery = undefined;
    emit(this.ctx, 'dlm-recovered', { ls: this.name, gen: this.gen, ev, members: [...this.members] });
    this.group?.startDone(ev);
    this.ctx.faultPoint('dlm.recovery-done');
    for (const rsb of this.rsbs.values()) {
      rsb.grantPending();
      this.emit(rsb);
    }
    const saved = this.saved;
    this.saved = [];
    for (const s of saved) this.onApp(s.from, s.msg);
    for (const l of [...this.locks.values()]) if (l.op !== undefined && !l.op.sent) this.submit(l);
    const held = [...this.held];
    this.held.clear();
    for (const l of held) this.flush(l);
    for (const l of [...this.locks.values()]) this.flush(l);
  }

  // ---- API entry points (process side) ------------------------------------------------------------

  newLockId(): number {
    // Unique across the cluster and across restarts: node, incarnation, counter.
    return ((this.ctx.node * 1000 + (this.ctx.incarnation % 1000)) * 1_000_000) + this.nextLock++;
  }

  /** A new lock; a call fs/dlm refuses comes back gone, with `refusedWith` -EINVAL, and sends nothing. */
  request(res: string, mode: Mode, flags: number, lvb: string | undefined, sink: LockSink): PLock {
    const lock: PLock = {
      id: this.newLockId(), res, grmode: Mode.IV, op: undefined, flags, lvb: lvb ?? '0'.repeat(this.opts.lvbSize * 2),
      lvbseq: 0, wrote: false, cbq: new CallbackQueue(), sink, gone: false,
    };
    const why = lockCallRefusal({ kind: 'request', mode, flags });
    if (why !== undefined) {
      lock.gone = true;
      lock.refusedWith = Status.EINVAL;
      this.observeRefused(lock, 'request', why);
      return lock;
    }
    this.locks.set(lock.id, lock);
    lock.op = { opId: this.nextOp++, kind: 'request', mode, flags, lvb, sent: false, cancel: false };
    this.observeOp(lock, lock.op);
    this.submit(lock);
    return lock;
  }

  /** Returns the op id, or a negative status when refused at once (-EBUSY: another op in flight). */
  convert(lock: PLock, mode: Mode, flags: number, lvb: string | undefined, accepted?: (opId: number) => void): number {
    if (lock.gone || lock.grmode === Mode.IV) return Status.EINVAL;
    if (lock.op !== undefined) return Status.EBUSY; // fs/dlm checks -EBUSY before the -EINVAL cases
    const why = lockCallRefusal({ kind: 'convert', grmode: lock.grmode, mode, flags });
    if (why !== undefined) {
      this.observeRefused(lock, 'convert', why);
      return Status.EINVAL;
    }
    const op: PendingOp = { opId: this.nextOp++, kind: 'convert', mode, flags, lvb, sent: false, cancel: false };
    lock.op = op;
    this.observeOp(lock, op);
    this.offer(lock, flags, lvb, lvbOpOnGrant(lock.grmode, mode) === 'write');
    accepted?.(op.opId);
    this.submit(lock);
    return op.opId;
  }

  unlock(lock: PLock, flags: number, lvb: string | undefined, accepted?: (opId: number) => void): number {
    if (lock.gone || lock.grmode === Mode.IV) return Status.EINVAL;
    const why = unlockCallRefusal(flags);
    if (why !== undefined) {
      this.observeRefused(lock, 'unlock', why);
      return Status.EINVAL;
    }
    if (lock.op !== undefined) return Status.EBUSY;
    const op: PendingOp = { opId: this.nextOp++, kind: 'unlock', mode: Mode.IV, flags, lvb, sent: false, cancel: false };
    lock.op = op;
    this.observeOp(lock, op);
    this.offer(lock, flags, lvb, lvbOpOnUnlock(lock.grmode) === 'write'); // rebuilt so if recovery defers it
    accepted?.(op.opId);
    this.submit(lock);
    return op.opId;
  }

  /** Cancel the pending request or conversion; false (a no-op) when nothing cancellable is in flight. */
  cancel(lock: PLock): boolean {
    const op = lock.op;
    if (lock.gone || op === undefined || op.kind === 'unlock' || op.cancel) return false;
    op.cancel = true;
    emit(this.ctx, 'dlm-cancel', { ls: this.name, res: lock.res, lkid: lock.id, opId: op.opId });
    if (!op.sent) {
      this.completeLocally(lock, Status.ECANCEL);
      return true;
    }
    assert(op.master !== undefined, `cancel of ${lock.id}: sent op without a master`);
    this.channel.send(op.master, { k: 'cancel', res: lock.res, lkid: lock.id, gen: this.gen });
    return true;
  }

  /** An operation from PW/EX that writes with a value block: the caller's buffer now holds its offer. */
  private offer(lock: PLock, flags: number, lvb: string | undefined, writes: boolean): void {
    if (!writes || (flags & LKF.VALBLK) === 0 || (flags & LKF.IVVALBLK) !== 0) return;
    if (lvb !== undefined) lock.lvb = lvb;
    lock.wrote = true;
  }

  /** A call refused at the caller with -EINVAL (fs/dlm's argument checks): nothing was sent. */
  private observeRefused(lock: PLock, op: OpKind, why: string): void {
    emit(this.ctx, 'dlm-refused', { ls: this.name, res: lock.res, lkid: lock.id, op, status: Status.EINVAL, why });
  }

  private observeOp(lock: PLock, op: PendingOp): void {
    // A conversion or unlock with a value block also names the value it offers (the caller's buffer).
    const offers = op.kind !== 'request' && (op.flags & LKF.VALBLK) !== 0;
    emit(this.ctx, 'dlm-op', {
      ls: this.name, res: lock.res, lkid: lock.id, opId: op.opId, op: op.kind, mode: op.mode, flags: op.flags,
      grmode: lock.grmode, ...(offers ? { lvb: op.lvb ?? lock.lvb } : {}),
    });
  }

  /** Send the lock's pending operation to its master, looking the master up first if needed. */
  submit(lock: PLock): void {
    const op = lock.op;
    if (op === undefined || op.sent || this.recovering) return;
    const master = this.masters.get(lock.res);
    if (master === undefined) {
      this.lookup(lock.res);
      return;
    }
    op.sent = true;
    op.master = master;
    const base = { res: lock.res, lkid: lock.id, gen: this.gen };
    const lvb = op.lvb !== undefined ? { lvb: op.lvb } : {};
    if (op.kind === 'request') {
      this.channel.send(master, { k: 'request', ...base, mode: op.mode, flags: op.flags, ...lvb });
    } else if (op.kind === 'convert') {
      const down = isDownConversion(lock.grmode, op.mode, (op.flags & LKF.QUECVT) !== 0);
      const lost = down && this.bugs.loseDownConversion === true; // planted flaw
      if (!lost) this.channel.send(master, { k: 'convert', ...base, mode: op.mode, flags: op.flags, down, ...lvb });
      if (down) {
        const carriesWrite = (op.flags & LKF.VALBLK) !== 0 && lvbOpOnGrant(lock.grmode, op.mode) === 'write';
        this.completeDown(lock, op, master);
        if (carriesWrite) this.ctx.faultPoint('dlm.down-convert');
      }
    } else {
      this.channel.send(master, { k: 'unlock', ...base, flags: op.flags, ...lvb });
    }
  }

  /**
   * A down-conversion completes at once, without waiting for the master (fs/dlm send_convert): it is
   * always grantable. One from PW/EX with VALBLK writes: the caller's buffer is the value the master
   * will store and number; the lock keeps the seq it last read until the master next replies.
   */
  private completeDown(lock: PLock, op: PendingOp, master: NodeId): void {
    const sbflags = this.downConversionFlags(lock, op, master);
    lock.grmode = op.mode;
    lock.flags = op.flags;
    lock.op = undefined;
    this.queueCast(lock, { kind: 'cast', status: Status.OK, sbflags, mode: op.mode, lvb: undefined, lvbseq: lock.lvbseq, opId: op.opId }, false);
  }

  /**
   * VALNOTVALID on a down-conversion that leaves the value block alone (reference §2): known only
   * where this node masters the resource (fs/dlm do_convert → set_lvb_lock). A remote master is not
   * asked: fs/dlm's send_convert completes a down-conversion with a local stub reply that carries no
   * status-block flags, and waiting for the master would undo "completes at once".
   */
  private downConversionFlags(lock: PLock, op: PendingOp, master: NodeId): number {
    if (master !== this.ctx.node || (op.flags & LKF.VALBLK) === 0) return 0;
    if (lvbOpOnGrant(lock.grmode, op.mode) !== 'none') return 0; // a write clears the flag, IVVALBLK sets it for later
    return this.rsbs.get(lock.res)?.valNotValid === true ? SBF.VALNOTVALID : 0;
  }

  private lookup(res: string): void {
    if (this.lookups.has(res)) return;
    this.lookups.add(res);
    this.channel.send(dirNode(res, this.members), { k: 'lookup', res, gen: this.gen });
  }

  // ---- messages -------------------------------------------------------------------------------------

  onApp(from: NodeId, msg: AppMsg): void {
    if (this.recovering) {
      this.saved.push({ from, msg }); // judged against the new membership when recovery ends
      return;
    }
    if (!this.members.includes(from) || msg.gen < (this.joinedGen.get(from) ?? Infinity)) return; // not (or no longer) a member
    switch (msg.k) {
      case 'lookup': return this.onLookup(from, msg);
      case 'lookupReply': return this.onLookupReply(msg);
      case 'request': return this.onRequest(from, msg);
      case 'convert': return this.onConvert(from, msg);
      case 'unlock': return this.onUnlock(from, msg);
      case 'cancel': return this.onCancel(msg);
      case 'cast': return this.onCast(from, msg);
      case 'bast': return this.onBast(msg);
      case 'demote': return this.onDemote(msg);
      case 'notMaster': return this.onNotMaster(from, msg);
    }
  }

  private onLookup(from: NodeId, msg: Extract<AppMsg, { k: 'lookup' }>): void {
    if (msg.gen !== this.gen) return; // the asker will look up again after its recovery
    assert(dirNode(msg.res, this.members) === this.ctx.node, `lookup of ${msg.res} at non-directory node ${this.ctx.node}`);
    let master = this.dir.get(msg.res);
    if (master === undefined) this.dir.set(msg.res, (master = from)); // the first lookup becomes master
    this.channel.send(from, { k: 'lookupReply', res: msg.res, master, gen: this.gen });
  }

  private onLookupReply(msg: Extract<AppMsg, { k: 'lookupReply' }>): void {
    if (msg.gen !== this.gen) return;
    this.lookups.delete(msg.res);
    this.masters.set(msg.res, msg.master);
    if (msg.master === this.ctx.node) this.masterRsb(msg.res);
    for (const l of [...this.locks.values()]) if (l.res === msg.res) this.submit(l);
  }

  private onNotMaster(from: NodeId, msg: Extract<AppMsg, { k: 'notMaster' }>): void {
    if (this.masters.get(msg.res) === from) this.masters.delete(msg.res);
    const lock = this.locks.get(msg.lkid);
    if (lock?.op === undefined) return;
    lock.op.sent = false;
    this.submit(lock);
  }

  /** The resource as its master: existing, or created now (first lookup, or a request that followed it). */
  masterRsb(res: string): Resource {
    let rsb = this.rsbs.get(res);
    if (rsb === undefined) {
      rsb = this.newResource(res);
      this.rsbs.set(res, rsb);
      this.masters.set(res, this.ctx.node);
      emit(this.ctx, 'dlm-master', { ls: this.name, res });
      emit(this.ctx, 'dlm-lvb-fresh', { ls: this.name, res });
    }
    return rsb;
  }

  newResource(res: string): Resource {
    return new Resource(res, this.opts.lvbSize, this.opts.lostLvb ?? 'valnotvalid', {
      beforeGrant: (r, lkb, info) => this.observeGrant(r, lkb, info),
      onLvbWrite: (r, lkb) => emit(this.ctx, 'dlm-lvb-write', { ls: this.name, res: r.name, seq: r.lvbseq, lvb: r.lvb, lkid: lkb.id }),
      onLvbRead: (r, lkb) => emit(this.ctx, 'dlm-lvb-read', { ls: this.name, res: r.name, lkid: lkb.id, owner: lkb.node, seq: r.lvbseq, lvb: r.lvb, valNotValid: r.valNotValid }),
      onLvbInvalidate: (r, why, zeroed) => emit(this.ctx, 'dlm-lvb-invalid', { ls: this.name, res: r.name, why, zeroed }),
    }, this.bugs);
  }

  private observeGrant(r: Resource, lkb: Lkb, info: GrantInfo): void {
    emit(this.ctx, 'dlm-grant', { ls: this.name, res: r.name, lkid: lkb.id, owner: lkb.node, from: info.from, mode: info.mode, recovery: info.recovery, flags: lkb.flags });
    if (info.from === 'new' || info.from === 'wait') this.ctx.faultPoint('dlm.grant');
    else this.ctx.faultPoint('dlm.convert');
  }

  private rsbFor(from: NodeId, msg: { res: string; lkid: number; gen: number }): Resource | undefined {
    const rsb = this.rsbs.get(msg.res);
    if (rsb !== undefined) return rsb;
    if (msg.gen === this.gen) return this.masterRsb(msg.res);
    this.channel.send(from, { k: 'notMaster', res: msg.res, lkid: msg.lkid, gen: this.gen });
    return undefined;
  }

  private onRequest(from: NodeId, msg: Extract<AppMsg, { k: 'request' }>): void {
    const rsb = this.rsbFor(from, msg);
    if (rsb === undefined) return;
    assert(!this.lkbs.has(msg.lkid), `request: lock ${msg.lkid} already exists on ${msg.res}`);
    const lkb = newLkb(msg.lkid, from, msg.mode, msg.flags, this.opts.lvbSize, msg.lvb);
    this.lkbs.set(lkb.id, { lkb, rsb });
    rsb.request(lkb);
    this.emit(rsb);
  }

  private masterLkb(msg: { res: string; lkid: number }, what: string): { lkb: Lkb; rsb: Resource } | undefined {
    const e = this.lkbs.get(msg.lkid);
    if (e === undefined) this.ctx.log(`${what} of unknown lock ${msg.lkid} on ${msg.res} ignored`);
    return e;
  }

  private onConvert(_from: NodeId, msg: Extract<AppMsg, { k: 'convert' }>): void {
    const e = this.masterLkb(msg, 'convert');
    if (e === undefined) return;
    e.rsb.convert(e.lkb, msg.mode, msg.flags, msg.lvb);
    this.emit(e.rsb, msg.down ? e.lkb : undefined);
  }

  private onUnlock(_from: NodeId, msg: Extract<AppMsg, { k: 'unlock' }>): void {
    const e = this.masterLkb(msg, 'unlock');
    if (e === undefined) return;
    e.rsb.unlock(e.lkb, msg.flags, msg.lvb);
    this.emit(e.rsb);
  }

  private onCancel(msg: Extract<AppMsg, { k: 'cancel' }>): void {
    const e = this.lkbs.get(msg.lkid);
    if (e === undefined) return; // already gone: nothing to cancel
    e.rsb.cancel(e.lkb);
    this.emit(e.rsb);
  }

  /** Send the resource's queued effects to the locks' owners; forget locks that left the queues. */
  emit(rsb: Resource, silentCastFor?: Lkb): void {
    const effects: Effect[] = rsb.drain();
    let silenced = false;
    for (const e of effects) {
      if (e.kind === 'demote') {
        if (this.bugs.noDemoteReply !== true) this.channel.send(e.lkb.node, { k: 'demote', res: rsb.name, lkid: e.lkb.id, gen: this.gen });
        continue;
      }
      if (e.kind === 'cast') {
        if (e.lkb.queue === 'none') this.lkbs.delete(e.lkb.id);
        if (e.lkb === silentCastFor && !silenced) {
          silenced = true; // a down-conversion: the requester completed it already
          continue;
        }
        this.channel.send(e.lkb.node, {
          k: 'cast', res: rsb.name, lkid: e.lkb.id, status: e.status, sbflags: e.sbflags, mode: e.mode,
          ...(e.lvb !== undefined ? { lvb: e.lvb } : {}), lvbseq: e.lvbseq, read: e.read, gen: this.gen,
        });
      } else {
        this.channel.send(e.lkb.node, { k: 'bast', res: rsb.name, lkid: e.lkb.id, mode: e.mode, gen: this.gen });
      }
    }
  }

  private onCast(from: NodeId, msg: Extract<AppMsg, { k: 'cast' }>): void {
    const lock = this.locks.get(msg.lkid);
    if (lock === undefined || lock.op === undefined) {
      this.ctx.log(`cast for ${msg.lkid} without a pending operation ignored`);
      return;
    }
    const op = lock.op;
    this.castCount++;
    const every = this.bugs.loseCompletionEvery;
    if (every !== undefined && this.castCount % every === 0) return; // planted flaw
    lock.op = undefined;
    if (msg.status === Status.OK) {
      lock.wrote = false; // a grant carries the master copy's seq, which numbers any write (a refusal does not)
      this.masters.set(lock.res, from); // a grant proves who masters the resource
      lock.grmode = msg.mode;
      lock.flags = op.flags;
      if (msg.lvb !== undefined) lock.lvb = msg.lvb;
      lock.lvbseq = msg.lvbseq;
    } else if (msg.status === Status.EUNLOCK || op.kind === 'request') {
      lock.grmode = Mode.IV;
      lock.gone = true;
    } else {
      lock.grmode = msg.mode; // refused or cancelled conversion: the granted mode (NL if demoted)
    }
    if (op.kind === 'unlock' && msg.lvbseq !== 0) lock.lvbseq = msg.lvbseq;
    // A demotion told earlier belongs to this conversion's completion (a rebuilt master forgot it).
    const sbflags = op.demoted === true && msg.status === Status.OK ? msg.sbflags | SBF.DEMOTED : msg.sbflags;
    this.queueCast(lock, { kind: 'cast', status: msg.status, sbflags, mode: lock.grmode, lvb: msg.lvb, lvbseq: msg.lvbseq, opId: op.opId }, msg.read);
  }

  /** The master demoted our queued conversion to NL (CONVDEADLK): the process copy holds NL now. */
  private onDemote(msg: Extract<AppMsg, { k: 'demote' }>): void {
    const lock = this.locks.get(msg.lkid);
    if (lock === undefined || lock.gone) return;
    const op = lock.op;
    assert(op?.kind === 'convert' && (op.flags & LKF.CONVDEADLK) !== 0, `demote of lock ${lock.id} without a CONVDEADLK conversion in flight`);
    lock.grmode = Mode.NL;
    op.demoted = true;
    emit(this.ctx, 'dlm-demoted', { ls: this.name, res: lock.res, lkid: lock.id, opId: op.opId, mode: Mode.NL });
  }

  private onBast(msg: Extract<AppMsg, { k: 'bast' }>): void {
    const lock = this.locks.get(msg.lkid);
    if (lock === undefined || lock.gone) return;
    lock.cbq.push({ kind: 'bast', mode: msg.mode });
    this.flush(lock);
  }

  /** Complete the pending operation here (not sent yet, or its master died): cancel or unlock. */
  completeLocally(lock: PLock, status: number): void {
    const op = lock.op;
    assert(op !== undefined, `completeLocally(${lock.id}) without an operation`);
    lock.op = undefined;
    if (status === Status.EUNLOCK || status === Status.ENOTCONN || (op.kind === 'request' && status === Status.ECANCEL)) {
      lock.grmode = Mode.IV;
      lock.gone = true;
    }
    this.queueCast(lock, { kind: 'cast', status, sbflags: 0, mode: lock.grmode, lvb: undefined, lvbseq: lock.lvbseq, opId: op.opId }, false);
  }

  private queueCast(lock: PLock, cb: CastCallback, read: boolean): void {
    if (lock.gone) this.locks.delete(lock.id);
    readFlags.set(cb, read);
    lock.cbq.push(cb);
    this.flush(lock);
  }

  /** Deliver a lock's callbacks unless the lockspace is recovering (then they wait, not lost). */
  flush(lock: PLock): void {
    if (this.recovering) {
      if (lock.cbq.length > 0) this.held.add(lock);
      return;
    }
    lock.cbq.flush((cb) => {
      if (cb.kind === 'bast') {
        if (lock.gone || lock.grmode === Mode.IV) return;
        emit(this.ctx, 'dlm-bast', { ls: this.name, res: lock.res, lkid: lock.id, mode: cb.mode, grmode: lock.grmode });
        lock.sink.bast(lock, cb.mode);
        return;
      }
      emit(this.ctx, 'dlm-complete', {
        ls: this.name, res: lock.res, lkid: lock.id, opId: cb.opId, status: cb.status, mode: cb.mode, sbflags: cb.sbflags,
        lvb: cb.lvb, lvbseq: cb.lvbseq, read: readFlags.get(cb) === true, valblk: (lock.flags & LKF.VALBLK) !== 0,
      });
      lock.sink.cast(lock, cb);
    });
  }

  // ---- recovery helpers (called by Recovery) ------------------------------------------------------

  /** Save application messages until recovery ends. */
  get savedCount(): number {
    return this.saved.length;
  }

  clearLookups(): void {
    this.lookups.clear();
  }

  /** This node was cut off and the others forgot it: discard everything, as a rebooted node would. */
  resetLocal(): void {
    emit(this.ctx, 'dlm-reset', { ls: this.name });
    for (const l of [...this.locks.values()]) {
      if (l.op !== undefined) this.completeLocally(l, Status.ENOTCONN);
      else {
        l.grmode = Mode.IV;
        l.gone = true;
        this.locks.delete(l.id);
        l.sink.cast(l, { kind: 'cast', status: Status.ENOTCONN, sbflags: 0, mode: Mode.IV, lvb: undefined, lvbseq: l.lvbseq, opId: -1 });
      }
    }
    this.rsbs.clear();
    this.lkbs.clear();
    this.dir.clear();
    this.masters.clear();
    this.lookups.clear();
    this.saved = [];
    this.remaster.clear();
    this.newRsbs.clear();
    this.purged.clear();
    this.channel.resetAll();
    this.members = [];
    this.memberInc.clear();
    this.joinedGen.clear();
  }

  /** A recovery-phase message (raw FIFO, re-sent by its sender until the event ends). */
  onRc(from: NodeId, msg: RcMsg): void {
    this.inbox.put(msg.ev, msg.phase, from, msg.p);
    if (this.recovery?.ev === msg.ev) this.recovery.onMessage();
  }

  onTimer(tag: DlmTimerTag): void {
    if (tag.kind === 'chan') this.channel.onTimer();
    else this.recovery?.onTimer(tag);
  }
}

/** Whether a queued completion read the LVB (kept beside the callback, which the API does not see). */
const readFlags = new WeakMap<CastCallback, boolean>();
