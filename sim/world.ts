// The world: hosts, network, shared disk, faults and checkers driven by one event loop ordered by
// (time, seq). Deterministic: the only inputs are the config and the seed.
import { AssertionFailure } from './assert.ts';
import type {
  Checker, CheckerWorld, Context, DiskClient, DiskKey, DiskResult, DiskWriteOptions, FaultFired, FaultNotFired,
  FaultPointHits, Message, Module, NodeId, Observation, RunResult, SendOptions, StackFactory, TimerId, Violation,
} from './types.ts';
import { EventQueue } from './queue.ts';
import { SeedTree } from './rng.ts';
import { Stream } from './rng.ts';
import { Tape, DecisionKind } from './tape.ts';
import type { TapeOverrides } from './tape.ts';
import { TraceHash } from './hash.ts';
import { LocalClock } from './clock.ts';
import { Network, DEFAULT_LINK } from './network.ts';
import type { LinkConfig, Packet } from './network.ts';
import { SharedDisk, DEFAULT_DISK } from './disk.ts';
import type { DiskConfig } from './disk.ts';
import type { FaultSpec } from './faults/spec.ts';
import { faultKind } from './faults/registry.ts';
import type { RoleResolver } from './faults/roles.ts';
import { roleCandidates, roleText } from './faults/roles.ts';
import { drainMicrotasks } from './drain.ts';
import { faultOptions } from './choice.ts';
import type { ChoiceConfig, FaultOption, StateHasher } from './choice.ts';

/** An observer that only collects metrics (no verdict). */
export interface Observer {
  readonly observes?: readonly string[];
  onObservation?(obs: Observation, w: CheckerWorld): void;
  metrics?(w: CheckerWorld): Record<string, number>;
}

/** A checker may also declare the observation kinds it wants (all, when omitted) and metrics. */
export type WorldChecker = Checker & Observer;

export interface TraceRecord {
  i: number;
  t: number;
  k: string;
  node: NodeId;
  [field: string]: unknown;
}

export interface WorldConfig {
  scenario: string;
  protocol: string;
  seed: number;
  nodes: number;
  stack: StackFactory;
  checkers?: WorldChecker[];
  observers?: Observer[];
  faults?: FaultSpec[];
  durationUs: number;
  /** When the fault phase ends and everything heals; defaults to when the last fault ends. */
  healAtUs?: number;
  /** `eventually` properties must hold by healAtUs + deadlineUs. */
  deadlineUs?: number;
  /** At heal, restart nodes that are down (default true), so liveness covers rejoin. */
  restartCrashedAtHeal?: boolean;
  network?: Partial<LinkConfig>;
  disk?: Partial<DiskConfig>;
  /** Boot time of each node (index 0 = node 1); default all at 0, in id order. */
  bootAtUs?: number[];
  maxEvents?: number;
  /** Events allowed at one simulated instant in a row (a livelock at one time ends the run). */
  maxEventsPerInstant?: number;
  /** Events allowed pending at once (the engine's own retained objects: a memory bound). */
  maxPendingEvents?: number;
  /**
   * Asked every PROBE_EVERY events; a sentence ends the run with a budget violation. The runner
   * passes its heap ceiling here (sim/ reads no clock and no process state itself).
   */
  probe?: () => string | undefined;
  stopOnViolation?: boolean;
  tapeOverrides?: TapeOverrides;
  /** Role resolvers the protocol registers (role targets of faults are resolved through them). */
  roles?: RoleResolver[];
  /** The fault points the protocol declares; reaching an undeclared one fails the run. */
  faultPoints?: readonly string[];
  /** Keep every decision's kind and value (default true). False keeps memory flat in run length. */
  recordTape?: boolean;
  trace?: (rec: TraceRecord) => void;
  /** Choice points for systematic search; `faultAt` adds fault-point decisions to the tape. */
  choices?: ChoiceConfig;
}

export const DEFAULT_MAX_EVENTS = 20_000_000;
/** No protocol here needs more than a few thousand events at one instant; a livelock needs more. */
export const DEFAULT_MAX_EVENTS_PER_INSTANT = 200_000;
/** Pending events at once: ~200 bytes each, so about 1 GB. */
export const DEFAULT_MAX_PENDING_EVENTS = 5_000_000;
/** How often (in events) the pending count and the probe are checked. */
const PROBE_EVERY = 1 << 12;
/** Timer ids: slot + generation × TIMER_SLOTS (at most this many timers pending at once). */
const TIMER_SLOTS = 1 << 22;
export const DEFAULT_DEADLINE_US = 30_000_000;
/** Slots of the observation-kind → observers cache. */
const KIND_CACHE = 64;

/**
 * Event kinds. The disk kinds are the moment an I/O takes effect on the shared disk; the issuing
 * host's completion runs inside that same event (no second event at the same instant).
 */
const enum Ev { Deliver, Timer, HostFn, EngineFn, Broadcast, DiskRead, DiskWrite, Fence, Unfence }

/**
 * One queued event. A delivery is its own packet (the fields below `label`), so a send allocates one
 * object; every event has every field, so the loop sees one object shape.
 */
interface Event extends Packet {
  k: Ev;
  t: number;
  node: NodeId;
  inc: number;
  /** Timer: the tag. HostFn/EngineFn: the function. Disk: the completion callback. Broadcast: receivers. */
  a: unknown;
  /** Timer: its id. Disk write: the value. */
  b: unknown;
  /** Disk write: its options. Timer: its slot in timerSlots. */
  c: unknown;
  /** Timer: the module index. Delivery: the module id. Fence: the victim. */
  m: number;
  /** HostFn/EngineFn: what it is (hashed). Disk: the key. */
  label: string;
}

const NO_MSG: Message = { type: '' };

/** Engine fields a state digest leaves out: counters, ids and back-references, not state. */
const NETWORK_NOISE: ReadonlySet<string> = new Set([
  'tape', 'rng', 'nextId', 'sent', 'dropped', 'writesAccepted', 'writesRejected',
]);

/** An event that is not a delivery: the packet fields are blank. */
function event(k: Ev, t: number, node: NodeId, inc: number, a: unknown, b: unknown, m: number, label: string): Event {
  return {
    k, t, node, inc, a, b, c: undefined, m, label,
    src: 0, dst: 0, module: '', msg: NO_MSG, fifo: false, srcInc: 0, dstInc: 0, id: 0,
  };
}

class Host {
  up = false;
  paused = false;
  incarnation = 0;
  modules: Module[] = [];
  byName = new Map<string, Module>();
  contexts: ModuleContext[] = [];
  held: Event[] = [];
  /** Effects (sends, disk I/O) made after the host was paused mid-handler, issued at resume. */
  outbox: (() => void)[] = [];
  /** Durable state by module name, then key. */
  readonly durable = new Map<string, Map<string, unknown>>();
  /** Index of each module in `modules`, by world-wide module id (−1: none): no string lookup per delivery. */
  indexById: number[] = [];
  readonly clock = new LocalClock();
  constructor(readonly id: NodeId) {}
}

class ModuleContext implements Context {
  readonly disk: DiskClient;
  private rng: Stream | undefined;
  /** This incarnation's modules: a handler still running after a crash at a fault point finds them. */
  private readonly byName: ReadonlyMap<string, Module>;

