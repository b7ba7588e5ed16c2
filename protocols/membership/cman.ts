// Module 'cman': heartbeats, failure detection, master-run transitions with generation numbers,
// agreed views (epoch, members, longevity order, incarnations, quorum), merge resolution by killing
// the losing side; hosts the service manager (serviceManager.ts). Implements ClusterApi (api.ts).
//
// Durable: 'gen' (highest generation seen, so a restarted master never reuses one). Volatile:
// everything else — a restarted node is a fresh node that must be admitted again, as the youngest.
//
// Protocol (one transition):
//   master = lowest usable member of its view (fresh cluster: lowest fresh node once joinWait passed)
//   master → members: prepare{gen, view, prevEpoch}   member: ack if gen > promised, same prevEpoch,
//                                                      master in its view, no departed incarnation
//   master: all acked → commit{gen, view} to all, installs; a member installs iff it promised that gen.
//   Non-answering or refusing members are dissenters: dropped from the next proposal (and so killed,
//   below). A member's stale-generation messages are ignored.
// Kills (cman kills dissenters; dlm state is reset only by rebooting, so a node carrying state from
// another partition is killed, not merged — our choice for the merge rule, see checkMerge):
//   * expelled: a node of my view, same incarnation, shows a newer quorate view without me → I reboot;
//   * merge: a node outside my view shows a view without me → the weaker view (not quorate < quorate,
//     then fewer members, then higher lowest id, then older epoch) reboots. Rebooted nodes rejoin fresh.
import { assert as check } from '../../sim/assert.ts';
import type { Context, Module, NodeId } from '../../sim/types.ts';
import type { Deferred } from '../../sim/world.ts';
import type { ClusterApi, MembershipOptions, ServiceCallbacks, ServiceGroup, View } from './api.ts';
import { computeQuorum, holdsAll } from './quorum.ts';
import type { MembershipFlaws } from './variants.ts';
import { ServiceManager } from './serviceManager.ts';
import type { SmMsg } from './serviceManager.ts';
import { observeMembership } from './observations.ts';

/** The full view as installed and gossiped (View plus the quorum bookkeeping of its lineage). */
export interface FullView extends View {
  master: NodeId;
  gen: number;
  votes: number;
  expectedVotes: number;
  quorum: number;
  /** wait_for_all: every configured vote was present in some view of this lineage. */
  seenAll: boolean;
}

interface Peer {
  inc: number;
  lastUs: number;
  view: FullView | null;
  gen: number;
}

interface Transition {
  gen: number;
  view: FullView;
  acks: Set<NodeId>;
  startUs: number;
}

/** cman's own messages ('sm-*' ones belong to the service manager): heartbeats and the two-phase view change. */
export type CmanMsg =
  | { type: 'hb'; inc: number; gen: number; view: FullView | null }
  | { type: 'prepare'; gen: number; inc: number; prevEpoch: number; view: FullView }
  | { type: 'ack'; gen: number; ok: true }
  | { type: 'ack'; gen: number; ok: false; why: string; highest: number }
  | { type: 'commit'; gen: number; view: FullView }
  /** To a viewless node whose incarnation left my view: it can never be admitted again, so it reboots. */
  | { type: 'kill'; inc: number; epoch: number };
/** The heartbeat: the sender's incarnation, the highest generation it has seen, its installed view. */
export type HeartbeatMsg = Extract<CmanMsg, { type: 'hb' }>;

/** cman's one timer: the heartbeat tick. */
export type CmanTimerTag = 'tick';
const TICK: CmanTimerTag = 'tick';

/** Everything cman's module sends and receives: its own messages and the service manager's. */
export type CmanWire = CmanMsg | SmMsg;
/** What cman keeps across a crash: the highest generation it promised or saw. */
export type CmanDurable = { gen: number };
type CmanContext = Context<CmanWire, CmanTimerTag, CmanDurable>;

const EPOCH_STRIDE = 1000;
/** A fresh joiner that failed to answer a prepare is retried after this many token timeouts. */
const EXCLUDE_FRESH_TOKENS = 4;

function assert(cond: boolean, why: string): asserts cond {
  check(cond, `cman: ${why}`);
}

/** Rank for the merge rule: a higher rank survives. */
function stronger(a: FullView, b: FullView): boolean {
  if (a.quorate !== b.quorate) return a.quorate;
  if (a.members.length !== b.members.length) return a.members.length > b.members.length;
  if (a.members[0] !== b.members[0]) return a.members[0]! < b.members[0]!;
  return a.epoch > b.epoch;
}

