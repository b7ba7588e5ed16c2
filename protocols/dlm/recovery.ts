// Lockspace recovery for one service-group event (fs/dlm/recoverd.c, recover.c; reference §3):
// NODES (who is here, who departed or went stale) → DIR (rebuild the directory from every node's
// mastered names) → LOOKUP / MASTERS (choose new masters: the first lookup wins) → LOCKS (survivors
// send their locks on remastered resources; new masters rebuild queues and recover the LVB) → DONE.
// Each phase is an all-to-all barrier: a node moves on when it holds that phase's message from every
// member (the reference's lowest-nodeid poller is replaced by all-to-all; same ordering guarantee).
// Phase messages are re-sent until the event ends, so a lost one only delays. A newer event aborts.
import type { NodeId } from '../../sim/types.ts';
import type { Lockspace } from './lockspace.ts';
import { Mode } from './modes.ts';
import { LKF, Status } from './flags.ts';
import { newLkb } from './resource.ts';
import { lvbOpOnGrant, recoverLvbNewMaster, zeroLvb } from './lvb.ts';
import { dirNode } from './directory.ts';
import { assert } from './assert.ts';
import { emit } from './observations.ts';

export const RC_RESEND_US = 300_000;

export const enum Phase { Nodes = 1, Dir, Lookup, Masters, Locks, Done }

interface NodesPayload {
  gen: number;
  doneSentGen: number;
  inc: number;
  purged: NodeId[];
}

interface RebuiltLock {
  res: string;
  lkid: number;
  grmode: Mode;
  rqmode: Mode;
  flags: number;
  lvb: string;
  lvbseq: number;
  /** The copy's buffer is a value it offered to write, not numbered back to it (PLock.wrote). */
  wrote: boolean;
}

/** What each phase's message carries. */
export interface PhasePayload {
  [Phase.Nodes]: NodesPayload;
  /** The names of the resources the sender masters. */
  [Phase.Dir]: string[];
  /** The resources the sender needs a master for, sent to their directory node. */
  [Phase.Lookup]: string[];
  /** The directory's answers: resource → new master. */
  [Phase.Masters]: [string, NodeId][];
  /** The sender's locks on resources the receiver now masters. */
  [Phase.Locks]: RebuiltLock[];
  [Phase.Done]: true;
}

/** A recovery-phase message: phase `phase` of event `ev`, carrying that phase's payload. */
export type RcMsg = { type: 'dlm-rc'; ls: string; ev: number; phase: Phase; p: PhasePayload[Phase] };
/** A recovery event's resend timer. */
export type RcTimerTag = { ls: string; kind: 'rc'; ev: number };

/** Recovery messages waiting for their event (they may arrive before our own start). */
export class RcInbox {
  private readonly byEv = new Map<number, Map<Phase, Map<NodeId, PhasePayload[Phase]>>>();

  put(ev: number, phase: Phase, from: NodeId, p: PhasePayload[Phase]): void {
    let e = this.byEv.get(ev);
    if (e === undefined) this.byEv.set(ev, (e = new Map()));
    let ph = e.get(phase);
    if (ph === undefined) e.set(phase, (ph = new Map()));
    if (!ph.has(from)) ph.set(from, p);
  }

  get<P extends Phase>(ev: number, phase: P): Map<NodeId, PhasePayload[P]> | undefined {
    // Needed: one Map holds every phase. Recovery.sendTo types each payload by its phase, so what
    // is filed under `phase` is that phase's payload.
    return this.byEv.get(ev)?.get(phase) as Map<NodeId, PhasePayload[P]> | undefined;
  }

  /** Drop events older than `ev`. */
  prune(ev: number): void {
    for (const k of [...this.byEv.keys()]) if (k < ev) this.byEv.delete(k);
  }
}

export class Recovery {
  private phase = Phase.Nodes;
  private aborted = false;
  private sent: { to: NodeId; phase: Phase; p: PhasePayload[Phase] }[] = [];
  private departed = new Set<NodeId>();
  private newGen = 0;
  private incs = new Map<NodeId, number>();
  private timerSet = false;

