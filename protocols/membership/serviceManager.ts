// The service manager (SM), run inside module 'cman': service groups with levels, and per-event
// recovery stop → barrier → start → start_done from every member → barrier → finish, level by level.
// Faithful to cman-kernel service.h / sm_recover.c as the reference describes them (§4):
//   * a node stops, at once and locally, every group whose running members include a node missing
//     from the newly installed view (or with another incarnation), and every group mid-event;
//   * one coordinator per view (its lowest node id) collects every member's report, then runs the
//     events of the lowest level that needs one, and the next level only when every event of that
//     level has every member's start_done; recovery runs only while the view is quorate;
//   * messages carry the view epoch: those of another epoch (an older generation) are ignored, so a
//     start superseded by a view change never reaches finish; its late start_done is ignored;
//   * a node joins a group at level L only once its own groups below L are running (join order).
// Event ids are epoch × 1000 + a per-epoch sequence number, so they are unique per group.
import type { Context, NodeId } from '../../sim/types.ts';
import type { Deferred } from '../../sim/world.ts';
import type { GroupState, ServiceCallbacks, ServiceGroup, StartInfo, StartType } from './api.ts';
import type { Cman, FullView } from './cman.ts';
import type { MembershipFlaws } from './variants.ts';
import { observeMembership } from './observations.ts';

/** The service manager's messages (all FIFO, all stamped with the sender's view epoch). */
export type SmMsg =
  | { type: 'sm-report'; epoch: number; groups: GroupReport[] }
  | { type: 'sm-query'; epoch: number }
  | { type: 'sm-stop' | 'sm-finish' | 'sm-left'; epoch: number; group: string; eventId: number }
  | { type: 'sm-stopped'; epoch: number; group: string; eventId: number }
  | { type: 'sm-done'; epoch: number; group: string; eventId: number | undefined }
  | { type: 'sm-start'; epoch: number; group: string; eventId: number; members: NodeId[]; startType: StartType; info: StartInfo };

function send(ctx: Context<SmMsg>, to: NodeId, msg: SmMsg): void {
  ctx.send(to, msg, { fifo: true });
}

interface Completed {
  eventId: number;
  members: NodeId[];
  incarnations: Readonly<Record<number, number>>;
}

interface GroupRec {
  name: string;
  level: number;
  cb: ServiceCallbacks;
  state: GroupState;
  leaving: boolean;
  event: number | undefined;
  members: NodeId[];
  incarnations: Readonly<Record<number, number>>;
  completed: Completed | undefined;
  inStart: boolean;
  waiters: Deferred<number>[];
  /** When start_done was (re)sent, for retransmission while finish has not come. */
  doneSentUs: number;
}

/** What a member tells the coordinator about one of its groups. */
interface GroupReport {
  name: string;
  level: number;
  state: GroupState;
  leaving: boolean;
  completed: Completed | undefined;
}

interface CoordEvent {
  group: string;
  level: number;
  eventId: number;
  members: NodeId[];
  leavers: NodeId[];
  type: StartType;
  info: StartInfo;
  stage: 'stop' | 'start';
  waiting: Set<NodeId>;
  /** When the current stage's messages were last sent (local µs), for retransmission. */
  sentUs: number;
}

interface Coordinator {
  view: FullView;
  reports: Map<NodeId, GroupReport[]>;
  seq: number;
  events: CoordEvent[];
  /** Finished events of this epoch: a member that missed its finish asks again with sm-done. */
  finished: Set<number>;
  queriedUs: number;
}

/** Per-epoch event sequence numbers stay below this. */
const EVENT_STRIDE = 1000;
/** Bound on buffered messages of views not installed yet. */
const EARLY_MAX = 1000;

function coordinatorOf(v: FullView): NodeId {
  return v.members[0]!;
}

function sorted(xs: Iterable<NodeId>): NodeId[] {
  return [...xs].sort((a, b) => a - b);
}

class GroupHandle implements ServiceGroup {
  constructor(private readonly sm: ServiceManager, private readonly rec: GroupRec) {}
  get name(): string {
    return this.rec.name;
  }
  get level(): number {
    return this.rec.level;
  }
  startDone(eventId: number): void {
    this.sm.startDone(this.rec, eventId);
  }
  members(): readonly NodeId[] {
    return this.rec.members;
  }
  leave(): void {
    this.sm.leave(this.rec);
  }
  state(): GroupState {
    return this.rec.state;
  }
  eventId(): number | undefined {
    return this.rec.event;
  }
  whenRunning(): Promise<number> {
    return this.sm.whenRunning(this.rec);
  }
}

