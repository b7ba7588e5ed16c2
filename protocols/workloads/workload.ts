// The workload module ('workload'): on every host, a client that sends snapshot-metadata and passwd
// requests to whoever it believes owns the resource (re-discovering the owner on timeout or
// redirect), and a server that runs the requests it receives while this host owns the resource —
// one at a time per resource, read-modify-write on the shared disk under the grant's token.
// With a DLM lock service, passwd is Tweedie's: every node locks (PR read / EX write) and does its own I/O.
// Volatile: everything (a restarted client starts over; its chunks leak, which is not a violation).
import type { Context, DiskKey, DiskResult, Module, NodeId, TimerId } from '../../sim/types.ts';
import type { Op, OpResult, WorkloadOptions } from './options.ts';
import { CLIENT_ACK, CLIENT_REQUEST } from './options.ts';
import type { OpEnv, OpOutcome } from './opEnv.ts';
import type { HeldLock, Ownership, OwnerGrant } from '../ownership/api.ts';
import { OWNERSHIP_MODULE, OWNER_SERVE, resourceNames } from '../ownership/api.ts';
import { observeOwnership } from '../ownership/observations.ts';
import { snapshotKey, snapshotNext } from './snapshot.ts';
import type { SnapshotRecord } from './snapshot.ts';
import { runPasswdOp } from './passwd.ts';

export const WORKLOAD_MODULE = 'workload';

interface Pending {
  id: string;
  op: Op;
  timer: TimerId;
  sends: number;
  /** The tag of this request's resend timers (one object per request, not per send). */
  resend: Tag;
}

interface Queued {
  from: NodeId;
  id: string;
  op: Op;
}

type Tag = { t: 'think' } | { t: 'resend'; id: string };

const THINK: Tag = { t: 'think' };

/**
 * One resource's server side on this host: the requests queued for it and the one running (one at a
 * time per resource). A snapshot request's read and write complete through the lane's two callbacks,
 * made once per lane: no closure per request.
 */
class Lane {
  readonly queue: Queued[] = [];
  running: Queued | undefined = undefined;
  grant: OwnerGrant | undefined = undefined;
  env: OpEnv | undefined = undefined;
  /** What the running snapshot request will answer once its write is accepted. */
  result: OpResult | undefined = undefined;
  readonly key: DiskKey<SnapshotRecord>;
  readonly onRead: (r: DiskResult<SnapshotRecord>) => void;
  readonly onWrite: (w: DiskResult<SnapshotRecord>) => void;

  constructor(w: Workload, ctx: WorkloadContext, readonly resource: string) {
    this.key = snapshotKey(resource);
    this.onRead = (r) => w.snapshotRead(ctx, this, r);
    this.onWrite = (r) => w.served(ctx, this, r.ok ? { ok: true, result: this.result! } : { ok: false, reason: r.reason ?? 'refused' });
  }

  /** Is request `id` queued or running here? */
  has(id: string): boolean {
    if (this.running?.id === id) return true;
    for (let i = 0; i < this.queue.length; i++) if (this.queue[i]!.id === id) return true;
    return false;
  }
}

/** The workload's wire messages: a client request, and the serving node's answer. */
type WorkloadMsg =
  | { type: 'wl-req'; id: string; op: Op }
  | { type: 'wl-resp'; id: string; status: 'ok'; result: OpResult }
  | { type: 'wl-resp'; id: string; status: 'redirect'; hint: NodeId }
  | { type: 'wl-resp'; id: string; status: 'error'; reason: string };

/** The workload's context: it sends only its own messages and sets only its own timers. */
type WorkloadContext = Context<WorkloadMsg, Tag>;

export class Workload implements Module<WorkloadMsg, Tag> {
  readonly name = WORKLOAD_MODULE;
  private readonly resources: string[];
  private pending: Pending | undefined;
  private nextReq = 1;
  /** `<node>.<incarnation>.`: request ids are this and a counter (a module lives one incarnation). */
  private idPrefix: string | undefined = undefined;
  /** Chunks this client holds, per resource: [chunk, allocId]. */
  private readonly held = new Map<string, [number, string][]>();
  /** Server lanes by resource (a few resources; entries are never deleted). */
  private readonly lanes = new Map<string, Lane>();
  requestsServed = 0;

  constructor(private readonly opts: WorkloadOptions) {
    this.resources = resourceNames(opts.snapshots, opts.passwd);
  }

  onStart(ctx: WorkloadContext): void {
    if (this.resources.length === 0) return;
    if (this.opts.clients !== undefined && !this.opts.clients.includes(ctx.node)) return;
    ctx.setTimer(ctx.random().int(0, this.opts.thinkUs), THINK);
  }

