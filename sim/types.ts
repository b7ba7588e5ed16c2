// The engine's public types: hosts, modules, contexts, observations, checkers and run results.
// The engine knows nothing about locks or membership; protocols are stacks of modules.

/** Node ids start at 1, as cman node ids do. */
export type NodeId = number;

/** A message between two modules of the same name on two hosts. `type` names it for filters and traces. */
export interface Message {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface SendOptions {
  /** Deliver in send order on this (src, dst) pair, without random loss or duplication (a TCP-like channel). */
  fifo?: boolean;
}

export type TimerId = number;

/**
 * A key of the shared disk that names the type of the value stored under it. A plain string is one
 * (its value is then `unknown`); a protocol's key functions declare the type (`passwdKey(i):
 * DiskKey<PasswdBlock>`), so every reader and writer of that key agrees on it with no cast.
 */
export type DiskKey<V = unknown> = string & { readonly [diskValue]?: V };
declare const diskValue: unique symbol;

/** The result of an operation on the shared disk; `value` has the type its key names. */
export interface DiskResult<V = unknown> {
  ok: boolean;
  /** Why a write was rejected: `fenced`, `stale-token`, `version-conflict`, `device-failed`. */
  reason?: string;
  value?: V;
  version: number;
  /** Node that made the accepted write that produced `version` (0 = never written). */
  writer: NodeId;
  token: number;
}

export interface DiskWriteOptions {
  /** Reject unless the record is still at this version (compare-and-set). */
  expectVersion?: number;
  /** Fencing token: the disk rejects a write whose token is below the highest it has accepted for `tokenScope`. */
  token?: number;
  tokenScope?: string;
}

/** Client view of the shared disk for one host. Completions arrive as host events after the I/O latency. */
export interface DiskClient {
  /** The key alone decides `V` (NoInfer): a value of another type is a compile error, not a new `V`. */
  read<V>(key: DiskKey<V>, done: (r: DiskResult<NoInfer<V>>) => void): void;
  write<V>(key: DiskKey<V>, value: NoInfer<V>, done: (r: DiskResult<NoInfer<V>>) => void, opts?: DiskWriteOptions): void;
  /** Ask the I/O fence device to fence `victim`: completes with ok=false when the device fails. */
  fence(victim: NodeId, done: (ok: boolean) => void): void;
  /** Re-register this host with the fence device (done at boot, like SCSI-3 PR registration). */
  unfence(done: (ok: boolean) => void): void;
}

/** A labelled, deterministic random stream. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/**
 * Everything a module may do. Handlers act only through this. `M`, `T` and `S` are the module's own
 * messages, timer tags and durable keys → values; the defaults leave a module untyped.
 */
export interface Context<M extends Message = Message, T = unknown, S extends object = Record<string, unknown>> {
  readonly node: NodeId;
  readonly incarnation: number;
  /** All node ids configured in the cluster, ascending. */
  readonly allNodes: readonly NodeId[];
  /** This host's local clock in microseconds (offset and drift applied). */
  now(): number;
  send(to: NodeId, msg: M, opts?: SendOptions): void;
  /**
   * Send a datagram to every other configured node as one transmission (a LAN multicast): loss and
   * cuts apply per receiver, but the copies that arrive arrive together, in one event.
   */
  broadcast(msg: M): void;
  /** Fire `onTimer(tag)` after `delayUs` of local time. */
  setTimer(delayUs: number, tag: T): TimerId;
  cancelTimer(id: TimerId): void;
  /** This host's random stream (`node:<id>`). */
  random(): Rng;
  /** Durable state: survives crashes and restarts. */
  persist<K extends keyof S & string>(key: K, value: S[K]): void;
  storage<K extends keyof S & string>(key: K): S[K] | undefined;
  readonly disk: DiskClient;
  /** Another module on the same host, by name (local calls are synchronous). */
  module<T extends Module>(name: string): T;
  /** Run `fn` as a host event at the current instant, after the current handler (used to avoid re-entrancy). */
  defer(fn: () => void): void;
  log(text: string): void;
  /** Report a protocol-level observation to the checkers and the trace. */
  observe(kind: string, data: Record<string, unknown>): void;
  /**
   * Name a point where a fault matters ("EX granted, LVB not yet written"): a scenario may crash,
   * pause or delay this node at the k-th hit. The name must be declared by the protocol. A crash
   * here takes effect at once: the rest of the handler runs as a ghost whose effects are dropped.
   */
  faultPoint(name: string): void;
}

/**
 * A protocol module: a state machine. Fields of the instance are volatile (lost on crash);
 * anything that must survive goes through `ctx.persist`. A restart builds a fresh instance.
 *
 * `Module<M, T, S>` types the module's messages, timer tags and durable storage. The engine ties
 * them together by routing, so no handler needs a cast: a message is delivered only to the module
 * of the same name that sent it (so `onMessage` sees only `M`), a timer fires only in the module
 * that set it (`onTimer` sees only `T`), and storage is kept per module name (`storage` returns
 * only what this module's `persist` wrote, an `S` value).
 */
export interface Module<M extends Message = Message, T = unknown, S extends object = Record<string, unknown>> {
  readonly name: string;
  /** First boot (incarnation 1). */
  onStart?(ctx: Context<M, T, S>): void;
  /** Boot after a crash: rebuild volatile state from `ctx.storage`. Defaults to `onStart`. */
  onRecover?(ctx: Context<M, T, S>): void;
  onMessage?(ctx: Context<M, T, S>, from: NodeId, msg: M): void;
  onTimer?(ctx: Context<M, T, S>, tag: T): void;
  /**
   * The module's state for systematic search (`lockstep check`), as data to hash: everything its
   * future depends on, nothing it does not (counters kept only for metrics). Default: its fields.
   */
  digest?(): unknown;
}

export type StackFactory = (node: NodeId) => Module[];

/** What checkers see. `seq` is the event index, `atUs` the true simulated time. */
export interface Observation {
  readonly seq: number;
  readonly atUs: number;
  readonly kind: string;
  readonly node: NodeId;
  readonly data: Record<string, unknown>;
}

export type PropertyKind = 'always' | 'eventually' | 'sometimes';

export interface Violation {
  checker: string;
  kind: PropertyKind | 'budget' | 'exception';
  atEvent: number;
  atUs: number;
  message: string;
}

/** Read-only view of the world for checkers, plus the means to report. */
export interface CheckerWorld {
  readonly nowUs: number;
  readonly eventIndex: number;
  /** True once the fault phase has ended and the network is healed. */
  readonly healed: boolean;
  readonly healAtUs: number;
  readonly nodes: readonly NodeId[];
  isUp(node: NodeId): boolean;
  isPaused(node: NodeId): boolean;
  incarnation(node: NodeId): number;
  isFenced(node: NodeId): boolean;
  /** Time at which `node` was last fenced (−1 if not fenced now). */
  fencedAtUs(node: NodeId): number;
  /** True when messages can flow both ways between a and b right now. */
  connected(a: NodeId, b: NodeId): boolean;
  /** Messages sent so far (all modules), for message-cost metrics. */
  readonly messagesSent?: number;
  /** The module instance currently running on a live host, for state inspection. */
  module<T extends Module>(node: NodeId, name: string): T | undefined;
  violate(message: string): void;
  cover(): void;
}

/** A named property. */
export interface Checker {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly description: string;
  /** Called for every observation (engine-level and protocol-level). */
  onObservation?(obs: Observation, w: CheckerWorld): void;
  /** `eventually` checkers: called once at healAtUs + deadline. */
  onDeadline?(w: CheckerWorld): void;
  /** Called when the run ends (all kinds). */
  onEnd?(w: CheckerWorld): void;
}

export type CheckerFactory = () => Checker;

export interface FaultFired {
  kind: string;
  atUs: number;
  nodes: NodeId[];
  detail?: string;
  /** Index of the fault in the run's schedule. */
  index?: number;
  /** A role target and the node it resolved to when the fault fired (`role`: "owner of snap0"). */
  role?: string;
  /** The fault point it fired at, and which hit of it. */
  point?: string;
  hit?: number;
}

/** A fault of the schedule that did not fire, and why: visible, never a silent pass. */
export interface FaultNotFired {
  index: number;
  kind: string;
  atUs: number;
  reason: string;
}

/** A fault point and how often nodes reached it during the run. */
export interface FaultPointHits {
  name: string;
  hits: number;
}

export interface RunResult {
  scenario: string;
  protocol: string;
  seed: number;
  ok: boolean;
  traceHash: string;
  events: number;
  simTimeUs: number;
  violations: Violation[];
  faultsFired: FaultFired[];
  /** Faults of the schedule that never fired (a role that resolved to nobody, a point never reached …). */
  faultsNotFired: FaultNotFired[];
  /** Fault points reached in this run (and points a fault waited for, even if never reached), by name. */
  faultPoints: FaultPointHits[];
  /** `sometimes` checkers: did the run reach the case? */
  coverage: Record<string, boolean>;
  metrics: Record<string, number>;
  /** Decisions recorded on the tape (for replay and shrink). */
  tapeLength: number;
}

/** The fields every record of a finished run shares (results lines, compare outcomes, --json). */
export type RunSummary = Pick<RunResult, 'scenario' | 'protocol' | 'seed' | 'ok' | 'traceHash' | 'events' | 'simTimeUs' | 'violations'>;
