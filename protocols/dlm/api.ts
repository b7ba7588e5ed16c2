// The DLM's public API: `await ls.lock(resource, mode, { signal, valueBlock, flags })` resolving with
// status, flags and value block together; `convert`, `unlock`, cancellation through AbortSignal,
// blocking notifications on the handle; and an AST/BAST callback form. One path whatever node masters
// the lock. Promises come from ctx.deferred(), so a woken coroutine runs to its next await before the
// engine processes the next simulated event.
import type { Context } from '../../sim/types.ts';
import type { Deferred } from '../../sim/world.ts';
import { Mode, parseMode, heldModeName } from './modes.ts';
import type { ModeName } from './modes.ts';
import { LKF, SBF, Status, flagBits } from './flags.ts';
import type { LockFlags } from './flags.ts';
import { lvbFromBytes, lvbToBytes } from './lvb.ts';
import type { CastCallback } from './callbacks.ts';
import type { Lockspace, LockSink, PLock } from './lockspace.ts';
import { assert } from './assert.ts';

/** The status-block flags, by name. */
export interface ResultFlags {
  /** The value block may be garbage or stale (its last PW/EX writer died, or IVVALBLK). */
  valNotValid: boolean;
  /** CONVDEADLK demoted the granted mode to NL to break a conversion deadlock. */
  demoted: boolean;
  /** ALTPR/ALTCW: the alternate mode was granted. */
  altMode: boolean;
}

/** The outcome of one operation: everything the kernel spreads over the status block and the AST. */
export interface LockResult {
  /** 0, -EAGAIN, -EDEADLK, -DLM_ECANCEL, -DLM_EUNLOCK, -EBUSY, -EINVAL or -ENOTCONN (see Status). */
  status: number;
  /** status === 0 (or -DLM_EUNLOCK for an unlock). */
  ok: boolean;
  /** Granted mode after the operation; null when the lock is not held. */
  mode: ModeName | null;
  flags: ResultFlags;
  /** The value block (a copy) when the operation used one. */
  valueBlock: Uint8Array | undefined;
  lvbSeq: number;
}

export interface LockOptions {
  /** Aborting cancels the request or conversion (a no-op once it has completed). */
  signal?: AbortSignal;
  /** true: use the lock value block (VALBLK); bytes: also the value to write on a writing conversion/unlock. */
  valueBlock?: boolean | Uint8Array;
  flags?: LockFlags;
}

export interface UnlockOptions {
  /** Value to store when unlocking from PW/EX (defaults to the handle's current valueBlock). */
  valueBlock?: Uint8Array;
  /** IVVALBLK: mark the value block invalid instead of writing it. */
  invalidate?: boolean;
  /** FORCEUNLOCK: cancel an operation in flight first instead of failing with -EBUSY. */
  force?: boolean;
}

export interface AstOptions extends LockOptions {
  /** Completion AST: called for every completion of this lock (request, convert, unlock). */
  ast(result: LockResult, lock: DlmLock): void;
  /** Blocking AST: another node wants `mode`. */
  bast?(mode: ModeName, lock: DlmLock): void;
}

function flagsOf(sb: number): ResultFlags {
  return { valNotValid: (sb & SBF.VALNOTVALID) !== 0, demoted: (sb & SBF.DEMOTED) !== 0, altMode: (sb & SBF.ALTMODE) !== 0 };
}

function refused(status: number, mode: ModeName | null): LockResult {
  return { status, ok: false, mode, flags: flagsOf(0), valueBlock: undefined, lvbSeq: 0 };
}

/** A lock handle: the result of its latest completion plus the operations on it. */
export class DlmLock implements LockResult, LockSink {
  status = 0;
  ok = false;
  flags: ResultFlags = flagsOf(0);
  valueBlock: Uint8Array | undefined;
  lvbSeq = 0;
  plock!: PLock;
  private readonly waiting = new Map<number, Deferred<LockResult>>();
  private readonly blocking: ((mode: ModeName, lock: DlmLock) => void)[] = [];
  private readonly completions: ((r: LockResult, lock: DlmLock) => void)[] = [];
  private readonly valblk: boolean;