export class Cman implements Module<CmanWire, CmanTimerTag, CmanDurable>, ClusterApi {
  readonly name = 'cman';
  readonly sm: ServiceManager;
  private ctx!: CmanContext;
  private cur: FullView | undefined;
  private readonly peers = new Map<NodeId, Peer>();
  private highestGen = 0;
  private promised = 0;
  private tr: Transition | undefined;
  /**
   * Dissenters: node → incarnation that refused or did not answer a prepare. One carrying state is
   * never proposed again (it must die); a fresh joiner is retried after EXCLUDE_FRESH_TOKENS tokens.
   */
  private readonly excluded = new Map<NodeId, { inc: number; untilUs: number }>();
  /** Incarnations removed from a view I installed: they may never come back. */
  private readonly departed = new Map<NodeId, number>();
  /** Members whose heartbeats show another epoch than mine, since when (local µs). */
  private readonly mismatchSince = new Map<NodeId, number>();
  private bootUs = 0;
  private dead = false;
  private readonly subs: ((v: View) => void)[] = [];
  private readonly waiters: { pred: (v: View) => boolean; d: Deferred<View> }[] = [];

  constructor(readonly opts: MembershipOptions, readonly flaws: MembershipFlaws) {
    this.sm = new ServiceManager(this, flaws);
  }

  // ---- ClusterApi -----------------------------------------------------------------------------

  view(): View | undefined {
    return this.cur;
  }

  /** The installed view with its quorum bookkeeping (the service manager's coordinator needs it). */
  fullView(): FullView | undefined {
    return this.cur;
  }

  quorate(): boolean {
    return this.cur?.quorate === true;
  }

  onView(cb: (v: View) => void): () => void {
    this.subs.push(cb);
    return () => {
      const i = this.subs.indexOf(cb);
      if (i >= 0) this.subs.splice(i, 1);
    };
  }

  joinGroup(name: string, level: number, cb: ServiceCallbacks): ServiceGroup {
    return this.sm.join(name, level, cb);
  }

  oldest(): NodeId | undefined {
    return this.cur?.byAge[0];
  }

  nextView(pred?: (v: View) => boolean): Promise<View> {
    const after = this.cur?.epoch;
    const p = pred ?? ((v: View) => v.epoch !== after);
    const d = this.ctx.deferred<View>();
    if (this.cur !== undefined && pred !== undefined && pred(this.cur)) d.resolve(this.cur);
    else this.waiters.push({ pred: p, d });
    return d.promise;
  }

  /** This node must die (fenced watchdog, merge loser): it reboots as a new incarnation. */
  kill(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    observeMembership(this.ctx, 'cman-kill', { reason, epoch: this.cur?.epoch ?? 0 });
    this.ctx.log(`killed: ${reason}`);
    this.ctx.reboot(this.opts.rebootDelayUs, reason);
  }

  isDead(): boolean {
    return this.dead;
  }

  context(): CmanContext {
    return this.ctx;
  }

  // ---- module handlers --------------------------------------------------------------------------

  onStart(ctx: CmanContext): void {
    this.ctx = ctx;
    this.highestGen = ctx.storage('gen') ?? 0;
    this.bootUs = ctx.now();
    this.sm.bind(ctx);
    ctx.setTimer(ctx.random().int(0, this.opts.heartbeatUs), TICK);
  }

  onMessage(_ctx: CmanContext, from: NodeId, m: CmanWire): void {
    if (this.dead) return;
    // Heartbeats are n − 1 receipts per node per tick: tested first.
    switch (m.type) {
      case 'hb': return this.onHeartbeat(from, m);
      case 'prepare': return this.onPrepare(from, m);
      case 'ack': return this.onAck(from, m);
      case 'commit': return this.onCommit(from, m);
      case 'kill': return this.onKill(from, m);
      default: return this.sm.onMessage(from, m);
    }
  }

  onTimer(ctx: CmanContext, tag: CmanTimerTag): void {
    if (this.dead || tag !== 'tick') return;
    // One multicast per tick (as totem's): the copies that arrive arrive together, in one event.
    // Failure detection is unchanged: each receiver still times out a sender on its own lastUs.
    ctx.broadcast({ type: 'hb', inc: ctx.incarnation, gen: this.highestGen, view: this.cur ?? null } satisfies HeartbeatMsg);
    this.evaluate();
    if (!this.dead) this.sm.tick(2 * this.opts.heartbeatUs);
    ctx.setTimer(this.opts.heartbeatUs, 'tick');
  }

