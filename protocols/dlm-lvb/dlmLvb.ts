// The 'dlm-lvb' ownership protocol (Tweedie, LKML 2005): "have a thread which tries to acquire an EX
// lock on a resource; when you get it, you own the metadata", with the owner advertised in the LVB.
//
// Per resource r, lock `own:r` in lockspace 'ownership' (LVB 32 bytes: owner id, epoch):
//   * every node takes NL on it and converts NL→EX (the waiting thread); the DLM grants EX to one at
//     a time. Waiting as a converting NL lock matters: if the owner dies together with the lock's
//     master, the new master rebuilds the resource from the survivors' locks and, finding only NL,
//     marks the LVB VALNOTVALID — a waiter with a *new* EX request is not rebuilt, and the LVB would
//     silently come back zero and "valid" (see variant new-ex-request);
//   * the grant reads the LVB. If it carries VALNOTVALID, the previous owner died holding PW/EX and
//     the record is stale (it never wrote its own epoch back); if it is zero, every copy was lost
//     (the whole cluster restarted). Then the new epoch is max(LVB epoch, epoch of the claim record
//     on disk) + 1; otherwise LVB epoch + 1;
//   * under EX the new owner writes its claim (epoch) to disk, recovers the metadata (fencing of the
//     dead owner came first: fenced at level 0 completes before the DLM at level 1 recovers and
//     grants the dead owner's lock), then converts EX→PW, which stores {owner, epoch} in the LVB;
//   * it holds PW while it owns: PW still excludes every other EX waiter, yet — unlike EX — lets
//     readers in. (Holding EX would publish nothing: the LVB is written only when a PW/EX holder
//     converts down or unlocks. Down-converting to PR as the old lock_dlm journal claim does would
//     let a second claimant's PR→EX race the owner, and an owner at PR dies without invalidating
//     the record, so a stale owner would read as valid; at PW its death sets VALNOTVALID.)
//   * others learn the owner with an NL EXPEDITE request (granted at once past the EX waiters; every
//     new grant reads the LVB), then unlock. A VALNOTVALID read names no owner: ask again later.
// passwd is Tweedie's too: `file:passwd` PR to read, EX to write (the LockService), with VALBLK so a
// writer that dies mid-write is noticed (see acquire).
// Volatile: everything; a restarted node starts over as a waiter.
import type { Context, DiskKey, DiskResult, DiskWriteOptions, Module, NodeId } from '../../sim/types.ts';
import { Sleeper } from '../sleeper.ts';
import type { Dlm } from '../dlm/dlm.ts';
import type { DlmLock, LockspaceHandle } from '../dlm/api.ts';
import type { GrantListener, HeldLock, LockService, OwnerGrant, Ownership } from '../ownership/api.ts';
import { EX_HOLDER, OWNERSHIP_MODULE, VALNOTVALID_READ, claimKey } from '../ownership/api.ts';
import { observeOwnership } from '../ownership/observations.ts';
import { OwnerBook } from '../ownership/book.ts';
import { recoverResource } from '../workloads/recovery.ts';
import { decodeOwner, encodeOwner } from './lvbRecord.ts';

export const LOCKSPACE = 'ownership';
export const LVB_SIZE = 32;

export interface DlmLvbOptions {
  resources: readonly string[];
  passwdBlocks: number;
  /** Back-off before retrying a failed lock request. */
  retryUs: number;
  /** Flaw: trust the LVB's epoch (and owner) even when the DLM says VALNOTVALID. */
  ignoreValNotValid: boolean;
  /** Flaw: wait with a new EX request instead of an NL→EX conversion, and trust a zero LVB. */
  newExRequest: boolean;
  /** Flaw: passwd with plain PR/EX locks and no value block, so a writer dying mid-write goes unnoticed. */
  plainPasswd: boolean;
  /** Flaw: passwd trusts a zero value block as if it vouched for the file (finding F13). */
  passwdTrustsZero?: boolean;
  /** Flaw: a passwd read is served without asking whether the PR lock was held throughout (finding F16). */
  readUnchecked?: boolean;
}

