// Module 'fenced': the level-0 service (group 'fence'). Victims are the members of the last completed
// group missing from the new one (for a brand-new domain, or one stopped without quorum: every
// configured non-member — startup fencing); the single fencer is the lowest node id in both lists (a joiner
// fences only when alone); it waits post_fail_delay, drops victims that rejoined as a new
// incarnation, fences through the shared-storage fence device and retries every 5 s; start_done
// only when every victim is fenced, so level 1+ recovery starts after fencing (RA fence/fenced/recover.c).
// A node unfences itself when it joins (its own JOIN start) and then runs a fence_scsi_check-style
// watchdog: if its own disk registration is gone (a write is rejected as 'fenced'), it reboots.
// Durable: nothing. Volatile: the group, the fencing job, the watchdog.
import type { Context, DiskKey, Module, NodeId } from '../../sim/types.ts';
import type { MembershipOptions, ServiceCallbacks, ServiceGroup, StartInfo, StartType } from './api.ts';
import { LEVEL_FENCE } from './api.ts';
import type { Cman } from './cman.ts';
import type { MembershipFlaws } from './variants.ts';
import { observeMembership } from './observations.ts';

/** fenced's timers: the watchdog probe, and a fence or unfence (re)try of one event. */
export type FencedTimerTag = 'watchdog' | { fence: number } | { unfence: number };

/** fenced's context: no messages of its own (it talks through cman's service groups and the disk). */
type FencedContext = Context<never, FencedTimerTag>;

function setTimer(ctx: FencedContext, delayUs: number, tag: FencedTimerTag): void {
  ctx.setTimer(delayUs, tag);
}

/** The watchdog's probe key of `node`: written with the prober's incarnation. */
function fenceCheckKey(node: NodeId): DiskKey<number> {
  return `${FENCE_CHECK_PREFIX}${node}`;
}

export const FENCE_GROUP = 'fence';
/** Disk key prefix of the watchdog's probe writes (ownership checkers may ignore it). */
export const FENCE_CHECK_PREFIX = 'fenced/check/';

interface Job {
  eventId: number;
  epoch: number;
  victims: NodeId[];
  failedInc: Readonly<Record<number, number>>;
  fenced: Set<NodeId>;
  inFlight: Set<NodeId>;
  /** Waiting for our own unfence (a JOIN start of this node). */
  unfencing: boolean;
}

/**
 * The fencer: lowest id in both the last completed and the new member lists (the same incarnation
 * in both: a restarted node is a new joiner); a joiner fences only when nobody else can.
 */
export function chooseFencer(members: readonly NodeId[], info: Pick<StartInfo, 'previous' | 'previousIncarnations' | 'incarnations'>): NodeId {
  const both = members.filter((m) => info.previous.includes(m) && info.previousIncarnations[m] === info.incarnations[m]).sort((a, b) => a - b);
  if (both.length > 0) return both[0]!;
  return [...members].sort((a, b) => a - b)[0]!;
}

export class Fenced implements Module<never, FencedTimerTag>, ServiceCallbacks {
  readonly name = 'fenced';
  private ctx!: FencedContext;
  private group: ServiceGroup | undefined;
  private job: Job | undefined;
  private unfenced = false;
  private watchdog = false;
  /** The domain was stopped while our partition had no quorum (cleared when a start recomputes victims). */
  private stoppedInquorate = false;

  constructor(private readonly opts: MembershipOptions, private readonly flaws: MembershipFlaws) {}

  onStart(ctx: FencedContext): void {
    this.ctx = ctx;
    if (this.flaws.unfenceAtBoot) ctx.disk.unfence(() => undefined);
    this.group = this.cman().joinGroup(FENCE_GROUP, LEVEL_FENCE, this);
  }

  private cman(): Cman {
    return this.ctx.module<Cman>('cman');
  }

  // ---- service callbacks --------------------------------------------------------------------

  stop(): void {
    this.job = undefined; // abandoned: the next start recomputes victims from the last completed group
    if (!this.cman().quorate()) this.stoppedInquorate = true;
  }