export class ServiceManager {
  private ctx!: Context<SmMsg>;
  /** Groups by name, in join order (deterministic). */
  private readonly groups = new Map<string, GroupRec>();
  private coord: Coordinator | undefined;
  /** Messages of a view not installed yet. */
  private early: { from: NodeId; msg: SmMsg }[] = [];

  constructor(private readonly cman: Cman, private readonly flaws: MembershipFlaws) {}

  bind(ctx: Context<SmMsg>): void {
    this.ctx = ctx;
  }

  // ---- member side: the API -------------------------------------------------------------------

  join(name: string, level: number, cb: ServiceCallbacks): ServiceGroup {
    if (this.ctx === undefined) throw new Error(`sm: joinGroup('${name}') before cman started: put the membership stack before your modules`);
    if (!Number.isInteger(level) || level < 0) throw new Error(`sm: group ${name}: level must be an integer ≥ 0, got ${level}`);
    const old = this.groups.get(name);
    if (old !== undefined) throw new Error(`sm: node ${this.ctx.node} already joined group ${name} (state ${old.state})`);
    const rec: GroupRec = {
      name, level, cb, state: 'joining', leaving: false, event: undefined,
      members: [], incarnations: {}, completed: undefined, inStart: false, waiters: [], doneSentUs: 0,
    };
    this.groups.set(name, rec);
    observeMembership(this.ctx, 'sm-join', { group: name, level });
    this.report();
    return new GroupHandle(this, rec);
  }

  leave(rec: GroupRec): void {
    if (rec.leaving || rec.state === 'left') return;
    rec.leaving = true;
    observeMembership(this.ctx, 'sm-leave', { group: rec.name, level: rec.level });
    this.report();
  }

  startDone(rec: GroupRec, eventId: number): void {
    if (rec.inStart) throw new Error(`sm: group ${rec.name} answered start_done(${eventId}) from inside start: use ctx.defer`);
    if (this.cman.isDead() || rec.event !== eventId || rec.state !== 'starting') {
      this.ctx.log(`sm: ${rec.name}: ignoring start_done(${eventId}) (event ${rec.event}, ${rec.state})`);
      return;
    }
    rec.state = 'started';
    observeMembership(this.ctx, 'sm-start-done', { group: rec.name, level: rec.level, eventId });
    this.ctx.faultPoint('sm.start-done');
    this.sendDone(rec);
  }

  private sendDone(rec: GroupRec): void {
    const v = this.cman.fullView();
    rec.doneSentUs = this.ctx.now();
    if (v !== undefined) send(this.ctx, coordinatorOf(v), { type: 'sm-done', epoch: v.epoch, group: rec.name, eventId: rec.event });
  }

  /**
   * Retransmission (called every heartbeat): FIFO channels lose what a partition cuts, so the
   * coordinator re-queries missing reports and resends stage messages, and a member that answered
   * start_done but got no finish answers again (the coordinator resends finish for finished events).
   */
  tick(retransmitUs: number): void {
    const now = this.ctx.now();
    for (const rec of this.groups.values()) {
      if (rec.state === 'started' && now - rec.doneSentUs >= retransmitUs) this.sendDone(rec);
    }
    const c = this.coord;
    if (c === undefined) return;
    const missing = c.view.members.filter((m) => !c.reports.has(m));
    if (missing.length > 0 && now - c.queriedUs >= retransmitUs) {
      c.queriedUs = now;
      for (const m of missing) send(this.ctx, m, { type: 'sm-query', epoch: c.view.epoch });
    }
    for (const ev of c.events) if (now - ev.sentUs >= retransmitUs) this.sendStage(c, ev, [...ev.waiting]);
  }

  whenRunning(rec: GroupRec): Promise<number> {
    const d = this.ctx.deferred<number>();
    if (rec.state === 'running') d.resolve(rec.event!);
    else rec.waiters.push(d);
    return d.promise;
  }