export class DlmLvb implements Ownership<never, DlmLvbTimerTag> {
  readonly name = OWNERSHIP_MODULE;
  readonly resources: readonly string[];
  readonly locks: LockService;
  private readonly book = new OwnerBook();
  private ctx!: Context<never, DlmLvbTimerTag>;
  private ls!: LockspaceHandle;
  private readonly hints = new Map<string, NodeId>();
  private readonly looking = new Set<string>();
  private readonly sleeper = new Sleeper<DlmLvbTimerTag>((id) => ({ sleep: id }));
  private readonly fileLocks = new Map<string, DlmLock>();
  private fileWrites = 0;

  constructor(private readonly opts: DlmLvbOptions) {
    this.resources = opts.resources;
    this.locks = { acquire: (resource, mode) => this.acquire(resource, mode) };
  }

  onStart(ctx: Context<never, DlmLvbTimerTag>): void {
    this.ctx = ctx;
    this.ls = ctx.module<Dlm & Module>('dlm').lockspace(LOCKSPACE, { lvbSize: LVB_SIZE });
    for (const r of this.resources) ctx.spawn(`claim ${r}`, () => this.contend(r));
  }

  onTimer(_ctx: Context<never, DlmLvbTimerTag>, tag: DlmLvbTimerTag): void {
    this.sleeper.wake(tag.sleep);
  }

  // ---- the waiting thread: queue EX, own on grant -------------------------------------------

  private async contend(r: string): Promise<void> {
    for (;;) {
      const lk = await this.waitForEx(r);
      if (lk === undefined) {
        await this.sleep(this.opts.retryUs);
        continue;
      }
      observeOwnership(this.ctx, EX_HOLDER, { resource: r, held: true });
      this.ctx.faultPoint('dlm-lvb.ex-granted');
      const invalid = lk.flags.valNotValid;
      const lvb = decodeOwner(lk.valueBlock);
      if (invalid) observeOwnership(this.ctx, VALNOTVALID_READ, { resource: r, by: 'claimant', lvbOwner: lvb.owner, lvbEpoch: lvb.epoch });
      let epoch = lvb.epoch + 1;
      // A flagged record is stale; a zero record is a lost one (the whole cluster restarted): ask the disk.
      const trustAll = this.opts.ignoreValNotValid || this.opts.newExRequest;
      if (!trustAll && (invalid || lvb.owner === 0)) {
        const disk = (await this.read(claimKey(r))).value;
        epoch = Math.max(lvb.epoch, disk?.epoch ?? 0) + 1;
      }
      // Decide to own only in a running lockspace (reference §5.7: ownership changes happen only in a
      // quorate partition). A claimant paused between its grant and here may have lost quorum since:
      // its lockspace is stopped. Its EX survives any recovery that keeps this node a member (and
      // if it was expelled it is fenced, and the claim write below fails), so wait for one to end.
      while (this.ls.recovering) await this.sleep(this.opts.retryUs);
      const g = this.book.begin(this.ctx, r, epoch, undefined);
      if (!(await this.recover(g))) return; // fenced: the fence watchdog reboots this node
      this.ctx.faultPoint('dlm-lvb.claimed');
      const res = await lk.convert('PW', { valueBlock: encodeOwner({ owner: this.ctx.node, epoch }, LVB_SIZE) });
      observeOwnership(this.ctx, EX_HOLDER, { resource: r, held: false });
      if (!res.ok) {
        this.book.end(this.ctx, r, `EX→PW refused: ${res.status}`);
        return;
      }
      this.hints.set(r, this.ctx.node);
      this.book.ready(this.ctx, g);
      this.ctx.faultPoint('dlm-lvb.published');
      return; // own r, holding PW, until this node dies
    }
  }

  /**
   * Wait for EX on `own:r`. Correct: hold NL (VALBLK) and convert NL→EX, so that if the owner dies
   * together with the resource's master, the new master rebuilds from our converting NL lock and marks
   * the LVB VALNOTVALID. A *new* EX request is not rebuilt (it is neither granted nor converting).
   */
  private async waitForEx(r: string): Promise<DlmLock | undefined> {
    if (this.opts.newExRequest) {
      const lk = await this.ls.lock(`own:${r}`, 'EX', { valueBlock: true });
      return lk.status === 0 ? lk : undefined;
    }
    const lk = await this.ls.lock(`own:${r}`, 'NL', { valueBlock: true });
    if (lk.status !== 0) return undefined;
    const res = await lk.convert('EX', { valueBlock: true });
    if (res.ok) return lk;
    await lk.unlock({ force: true });
    return undefined;
  }