  // ---- heartbeats and the kill rules ------------------------------------------------------------

  private onHeartbeat(from: NodeId, msg: HeartbeatMsg): void {
    const view = msg.view;
    const p = this.peers.get(from);
    if (p === undefined) this.peers.set(from, { inc: msg.inc, lastUs: this.ctx.now(), view, gen: msg.gen });
    else {
      p.inc = msg.inc;
      p.lastUs = this.ctx.now();
      p.view = view;
      p.gen = msg.gen;
    }
    this.bumpGen(msg.gen);
    if (this.cur !== undefined && this.cur.incarnations[from] !== undefined) {
      if (view?.epoch === this.cur.epoch) this.mismatchSince.delete(from);
      else if (!this.mismatchSince.has(from)) this.mismatchSince.set(from, this.ctx.now());
    }
    this.checkMerge(from);
  }

  /** The merge/expel rules: a node carrying state that lost must reboot (see file header). */
  private checkMerge(y: NodeId): void {
    const mine = this.cur;
    const p = this.peers.get(y)!;
    const theirs = p.view;
    if (this.flaws.noMerge || mine === undefined || theirs === null || theirs.epoch === mine.epoch) return;
    const me = this.ctx.node;
    const meInTheirs = theirs.members.includes(me) && theirs.incarnations[me] === this.ctx.incarnation;
    if (meInTheirs) return;
    const yInMine = mine.members.includes(y) && mine.incarnations[y] === p.inc;
    if (yInMine) {
      // Only a quorate view expels ("a majority agrees with the master's view"): a lone member that
      // lagged and made itself a view of one must not take the cluster down with it.
      if (theirs.epoch > mine.epoch && theirs.quorate) this.kill(`expelled: node ${y} installed epoch ${theirs.epoch} without me (mine ${mine.epoch})`);
      return;
    }
    if (stronger(theirs, mine)) this.kill(`merge: node ${y}'s partition (epoch ${theirs.epoch}, ${theirs.members.join(',')}) beats mine (epoch ${mine.epoch}, ${mine.members.join(',')})`);
  }

  private alive(n: NodeId): boolean {
    if (n === this.ctx.node) return true;
    const p = this.peers.get(n);
    return p !== undefined && this.ctx.now() - p.lastUs < this.opts.tokenTimeoutUs;
  }

  /** A member of my view the next transition keeps: alive, same incarnation, not dissenting, in step. */
  private usable(n: NodeId, view: FullView): boolean {
    if (n === this.ctx.node) return true;
    if (!this.alive(n)) return false;
    const p = this.peers.get(n)!;
    if (p.inc !== view.incarnations[n] || this.isExcluded(n, p.inc)) return false;
    const since = this.mismatchSince.get(n);
    return since === undefined || this.ctx.now() - since < this.opts.tokenTimeoutUs;
  }

  // ---- transitions (master side) ----------------------------------------------------------------

  private evaluate(): void {
    const now = this.ctx.now();
    if (this.tr !== undefined) {
      if (now - this.tr.startUs < this.opts.tokenTimeoutUs) return;
      for (const m of this.tr.view.members) {
        if (!this.tr.acks.has(m)) this.exclude(m, this.tr.view.incarnations[m]!);
      }
      this.tr = undefined;
    }
    const cur = this.cur;
    if (cur === undefined) {
      this.evaluateFresh(now);
      return;
    }
    const master = cur.members.find((m) => this.usable(m, cur));
    if (master !== this.ctx.node) return;
    this.killDeparted();
    const want = this.desired(cur);
    if (!this.sameMembers(want, cur)) this.propose(want);
  }

  /**
   * A node whose incarnation left my view but who shows no view: it acked a prepare, then promised a
   * competing one, so it ignored the commit its master installed, and was dropped for not showing the
   * view. No view means no merge or expel rule reaches it, and `departed` keeps it out for good: as
   * cman does with a node that may not rejoin without a restart, the master tells it to reboot.
   */
  private killDeparted(): void {
    for (const n of this.ctx.allNodes) {
      if (n === this.ctx.node || !this.alive(n)) continue;
      const p = this.peers.get(n)!;
      if (p.view === null && this.departed.get(n) === p.inc) this.send(n, { type: 'kill', inc: p.inc, epoch: this.cur!.epoch });
    }
  }