  constructor(
    private readonly world: World,
    private readonly host: Host,
    readonly moduleIndex: number,
    readonly moduleName: string,
    readonly moduleId: number,
    readonly incarnation: number,
  ) {
    this.disk = world.diskClient(host, incarnation);
    this.byName = host.byName;
  }

  get node(): NodeId {
    return this.host.id;
  }

  get allNodes(): readonly NodeId[] {
    return this.world.nodes;
  }

  /** Effects of an old incarnation, or of a host that is down, are dropped. */
  private get live(): boolean {
    return this.host.up && this.host.incarnation === this.incarnation;
  }

  now(): number {
    return this.host.clock.read(this.world.nowUs);
  }

  send(to: NodeId, msg: Message, opts?: SendOptions): void {
    if (this.live) this.world.send(this.host, to, this.moduleName, this.moduleId, msg, opts?.fifo === true);
  }

  broadcast(msg: Message): void {
    if (this.live) this.world.broadcast(this.host, this.moduleName, this.moduleId, msg);
  }

  setTimer(delayUs: number, tag: unknown): TimerId {
    if (!this.live) return -1;
    return this.world.setTimer(this.host, this.moduleIndex, delayUs, tag);
  }

  cancelTimer(id: TimerId): void {
    this.world.cancelTimer(id);
  }

  random(): Stream {
    return (this.rng ??= this.world.seeds.stream(`node:${this.host.id}`));
  }

  persist(key: string, value: unknown): void {
    if (this.live) this.durableMap().set(key, value);
  }

  storage(key: string): unknown {
    return this.host.durable.get(this.moduleName)?.get(key);
  }

  private durableMap(): Map<string, unknown> {
    let m = this.host.durable.get(this.moduleName);
    if (m === undefined) this.host.durable.set(this.moduleName, (m = new Map()));
    return m;
  }

  module<T extends Module>(name: string): T {
    const m = this.byName.get(name);
    if (m === undefined) throw new Error(`node ${this.host.id} has no module '${name}'`);
    return m as T;
  }

  defer(fn: () => void): void {
    if (this.live) this.world.hostFn(this.host, this.world.nowUs, fn, 'defer');
  }

  deferred<T>(): Deferred<T> {
    return this.world.deferred<T>();
  }

  spawn(label: string, fn: () => Promise<void>): void {
    if (this.live) this.world.spawn(this.host, this.moduleName, label, fn);
  }

  reboot(afterUs: number, reason: string): void {
    if (this.live) this.world.selfReboot(this.host.id, this.incarnation, afterUs, reason);
  }

  log(text: string): void {
    this.world.log(this.host.id, this.moduleName, text);
  }

  observe(kind: string, data: Record<string, unknown>): void {
    if (this.live) this.world.observe(kind, this.host.id, data);
  }

  faultPoint(name: string): void {
    if (this.live) this.world.faultPoint(this.host.id, name);
  }
}

/** A fault waiting at a fault point: it fires at the `hit`-th matching hit after it is armed. */
interface ArmedFault {
  readonly f: FaultSpec;
  readonly index: number;
  readonly hit: number;
  /** Matching hits so far. */
  count: number;
  done: boolean;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

declare module './types.ts' {
  interface Context<M extends Message = Message, T = unknown, S extends object = Record<string, unknown>> {
    /** A promise whose settling wakes the coroutine before the next simulated event. */
    deferred<R>(): Deferred<R>;
    /** Run an async coroutine on this host; a throw inside it fails the run like a handler throw. */
    spawn(label: string, fn: () => Promise<void>): void;
    /**
     * Kill this host right after the current handler and boot it again (a new incarnation) after
     * `afterUs` of true time: cman killing a node, a watchdog reboot. Volatile state is lost.
     */
    reboot(afterUs: number, reason: string): void;
  }
}

const DISK_LABELS = ['disk-read', 'disk-write', 'fence', 'unfence'];

/** One host incarnation's view of the shared disk: no closure per operation. */
class HostDisk implements DiskClient {
  constructor(private readonly world: World, private readonly host: Host, private readonly inc: number) {}

  read<V>(key: DiskKey<V>, done: (r: DiskResult<NoInfer<V>>) => void): void {
    this.world.diskOp(Ev.DiskRead, this.host, this.inc, done, key, undefined, undefined, 0);
  }

  write<V>(key: DiskKey<V>, value: NoInfer<V>, done: (r: DiskResult<NoInfer<V>>) => void, opts?: DiskWriteOptions): void {
    this.world.diskOp(Ev.DiskWrite, this.host, this.inc, done, key, value, opts, 0);
  }

  fence(victim: NodeId, done: (ok: boolean) => void): void {
    this.world.diskOp(Ev.Fence, this.host, this.inc, done, '', undefined, undefined, victim);
  }

  unfence(done: (ok: boolean) => void): void {
    this.world.diskOp(Ev.Unfence, this.host, this.inc, done, '', undefined, undefined, 0);
  }
}

/** The simulated world. Build one per run; `run()` returns the result. */
export class World implements CheckerWorld {
  readonly seeds: SeedTree;
  readonly tape: Tape;
  readonly network: Network;
  readonly disk: SharedDisk;
  readonly nodes: NodeId[];
  readonly faultRng: Stream;
  nowUs = 0;
  eventIndex = 0;
  healed = false;
  readonly healAtUs: number;
  readonly endUs: number;

  private readonly queue = new EventQueue<Event>();
  private readonly hash = new TraceHash();
  private readonly hosts: Host[] = [];
  /**
   * Pending timers by slot; a TimerId is slot + generation × TIMER_SLOTS, so a stale id (fired,
   * cancelled, or of a dead incarnation) never matches a reused slot. Arrays, not a Set: no hashing
   * on the hot path.
   */
  private readonly timerSlots: (Event | undefined)[] = [];
  /**
   * Cancelled timers still in the queue (an estimate: a cancel while the timer is held by a paused
   * host counts too). Every request sets a resend timer and cancels it on the answer, so without
   * compaction they outnumber the live events many times over at 100 nodes.
   */
  private deadTimers = 0;
  private readonly timerGen: number[] = [];
  private readonly freeTimerSlots: number[] = [];
  private readonly checkers: WorldChecker[];
  private readonly observers: Observer[];
  private readonly listeners = new Map<string, Observer[]>();
  private readonly kindKeys: (string | undefined)[] = new Array<string | undefined>(KIND_CACHE).fill(undefined);
  private readonly kindLists: (Observer[] | undefined)[] = new Array<Observer[] | undefined>(KIND_CACHE).fill(undefined);
  private readonly moduleIds = new Map<string, number>();
  private readonly allListeners: Observer[] = [];
  private readonly violations: Violation[] = [];
  private readonly violated = new Set<string>();
  private readonly covered = new Set<string>();
  private current: WorldChecker | undefined;
  private readonly fired: FaultFired[] = [];
  private readonly notFired: FaultNotFired[] = [];
  private readonly roles = new Map<string, RoleResolver>();
  /** Faults waiting at fault points, by point name. */
  private readonly armed = new Map<string, ArmedFault[]>();
  private readonly pointHits = new Map<string, number>();
  private readonly declaredPoints: ReadonlySet<string> | undefined;
  private readonly diskRng: Stream;
  private stopped = false;
  private woke = false;
  private readonly maxEvents: number;
  private readonly maxPerInstant: number;
  private readonly maxPending: number;
  /** Events processed in a row at the current instant. */
  private sameInstant = 0;
  private readonly trace: ((rec: TraceRecord) => void) | undefined;
  private readonly logs: string[] = [];
  /** Observation kinds that are fault points (choices.faultAt), if any. */
  private readonly faultAt: ReadonlySet<string> | undefined;
  /** The send being routed, for a tape observer (set only while one is installed). */
  readonly sending = { src: 0, dst: 0, module: '', type: '', fifo: false };
  /** Called before each event while set (a search's state checks at event boundaries). */
  beforeEvent: (() => void) | undefined;
  /** How many fault options the fault point being decided offers (for a tape observer). */
  pointOptions = 0;
  /** The fault options of the fault point being decided, in tape order (value k = list[k-1]). */
  pointOptionList: readonly FaultOption[] = [];
  /** Declared fault points that are search choice points (choices.points), if any. */
  private readonly choicePoints: ReadonlySet<string> | undefined;