  /** Under EX: write the claim (epoch on disk), then recover the metadata. False when fenced. */
  private async recover(g: OwnerGrant): Promise<boolean> {
    const w = await this.write(claimKey(g.resource), { epoch: g.epoch, owner: this.ctx.node });
    if (!w.ok) {
      this.book.end(this.ctx, g.resource, `claim write refused: ${w.reason ?? 'refused'}`);
      return false;
    }
    const d = this.ctx.deferred<boolean>();
    const env = { ctx: this.ctx, stamp: { epoch: g.epoch, owner: this.ctx.node }, writeOpts: undefined };
    recoverResource(env, g.resource, this.opts.passwdBlocks, (ok) => d.resolve(ok));
    if (await d.promise) return true;
    this.book.end(this.ctx, g.resource, 'recovery write refused');
    return false;
  }

  // ---- readers: NL EXPEDITE, read the LVB, unlock --------------------------------------------

  private async lookup(r: string): Promise<void> {
    try {
      const lk = await this.ls.lock(`own:${r}`, 'NL', { valueBlock: true, flags: { expedite: true } });
      if (lk.status !== 0) return;
      const rec = decodeOwner(lk.valueBlock);
      if (lk.flags.valNotValid) observeOwnership(this.ctx, VALNOTVALID_READ, { resource: r, by: 'reader', lvbOwner: rec.owner, lvbEpoch: rec.epoch });
      if (lk.flags.valNotValid && !this.opts.ignoreValNotValid) this.hints.delete(r);
      else if (rec.owner !== 0) this.hints.set(r, rec.owner);
      await lk.unlock();
    } finally {
      this.looking.delete(r);
    }
  }

  // ---- passwd: PR / EX on file:passwd, cached at NL with VALBLK ----------------------------

  /**
   * Tweedie's passwd, made safe against a writer dying mid-write. Each node keeps its file lock at NL
   * with VALBLK and converts up to PR (read) or EX (write), back to NL after; EX→NL stores the LVB.
   * If a writer dies holding EX, the next grant carries VALNOTVALID (the cached NL locks also let a new
   * master flag it): the file may be torn, so it is rolled forward under EX first. Flaw plain-passwd:
   * "lock for read, read, unlock" with fresh locks and no value block — nothing flags the torn file.
   */
  private async acquire(resource: string, mode: 'shared' | 'exclusive'): Promise<HeldLock> {
    const want = mode === 'shared' ? 'PR' : 'EX';
    if (this.opts.plainPasswd) {
      const lk = await this.ls.lock(`file:${resource}`, want);
      if (lk.status !== 0) throw new Error(`lock file:${resource} failed with status ${lk.status}`);
      return this.held(() => void lk.unlock());
    }
    const lk = await this.fileLock(resource);
    for (;;) {
      const res = await lk.convert(want, { valueBlock: true });
      if (!res.ok) return this.dropFileLock(resource, `convert to ${want}: ${res.status}`);
      // A zero value block vouches for nothing: the resource is new to its master. When the only lock
      // on it (a writer's) died with its master, the rebuilt resource has no lock with a value block,
      // so recover_lvb flags nothing and the LVB comes back zero without VALNOTVALID (finding F13).
      const unknown = res.flags.valNotValid || (this.opts.passwdTrustsZero !== true && isZero(res.valueBlock));
      if (!unknown) return this.held(() => void lk.convert('NL', want === 'EX' ? { valueBlock: this.fileStamp() } : {}));
      if (res.flags.valNotValid) observeOwnership(this.ctx, VALNOTVALID_READ, { resource, by: want === 'EX' ? 'writer' : 'reader' });
      if (want === 'PR') {
        // Only an EX holder may repair: go down, come back at EX, repair, store a valid LVB, retry.
        await lk.convert('NL');
        const ex = await lk.convert('EX', { valueBlock: true });
        if (!ex.ok) return this.dropFileLock(resource, `convert to EX: ${ex.status}`);
        if (ex.flags.valNotValid || (this.opts.passwdTrustsZero !== true && isZero(ex.valueBlock))) await this.repairFile(resource);
        await lk.convert('NL', { valueBlock: this.fileStamp() });
        continue;
      }
      await this.repairFile(resource);
      return this.held(() => void lk.convert('NL', { valueBlock: this.fileStamp() }));
    }
  }