  private onKill(from: NodeId, msg: Extract<CmanMsg, { type: 'kill' }>): void {
    // Only a viewless incarnation obeys (a node with a view is judged by the merge and expel rules).
    if (this.cur !== undefined || msg.inc !== this.ctx.incarnation) return;
    this.kill(`removed: node ${from} (epoch ${msg.epoch}) dropped incarnation ${msg.inc}, which never installed its view`);
  }

  /** No view yet: wait to be admitted by a cluster, or form one once joinWait has passed. */
  private evaluateFresh(now: number): void {
    const me = this.ctx.node;
    const heard = this.ctx.allNodes.filter((n) => n !== me && this.alive(n));
    if (heard.some((n) => this.peers.get(n)!.view !== null)) return;
    if (now - this.bootUs < this.opts.joinWaitUs) return;
    const fresh = [me, ...heard.filter((n) => !this.isExcluded(n, this.peers.get(n)!.inc))].sort((a, b) => a - b);
    if (fresh[0] === me) this.propose(fresh.map((n) => ({ node: n, inc: this.incOf(n) })));
  }

  private exclude(n: NodeId, inc: number): void {
    const carriesState = this.cur !== undefined && this.cur.members.includes(n) && this.cur.incarnations[n] === inc;
    this.excluded.set(n, { inc, untilUs: carriesState ? Infinity : this.ctx.now() + EXCLUDE_FRESH_TOKENS * this.opts.tokenTimeoutUs });
  }

  private isExcluded(n: NodeId, inc: number): boolean {
    const e = this.excluded.get(n);
    return e !== undefined && e.inc === inc && this.ctx.now() < e.untilUs;
  }

  private incOf(n: NodeId): number {
    return n === this.ctx.node ? this.ctx.incarnation : this.peers.get(n)!.inc;
  }

  /** The members the next view should have: usable members plus fresh joiners. */
  private desired(cur: FullView): { node: NodeId; inc: number }[] {
    const out: { node: NodeId; inc: number }[] = [];
    for (const n of this.ctx.allNodes) {
      if (n === this.ctx.node) {
        out.push({ node: n, inc: this.ctx.incarnation });
        continue;
      }
      if (!this.alive(n)) continue;
      const p = this.peers.get(n)!;
      if (this.isExcluded(n, p.inc) || this.departed.get(n) === p.inc) continue;
      if (cur.incarnations[n] !== undefined) { // a member (O(1), not a scan of the member list per node)
        const sameInc = p.inc === cur.incarnations[n];
        if (this.flaws.noIncarnation && !sameInc && p.view === null) out.push({ node: n, inc: p.inc });
        else if (this.usable(n, cur)) out.push({ node: n, inc: p.inc });
      } else if (p.view === null) {
        out.push({ node: n, inc: p.inc });
      }
    }
    return out;
  }

  private sameMembers(want: { node: NodeId; inc: number }[], cur: FullView): boolean {
    return want.length === cur.members.length && want.every((w, i) => cur.members[i] === w.node && cur.incarnations[w.node] === w.inc);
  }

  private bumpGen(g: number): void {
    if (g > this.highestGen) {
      this.highestGen = g;
      this.ctx.persist('gen', g);
    }
  }

  private propose(want: { node: NodeId; inc: number }[]): void {
    const me = this.ctx.node;
    const gen = Math.max(this.highestGen, this.promised) + 1;
    this.bumpGen(gen);
    this.promised = gen;
    const cur = this.cur;
    const members = want.map((w) => w.node);
    const incarnations: Record<number, number> = {};
    for (const w of want) incarnations[w.node] = w.inc;
    const keep = (m: NodeId): boolean => members.includes(m) && (this.flaws.noIncarnation || incarnations[m] === cur!.incarnations[m]);
    const old = cur === undefined ? [] : cur.byAge.filter(keep);
    const byAge = [...old, ...members.filter((m) => !old.includes(m))];
    const seenAll = (cur?.seenAll ?? false) || holdsAll(this.opts, members);
    const q = computeQuorum(this.opts, members, this.ctx.allNodes, cur?.expectedVotes ?? 0, cur?.quorum ?? 0, seenAll);
    const view: FullView = {
      epoch: this.flaws.unsafeEpochs ? gen : gen * EPOCH_STRIDE + me,
      members, byAge, incarnations,
      quorate: this.flaws.noQuorum || q.quorate,
      master: me, gen, votes: q.votes, expectedVotes: q.expectedVotes, quorum: q.quorum, seenAll,
    };
    assert(byAge.length === members.length, `byAge ${byAge.join(',')} does not match members ${members.join(',')}`);
    this.tr = { gen, view, acks: new Set([me]), startUs: this.ctx.now() };
    for (const m of members) {
      if (m !== me) this.send(m, { type: 'prepare', gen, inc: this.ctx.incarnation, prevEpoch: cur?.epoch ?? 0, view });
    }
    if (members.length === 1) this.commit();
  }