  constructor(readonly config: WorldConfig) {
    if (!Number.isInteger(config.nodes) || config.nodes < 1) throw new RangeError(`nodes must be ≥ 1, got ${config.nodes}`);
    this.seeds = new SeedTree(config.seed);
    this.tape = new Tape(config.tapeOverrides, config.recordTape !== false);
    this.nodes = Array.from({ length: config.nodes }, (_, i) => i + 1);
    this.network = new Network(config.nodes, { ...DEFAULT_LINK, ...config.network }, this.tape, this.seeds.stream('network'));
    this.disk = new SharedDisk({ ...DEFAULT_DISK, ...config.disk });
    this.diskRng = this.seeds.stream('disk');
    this.faultRng = this.seeds.stream('faults');
    this.checkers = config.checkers ?? [];
    this.observers = config.observers ?? [];
    this.maxEvents = config.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxPerInstant = config.maxEventsPerInstant ?? DEFAULT_MAX_EVENTS_PER_INSTANT;
    this.maxPending = config.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS;
    this.trace = config.trace;
    const faultAt = config.choices?.faultAt ?? [];
    this.faultAt = faultAt.length > 0 ? new Set(faultAt) : undefined;
    const points = config.choices?.points ?? [];
    this.choicePoints = points.length > 0 ? new Set(points) : undefined;
    const faults = config.faults ?? [];
    // A fault at a fault point fires at a time nobody knows in advance: it does not set the heal.
    const lastFaultEnd = faults.reduce((m, f) => (f.point !== undefined ? m : Math.max(m, f.atUs + (f.durationUs ?? 0))), 0);
    this.healAtUs = config.healAtUs ?? lastFaultEnd;
    const deadline = config.deadlineUs ?? DEFAULT_DEADLINE_US;
    this.endUs = Math.max(config.durationUs, this.healAtUs + deadline + 1);
    this.declaredPoints = config.faultPoints !== undefined ? new Set(config.faultPoints) : undefined;
    for (const r of config.roles ?? []) this.roles.set(r.role, r);
    for (const o of [...this.checkers, ...this.observers, ...(config.roles ?? [])]) {
      if (o.observes === undefined) this.allListeners.push(o);
      else for (const k of o.observes) {
        let l = this.listeners.get(k);
        if (l === undefined) this.listeners.set(k, (l = []));
        l.push(o);
      }
    }
    for (const id of this.nodes) this.hosts[id] = new Host(id);
    for (const id of this.nodes) {
      const at = config.bootAtUs?.[id - 1] ?? 0;
      this.engineFn(at, () => this.boot(this.hosts[id]!), 'boot');
    }
    faults.forEach((f, i) => {
      if (f.point !== undefined) this.arm(f, i);
      else this.engineFn(f.atUs, () => this.fireFault(f, i), `fault:${f.kind}`);
    });
    this.engineFn(this.healAtUs, () => this.healAll(), 'heal');
    this.engineFn(this.healAtUs + deadline, () => this.deadline(), 'deadline');
  }

  // ---- the loop -------------------------------------------------------------------------------

  /** Run to the end. Async only because woken coroutines must run before the next event. */
  async run(): Promise<RunResult> {
    while (this.step()) {
      if (this.woke) {
        this.woke = false;
        await drainMicrotasks();
      }
    }
    return this.finish();
  }

  /** Run without coroutines (handlers only); throws if a coroutine was woken. */
  runSync(): RunResult {
    while (this.step()) {
      if (this.woke) throw new Error('a coroutine was woken: use run(), not runSync()');
    }
    return this.finish();
  }

  /** Process one event; false when the run is over. */
  step(): boolean {
    if (this.stopped) return false;
    for (;;) {
      const t = this.queue.peekTime();
      if (t > this.endUs) {
        this.nowUs = this.endUs;
        return false;
      }
      if (this.eventIndex >= this.maxEvents) return this.budgetExceeded(`event budget of ${this.maxEvents} events`);
      if (t !== this.nowUs) this.sameInstant = 0;
      else if (++this.sameInstant > this.maxPerInstant) {
        return this.budgetExceeded(`same-instant budget of ${this.maxPerInstant} events in a row at one time`);
      }
      if ((this.eventIndex & (PROBE_EVERY - 1)) === 0 && !this.withinMemory()) return false;
      if (this.beforeEvent !== undefined) this.beforeEvent();
      const ev = this.queue.pop()!;
      // A timer that can no longer fire (cancelled, or set by a dead incarnation) is not an event:
      // it is neither counted nor hashed.
      if (ev.k === Ev.Timer && !this.timerLive(ev)) continue;
      this.nowUs = ev.t;
      this.eventIndex++;
      this.dispatch(ev);
      return !this.stopped;
    }
  }

  /** Is this popped timer still pending for a live incarnation? Releases it if its host died. */
  private timerLive(ev: Event): boolean {
    if (this.timerSlots[ev.c as number] !== ev) {
      if (this.deadTimers > 0) this.deadTimers--;
      return false;
    }
    const host = this.hosts[ev.node]!;
    if (host.up && host.incarnation === ev.inc) return true;
    this.releaseSlot(ev);
    return false;
  }

  private push(t: number, ev: Event): void {
    this.queue.push(t, ev);
  }

  /** Queue ahead of everything else at time t (releases of held events keep their order). */
  private pushFirst(t: number, ev: Event): void {
    ev.t = t;
    this.queue.pushFirst(t, ev);
  }

  private dispatch(ev: Event): void {
    const h = this.hash;
    h.word(ev.k);
    h.big(this.nowUs);
    h.word(ev.node);
    if (ev.k === Ev.EngineFn) {
      h.str(ev.label);
      this.guard(ev.node, 'engine', ev.a as () => void);
      return;
    }
    // The disk acts whatever became of the host that issued the I/O; only its completion is gated.
    if (ev.k >= Ev.DiskRead) return this.diskEffect(ev);
    if (ev.k === Ev.Broadcast) return this.deliverAll(ev);
    const host = this.hosts[ev.node]!;
    // inc −1: a datagram, for whichever incarnation is up when it arrives.
    if (!host.up || (ev.inc >= 0 && host.incarnation !== ev.inc)) {
      if (ev.k === Ev.Deliver) this.droppedAtHost(host, ev);
      else if (ev.k === Ev.Timer) this.releaseSlot(ev);
      return;
    }
    if (host.paused) {
      host.held.push(ev);
      return;
    }
    switch (ev.k) {
      case Ev.Deliver: return this.deliver(host, ev);
      case Ev.Timer: return this.fireTimer(host, ev);
      case Ev.HostFn:
        h.str(ev.label);
        this.guard(host.id, ev.label, ev.a as () => void);
    }
  }