  /**
   * A granted file lock. It was held throughout if no recovery has begun or completed on this node
   * since the grant: a node evicted while paused stops its lockspace as soon as it runs again (its
   * held timers and messages come first), before any I/O it issues then can complete (finding F16).
   */
  private held(release: () => void): HeldLock {
    const gen = this.ls.generation;
    const heldThroughout = this.opts.readUnchecked === true ? () => true : () => !this.ls.recovering && this.ls.generation === gen;
    return { release, heldThroughout };
  }

  private async fileLock(resource: string): Promise<DlmLock> {
    const have = this.fileLocks.get(resource);
    if (have !== undefined) return have;
    const lk = await this.ls.lock(`file:${resource}`, 'NL', { valueBlock: true });
    if (lk.status !== 0) throw new Error(`lock file:${resource} NL failed with status ${lk.status}`);
    this.fileLocks.set(resource, lk);
    return lk;
  }

  private dropFileLock(resource: string, why: string): never {
    this.fileLocks.delete(resource);
    throw new Error(`passwd lock lost (${why})`);
  }

  /** Roll a torn passwd file forward (we hold EX). */
  private repairFile(resource: string): Promise<boolean> {
    const d = this.ctx.deferred<boolean>();
    const env = { ctx: this.ctx, stamp: { epoch: null, owner: this.ctx.node }, writeOpts: undefined };
    recoverResource(env, resource, this.opts.passwdBlocks, (ok) => d.resolve(ok));
    return d.promise;
  }

  private fileStamp(): Uint8Array {
    return encodeOwner({ owner: this.ctx.node, epoch: ++this.fileWrites }, LVB_SIZE);
  }

  // ---- Ownership ----------------------------------------------------------------------------

  grant(resource: string): OwnerGrant | undefined {
    return this.book.get(resource);
  }

  ownerHint(resource: string): NodeId | undefined {
    // An owner points at itself: a lookup that began before it owned may have dropped its hint on a
    // VALNOTVALID read, and an owner never looks up again (seed 108 of standard: a client stuck on it).
    if (this.book.get(resource) !== undefined) return this.ctx.node;
    return this.hints.get(resource);
  }

  rediscover(resource: string): void {
    if (this.book.get(resource) !== undefined || this.looking.has(resource)) return;
    this.looking.add(resource);
    this.ctx.spawn(`lookup ${resource}`, () => this.lookup(resource));
  }

  writeOptions(_grant: OwnerGrant): DiskWriteOptions | undefined {
    return undefined;
  }

  writeRefused(grant: OwnerGrant, reason: string): void {
    if (this.book.current(grant)) this.book.end(this.ctx, grant.resource, `write refused: ${reason}`);
  }

  onGrant(cb: GrantListener): void {
    this.book.onGrant(cb);
  }

  // ---- promises over timers and the disk ----------------------------------------------------

  private sleep(us: number): Promise<void> {
    return this.sleeper.sleep(this.ctx, us);
  }

  private read<V>(key: DiskKey<V>): Promise<DiskResult<V>> {
    const d = this.ctx.deferred<DiskResult<V>>();
    this.ctx.disk.read(key, (r) => d.resolve(r));
    return d.promise;
  }

  private write<V>(key: DiskKey<V>, value: NoInfer<V>): Promise<DiskResult<V>> {
    const d = this.ctx.deferred<DiskResult<V>>();
    this.ctx.disk.write(key, value, (r) => d.resolve(r));
    return d.promise;
  }
}

/** True for a missing or all-zero value block: no holder has stored a value since the resource was new. */
function isZero(lvb: Uint8Array | undefined): boolean {
  return lvb === undefined || lvb.every((b) => b === 0);
}

/** dlm-lvb's one timer: wake sleeper `sleep`. */
export type DlmLvbTimerTag = { sleep: number };