  constructor(private readonly ls: LockspaceHandle, readonly resource: string, valueBlock: boolean | Uint8Array | undefined) {
    this.valblk = valueBlock !== undefined && valueBlock !== false;
    if (valueBlock instanceof Uint8Array) this.valueBlock = new Uint8Array(valueBlock);
  }

  get id(): number {
    return this.plock.id;
  }

  /** A request refused at the caller (dlm_lock's -EINVAL): the handle carries that status, no AST follows. */
  noteRefused(): void {
    const s = this.plock.refusedWith;
    if (s === undefined) return;
    this.status = s;
    this.ok = false;
  }

  /** Currently granted mode (null when not held). */
  get mode(): ModeName | null {
    const m = this.plock.grmode;
    return heldModeName(m);
  }

  /** Is an operation (request, conversion, unlock) in flight? */
  get busy(): boolean {
    return this.plock.op !== undefined;
  }

  /** Subscribe to blocking notifications (another node wants a conflicting mode). Returns unsubscribe. */
  onBlocking(cb: (mode: ModeName, lock: DlmLock) => void): () => void {
    this.blocking.push(cb);
    return () => this.blocking.splice(this.blocking.indexOf(cb) >>> 0, 1);
  }

  /** Subscribe to every completion of this lock (the AST form). Returns unsubscribe. */
  onCompletion(cb: (r: LockResult, lock: DlmLock) => void): () => void {
    this.completions.push(cb);
    return () => this.completions.splice(this.completions.indexOf(cb) >>> 0, 1);
  }

  /** Convert to `mode`; resolves with the conversion's result (the handle's fields follow it). */
  convert(mode: ModeName, opts: LockOptions = {}): Promise<LockResult> {
    const { bits, lvb } = this.ls.opBits(opts, this.valblk, this.valueBlock);
    let p: Promise<LockResult> | undefined;
    const r = this.ls.inner.convert(this.plock, parseMode(mode), bits, lvb, (opId) => (p = this.wait(opId, undefined)));
    if (r < 0 || p === undefined) return Promise.resolve(refused(r, this.mode));
    this.watch(opts.signal);
    return p;
  }

  /** Unlock; resolves with -DLM_EUNLOCK (ok) or -EBUSY when an operation is in flight (unless force). */
  async unlock(opts: UnlockOptions = {}): Promise<LockResult> {
    if (opts.force === true && this.busy) {
      const pending = [...this.waiting.values()];
      this.cancel();
      for (const d of pending) await d.promise;
      if (this.plock.gone) return { ...refused(Status.EUNLOCK, null), ok: true };
    }
    let bits = opts.invalidate === true ? LKF.IVVALBLK : 0;
    let lvb: string | undefined;
    const value = opts.valueBlock ?? this.valueBlock;
    if (this.valblk || opts.valueBlock !== undefined) {
      bits |= LKF.VALBLK;
      if (value !== undefined) lvb = lvbFromBytes(value, this.ls.lvbSize);
    }
    let p: Promise<LockResult> | undefined;
    const r = this.ls.inner.unlock(this.plock, bits, lvb, (opId) => (p = this.wait(opId, undefined)));
    if (r < 0 || p === undefined) return refused(r, this.mode);
    return p;
  }

  /** Cancel the request or conversion in flight; false when there is nothing to cancel (a no-op). */
  cancel(): boolean {
    return this.ls.inner.cancel(this.plock);
  }

  wait(opId: number, signal: AbortSignal | undefined): Promise<LockResult> {
    const d = this.ls.ctx.deferred<LockResult>();
    this.waiting.set(opId, d);
    this.watch(signal);
    return d.promise;
  }

  /** Cancel the operation in flight when `signal` aborts (at once if it already has). */
  private watch(signal: AbortSignal | undefined): void {
    if (signal === undefined) return;
    if (signal.aborted) this.cancel();
    else signal.addEventListener('abort', () => this.cancel(), { once: true });
  }

  // ---- LockSink: callbacks from the lockspace ----