  start(members: readonly NodeId[], eventId: number, _type: StartType, info: StartInfo): void {
    const me = this.ctx.node;
    // A brand-new fence domain (no completed event: a cluster formed from fresh nodes) fences every
    // configured node that is not a member: fenced's startup fencing (clean_start=0), since such a
    // node may still carry state from an older cluster. So does a domain that was stopped without
    // quorum: while it waited, a quorate partition elsewhere may have admitted and lost nodes it never
    // heard of (seed 489 of swarm-partitions: node 3 rejoined the other side, whose quorum then
    // shattered; the old side regained quorum and started recovery with node 3 unfenced).
    const regained = this.stoppedInquorate;
    this.stoppedInquorate = false;
    const victims = info.previous.length === 0 || regained
      ? this.ctx.allNodes.filter((n) => !members.includes(n))
      : [...info.failed].sort((a, b) => a - b);
    const fencer = chooseFencer(members, info);
    const mustFence = victims.length > 0 && fencer === me && !this.flaws.noFencing;
    const mustUnfence = !this.unfenced;
    if (!mustFence && !mustUnfence) {
      this.ctx.defer(() => this.group?.startDone(eventId));
      return;
    }
    this.job = {
      eventId, epoch: info.epoch, victims: mustFence ? victims : [], failedInc: info.previousIncarnations,
      fenced: new Set(), inFlight: new Set(), unfencing: mustUnfence,
    };
    if (mustUnfence) this.unfence(eventId);
    if (mustFence) {
      // Two-node fence race: the higher node id waits fenceDelayUs (the `delay` of a real fence
      // device), so the lower one wins and the loser's watchdog kills it before its own attempt.
      const delay = me === this.ctx.allNodes[0] ? 0 : this.opts.fenceDelayUs;
      setTimer(this.ctx, this.opts.postFailDelayUs + delay, { fence: eventId });
    }
  }

  finish(_eventId: number): void {}

  // ---- fencing ------------------------------------------------------------------------------

  onTimer(_ctx: FencedContext, t: FencedTimerTag): void {
    if (t === 'watchdog') return this.probe();
    if ('fence' in t) this.selfCheckThenFence(t.fence);
    else this.unfence(t.unfence);
  }

  private current(eventId: number): Job | undefined {
    return this.job?.eventId === eventId ? this.job : undefined;
  }

  /** Before fencing others, make sure we are not fenced ourselves (then we lost the race: die). */
  private selfCheckThenFence(eventId: number): void {
    if (this.current(eventId) === undefined) return;
    this.ctx.disk.write(fenceCheckKey(this.ctx.node), this.ctx.incarnation, (r) => {
      if (!r.ok && r.reason === 'fenced') {
        observeMembership(this.ctx, 'fence-watchdog', { before: 'fencing' });
        this.cman().kill('fenced: lost the fence race');
        return;
      }
      this.fenceAll(eventId);
    });
  }

  /** Fence every victim not yet fenced, not in flight and not rejoined. */
  private fenceAll(eventId: number): void {
    const job = this.current(eventId);
    if (job === undefined) return;
    const view = this.cman().view();
    for (const v of job.victims) {
      if (job.fenced.has(v) || job.inFlight.has(v)) continue;
      const inc = view?.incarnations[v];
      if (view !== undefined && view.members.includes(v) && inc !== undefined && inc !== job.failedInc[v]) {
        observeMembership(this.ctx, 'fence-drop', { victim: v, why: `rejoined as incarnation ${inc}` });
        job.fenced.add(v);
        continue;
      }
      job.inFlight.add(v);
      observeMembership(this.ctx, 'fence-request', { victim: v, epoch: job.epoch, eventId, failedInc: job.failedInc[v] ?? 0 });
      this.ctx.disk.fence(v, (ok) => this.fenced(eventId, v, ok));
      this.ctx.faultPoint('fence.request');
    }
    this.maybeDone(job);
  }

  private fenced(eventId: number, victim: NodeId, ok: boolean): void {
    observeMembership(this.ctx, 'fence-result', { victim, ok });
    const job = this.current(eventId);
    if (job === undefined) return;
    job.inFlight.delete(victim);
    if (ok) {
      job.fenced.add(victim);
      this.ctx.faultPoint('fence.done');
      this.maybeDone(job);
    } else {
      setTimer(this.ctx, this.opts.fenceRetryUs, { fence: eventId });
    }
  }

  private unfence(eventId: number): void {
    this.ctx.disk.unfence((ok) => {
      const job = this.current(eventId);
      if (!ok) {
        if (job !== undefined) setTimer(this.ctx, this.opts.fenceRetryUs, { unfence: eventId });
        return;
      }
      this.unfenced = true;
      if (!this.watchdog) {
        this.watchdog = true;
        setTimer(this.ctx, this.opts.fenceCheckUs, 'watchdog');
      }
      if (job !== undefined) {
        job.unfencing = false;
        this.maybeDone(job);
      }
    });
  }

  private maybeDone(job: Job): void {
    if (job.unfencing || job.victims.some((v) => !job.fenced.has(v))) return;
    this.job = undefined;
    this.group?.startDone(job.eventId);
  }

  /** fence_scsi_check: a node whose registration was removed reboots. */
  private probe(): void {
    this.ctx.disk.write(fenceCheckKey(this.ctx.node), this.ctx.incarnation, (r) => {
      if (!r.ok && r.reason === 'fenced') {
        observeMembership(this.ctx, 'fence-watchdog', {});
        this.cman().kill('fenced: my disk registration is gone');
        return;
      }
      setTimer(this.ctx, this.opts.fenceCheckUs, 'watchdog');
    });
  }
}