  onTimer(ctx: WorkloadContext, t: Tag): void {
    if (t.t === 'think') return this.startRequest(ctx);
    if (this.pending?.id === t.id) {
      this.own(ctx).rediscover(this.pending.op.resource);
      this.send(ctx);
    }
  }

  onMessage(ctx: WorkloadContext, from: NodeId, m: WorkloadMsg): void {
    if (m.type === 'wl-req') return this.accept(ctx, from, m.id, m.op);
    return this.answer(ctx, m);
  }

  // ---- client -------------------------------------------------------------------------------

  private own(ctx: WorkloadContext): Ownership {
    return ctx.module<Ownership>(OWNERSHIP_MODULE);
  }

  private startRequest(ctx: WorkloadContext): void {
    if (this.pending !== undefined) throw new Error(`client ${ctx.node} started a request while ${this.pending.id} was pending`);
    const op = this.chooseOp(ctx);
    const id = (this.idPrefix ??= `${ctx.node}.${ctx.incarnation}.`) + this.nextReq++;
    this.pending = { id, op, timer: -1, sends: 0, resend: { t: 'resend', id } };
    observeOwnership(ctx, CLIENT_REQUEST, { id, resource: op.resource, op: op.kind, chunk: op.chunk ?? null, allocId: op.allocId ?? null });
    this.send(ctx);
  }

  private chooseOp(ctx: WorkloadContext): Op {
    const rng = ctx.random();
    const resource = rng.pick(this.resources);
    if (resource === 'passwd') return { kind: rng.chance(0.3) ? 'pwrite' : 'pread', resource };
    const mine = this.held.get(resource) ?? [];
    if (mine.length > 0 && (mine.length >= 6 || rng.chance(0.45))) {
      // Remove entry k keeping the order (no spliced-out array, no destructuring iterator).
      const k = rng.int(0, mine.length - 1);
      const e = mine[k]!;
      const chunk = e[0];
      const allocId = e[1];
      for (let j = k + 1; j < mine.length; j++) mine[j - 1] = mine[j]!;
      mine.length--;
      return { kind: 'free', resource, chunk, allocId };
    }
    return { kind: 'alloc', resource };
  }

  private send(ctx: WorkloadContext): void {
    const p = this.pending!;
    const own = this.own(ctx);
    if (p.op.resource === 'passwd' && own.locks !== undefined) return this.runLocked(ctx, own, p);
    const hint = own.ownerHint(p.op.resource);
    if (hint === undefined) {
      own.rediscover(p.op.resource);
      p.timer = ctx.setTimer(this.opts.retryUs, p.resend);
      return;
    }
    p.sends++;
    ctx.send(hint, { type: 'wl-req', id: p.id, op: p.op } satisfies WorkloadMsg);
    p.timer = ctx.setTimer(this.opts.requestTimeoutUs, p.resend);
  }

  private answer(ctx: WorkloadContext, msg: Extract<WorkloadMsg, { type: 'wl-resp' }>): void {
    const p = this.pending;
    if (p === undefined || p.id !== msg.id) return;
    ctx.cancelTimer(p.timer);
    if (msg.status !== 'ok') {
      this.own(ctx).rediscover(p.op.resource);
      p.timer = ctx.setTimer(this.opts.retryUs, p.resend);
      return;
    }
    this.complete(ctx, msg.result);
  }

  private complete(ctx: WorkloadContext, result: OpResult): void {
    const p = this.pending!;
    this.pending = undefined;
    if (p.op.kind === 'alloc' && result.chunk !== undefined) {
      let mine = this.held.get(p.op.resource);
      if (mine === undefined) this.held.set(p.op.resource, (mine = []));
      mine.push([result.chunk, p.id]);
    }
    observeOwnership(ctx, CLIENT_ACK, {
      id: p.id, resource: p.op.resource, op: p.op.kind, chunk: result.chunk ?? p.op.chunk ?? null,
      allocId: p.op.kind === 'alloc' ? p.id : (p.op.allocId ?? null), versions: result.versions ?? null,
      version: result.version ?? null, full: result.full === true,
    });
    ctx.setTimer(ctx.random().int(this.opts.thinkUs >> 1, this.opts.thinkUs + (this.opts.thinkUs >> 1)), THINK);
  }