  constructor(
    private readonly ls: Lockspace,
    readonly ev: number,
    readonly members: readonly NodeId[],
    private readonly viewIncs: Readonly<Record<number, number>>,
  ) {}

  private get me(): NodeId {
    return this.ls.ctx.node;
  }

  abort(): void {
    this.aborted = true;
  }

  begin(): void {
    if (this.aborted) return;
    this.ls.inbox.prune(this.ev);
    const p: NodesPayload = { gen: this.ls.gen, doneSentGen: this.ls.doneSentGen, inc: this.ls.ctx.incarnation, purged: [...this.ls.purged] };
    this.broadcast(Phase.Nodes, p);
    this.armTimer();
    this.advance();
  }

  /** A recovery message arrived for this event. */
  onMessage(): void {
    if (!this.aborted) this.advance();
  }

  onTimer(t: RcTimerTag): void {
    if (this.aborted || t.ev !== this.ev) return;
    this.timerSet = false;
    for (const s of this.sent) this.transmit(s.to, s.phase, s.p);
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timerSet) return;
    this.timerSet = true;
    this.ls.ctx.setTimer(RC_RESEND_US, { ls: this.ls.name, kind: 'rc', ev: this.ev });
  }

  private transmit(to: NodeId, phase: Phase, p: PhasePayload[Phase]): void {
    this.ls.ctx.send(to, { type: 'dlm-rc', ls: this.ls.name, ev: this.ev, phase, p }, { fifo: true });
  }

  private sendTo<P extends Phase>(to: NodeId, phase: P, p: PhasePayload[P]): void {
    this.sent.push({ to, phase, p });
    this.transmit(to, phase, p);
  }

  private broadcast<P extends Phase>(phase: P, p: PhasePayload[P]): void {
    for (const m of this.members) this.sendTo(m, phase, p);
  }

  private advance(): void {
    while (!this.aborted && this.step(this.phase)) { /* on to the next phase */ }
  }

  /** Run `phase` if every member's message for it is in; false while waiting, and once DONE ran. */
  private step(phase: Phase): boolean {
    switch (phase) {
      case Phase.Nodes: return this.barrier(Phase.Nodes, (got) => this.afterNodes(got));
      case Phase.Dir: return this.barrier(Phase.Dir, (got) => this.afterDir(got));
      case Phase.Lookup: return this.barrier(Phase.Lookup, (got) => this.afterLookup(got));
      case Phase.Masters: return this.barrier(Phase.Masters, (got) => this.afterMasters(got));
      case Phase.Locks: return this.barrier(Phase.Locks, (got) => this.afterLocks(got));
      case Phase.Done: this.barrier(Phase.Done, () => this.afterDone()); return false;
    }
    return false; // past DONE
  }

  /** The phase's barrier: once every member's message for `phase` is in, move past it and run `after`. */
  private barrier<P extends Phase>(phase: P, after: (got: Map<NodeId, PhasePayload[P]>) => void): boolean {
    const got = this.ls.inbox.get(this.ev, phase);
    if (got === undefined || !this.members.every((m) => got.has(m))) return false;
    this.phase++;
    after(got);
    return true;
  }

  /** NODES: decide who departed (left, restarted, or went stale while cut off) and purge them. */
  private afterNodes(got: Map<NodeId, NodesPayload>): void {
    const ls = this.ls;
    const ps = this.members.map((m) => [m, got.get(m)!] as const);
    const maxGen = Math.max(...ps.map(([, p]) => p.gen));
    const maxDone = Math.max(...ps.map(([, p]) => p.doneSentGen));
    const purged = new Set<NodeId>(ps.flatMap(([, p]) => p.purged));
    const departed = new Set<NodeId>(ls.members.filter((m) => !this.members.includes(m)));
    for (const [m, p] of ps) {
      this.incs.set(m, p.inc);
      const incChanged = ls.memberInc.has(m) && ls.memberInc.get(m) !== p.inc;
      const viewInc = this.viewIncs[m];
      if (incChanged || p.doneSentGen < maxGen || purged.has(m) || (viewInc !== undefined && viewInc !== p.inc)) departed.add(m);
    }
    this.departed = departed;
    this.newGen = maxDone + 1;
    // Some node completed generation maxGen, so every member of it had sent DONE: each holds that
    // generation's rebuild. One whose own recovery was aborted after its DONE keeps the resources it
    // newly mastered and forgets what it had to remaster — that generation is in force (swarm seed
    // 1263: node 3 dropped r0, rebuilt in the generation nodes 4 and 5 completed, and they never
    // sent their locks again).
    if (ls.doneSentGen === maxGen && ls.gen < maxGen) {
      ls.newRsbs.clear();
      ls.remaster.clear();
    }
    if (departed.has(this.me)) {
      if (ls.members.length > 0 || ls.locks.size > 0 || ls.rsbs.size > 0) ls.resetLocal();
    } else {
      this.purge(departed);
    }
    ls.clearLookups();
    for (const d of departed) if (d !== this.me) ls.channel.reset(d);
    this.broadcast(Phase.Dir, [...ls.rsbs.keys()]);
  }

  private purge(departed: Set<NodeId>): void {
    const ls = this.ls;
    // Resources mastered here in an aborted recovery are rebuilt from scratch.
    for (const res of ls.newRsbs) {
      const rsb = ls.rsbs.get(res);
      if (rsb !== undefined) for (const l of rsb.all()) ls.lkbs.delete(l.id);
      ls.rsbs.delete(res);
      ls.masters.delete(res);
      ls.remaster.add(res);
    }
    ls.newRsbs.clear();
    // Master side: drop the departed nodes' master copies; a PW/EX VALBLK holder invalidates the LVB.
    for (const rsb of ls.rsbs.values()) {
      for (const lkb of rsb.all()) {
        if (!departed.has(lkb.node)) continue;
        const inval = rsb.purge(lkb, ls.bugs.noLvbInvalidate !== true);
        ls.lkbs.delete(lkb.id);
        if (inval) rsb.invalidateLvb(`holder ${lkb.node} of lock ${lkb.id} departed`);
      }
    }
    for (const d of departed) ls.purged.add(d);
    // Process side: operations waiting on departed masters.
    for (const lock of [...ls.locks.values()]) {
      const cached = ls.masters.get(lock.res);
      const sentTo = lock.op?.sent === true ? lock.op.master : undefined;
      const lost = (cached !== undefined && departed.has(cached)) || (sentTo !== undefined && departed.has(sentTo));
      if (!(ls.remaster.has(lock.res) || lost)) continue;
      ls.remaster.add(lock.res);
      const op = lock.op;
      if (op === undefined || !op.sent) continue;
      if (op.kind === 'unlock') ls.completeLocally(lock, Status.EUNLOCK);
      else if (op.cancel) ls.completeLocally(lock, Status.ECANCEL);
    }
    for (const [res, master] of [...ls.masters]) {
      if (departed.has(master) || ls.remaster.has(res)) ls.masters.delete(res);
    }
    // A cached master is trusted only where one of our locks proves it holds the resource.
    const proven = new Set<string>();
    for (const l of ls.locks.values()) if (l.grmode !== Mode.IV) proven.add(l.res);
    for (const res of [...ls.masters.keys()]) if (!proven.has(res) && ls.masters.get(res) !== this.me) ls.masters.delete(res);
  }

  /** DIR: rebuild our part of the directory from every member's mastered names. */
  private afterDir(got: Map<NodeId, string[]>): void {
    const ls = this.ls;
    ls.dir.clear();
    for (const m of this.members) {
      for (const name of got.get(m)!) {
        if (dirNode(name, this.members) !== this.me) continue;
        const cur = ls.dir.get(name);
        if (cur !== undefined && cur !== m) emit(ls.ctx, 'dlm-dir-conflict', { ls: ls.name, res: name, masters: [cur, m] });
        else ls.dir.set(name, m);
      }
    }
    // Resources with locks to rebuild need a master now; others look up normally afterwards.
    const need = new Map<NodeId, string[]>(this.members.map((m) => [m, []]));
    for (const res of [...ls.remaster]) {
      const mine = [...ls.locks.values()].some((l) => l.res === res && (l.grmode !== Mode.IV || l.op?.sent === true));
      if (!mine) {
        ls.remaster.delete(res);
        continue;
      }
      need.get(dirNode(res, this.members))!.push(res);
    }
    for (const m of this.members) this.sendTo(m, Phase.Lookup, need.get(m)!);
  }

  /** LOOKUP, as a directory node: answer in arrival order; the first lookup becomes master. */
  private afterLookup(got: Map<NodeId, string[]>): void {
    const ls = this.ls;
    const answers = new Map<NodeId, [string, NodeId][]>(this.members.map((m) => [m, []]));
    for (const [from, names] of got) {
      if (!this.members.includes(from)) continue;
      for (const name of names) {
        let master = ls.bugs.splitMaster === true ? undefined : ls.dir.get(name);
        if (master === undefined) ls.dir.set(name, (master = from));
        answers.get(from)!.push([name, master]);
      }
    }
    for (const m of this.members) this.sendTo(m, Phase.Masters, answers.get(m)!);
  }

  /** MASTERS: learn new masters; send our locks on remastered resources to them. */
  private afterMasters(got: Map<NodeId, [string, NodeId][]>): void {
    const ls = this.ls;
    for (const m of this.members) {
      for (const [res, master] of got.get(m)!) {
        if (!ls.remaster.has(res)) continue;
        ls.masters.set(res, master);
        if (master === this.me && !ls.rsbs.has(res)) {
          ls.rsbs.set(res, ls.newResource(res));
          ls.newRsbs.add(res);
          emit(ls.ctx, 'dlm-master', { ls: ls.name, res, recovered: true });
        }
      }
    }
    const out = new Map<NodeId, RebuiltLock[]>(this.members.map((m) => [m, []]));
    if (ls.bugs.noRebuild !== true) {
      for (const l of ls.locks.values()) {
        if (!ls.remaster.has(l.res)) continue;
        const master = ls.masters.get(l.res);
        assert(master !== undefined, `no new master for ${l.res}`);
        const op = l.op;
        const rqmode = op !== undefined && op.sent && op.kind !== 'unlock' ? op.mode : Mode.IV;
        if (l.grmode === Mode.IV && rqmode === Mode.IV) continue;
        const flags = op !== undefined && op.sent ? op.flags : l.flags;
        if (op !== undefined && op.sent) op.master = master;
        // The lock's buffer: what it last read, or the value it last offered to write (as in fs/dlm).
        out.get(master)!.push({ res: l.res, lkid: l.id, grmode: l.grmode, rqmode, flags, lvb: l.lvb, lvbseq: l.lvbseq, wrote: l.wrote });
      }
    }
    ls.ctx.faultPoint('dlm.recovery-rebuilt');
    for (const m of this.members) this.sendTo(m, Phase.Locks, out.get(m)!);
  }

  /** LOCKS: rebuild the queues of resources we newly master; recover their LVBs; mark them for granting. */
  private afterLocks(got: Map<NodeId, RebuiltLock[]>): void {
    const ls = this.ls;
    const wrote = new Set<number>();
    for (const m of this.members) {
      for (const r of got.get(m)!) {
        const rsb = ls.rsbs.get(r.res);
        assert(rsb !== undefined && ls.newRsbs.has(r.res), `lock ${r.lkid} on ${r.res} sent to ${this.me}, which is not its new master`);
        const lkb = newLkb(r.lkid, m, r.rqmode, r.flags, ls.opts.lvbSize, r.lvb);
        lkb.grmode = r.grmode;
        lkb.lvbseq = r.lvbseq;
        if (r.wrote) wrote.add(lkb.id);
        rsb.rebuild(lkb);
        ls.lkbs.set(lkb.id, { lkb, rsb });
      }
    }
    for (const res of ls.newRsbs) {
      const rsb = ls.rsbs.get(res)!;
      // recover_lvb over the rebuilt copies, as fs/dlm holds them. A down-conversion completes at the
      // requester at once, so a writer's copy is already at its lower mode, holding its own value under
      // the seq it last read (the dying master may have numbered and handed it out already); a QUECVT
      // conversion from PW/EX still in flight counts at its target mode. A copy whose buffer is a value
      // it offered to write and was not answered for (PLock.wrote) is a "pending write": adopting it
      // renumbers the value block, which the dlm-lvb checker is told.
      const cands = [...rsb.grantQueue, ...rsb.convertQueue].map((l) => {
        const inFlight = l.rqmode !== Mode.IV && l.grmode !== Mode.IV && lvbOpOnGrant(l.grmode, l.rqmode) === 'write';
        return { grmode: inFlight ? l.rqmode : l.grmode, valblk: (l.flags & LKF.VALBLK) !== 0, lvb: l.lvb, lvbseq: l.lvbseq, pendingWrite: wrote.has(l.id) };
      });
      const rec = recoverLvbNewMaster(cands, ls.opts.lvbSize);
      // Adopted from a copy holding a pending write: the value is that holder's offer, still under the
      // seq it read (as fs/dlm's rebuilt lkb_lvbptr, the caller's buffer, would be).
      const adoptedPendingWrite = rec !== undefined && !rec.valNotValid && cands.find((c) => c.valblk && c.grmode > Mode.CR)?.pendingWrite === true;
      if (rec === undefined) {
        rsb.lvb = zeroLvb(ls.opts.lvbSize);
        rsb.lvbseq = 0;
        emit(ls.ctx, 'dlm-lvb-fresh', { ls: ls.name, res, recovered: true, members: [...this.members] });
      } else {
        rsb.lvb = rec.lvb;
        rsb.lvbseq = rec.seq;
        if (rec.valNotValid) rsb.invalidateLvb('new master holds only NL/CR copies');
        const zeroed = rec.valNotValid && rsb.lostSignal === 'zero';
        emit(ls.ctx, 'dlm-lvb-recovered', {
          ls: ls.name, res, seq: rec.seq, lvb: rsb.lvb, valNotValid: rsb.valNotValid, pendingWrite: adoptedPendingWrite,
          zeroed, members: [...this.members],
        });
      }
    }
    for (const res of ls.newRsbs) {
      const rsb = ls.rsbs.get(res)!;
      if (ls.bugs.noDemoteReply !== true) rsb.reconcileRebuiltDemotions();
      rsb.resolveRebuiltDeadlocks();
      const locks = rsb.all().map((l) => ({ lkid: l.id, node: l.node, grmode: l.grmode, rqmode: l.rqmode, queue: l.queue }));
      emit(ls.ctx, 'dlm-rebuilt', { ls: ls.name, res, locks });
    }
    for (const rsb of ls.rsbs.values()) if (rsb.convertQueue.length + rsb.waitQueue.length > 0) rsb.recoverGrant = true;
    ls.doneSentGen = this.newGen;
    this.broadcast(Phase.Done, true);
  }

  /** DONE: the new generation is in force everywhere; resume. */
  private afterDone(): void {
    const ls = this.ls;
    const old = new Set(ls.members);
    ls.gen = this.newGen;
    ls.members = [...this.members];
    ls.memberInc = new Map(this.incs);
    for (const m of this.members) if (!old.has(m) || this.departed.has(m)) ls.joinedGen.set(m, this.newGen);
    for (const m of [...ls.joinedGen.keys()]) if (!this.members.includes(m)) ls.joinedGen.delete(m);
    ls.purged.clear();
    ls.remaster.clear();
    ls.newRsbs.clear();
    this.aborted = true; // no more resends
    ls.resume(this.ev);
  }
}
