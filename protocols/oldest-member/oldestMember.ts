// The 'oldest-member' ownership protocol (Phillips, LKML 2005): the members of service group
// 'ownership' (level 2, above fencing at 0 and the DLM at 1) hand resources over through the service
// manager's stop / start / start_done / finish events. On each start, the oldest member of the group
// (members[0], stable longevity order from cman) decides: owners still present (same incarnation) keep
// their resources; resources of failed owners, and one resource per empty-handed joiner, go to the
// least-loaded members. It sends the decision to every member; each new owner recovers the metadata
// (fencing of the failed owner is already done: level 0 completes before level 2 starts), drains any
// request it is giving up, and answers start_done. Everyone serves again at finish.
// The owner's epoch is the view epoch of the event that assigned it (unique cluster-wide).
// Volatile: everything (a restarted node rejoins youngest and owns nothing until assigned).
import { assert as check } from '../../sim/assert.ts';
import type { Context, DiskWriteOptions, Module, NodeId } from '../../sim/types.ts';
import type { ClusterApi, ServiceCallbacks, ServiceGroup, StartInfo, StartType } from '../membership/api.ts';
import { LEVEL_APP } from '../membership/api.ts';
import type { GrantListener, OwnerGrant, Ownership } from '../ownership/api.ts';
import { OWNERSHIP_MODULE } from '../ownership/api.ts';
import { OwnerBook } from '../ownership/book.ts';
import { recoverResource } from '../workloads/recovery.ts';

export const OWNERSHIP_GROUP = 'ownership';
/** The oldest member re-sends its decision this often until the event finishes or is superseded. */
const RESEND_US = 250_000;

/** One assignment: resource, owner, epoch. */
type AssignEntry = [string, NodeId, number];

/** The oldest member's decision for one event, sent to every other member. */
export type OldestMemberMsg = { type: 'om-assign'; eventId: number; list: AssignEntry[] };

/** Timers: resend the decision of an event; check again whether a given-up resource is drained. */
export type OldestMemberTimerTag = { announce: number } | { drain: string; eventId: number };

/** The module's context: it sends only its decisions and sets only its own timers. */
type OldestMemberContext = Context<OldestMemberMsg, OldestMemberTimerTag>;

function setTimer(ctx: OldestMemberContext, delayUs: number, tag: OldestMemberTimerTag): void {
  ctx.setTimer(delayUs, tag);
}

export interface OldestMemberOptions {
  resources: readonly string[];
  passwdBlocks: number;
  /** Flaw: ignore stop and hand-over: serve a new assignment at once, never drain, never give a resource up. */
  noStop: boolean;
  /** Flaw: send the decision once, never re-send it (finding F5: a dropped decision stalls the group). */
  noResend?: boolean;
}

/** resource → [owner, epoch at which it was assigned]. */
type Assignment = Map<string, readonly [NodeId, number]>;

interface Pending {
  eventId: number;
  epoch: number;
  members: readonly NodeId[];
  assignment: Assignment | undefined;
  /** Resources still recovering or draining before start_done. */
  waiting: Set<string>;
}

/** What the workload tells us: is a request on `resource` in flight here? */
interface Drainable {
  busyWith(resource: string): boolean;
}

function assert(cond: boolean, why: string): asserts cond {
  check(cond, `oldest-member: ${why}`);
}

export class OldestMember implements Ownership<OldestMemberMsg, OldestMemberTimerTag>, ServiceCallbacks {
  readonly name = OWNERSHIP_MODULE;
  readonly resources: readonly string[];
  private readonly book = new OwnerBook();
  private ctx!: OldestMemberContext;
  private group: ServiceGroup | undefined;
  private running = false;
  /** The assignment of the last finished event. */
  private current: Assignment = new Map();
  private pending: Pending | undefined;
  /** The oldest member's decision for the event it is running. */
  private decided: { eventId: number; list: AssignEntry[] } | undefined;
  /** Decisions that arrived before our own start of that event: eventId → [sender, list]. */
  private readonly early = new Map<number, [NodeId, AssignEntry[]]>();

  constructor(private readonly opts: OldestMemberOptions) {
    this.resources = opts.resources;
  }

  onStart(ctx: OldestMemberContext): void {
    this.ctx = ctx;
    this.group = ctx.module<ClusterApi & Module>('cman').joinGroup(OWNERSHIP_GROUP, LEVEL_APP, this);
  }

  // ---- service-group callbacks --------------------------------------------------------------

  stop(): void {
    this.pending = undefined;
    if (!this.opts.noStop) this.running = false;
  }

  start(members: readonly NodeId[], eventId: number, _type: StartType, info: StartInfo): void {
    if (this.pending?.eventId === eventId) return; // a repeated start of the event we are running
    const p: Pending = { eventId, epoch: info.epoch, members, assignment: undefined, waiting: new Set() };
    this.pending = p;
    if (members[0] === this.ctx.node) {
      const assignment = this.decide(members, info);
      const list = [...assignment].map(([r, [n, e]]): AssignEntry => [r, n, e]);
      this.decided = { eventId, list };
      this.announce(eventId);
      this.ctx.faultPoint('oldest-member.decision-sent');
      this.early.set(eventId, [this.ctx.node, list]);
    }
    // The decision may have arrived before our own start (it travels apart from the SM's messages).
    const early = this.early.get(eventId);
    this.early.clear();
    if (early !== undefined) this.ctx.defer(() => this.apply(p, early[0], early[1]));
  }