  /**
   * Tweedie's passwd: take PR (read) or EX (write) on the DLM, do the I/O ourselves, unlock. Run as a
   * coroutine (ctx.spawn) so the engine drains its continuations before the next simulated event.
   */
  private runLocked(ctx: WorkloadContext, own: Ownership, p: Pending): void {
    const mode = p.op.kind === 'pwrite' ? 'exclusive' : 'shared';
    const retry = (): void => {
      if (this.pending === p) p.timer = ctx.setTimer(this.opts.retryUs, p.resend);
    };
    ctx.spawn(`passwd ${p.id}`, async () => {
      let lock: HeldLock;
      try {
        lock = await own.locks!.acquire('passwd', mode);
      } catch {
        return retry();
      }
      const env: OpEnv = { ctx, stamp: { epoch: null, owner: ctx.node }, writeOpts: undefined };
      const done = ctx.deferred<OpOutcome>();
      runPasswdOp(env, p.op, this.opts.passwdBlocks, (o) => done.resolve(o));
      let o = await done.promise;
      // As on the owner path: a read counts only if the lock outlived it (the fence refuses writes, not reads).
      if (o.ok && p.op.kind === 'pread' && !lock.heldThroughout()) o = { ok: false, reason: 'lock lost during read' };
      lock.release();
      if (this.pending !== p) return;
      if (o.ok) this.complete(ctx, o.result);
      else retry();
    });
  }

  // ---- server -------------------------------------------------------------------------------

  /** Is a request on `resource` running or queued here? (An owner handing over drains first.) */
  busyWith(resource: string): boolean {
    const lane = this.lanes.get(resource);
    return lane !== undefined && (lane.running !== undefined || lane.queue.length > 0);
  }

  private lane(ctx: WorkloadContext, resource: string): Lane {
    let lane = this.lanes.get(resource);
    if (lane === undefined) this.lanes.set(resource, (lane = new Lane(this, ctx, resource)));
    return lane;
  }

  private accept(ctx: WorkloadContext, from: NodeId, id: string, op: Op): void {
    const own = this.own(ctx);
    if (own.grant(op.resource)?.ready !== true) return this.redirect(ctx, own, from, id, op.resource);
    const lane = this.lane(ctx, op.resource);
    if (lane.has(id)) return;
    lane.queue.push({ from, id, op });
    this.pump(ctx, lane);
  }

  private redirect(ctx: WorkloadContext, own: Ownership, to: NodeId, id: string, resource: string): void {
    const hint = own.ownerHint(resource);
    ctx.send(to, { type: 'wl-resp', id, status: 'redirect', hint: hint === ctx.node ? 0 : (hint ?? 0) } satisfies WorkloadMsg);
  }

  /** Run the next queued request of the lane (one at a time): check the grant, then read-modify-write. */
  private pump(ctx: WorkloadContext, lane: Lane): void {
    if (lane.running !== undefined) return;
    const item = lane.queue.shift();
    if (item === undefined) return;
    const own = this.own(ctx);
    const g = own.grant(lane.resource);
    if (g?.ready !== true) {
      this.redirect(ctx, own, item.from, item.id, lane.resource);
      return this.pump(ctx, lane);
    }
    lane.running = item;
    lane.grant = g;
    const env: OpEnv = { ctx, stamp: { epoch: g.epoch, owner: ctx.node }, writeOpts: own.writeOptions(g) };
    lane.env = env;
    if (lane.resource === 'passwd') runPasswdOp(env, item.op, this.opts.passwdBlocks, (o) => this.served(ctx, lane, o));
    else ctx.disk.read(lane.key, lane.onRead);
  }

  /** A snapshot request's read completed: apply the operation and write the record back. */
  snapshotRead(ctx: WorkloadContext, lane: Lane, r: DiskResult<SnapshotRecord>): void {
    const item = lane.running!;
    const env = lane.env!;
    const next = snapshotNext(r.value, item.op, item.id, this.opts.chunks, env.stamp);
    lane.result = next.result;
    ctx.disk.write(lane.key, next.rec, lane.onWrite, env.writeOpts);
  }

  served(ctx: WorkloadContext, lane: Lane, o: OpOutcome): void {
    const item = lane.running!;
    const g = lane.grant!;
    const own = this.own(ctx);
    lane.running = undefined;
    lane.grant = undefined;
    lane.env = undefined;
    lane.result = undefined;
    // A read took no effect the storage could refuse: it counts only if the grant outlived it (a paused
    // lease holder that resumes mid-read must not serve blocks read across its successor's write).
    if (o.ok && item.op.kind === 'pread' && own.grant(g.resource)?.epoch !== g.epoch) o = { ok: false, reason: 'ownership lost during read' };
    if (o.ok) {
      this.requestsServed++;
      observeOwnership(ctx, OWNER_SERVE, { resource: g.resource, epoch: g.epoch, op: item.op.kind, wrote: item.op.kind !== 'pread' });
      ctx.send(item.from, { type: 'wl-resp', id: item.id, status: 'ok', result: o.result } satisfies WorkloadMsg);
    } else {
      if (item.op.kind !== 'pread') own.writeRefused(g, o.reason);
      ctx.send(item.from, { type: 'wl-resp', id: item.id, status: 'error', reason: o.reason } satisfies WorkloadMsg);
    }
    this.pump(ctx, lane);
  }
}