  private deliver(host: Host, p: Packet): void {
    const verdict = this.network.check(p);
    if (verdict === 'hold') {
      this.network.hold(p);
      return;
    }
    const src = this.hosts[p.src]!;
    // A FIFO channel is a connection between two incarnations: a reboot at either end resets it.
    if (verdict !== 'ok' || (p.fifo && (src.incarnation !== p.srcInc || host.incarnation !== p.dstInc))) {
      this.network.dropped++;
      this.traceRec('drop', p.dst, { from: p.src, module: p.module, type: p.msg.type, why: verdict === 'ok' ? 'stale' : verdict, pkt: p.id });
      return;
    }
    this.hash.word(p.src);
    this.hash.str(p.msg.type);
    if (this.trace !== undefined) this.traceRec('deliver', p.dst, { from: p.src, module: p.module, msg: p.msg, pkt: p.id });
    const index = host.indexById[(p as Event).m] ?? -1;
    if (index < 0) return;
    const m = host.modules[index]!;
    if (m.onMessage === undefined) return;
    // Inline rather than through guard(): no closure per event on the hot path.
    try {
      m.onMessage(host.contexts[index]!, p.src, p.msg);
    } catch (err) {
      this.exception(host.id, p.module, err);
    }
  }

  /** One broadcast transmission arrives: each receiver in id order, as deliver() would take it. */
  private deliverAll(ev: Event): void {
    const to = ev.a as NodeId[];
    this.hash.str(ev.msg.type);
    for (let i = 0; i < to.length; i++) {
      const dst = to[i]!;
      const host = this.hosts[dst]!;
      if (!host.up) {
        this.network.dropped++;
        if (this.trace !== undefined) this.traceRec('drop', dst, { from: ev.src, module: ev.module, type: ev.msg.type, why: 'down', pkt: ev.id });
        continue;
      }
      if (host.paused) {
        host.held.push(this.copyFor(ev, dst));
        continue;
      }
      const verdict = this.network.checkPair(ev.src, dst, ev.msg.type);
      if (verdict === 'hold') {
        this.network.hold(this.copyFor(ev, dst));
        continue;
      }
      if (verdict !== 'ok') {
        this.network.dropped++;
        if (this.trace !== undefined) this.traceRec('drop', dst, { from: ev.src, module: ev.module, type: ev.msg.type, why: verdict, pkt: ev.id });
        continue;
      }
      this.hash.word(dst);
      if (this.trace !== undefined) this.traceRec('deliver', dst, { from: ev.src, module: ev.module, msg: ev.msg, pkt: ev.id });
      const index = host.indexById[ev.m] ?? -1;
      if (index < 0) continue;
      const m = host.modules[index]!;
      if (m.onMessage === undefined) continue;
      try {
        m.onMessage(host.contexts[index]!, ev.src, ev.msg);
      } catch (err) {
        this.exception(dst, ev.module, err);
        return;
      }
    }
  }

  /** One receiver's copy of a broadcast, as an ordinary delivery (held while paused or clogged). */
  private copyFor(ev: Event, dst: NodeId): Event {
    return {
      k: Ev.Deliver, t: ev.t, node: dst, inc: -1, a: undefined, b: undefined, c: undefined, m: ev.m, label: '',
      src: ev.src, dst, module: ev.module, msg: ev.msg, fifo: false, srcInc: ev.srcInc, dstInc: 0, id: ev.id,
    };
  }

  private fireTimer(host: Host, ev: Event): void {
    if (!this.releaseSlot(ev)) return;
    const index = ev.m;
    const m = host.modules[index]!;
    this.hash.word(index);
    if (this.trace !== undefined) this.traceRec('timer', host.id, { module: m.name, tag: ev.a });
    if (m.onTimer === undefined) return;
    try {
      m.onTimer(host.contexts[index]!, ev.a);
    } catch (err) {
      this.exception(host.id, m.name, err);
    }
  }

  /** Run protocol code; an exception fails the run with the exception in the report. */
  private guard(node: NodeId, where: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.exception(node, where, err);
    }
  }