  private onAck(from: NodeId, msg: Extract<CmanMsg, { type: 'ack' }>): void {
    const tr = this.tr;
    if (tr === undefined || msg.gen !== tr.gen) return;
    if (!msg.ok) {
      this.bumpGen(msg.highest);
      if (msg.why !== 'gen') this.exclude(from, tr.view.incarnations[from]!);
      this.tr = undefined;
      return;
    }
    tr.acks.add(from);
    if (tr.acks.size === tr.view.members.length) this.commit();
  }

  private commit(): void {
    const tr = this.tr!;
    this.tr = undefined;
    for (const m of tr.view.members) {
      if (m === this.ctx.node) continue;
      this.send(m, { type: 'commit', gen: tr.gen, view: tr.view });
      this.ctx.faultPoint('cman.transition');
    }
    this.install(tr.view);
  }

  /** A FIFO message to cman on `to`. */
  private send(to: NodeId, msg: CmanMsg): void {
    this.ctx.send(to, msg, { fifo: true });
  }

  // ---- transitions (member side) ----------------------------------------------------------------

  private onPrepare(from: NodeId, msg: Extract<CmanMsg, { type: 'prepare' }>): void {
    const gen = msg.gen;
    const view = msg.view;
    const refuse = (why: string): void => this.send(from, { type: 'ack', gen, ok: false, why, highest: Math.max(this.highestGen, this.promised) });
    if (gen <= this.promised) return refuse('gen');
    // A proposal built from an older incarnation's heartbeats (we rebooted since) is not for us.
    if (view.incarnations[this.ctx.node] !== this.ctx.incarnation) return refuse('incarnation');
    const cur = this.cur;
    if (cur !== undefined) {
      if (!cur.members.includes(from) || cur.incarnations[from] !== msg.inc) return refuse('foreign');
      if (msg.prevEpoch !== cur.epoch) return refuse('stale');
    }
    if (view.members.some((m) => this.departed.get(m) === view.incarnations[m])) return refuse('departed');
    this.promised = gen;
    this.bumpGen(gen);
    this.tr = undefined;
    this.send(from, { type: 'ack', gen, ok: true });
  }

  private onCommit(from: NodeId, msg: Extract<CmanMsg, { type: 'commit' }>): void {
    if (msg.gen !== this.promised) return;
    const cur = this.cur;
    const view = msg.view;
    if (cur !== undefined && (!cur.members.includes(from) || cur.epoch === view.epoch)) return;
    this.install(view);
  }

  private install(v: FullView): void {
    const prev = this.cur;
    assert(v.members.includes(this.ctx.node), `installing view ${v.epoch} without myself`);
    assert(v.incarnations[this.ctx.node] === this.ctx.incarnation, `installing view ${v.epoch} that lists my incarnation as ${v.incarnations[this.ctx.node]}, not ${this.ctx.incarnation}`);
    assert(prev === undefined || v.epoch !== prev.epoch, `reinstalling epoch ${v.epoch}`);
    if (prev !== undefined) {
      for (const m of prev.members) {
        if (!v.members.includes(m) || v.incarnations[m] !== prev.incarnations[m]) this.departed.set(m, prev.incarnations[m]!);
      }
    }
    this.cur = v;
    this.bumpGen(v.gen);
    this.mismatchSince.clear();
    observeMembership(this.ctx, 'view', {
      epoch: v.epoch, members: v.members, byAge: v.byAge, incarnations: v.incarnations, quorate: v.quorate, master: v.master,
    });
    if (prev?.quorate !== v.quorate) {
      observeMembership(this.ctx, 'quorum', { quorate: v.quorate, votes: v.votes, expectedVotes: v.expectedVotes, quorum: v.quorum, epoch: v.epoch });
    }
    this.ctx.faultPoint('cman.view-installed');
    this.sm.onView(v);
    for (const cb of [...this.subs]) cb(v);
    for (let i = 0; i < this.waiters.length;) {
      const w = this.waiters[i]!;
      if (w.pred(v)) {
        this.waiters.splice(i, 1);
        w.d.resolve(v);
      } else i++;
    }
  }
}