  finish(eventId: number): void {
    const p = this.pending;
    if (p === undefined || p.eventId !== eventId) return;
    assert(p.assignment !== undefined && p.waiting.size === 0, `finish(${eventId}) before this member's start_done`);
    this.current = p.assignment;
    this.pending = undefined;
    this.running = true;
    for (const r of this.book.held()) {
      const g = this.book.get(r)!;
      if (!g.ready) this.book.ready(this.ctx, g);
    }
  }

  // ---- the oldest member decides ------------------------------------------------------------

  private decide(members: readonly NodeId[], info: StartInfo): Assignment {
    const gone = new Set(info.failed);
    const out: Assignment = new Map();
    const load = new Map<NodeId, number>(members.map((m) => [m, 0]));
    const orphans: string[] = [];
    for (const r of this.resources) {
      const prev = this.current.get(r);
      if (prev !== undefined && load.has(prev[0]) && !gone.has(prev[0])) {
        out.set(r, prev);
        load.set(prev[0], load.get(prev[0])! + 1);
      } else orphans.push(r);
    }
    const leastLoaded = (): NodeId => members.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
    for (const r of orphans) {
      const n = leastLoaded();
      out.set(r, [n, info.epoch]);
      load.set(n, load.get(n)! + 1);
    }
    // Spread: give one resource to an empty-handed member from the most loaded one (a live hand-over).
    const idle = members.find((m) => load.get(m) === 0);
    const busiest = members.reduce((a, b) => (load.get(b)! > load.get(a)! ? b : a));
    if (idle !== undefined && load.get(busiest)! >= 2) {
      const r = this.resources.find((x) => out.get(x)![0] === busiest)!;
      out.set(r, [idle, info.epoch]);
    }
    return out;
  }

  onMessage(_ctx: OldestMemberContext, from: NodeId, m: OldestMemberMsg): void {
    const p = this.pending;
    const list = m.list;
    if (p === undefined || p.eventId !== m.eventId) {
      this.early.set(m.eventId, [from, list]);
      return;
    }
    this.apply(p, from, list);
  }

  private apply(p: Pending, from: NodeId, list: AssignEntry[]): void {
    if (this.pending !== p || p.members[0] !== from || p.assignment !== undefined) return;
    p.assignment = new Map(list.map(([r, n, e]) => [r, [n, e] as const]));
    for (const [r, [owner, epoch]] of p.assignment) this.take(this.ctx, p, r, owner, epoch);
    this.maybeDone(p);
  }

  /** Apply one resource's assignment on this node. */
  private take(ctx: OldestMemberContext, p: Pending, r: string, owner: NodeId, epoch: number): void {
    const held = this.book.get(r);
    if (owner !== ctx.node) {
      if (held !== undefined && !this.opts.noStop) {
        this.book.end(ctx, r, 'reassigned');
        ctx.faultPoint('oldest-member.handed-over');
      }
      if (!this.opts.noStop && this.busyWith(r)) {
        p.waiting.add(r);
        this.drain(p, r);
      }
      return;
    }
    if (held !== undefined && held.epoch === epoch) return;
    const g = this.book.begin(ctx, r, epoch, undefined);
    ctx.faultPoint('oldest-member.claimed');
    p.waiting.add(r);
    const env = { ctx, stamp: { epoch, owner: ctx.node }, writeOpts: undefined };
    recoverResource(env, r, this.opts.passwdBlocks, (ok) => {
      if (!ok) return this.book.end(ctx, r, 'recovery write refused (fenced)');
      if (this.pending !== p || !this.book.current(g)) return;
      p.waiting.delete(r);
      if (this.opts.noStop) this.book.ready(ctx, g);
      this.maybeDone(p);
    });
  }

  /** A resource we give up must have no request of ours still in flight before we answer start_done. */
  private drain(p: Pending, r: string): void {
    setTimer(this.ctx, 1_000, { drain: r, eventId: p.eventId });
  }

  /** Send the decision to the other members, and again every resendUs until the event ends (links may drop it). */
  private announce(eventId: number): void {
    const p = this.pending;
    if (p === undefined || p.eventId !== eventId || this.decided?.eventId !== eventId) return;
    for (const m of p.members) if (m !== this.ctx.node) this.ctx.send(m, { type: 'om-assign', eventId, list: this.decided.list }, { fifo: true });
    if (this.opts.noResend !== true) setTimer(this.ctx, RESEND_US, { announce: eventId });
  }

  onTimer(_ctx: OldestMemberContext, t: OldestMemberTimerTag): void {
    if ('announce' in t) return this.announce(t.announce);
    const p = this.pending;
    if (p === undefined || p.eventId !== t.eventId) return;
    if (this.busyWith(t.drain)) return this.drain(p, t.drain);
    p.waiting.delete(t.drain);
    this.maybeDone(p);
  }

  private busyWith(r: string): boolean {
    return this.ctx.module<Module & Drainable>('workload').busyWith(r);
  }

  private maybeDone(p: Pending): void {
    if (p.assignment === undefined || p.waiting.size > 0 || this.pending !== p) return;
    const g = this.group!;
    this.ctx.defer(() => {
      if (this.pending === p) g.startDone(p.eventId);
    });
  }

  // ---- Ownership ----------------------------------------------------------------------------

  grant(resource: string): OwnerGrant | undefined {
    return this.running ? this.book.get(resource) : undefined;
  }

  ownerHint(resource: string): NodeId | undefined {
    if (this.book.get(resource)?.ready === true) return this.ctx.node;
    return this.current.get(resource)?.[0];
  }

  rediscover(_resource: string): void {
    // The assignment arrives with every finished event; there is nothing to look up.
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
}