  cast(_l: PLock, cb: CastCallback): void {
    const result: LockResult = {
      status: cb.status,
      ok: cb.status === Status.OK || cb.status === Status.EUNLOCK,
      mode: heldModeName(cb.mode),
      flags: flagsOf(cb.sbflags),
      valueBlock: cb.lvb !== undefined ? lvbToBytes(cb.lvb) : this.valueBlock,
      lvbSeq: cb.lvbseq,
    };
    this.status = result.status;
    this.ok = result.ok;
    this.flags = result.flags;
    this.valueBlock = result.valueBlock;
    this.lvbSeq = result.lvbSeq;
    for (const c of [...this.completions]) c(result, this);
    const d = this.waiting.get(cb.opId);
    if (d !== undefined) {
      this.waiting.delete(cb.opId);
      d.resolve(result);
    } else if (cb.opId === -1) {
      for (const w of this.waiting.values()) w.resolve(result);
      this.waiting.clear();
    }
  }

  bast(_l: PLock, mode: Mode): void {
    const name = heldModeName(mode);
    assert(name !== null, `a blocking callback for lock ${this.id} names no mode`);
    for (const b of [...this.blocking]) b(name, this);
  }
}

/** A lockspace as its users see it. Every node that uses it creates it with the same LVB size. */
export class LockspaceHandle {
  constructor(readonly inner: Lockspace, readonly ctx: Context) {}

  get name(): string {
    return this.inner.name;
  }

  get lvbSize(): number {
    return this.inner.opts.lvbSize;
  }

  /** How this lockspace signals a lost value block: VALNOTVALID (fs/dlm) or zeroed bytes (o2dlm). */
  get lostLvb(): 'valnotvalid' | 'zero' {
    return this.inner.opts.lostLvb ?? 'valnotvalid';
  }

  /** True while the lockspace recovers from a membership change (operations wait, callbacks are held). */
  get recovering(): boolean {
    return this.inner.recovering;
  }

  /** Completed recoveries (agreed by all members): a lock granted at generation g and seen at g with no recovery under way was not taken away meanwhile. */
  get generation(): number {
    return this.inner.gen;
  }

  /**
   * Request `mode` on `resource`. Resolves with the handle once the request completes: check
   * `lk.status` (0 granted; -EAGAIN with noQueue; -DLM_ECANCEL when aborted).
   */
  lock(resource: string, mode: ModeName, opts: LockOptions = {}): Promise<DlmLock> {
    const lk = this.start(resource, mode, opts);
    const opId = lk.plock.op?.opId;
    // Completed at once: refused (-EINVAL, nothing sent) or cancelled before it was sent.
    if (opId === undefined) return Promise.resolve(lk);
    return lk.wait(opId, opts.signal).then(() => lk);
  }

  /** The callback form: returns the handle at once; `ast` fires on each completion, `bast` on blocking. */
  lockAst(resource: string, mode: ModeName, opts: AstOptions): DlmLock {
    const lk = new DlmLock(this, resource, opts.valueBlock);
    lk.onCompletion(opts.ast);
    if (opts.bast !== undefined) lk.onBlocking(opts.bast);
    const { bits, lvb } = this.opBits(opts, false, undefined);
    lk.plock = this.inner.request(resource, parseMode(mode), bits, lvb, lk);
    lk.noteRefused();
    if (opts.signal !== undefined) {
      if (opts.signal.aborted) lk.cancel();
      else opts.signal.addEventListener('abort', () => lk.cancel(), { once: true });
    }
    return lk;
  }

  private start(resource: string, mode: ModeName, opts: LockOptions): DlmLock {
    const lk = new DlmLock(this, resource, opts.valueBlock);
    const { bits, lvb } = this.opBits(opts, false, undefined);
    lk.plock = this.inner.request(resource, parseMode(mode), bits, lvb, lk);
    lk.noteRefused();
    return lk;
  }

  /** LKF bits and the LVB to send for an operation. */
  opBits(opts: LockOptions, defaultValblk: boolean, current: Uint8Array | undefined): { bits: number; lvb: string | undefined } {
    let bits = flagBits(opts.flags);
    const vb = opts.valueBlock;
    const valblk = vb === undefined ? defaultValblk : vb !== false;
    if (!valblk) return { bits, lvb: undefined };
    bits |= LKF.VALBLK;
    const bytes = vb instanceof Uint8Array ? vb : current;
    return { bits, lvb: bytes !== undefined ? lvbFromBytes(bytes, this.lvbSize) : undefined };
  }
}