  exception(node: NodeId, where: string, err: unknown): void {
    if (err instanceof AssertionFailure) {
      this.violations.push({
        checker: 'assertion', kind: 'exception', atEvent: this.eventIndex, atUs: this.nowUs,
        message: `node ${node} (${where}): assertion failed: ${err.message}`,
      });
      this.stopped = true;
      return;
    }
    const text = err instanceof Error ? `${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 4).join('\n')}` : ''}` : String(err);
    this.violations.push({
      checker: 'exception', kind: 'exception', atEvent: this.eventIndex, atUs: this.nowUs,
      message: `node ${node} (${where}) threw: ${text}`,
    });
    this.stopped = true;
  }

  /** The memory bounds: pending events (counted here) and the caller's probe (e.g. a heap ceiling). */
  private withinMemory(): boolean {
    if (this.queue.size > this.maxPending) {
      this.budgetExceeded(`memory budget of ${this.maxPending} pending events (maxPendingEvents)`);
      return false;
    }
    const over = this.config.probe?.();
    if (over !== undefined) this.budgetExceeded(`memory budget: ${over}`);
    return over === undefined;
  }

  /** End the run with a named budget violation: which bound, when, and what was pending. */
  private budgetExceeded(bound: string): false {
    const counts = new Map<string, number>();
    let pending = 0;
    for (const e of this.queue.pending()) {
      if (this.deadTimer(e)) continue;
      pending++;
      const label = e.k === Ev.Deliver ? `deliver ${e.module}/${e.msg.type}` : e.k === Ev.Timer ? 'timer'
        : e.k === Ev.Broadcast ? `broadcast ${e.module}/${e.msg.type}`
        : e.k >= Ev.DiskRead ? DISK_LABELS[e.k - Ev.DiskRead]! : e.label;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3)
      .map(([l, c]) => `${l} ×${c}`).join(', ');
    this.violations.push({
      checker: 'budget', kind: 'budget', atEvent: this.eventIndex, atUs: this.nowUs,
      message: `${bound} exhausted at ${(this.nowUs / 1e6).toFixed(3)} s simulated (run was to end at ${(this.endUs / 1e6).toFixed(3)} s); ${pending} events pending${top ? `, mostly ${top}` : ''}`,
    });
    this.stopped = true;
    return false;
  }

  // ---- hosts ----------------------------------------------------------------------------------

  private boot(host: Host): void {
    if (host.up) return;
    host.up = true;
    host.paused = false;
    host.incarnation++;
    host.modules = this.config.stack(host.id);
    host.byName = new Map(host.modules.map((m) => [m.name, m]));
    host.indexById = [];
    host.contexts = host.modules.map((m, i) => {
      const id = this.moduleId(m.name);
      while (host.indexById.length <= id) host.indexById.push(-1);
      host.indexById[id] = i;
      return new ModuleContext(this, host, i, m.name, id, host.incarnation);
    });
    this.observe(host.incarnation === 1 ? 'boot' : 'restart', host.id, { incarnation: host.incarnation });
    const contexts = host.contexts; // a crash at a fault point during a start replaces host.contexts
    host.modules.forEach((m, i) => {
      const ctx = contexts[i]!;
      const start = host.incarnation === 1 ? m.onStart : (m.onRecover ?? m.onStart);
      if (start !== undefined) this.guard(host.id, m.name, () => start.call(m, ctx));
    });
  }

  /** Crash: volatile state, timers and held events are lost; durable state stays. */
  crash(node: NodeId): boolean {
    const host = this.hosts[node]!;
    if (!host.up) return false;
    host.up = false;
    host.paused = false;
    for (const ev of host.held) if (ev.k === Ev.Timer) this.releaseSlot(ev);
    host.held = [];
    host.outbox = [];
    host.modules = [];
    host.byName = new Map();
    host.indexById = [];
    host.contexts = [];
    this.observe('crash', node, { incarnation: host.incarnation });
    return true;
  }

  restart(node: NodeId): boolean {
    const host = this.hosts[node]!;
    if (host.up) return false;
    this.boot(host);
    return true;
  }

  /** A module asked its host to die and come back (ctx.reboot): crash now, restart after afterUs. */
  selfReboot(node: NodeId, inc: number, afterUs: number, reason: string): void {
    this.engineFn(this.nowUs, () => {
      const host = this.hosts[node]!;
      if (!host.up || host.incarnation !== inc) return;
      this.observe('self-reboot', node, { reason, incarnation: inc });
      this.crash(node);
      this.engineFn(this.nowUs + afterUs, () => this.restart(node), 'self-reboot-up');
    }, 'self-reboot');
  }

  pause(node: NodeId): boolean {
    const host = this.hosts[node]!;
    if (!host.up || host.paused) return false;
    host.paused = true;
    this.observe('pause', node, {});
    return true;
  }

  /** Resume: everything that waited is delivered now, in its original order. */
  resume(node: NodeId): boolean {
    const host = this.hosts[node]!;
    if (!host.up || !host.paused) return false;
    host.paused = false;
    const held = host.held;
    host.held = [];
    // Ahead of anything else due now, so a FIFO message that arrives this instant cannot overtake them.
    for (const ev of held) this.pushFirst(this.nowUs, ev);
    const outbox = host.outbox;
    host.outbox = [];
    for (const fn of outbox) fn();
    this.observe('resume', node, {});
    return true;
  }

  clock(node: NodeId): LocalClock {
    return this.hosts[node]!.clock;
  }

  // ---- effects --------------------------------------------------------------------------------

  /** A small integer per module name, the same on every host (deliveries carry it, not the name). */
  private moduleId(name: string): number {
    let id = this.moduleIds.get(name);
    if (id === undefined) this.moduleIds.set(name, (id = this.moduleIds.size));
    return id;
  }

  send(host: Host, to: NodeId, module: string, moduleId: number, msg: Message, fifo: boolean): void {
    const dst = this.hosts[to];
    if (dst === undefined) throw new Error(`node ${host.id} sent ${msg.type} to unknown node ${to}`);
    if (host.paused) {
      host.outbox.push(() => this.send(host, to, module, moduleId, msg, fifo)); // paused at a fault point mid-handler
      return;
    }
    if (this.tape.observer !== undefined) this.noteSend(host.id, to, module, msg.type, fifo);
    const copies = this.network.route(this.nowUs, host.id, to, fifo);
    if (copies === 0 && this.trace !== undefined) {
      this.traceRec('drop', to, { from: host.id, module, type: msg.type, why: this.network.lastDrop, atSend: true });
    }
    for (let c = 0; c < copies; c++) {
      const t = c === 0 ? this.network.firstAtUs : this.network.secondAtUs;
      // A host that is down (or not booted yet) will be the next incarnation when it comes up.
      const dstInc = dst.up ? dst.incarnation : dst.incarnation + 1;
      const p: Event = {
        k: Ev.Deliver, t, node: to, inc: fifo ? dstInc : -1, a: undefined, b: undefined, c: undefined, m: moduleId, label: '',
        src: host.id, dst: to, module, msg, fifo, srcInc: host.incarnation, dstInc, id: this.network.newPacketId(),
      };
      if (this.trace !== undefined) this.traceRec('send', host.id, { to, module, type: msg.type, pkt: p.id, arriveUs: t });
      this.push(t, p);
    }
  }

  /** A datagram to every other node, as one event (see Network.routeBroadcast). */
  broadcast(host: Host, module: string, moduleId: number, msg: Message): void {
    if (host.paused) {
      host.outbox.push(() => this.broadcast(host, module, moduleId, msg)); // paused at a fault point mid-handler
      return;
    }
    const copies = this.network.routeBroadcast(this.nowUs, host.id, this.nodes);
    const to = this.network.reached;
    if (this.trace !== undefined) {
      const d = this.network.droppedTo;
      for (let i = 0; i < d.length; i += 2) {
        this.traceRec('drop', d[i]!, { from: host.id, module, type: msg.type, why: d[i + 1] === 0 ? 'partition' : 'loss', atSend: true });
      }
    }
    const unicast = this.network.unicastTo.length > 0 ? [...this.network.unicastTo] : undefined;
    for (let c = 0; c < copies; c++) {
      const t = c === 0 ? this.network.firstAtUs : this.network.secondAtUs;
      const ev: Event = {
        k: Ev.Broadcast, t, node: host.id, inc: -1, a: to, b: undefined, c: undefined, m: moduleId, label: '',
        src: host.id, dst: 0, module, msg, fifo: false, srcInc: host.incarnation, dstInc: 0, id: this.network.newPacketId(),
      };
      if (this.trace !== undefined) this.traceRec('send', host.id, { to, module, type: msg.type, pkt: ev.id, arriveUs: t });
      this.push(t, ev);
    }
    if (unicast !== undefined) for (const dst of unicast) this.send(host, dst, module, moduleId, msg, false);
  }

  setTimer(host: Host, moduleIndex: number, delayUs: number, tag: unknown): TimerId {
    if (!(delayUs >= 0)) throw new RangeError(`timer delay must be ≥ 0 µs, got ${delayUs}`);
    let slot: number;
    if (this.freeTimerSlots.length > 0) slot = this.freeTimerSlots.pop()!;
    else {
      slot = this.timerSlots.length;
      if (slot >= TIMER_SLOTS) throw new Error(`more than ${TIMER_SLOTS} timers pending at once`);
      this.timerSlots.push(undefined);
      this.timerGen.push(0);
    }
    const id = ++this.timerGen[slot]! * TIMER_SLOTS + slot;
    // Simulated time stays in whole microseconds: a fractional delay rounds up.
    const t = this.nowUs + host.clock.toTrueDelay(Math.ceil(delayUs));
    const ev = event(Ev.Timer, t, host.id, host.incarnation, tag, id, moduleIndex, '');
    ev.c = slot;
    this.timerSlots[slot] = ev;
    this.push(t, ev);
    return id;
  }

  cancelTimer(id: TimerId): void {
    if (!this.releaseTimer(id)) return;
    // A cancelled timer stays queued until its time and is skipped then; once they are half the
    // queue, drop them all (the live events pop in the same order: sim/queue.ts compact).
    if (++this.deadTimers > 64 && this.deadTimers * 2 > this.queue.size) {
      this.queue.compact((ev) => !this.deadTimer(ev));
      this.deadTimers = 0;
    }
  }

  /** A cancelled timer: no longer the pending event of its slot. */
  private deadTimer(ev: Event): boolean {
    return ev.k === Ev.Timer && this.timerSlots[ev.c as number] !== ev;
  }

  /** Forget a pending timer; false if `id` was not pending (already fired, cancelled or unknown). */
  private releaseTimer(id: number): boolean {
    // Ids outgrow small integers as slots are reused: the mask (TIMER_SLOTS divides 2^32) is exact
    // below 2^53 and avoids a floating-point remainder.
    const ev = this.timerSlots[id & (TIMER_SLOTS - 1)];
    if (ev === undefined || ev.b !== id) return false;
    return this.releaseSlot(ev);
  }

  /** Forget timer event `ev` if it is still the pending one of its slot (ev.c); false if not. */
  private releaseSlot(ev: Event): boolean {
    const slot = ev.c as number;
    if (this.timerSlots[slot] !== ev) return false;
    this.timerSlots[slot] = undefined;
    this.freeTimerSlots.push(slot);
    return true;
  }

  /** `payload`: what the closure carries, as data for state digests (sim/choice.ts). */
  hostFn(host: Host, atUs: number, fn: () => void, label: string, payload?: unknown): void {
    this.push(atUs, event(Ev.HostFn, atUs, host.id, host.incarnation, fn, payload, 0, label));
  }

  /** Schedule engine work (faults, disk effects, heal) at a true time. */
  engineFn(atUs: number, fn: () => void, label: string, payload?: unknown): void {
    this.push(atUs, event(Ev.EngineFn, atUs, 0, 0, fn, payload, 0, label));
  }

  deferred<T>(): Deferred<T> {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return {
      promise,
      resolve: (v) => {
        this.woke = true;
        resolve(v);
      },
      reject: (e) => {
        this.woke = true;
        reject(e);
      },
    };
  }

  spawn(host: Host, module: string, label: string, fn: () => Promise<void>): void {
    this.woke = true;
    const inc = host.incarnation;
    fn().catch((err: unknown) => {
      if (host.up && host.incarnation === inc) this.exception(host.id, `${module}:${label}`, err);
    });
  }

  diskClient(host: Host, inc: number): DiskClient {
    return new HostDisk(this, host, inc);
  }

  /** Queue an I/O of `host`'s incarnation `inc`: it takes effect, and completes, after its latency. */
  diskOp(k: Ev, host: Host, inc: number, done: unknown, key: string, value: unknown, opts: unknown, victim: number): void {
    if (!host.up || host.incarnation !== inc) return;
    if (host.paused) { // I/O issued by a host paused mid-handler (at a fault point) waits for its resume
      host.outbox.push(() => this.diskOp(k, host, inc, done, key, value, opts, victim));
      return;
    }
    const t = this.nowUs + (k === Ev.Fence ? this.fenceDelay() : this.ioDelay());
    const ev = event(k, t, host.id, inc, done, value, victim, key);
    ev.c = opts;
    this.push(t, ev);
  }

  private ioDelay(): number {
    const c = this.disk.config;
    const span = c.ioLatencyMaxUs - c.ioLatencyMinUs;
    return c.ioLatencyMinUs + this.tape.decide(DecisionKind.diskDelayUs, span > 0 ? this.diskRng.int(0, span) : 0);
  }

  private fenceDelay(): number {
    const c = this.disk.config;
    const extra = this.nowUs < this.disk.slowUntilUs ? this.disk.slowExtraUs : 0;
    const drawn = this.diskRng.int(0, Math.max(0, c.fenceLatencyMaxUs - c.fenceLatencyMinUs));
    return c.fenceLatencyMinUs + extra + this.tape.decide(DecisionKind.diskDelayUs, drawn);
  }

  /** An I/O takes effect; the issuer's completion runs now, in this event. */
  private diskEffect(ev: Event): void {
    const node = ev.node;
    switch (ev.k) {
      case Ev.DiskRead:
        return this.complete(ev, this.disk.read(ev.label));
      case Ev.DiskWrite: {
        const opts = ev.c as DiskWriteOptions | undefined;
        const r = this.disk.write(node, ev.label, ev.b, opts);
        this.hash.word(r.ok ? 1 : 0);
        this.observe('disk-write', node, { key: ev.label, ok: r.ok, reason: r.reason, version: r.version, token: opts?.token, value: ev.b });
        return this.complete(ev, r);
      }
      case Ev.Fence: {
        // Whether the device works is a taped decision, so a replay can override it either way.
        const ok = this.tape.decide(DecisionKind.fenceFail, this.disk.deviceFailed(this.nowUs) ? 1 : 0) === 0;
        if (ok) this.disk.fence(ev.m, this.nowUs);
        this.observe('fence', ev.m, { by: node, ok });
        return this.complete(ev, ok);
      }
      case Ev.Unfence: {
        const ok = this.tape.decide(DecisionKind.fenceFail, this.disk.deviceFailed(this.nowUs) ? 1 : 0) === 0;
        if (ok) {
          this.disk.unfence(node);
          this.observe('unfence', node, {});
        }
        return this.complete(ev, ok);
      }
    }
  }

  /** Run an I/O's completion on its host if that incarnation is still up (held while it is paused). */
  private complete(ev: Event, r: unknown): void {
    const host = this.hosts[ev.node]!;
    if (!host.up || host.incarnation !== ev.inc) return;
    const done = ev.a as (r: unknown) => void;
    if (host.paused) {
      host.held.push(event(Ev.HostFn, this.nowUs, host.id, ev.inc, () => done(r), undefined, 0, 'disk-done'));
      return;
    }
    try {
      done(r);
    } catch (err) {
      this.exception(host.id, 'disk-done', err);
    }
  }

  // ---- faults and phases ----------------------------------------------------------------------

  /** Fire fault `index` of the schedule: resolve its role target, apply it, account for it. */
  private fireFault(f: FaultSpec, index: number, at?: { point: string; hit: number }): void {
    if (this.healed) return this.faultNotFired(f, index, 'the healed phase had begun');
    let spec = f;
    if (f.role !== undefined) {
      const node = this.resolveRole(f, index);
      if (node === undefined) return;
      spec = { ...f, node };
      this.hash.word(node);
    }
    const kind = faultKind(f.kind);
    const fired = kind.apply(this, spec);
    this.hash.str(f.kind);
    if (fired === null) return this.faultNotFired(f, index, 'it had no effect (its node was already down, paused or up)');
    const rec: FaultFired = { kind: f.kind, atUs: this.nowUs, nodes: fired.nodes, ...(fired.detail ? { detail: fired.detail } : {}) };
    if (f.point !== undefined || f.role !== undefined) rec.index = index;
    if (f.role !== undefined) rec.role = roleText(f.role);
    if (at !== undefined) Object.assign(rec, at);
    this.fired.push(rec);
    this.observe('fault', 0, {
      fault: f.kind, nodes: fired.nodes, detail: fired.detail,
      ...(rec.role !== undefined ? { role: rec.role } : {}), ...(at !== undefined ? at : {}),
    });
  }

  /** The node a role target names now (one taped decision among the candidates), or undefined. */
  private resolveRole(f: FaultSpec, index: number): NodeId | undefined {
    const target = f.role!;
    const candidates = roleCandidates(target, this.roles, this);
    if (candidates === undefined) {
      this.faultNotFired(f, index, `protocol ${this.config.protocol} has no role '${target.role}'`);
      return undefined;
    }
    if (candidates.length === 0) {
      this.faultNotFired(f, index, `role ${roleText(target)} resolved to nobody`);
      return undefined;
    }
    const i = this.tape.decide(DecisionKind.roleTarget, 0);
    return candidates[Math.min(Math.max(0, Math.floor(i)), candidates.length - 1)];
  }

  private faultNotFired(f: FaultSpec, index: number, reason: string): void {
    this.notFired.push({ index, kind: f.kind, atUs: this.nowUs, reason });
    if (this.trace !== undefined) this.traceRec('fault-not-fired', 0, { fault: f.kind, index, reason });
  }

  // ---- fault points ---------------------------------------------------------------------------

  private arm(f: FaultSpec, index: number): void {
    const name = f.point!;
    let list = this.armed.get(name);
    if (list === undefined) this.armed.set(name, (list = []));
    list.push({ f, index, hit: f.hit ?? 1, count: 0, done: false });
  }

  /** A module reached a fault point (ctx.faultPoint): count it, and fire a fault waiting there. */
  faultPoint(node: NodeId, name: string): void {
    if (this.declaredPoints !== undefined && !this.declaredPoints.has(name)) {
      throw new Error(`fault point '${name}' is not declared by protocol ${this.config.protocol}`);
    }
    const hits = (this.pointHits.get(name) ?? 0) + 1;
    this.pointHits.set(name, hits);
    if (this.trace !== undefined) this.traceRec('point', node, { point: name, hit: hits });
    const armed = this.armed.get(name);
    if (armed !== undefined) this.pointReached(node, name, armed);
    if (this.choicePoints !== undefined && (this.choicePoints.has(name) || this.choicePoints.has('*'))) this.choiceFaultAt(node);
  }

  /** One taped decision per waiting fault that matches this hit: fire here (1) or not (0). */
  private pointReached(node: NodeId, point: string, armed: readonly ArmedFault[]): void {
    for (const a of armed) {
      if (a.done || this.healed || this.nowUs < a.f.atUs || (a.f.node !== undefined && a.f.node !== node)) continue;
      a.count++;
      if (this.tape.decide(DecisionKind.pointFault, a.count === a.hit ? 1 : 0) === 0) continue;
      a.done = true;
      // With a role, the point is the moment and the role names the node faulted then.
      this.fireFault(a.f.role !== undefined ? a.f : { ...a.f, node }, a.index, { point, hit: a.count });
    }
  }

  /** Faults still waiting at the end: their point was not reached often enough. */
  private unreachedPoints(): void {
    for (const name of [...this.armed.keys()].sort()) {
      for (const a of this.armed.get(name)!) {
        if (a.done) continue;
        const on = a.f.node !== undefined ? ` on node ${a.f.node}` : '';
        this.faultNotFired(a.f, a.index, `fault point '${name}' was reached ${a.count} time(s)${on} while armed, never hit ${a.hit}`);
      }
    }
  }

  private pointReport(): FaultPointHits[] {
    const names = new Set([...this.pointHits.keys(), ...this.armed.keys()]);
    return [...names].sort().map((name) => ({ name, hits: this.pointHits.get(name) ?? 0 }));
  }

  /** A delivery for a host that is down, or for an incarnation that is gone. */
  private droppedAtHost(host: Host, ev: Event): void {
    this.network.dropped++;
    if (this.trace === undefined) return;
    const why = host.up ? 'stale' : 'down';
    this.traceRec('drop', ev.dst, { from: ev.src, module: ev.module, type: ev.msg.type, why, pkt: ev.id });
  }

  /** The fault phase ends: heal the network, resume, restore clocks' drift and the fence device. */
  private healAll(): void {
    this.healNetwork();
    this.disk.failedUntilUs = 0;
    this.disk.slowUntilUs = 0;
    for (const id of this.nodes) {
      this.resume(id);
      this.hosts[id]!.clock.setDrift(this.nowUs, 0);
    }
    if (this.config.restartCrashedAtHeal !== false) {
      for (const id of this.nodes) if (this.hosts[id]!.incarnation > 0) this.restart(id); // not nodes yet to boot
    }
    this.healed = true;
    this.observe('heal', 0, {});
  }

  /** Release packets whose clog has been lifted (called by the clog fault). */
  releaseHeld(): void {
    this.redeliver(this.network.releaseUnclogged());
  }

  /** Lift every partition, clog and filter; held packets are delivered now, in order. */
  healNetwork(): void {
    this.redeliver(this.network.healAll());
  }

  /** Held packets are the delivery events that were held (only deliver() holds them): queue them again. */
  private redeliver(packets: Packet[]): void {
    for (const p of packets) this.pushFirst(this.nowUs, p as Event);
  }

  private deadline(): void {
    for (const c of this.checkers) {
      if (c.onDeadline === undefined) continue;
      this.current = c;
      c.onDeadline(this);
    }
    this.current = undefined;
  }

  // ---- observation and checking ---------------------------------------------------------------

  observe(kind: string, node: NodeId, data: Record<string, unknown>): void {
    this.hash.str(kind);
    this.hash.word(node);
    if (this.faultAt !== undefined && this.faultAt.has(kind)) this.choiceFaultAt(node);
    const specific = this.listenersOf(kind);
    if (specific === undefined && this.allListeners.length === 0 && this.trace === undefined) return;
    const obs: Observation = { seq: this.eventIndex, atUs: this.nowUs, kind, node, data };
    if (this.trace !== undefined) this.traceRec(kind, node, data);
    if (specific !== undefined) for (const o of specific) this.notify(o, obs);
    for (const o of this.allListeners) this.notify(o, obs);
  }

  /** The observers of one kind, through a direct-mapped cache (a hit is one identity compare, no Map hashing). */
  private listenersOf(kind: string): Observer[] | undefined {
    const slot = (kind.length * 31 + (kind.length > 0 ? kind.charCodeAt(kind.length - 1) : 0)) & (KIND_CACHE - 1);
    if (this.kindKeys[slot] === kind) return this.kindLists[slot];
    const l = this.listeners.get(kind);
    this.kindKeys[slot] = kind;
    this.kindLists[slot] = l;
    return l;
  }

  private notify(o: Observer, obs: Observation): void {
    if (o.onObservation === undefined) return;
    this.current = o as WorldChecker;
    try {
      o.onObservation(obs, this);
    } finally {
      this.current = undefined;
    }
  }

  violate(message: string): void {
    const c = this.current;
    if (c === undefined || !('kind' in c)) throw new Error('violate() called outside a checker');
    if (this.violated.has(c.name)) return;
    this.violated.add(c.name);
    this.violations.push({ checker: c.name, kind: c.kind, atEvent: this.eventIndex, atUs: this.nowUs, message });
    if (this.config.stopOnViolation === true && c.kind === 'always') this.stopped = true;
  }

  cover(): void {
    if (this.current !== undefined && 'name' in this.current) this.covered.add(this.current.name);
  }

  isUp(node: NodeId): boolean {
    return this.hosts[node]?.up === true;
  }

  isPaused(node: NodeId): boolean {
    return this.hosts[node]?.paused === true;
  }

  incarnation(node: NodeId): number {
    return this.hosts[node]?.incarnation ?? 0;
  }

  isFenced(node: NodeId): boolean {
    return this.disk.isFenced(node);
  }

  fencedAtUs(node: NodeId): number {
    return this.disk.fencedAtUs(node);
  }

  get messagesSent(): number {
    return this.network.sent;
  }

  connected(a: NodeId, b: NodeId): boolean {
    return !this.network.isBlocked(a, b) && !this.network.isBlocked(b, a);
  }

  module<T extends Module>(node: NodeId, name: string): T | undefined {
    const h = this.hosts[node];
    return h?.up ? (h.byName.get(name) as T | undefined) : undefined;
  }

  log(node: NodeId, module: string, text: string): void {
    if (this.trace !== undefined) this.traceRec('log', node, { module, text });
    else if (this.logs.length < 200) this.logs.push(`${this.nowUs} n${node} ${module}: ${text}`);
  }

  private traceRec(k: string, node: NodeId, data: Record<string, unknown>): void {
    this.trace?.({ i: this.eventIndex, t: this.nowUs, k, node, ...data });
  }

  // ---- systematic search hooks (sim/choice.ts) ---------------------------------------------------

  private noteSend(src: NodeId, dst: NodeId, module: string, type: string, fifo: boolean): void {
    const s = this.sending;
    s.src = src;
    s.dst = dst;
    s.module = module;
    s.type = type;
    s.fifo = fifo;
  }

  /**
   * A fault point (an observation kind named in choices.faultAt) on `node`: one tape decision, 0 = no
   * fault, k = the k-th of faultOptions(). The fault strikes right after the current handler.
   */
  private choiceFaultAt(node: NodeId): void {
    if (this.healed || node === 0 || !this.isUp(node)) return;
    const options = faultOptions(this.config.choices ?? {}, node, this);
    this.pointOptions = options.length;
    this.pointOptionList = options;
    const o = options[this.tape.decide(DecisionKind.fault, 0) - 1];
    if (o === undefined) return;
    const ev = event(Ev.EngineFn, this.nowUs, 0, 0, () => this.choiceFault(o), o, 0, `fault:${o.kind}`);
    this.pushFirst(this.nowUs, ev);
  }

  /** The live holders of a role now (role targets of check's fault options), ascending. */
  roleNodes(role: string, resource: string | undefined): readonly NodeId[] | undefined {
    return roleCandidates(resource !== undefined ? { role, resource } : { role }, this.roles, this);
  }

  private choiceFault(o: FaultOption): void {
    if (this.healed) return;
    const spec = o.kind === 'isolate'
      ? { kind: 'partition', shape: 'isolate' as const, atUs: this.nowUs, node: o.node, durationUs: o.durationUs }
      : o.kind === 'restart' ? { kind: 'restart', atUs: this.nowUs, node: o.node }
      : { kind: o.kind, atUs: this.nowUs, node: o.node, ...(o.durationUs > 0 ? { durationUs: o.durationUs } : {}) };
    this.fireFault(spec, -1); // a search-chosen fault: not one of the schedule's
  }

  /** Objects a state digest never walks into: the engine itself (its state is digested field by field). */
  readonly isEngineObject = (o: object): boolean => o instanceof World || o instanceof ModuleContext ||
    o instanceof Host || o instanceof Tape || o instanceof Stream || o instanceof Network || o instanceof SharedDisk;

  /** End the run after the current event (a search cut it: the rest repeats a state already seen). */
  halt(): void {
    this.stopped = true;
  }

  /**
   * Everything the future of this run depends on, into `h`: time, hosts (modules through their
   * digest() or their fields), pending events in pop order, network, disk, random-stream positions,
   * checkers, violations. Closures (deferred work, coroutines) are opaque: see docs/check.md.
   */
  stateDigest(h: StateHasher): void {
    h.num(this.nowUs);
    h.num(this.healed ? 1 : 0);
    for (const id of this.nodes) this.hostDigest(h, this.hosts[id]!);
    for (const ev of this.queue.ordered()) if (!this.deadTimer(ev)) this.eventDigest(h, ev);
    for (const k of Object.keys(this.network)) {
      if (!NETWORK_NOISE.has(k)) h.value((this.network as unknown as Record<string, unknown>)[k]);
    }
    for (const k of Object.keys(this.disk)) {
      if (!NETWORK_NOISE.has(k)) h.value((this.disk as unknown as Record<string, unknown>)[k]);
    }
    for (const [label, draws] of this.seeds.positions()) {
      h.str(label);
      h.num(draws);
    }
    for (const c of this.checkers) h.value(c);
    h.value([...this.violated].sort());
    h.value(this.timerGen.length);
  }

  private hostDigest(h: StateHasher, host: Host): void {
    h.num(host.up ? (host.paused ? 2 : 1) : 0);
    h.num(host.incarnation);
    h.value(host.clock);
    h.value(host.durable);
    for (const ev of host.held) if (!this.deadTimer(ev)) this.eventDigest(h, ev);
    for (const m of host.modules) {
      h.str(m.name);
      h.value(m.digest !== undefined ? m.digest() : m);
    }
  }

  private eventDigest(h: StateHasher, ev: Event): void {
    h.num(ev.k);
    h.num(ev.t - this.nowUs);
    h.num(ev.node);
    h.num(ev.inc);
    if (ev.k === Ev.Deliver) {
      h.num(ev.src);
      h.str(ev.module);
      h.value(ev.msg);
      h.num(ev.fifo ? 1 : 0);
      h.num(ev.srcInc);
      h.num(ev.dstInc);
    } else if (ev.k === Ev.Timer) {
      h.num(ev.m);
      h.value(ev.a);
      h.num(ev.b as number);
    } else {
      h.str(ev.label);
      h.value(ev.b);
    }
  }

  private finish(): RunResult {
    this.unreachedPoints();
    for (const c of this.checkers) {
      if (c.onEnd === undefined) continue;
      this.current = c;
      c.onEnd(this);
    }
    this.current = undefined;
    const metrics: Record<string, number> = {
      messagesSent: this.network.sent,
      messagesDropped: this.network.dropped,
      diskWritesAccepted: this.disk.writesAccepted,
      diskWritesRejected: this.disk.writesRejected,
    };
    for (const o of [...this.checkers, ...this.observers]) if (o.metrics) Object.assign(metrics, o.metrics(this));
    const coverage: Record<string, boolean> = {};
    for (const c of this.checkers) if (c.kind === 'sometimes') coverage[c.name] = this.covered.has(c.name);
    return {
      scenario: this.config.scenario,
      protocol: this.config.protocol,
      seed: this.config.seed,
      ok: this.violations.length === 0,
      traceHash: this.hash.hex(),
      events: this.eventIndex,
      simTimeUs: this.nowUs,
      violations: this.violations,
      faultsFired: this.fired,
      faultsNotFired: [...this.notFired].sort((a, b) => a.index - b.index || a.atUs - b.atUs),
      faultPoints: this.pointReport(),
      coverage,
      metrics,
      tapeLength: this.tape.length,
    };
  }
}