  /** Group name → local state, in join order (for checkers and tests). */
  snapshot(): { name: string; level: number; state: GroupState; eventId: number | undefined }[] {
    return [...this.groups.values()].map((r) => ({ name: r.name, level: r.level, state: r.state, eventId: r.event }));
  }

  // ---- member side: reacting to views and the coordinator -------------------------------------

  /** A view was installed: stop what it disturbs, reset the coordinator, report to the new one. */
  onView(v: FullView): void {
    for (const rec of this.groups.values()) {
      const midEvent = rec.state === 'starting' || rec.state === 'started';
      const lost = rec.state === 'running' && rec.members.some((m) => !v.members.includes(m) || v.incarnations[m] !== rec.incarnations[m]);
      if (midEvent || lost) this.stopLocal(rec, rec.event ?? -1);
    }
    this.coord = coordinatorOf(v) === this.ctx.node ? { view: v, reports: new Map(), seq: 0, events: [], finished: new Set(), queriedUs: this.ctx.now() } : undefined;
    this.report();
    const early = this.early.filter((e) => e.msg.epoch >= v.epoch);
    this.early = early.filter((e) => e.msg.epoch !== v.epoch);
    for (const e of early) if (e.msg.epoch === v.epoch) this.onMessage(e.from, e.msg);
  }

  private stopLocal(rec: GroupRec, eventId: number): void {
    if (rec.state === 'stopped' || rec.state === 'joining' || rec.state === 'left') return;
    rec.state = 'stopped';
    observeMembership(this.ctx, 'sm-stop', { group: rec.name, level: rec.level, eventId });
    rec.cb.stop();
    this.ctx.faultPoint('sm.stopped');
  }

  private report(): void {
    const v = this.cman.fullView();
    if (v === undefined) return;
    const groups: GroupReport[] = [...this.groups.values()].map((r) => ({
      name: r.name, level: r.level, state: r.state, leaving: r.leaving, completed: r.completed,
    }));
    send(this.ctx, coordinatorOf(v), { type: 'sm-report', epoch: v.epoch, groups });
  }

  onMessage(from: NodeId, msg: SmMsg): void {
    const v = this.cman.fullView();
    if (v === undefined || msg.epoch !== v.epoch) {
      // A newer view's message may overtake that view's commit (another sender): keep it until
      // the view is installed. Older generations are dropped then.
      if (v === undefined || msg.epoch > v.epoch) this.early.push({ from, msg });
      if (this.early.length > EARLY_MAX) this.early.shift();
      return;
    }
    switch (msg.type) {
      case 'sm-report': return this.onReport(from, msg.groups);
      case 'sm-stopped':
      case 'sm-done': return this.onAnswer(from, msg);
    }
    if (from !== coordinatorOf(v)) return;
    if (msg.type === 'sm-query') return this.report();
    const rec = this.groups.get(msg.group);
    if (rec === undefined) {
      if (msg.type === 'sm-stop') send(this.ctx, from, { type: 'sm-stopped', epoch: v.epoch, group: msg.group, eventId: msg.eventId });
      return;
    }
    if (msg.type === 'sm-stop' || msg.type === 'sm-start') this.finishedBelow(rec.level, v.epoch);
    switch (msg.type) {
      case 'sm-stop':
        // A resent stop of the event already started here belongs to its (passed) stop phase.
        if (rec.event === msg.eventId && (rec.state === 'starting' || rec.state === 'started')) return;
        this.stopLocal(rec, msg.eventId);
        send(this.ctx, from, { type: 'sm-stopped', epoch: v.epoch, group: rec.name, eventId: msg.eventId });
        return;
      case 'sm-start': return this.onStartMsg(rec, msg);
      case 'sm-finish': return this.onFinish(rec, msg.eventId);
      case 'sm-left': return this.onLeft(rec);
    }
  }

  /**
   * The coordinator of `epoch` moves to a level only once every lower level's event of that epoch has
   * finished (the barrier), so its stop or start for a group at `level` says that each of my lower
   * groups still waiting, started, for a finish of this epoch has finished: the finish was cut by a
   * partition (FIFO channels lose what a partition cuts) and its resend had not come yet. Finish them
   * here, before the higher level starts: otherwise this node would start level 1 with its fence
   * group unfinished (finding F19, `barrier-order`).
   */
  private finishedBelow(level: number, epoch: number): void {
    for (const g of this.groups.values()) {
      if (g.level < level && g.state === 'started' && g.event !== undefined && Math.floor(g.event / EVENT_STRIDE) === epoch) this.onFinish(g, g.event);
    }
  }

  private onStartMsg(rec: GroupRec, msg: Extract<SmMsg, { type: 'sm-start' }>): void {
    const eventId = msg.eventId;
    if (rec.event === eventId && rec.state !== 'stopped') {
      if (rec.state === 'started') this.sendDone(rec); // a resent start: answer again
      return;
    }
    const members = msg.members;
    const info = msg.info;
    rec.event = eventId;
    rec.members = members;
    rec.incarnations = info.incarnations;
    rec.state = 'starting';
    observeMembership(this.ctx, 'sm-start', {
      group: rec.name, level: rec.level, eventId, type: msg.startType, members, previous: info.previous, failed: info.failed, epoch: info.epoch,
    });
    rec.inStart = true;
    try {
      rec.cb.start(members, eventId, msg.startType, info);
    } finally {
      rec.inStart = false;
    }
  }

  private onFinish(rec: GroupRec, eventId: number): void {
    // 'starting' is accepted only so that a flawed coordinator (no-barrier) is visible to the checker.
    if (rec.event !== eventId || (rec.state !== 'started' && rec.state !== 'starting')) return;
    rec.state = 'running';
    rec.completed = { eventId, members: sorted(rec.members), incarnations: rec.incarnations };
    observeMembership(this.ctx, 'sm-finish', { group: rec.name, level: rec.level, eventId, members: rec.completed.members, incarnations: rec.incarnations });
    rec.cb.finish(eventId);
    const ws = rec.waiters.splice(0);
    for (const d of ws) d.resolve(eventId);
  }

  private onLeft(rec: GroupRec): void {
    rec.state = 'left';
    this.groups.delete(rec.name);
    observeMembership(this.ctx, 'sm-left', { group: rec.name, level: rec.level });
  }

  // ---- coordinator side ---------------------------------------------------------------------

  private onReport(from: NodeId, groups: GroupReport[]): void {
    const c = this.coord;
    if (c === undefined) return;
    c.reports.set(from, groups);
    this.drive();
  }

  private onAnswer(from: NodeId, msg: Extract<SmMsg, { type: 'sm-stopped' | 'sm-done' }>): void {
    const c = this.coord;
    if (c === undefined) return;
    const ev = c.events.find((e) => e.group === msg.group && e.eventId === msg.eventId);
    if (ev === undefined) {
      if (msg.type === 'sm-done' && msg.eventId !== undefined && c.finished.has(msg.eventId)) {
        send(this.ctx, from, { type: 'sm-finish', epoch: c.view.epoch, group: msg.group, eventId: msg.eventId });
      }
      return;
    }
    const stage = msg.type === 'sm-stopped' ? 'stop' : 'start';
    if (ev.stage !== stage) return;
    ev.waiting.delete(from);
    if (stage === 'start' && this.flaws.noBarrier) ev.waiting.clear();
    if (ev.waiting.size > 0) return;
    if (stage === 'stop') this.sendStarts(c, ev);
    else this.finishEvent(c, ev);
  }

  /** Start the events of the lowest level that needs one, once every member has reported. */
  private drive(): void {
    const c = this.coord;
    if (c === undefined || c.events.length > 0 || !c.view.quorate || this.cman.isDead()) return;
    if (!c.view.members.every((m) => c.reports.has(m))) return;
    const levels = new Map<string, number>();
    for (const m of c.view.members) for (const g of c.reports.get(m)!) if (!levels.has(g.name)) levels.set(g.name, g.level);
    const names = [...levels.keys()].sort((a, b) => levels.get(a)! - levels.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const ev = this.plan(c, name, levels.get(name)!);
      if (ev === undefined) continue;
      if (c.events.length > 0 && c.events[0]!.level !== ev.level) break;
      c.events.push(ev);
    }
    for (const ev of c.events) this.sendStage(c, ev, [...ev.waiting]);
  }

  private sendStage(c: Coordinator, ev: CoordEvent, to: NodeId[]): void {
    ev.sentUs = this.ctx.now();
    for (const m of to) {
      const msg: SmMsg = ev.stage === 'stop'
        ? { type: 'sm-stop', epoch: c.view.epoch, group: ev.group, eventId: ev.eventId }
        : { type: 'sm-start', epoch: c.view.epoch, group: ev.group, eventId: ev.eventId, members: ev.members, startType: ev.type, info: ev.info };
      send(this.ctx, m, msg);
    }
  }

  private report0(c: Coordinator, m: NodeId, name: string): GroupReport | undefined {
    return c.reports.get(m)!.find((g) => g.name === name);
  }

  /** A member may join a group at level L only when its groups below L are all running. */
  private readyFor(c: Coordinator, m: NodeId, level: number): boolean {
    return c.reports.get(m)!.every((g) => g.level >= level || g.state === 'running');
  }

  /** The event group `name` needs now, or undefined. */
  private plan(c: Coordinator, name: string, level: number): CoordEvent | undefined {
    const v = c.view;
    const holders = v.byAge.filter((m) => this.report0(c, m, name) !== undefined);
    let best: Completed | undefined;
    for (const m of holders) {
      const done = this.report0(c, m, name)!.completed;
      if (done !== undefined && (best === undefined || done.eventId > best.eventId)) best = done;
    }
    const prev = best?.members ?? [];
    const prevInc = best?.incarnations ?? {};
    const wasIn = (m: NodeId): boolean => prev.includes(m) && (this.flaws.rebootNotFailed || prevInc[m] === v.incarnations[m]);
    const leavers = holders.filter((m) => this.report0(c, m, name)!.leaving);
    const members = holders.filter((m) => {
      const g = this.report0(c, m, name)!;
      return !g.leaving && (g.state !== 'joining' || this.readyFor(c, m, level));
    });
    const unsettled = members.some((m) => this.report0(c, m, name)!.state !== 'running');
    const changed = members.length !== prev.length || !members.every(wasIn);
    if (leavers.length === 0 && !unsettled && !changed) return undefined;
    if (members.length === 0 && leavers.length === 0) return undefined;
    c.seq++;
    if (c.seq >= EVENT_STRIDE) throw new Error(`sm: more than ${EVENT_STRIDE} events in epoch ${v.epoch}`);
    const eventId = v.epoch * EVENT_STRIDE + c.seq;
    const failed = prev.filter((m) => !members.some((x) => x === m && wasIn(x)) && !leavers.includes(m));
    const left = prev.filter((m) => leavers.includes(m));
    const joined = members.filter((m) => !wasIn(m));
    const incarnations: Record<number, number> = {};
    for (const m of members) incarnations[m] = v.incarnations[m]!;
    const info: StartInfo = { epoch: v.epoch, previous: prev, previousIncarnations: prevInc, incarnations, failed, left, joined: sorted(joined) };
    const type: StartType = failed.length > 0 ? 'FAILED' : left.length > 0 ? 'LEAVE' : 'JOIN';
    return { group: name, level, eventId, members, leavers, type, info, stage: 'stop', waiting: new Set([...members, ...leavers]), sentUs: 0 };
  }

  private sendStarts(c: Coordinator, ev: CoordEvent): void {
    ev.stage = 'start';
    ev.waiting = new Set(ev.members);
    this.sendStage(c, ev, ev.members);
    if (ev.members.length === 0) this.finishEvent(c, ev);
  }

  private finishEvent(c: Coordinator, ev: CoordEvent): void {
    for (const m of ev.members) {
      send(this.ctx, m, { type: 'sm-finish', epoch: c.view.epoch, group: ev.group, eventId: ev.eventId });
      this.ctx.faultPoint('sm.finish');
    }
    for (const m of ev.leavers) send(this.ctx, m, { type: 'sm-left', epoch: c.view.epoch, group: ev.group, eventId: ev.eventId });
    const completed: Completed = { eventId: ev.eventId, members: sorted(ev.members), incarnations: ev.info.incarnations };
    for (const m of ev.members) {
      const g = this.report0(c, m, ev.group)!;
      const i = c.reports.get(m)!.indexOf(g);
      c.reports.get(m)![i] = { ...g, state: 'running', completed };
    }
    for (const m of ev.leavers) c.reports.set(m, c.reports.get(m)!.filter((g) => g.name !== ev.group));
    c.events.splice(c.events.indexOf(ev), 1);
    c.finished.add(ev.eventId);
    if (c.events.length === 0) this.drive();
  }
}
