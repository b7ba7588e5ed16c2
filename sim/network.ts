// The simulated network: per-link latency, loss, duplication and reordering; FIFO channels on
// request; symmetric and one-way partitions; clogging (hold, then release in order); slow links
// (extra latency per directed link); and message-type filters by sender or by directed link. Every
// random choice goes through the decision tape.
import type { NodeId, Message } from './types.ts';
import type { Tape } from './tape.ts';
import { DecisionKind } from './tape.ts';
import type { Stream } from './rng.ts';

/**
 * How a link's latency is distributed between latencyMinUs and latencyMaxUs (a hard cap, so every
 * message arrives in bounded time): `uniform`; `exponential` (most messages near the minimum, mean
 * latencyMeanUs); `long-tail` (Lomax/Pareto II with shape 1.5 and mean latencyMeanUs: rare very late
 * messages, the usual cause of "it only happens under load").
 */
export type LatencyShape = 'uniform' | 'exponential' | 'long-tail';

export interface LinkConfig {
  latencyMinUs: number;
  latencyMaxUs: number;
  /** Default `uniform`. */
  latencyShape?: LatencyShape;
  /** Mean latency for `exponential` and `long-tail` (default: min + (max − min) / 10). */
  latencyMeanUs?: number;
  /** Probability a datagram is lost. FIFO channels are never lossy (they model TCP). */
  loss: number;
  /** Probability a datagram is delivered twice. */
  duplicate: number;
}

export const DEFAULT_LINK: LinkConfig = { latencyMinUs: 100, latencyMaxUs: 1_000, loss: 0, duplicate: 0 };

/** Shape parameter of the long-tail (Lomax) latency distribution. */
const LONG_TAIL_ALPHA = 1.5;

export interface Filter {
  /** Message type to drop (undefined = any). */
  type?: string;
  /** Senders whose messages are dropped (undefined = any). */
  from?: readonly NodeId[];
  /** Receivers (undefined = any). */
  to?: readonly NodeId[];
  /** Directed links (src, dst) whose messages are dropped (undefined = any). */
  pairs?: readonly (readonly [NodeId, NodeId])[];
}

/** A message on the wire. */
export interface Packet {
  src: NodeId;
  dst: NodeId;
  module: string;
  msg: Message;
  fifo: boolean;
  srcInc: number;
  dstInc: number;
  id: number;
}

/**
 * Why a packet was not delivered: random `loss`; a `partition` (cut at send or at arrival); a
 * message `filter`; the receiver was `down` or a newer incarnation (`stale` FIFO connection).
 */
export type DropReason = 'loss' | 'partition' | 'filter' | 'down' | 'stale';

export class Network {
  private readonly n: number;
  /** Per (src, dst): how many active faults block / clog it (faults compose; the last undo lifts it). */
  private readonly blocked: Uint16Array;
  private readonly clogged: Uint16Array;
  private readonly fifoLastUs: Float64Array;
  /** Extra latency per (src, dst) from slow-link faults (they add up). */
  private readonly slowUs: Float64Array;
  /** Why the last route() returned 0 copies. */
  lastDrop: DropReason = 'loss';
  private readonly links: (LinkConfig | undefined)[];
  private held: Packet[] = [];
  private filters: Filter[] = [];
  /** Active loss bursts (flaky-network faults); the effective loss is the highest of them and the link's. */
  private bursts: { loss: number }[] = [];
  private burstLoss = 0;
  private nextId = 1;
  /** Bumped by healAll: an undo scheduled before a heal must not lift a fault applied after it. */
  healGeneration = 0;
  sent = 0;
  dropped = 0;

  constructor(
    readonly maxNode: number,
    private defaults: LinkConfig,
    private readonly tape: Tape,
    private readonly rng: Stream,
  ) {
    this.n = maxNode + 1;
    this.blocked = new Uint16Array(this.n * this.n);
    this.clogged = new Uint16Array(this.n * this.n);
    this.fifoLastUs = new Float64Array(this.n * this.n);
    this.slowUs = new Float64Array(this.n * this.n);
    this.links = new Array(this.n * this.n);
  }

  setDefaults(cfg: LinkConfig): void {
    this.defaults = cfg;
  }

  /** Override one direction of one link. */
  setLink(src: NodeId, dst: NodeId, cfg: LinkConfig | undefined): void {
    this.links[src * this.n + dst] = cfg;
  }

  link(src: NodeId, dst: NodeId): LinkConfig {
    return this.links[src * this.n + dst] ?? this.defaults;
  }

  /** Delivery times decided by the last route() (no array per send on the hot path). */
  firstAtUs = 0;
  secondAtUs = 0;

  /**
   * Decide the fate of a send: returns how many copies arrive (0 lost, 2 duplicated), at
   * firstAtUs and secondAtUs. Self-sends are delivered at once and are never lost.
   */
  route(nowUs: number, src: NodeId, dst: NodeId, fifo: boolean): number {
    this.sent++;
    if (src === dst) {
      this.firstAtUs = nowUs;
      return 1;
    }
    if (this.blocked[src * this.n + dst] !== 0) {
      // Sent into a cut link: lost at once, even if the partition heals before it would have arrived.
      this.dropped++;
      this.lastDrop = 'partition';
      return 0;
    }
    const cfg = this.link(src, dst);
    if (!fifo) {
      const loss = this.burstLoss > cfg.loss ? this.burstLoss : cfg.loss;
      const lost = this.tape.decide(DecisionKind.drop, this.rng.chance(loss) ? 1 : 0);
      if (lost !== 0) {
        this.dropped++;
        this.lastDrop = 'loss';
        return 0;
      }
    }
    const slow = this.slowUs[src * this.n + dst]!;
    const at = nowUs + cfg.latencyMinUs + this.delay(cfg) + slow;
    if (fifo) {
      const pair = src * this.n + dst;
      const t = Math.max(at, this.fifoLastUs[pair]!);
      this.fifoLastUs[pair] = t;
      this.firstAtUs = t;
      return 1;
    }
    this.firstAtUs = at;
    const dup = this.tape.decide(DecisionKind.duplicate, this.rng.chance(cfg.duplicate) ? 1 : 0);
    if (dup === 0) return 1;
    this.secondAtUs = nowUs + cfg.latencyMinUs + this.delay(cfg) + slow;
    return 2;
  }

  private delay(cfg: LinkConfig): number {
    const span = cfg.latencyMaxUs - cfg.latencyMinUs;
    const drawn = span > 0 ? this.drawExtraUs(cfg, span) : 0;
    return this.tape.decide(DecisionKind.delayUs, drawn);
  }

  /** Latency above the minimum, an integer in [0, span]. One draw from the network stream. */
  private drawExtraUs(cfg: LinkConfig, span: number): number {
    const u = this.rng.next();
    const shape = cfg.latencyShape ?? 'uniform';
    if (shape === 'uniform') return Math.floor(u * (span + 1));
    const meanExtra = Math.max(1, (cfg.latencyMeanUs ?? cfg.latencyMinUs + span / 10) - cfg.latencyMinUs);
    const x = shape === 'exponential'
      ? -meanExtra * Math.log(1 - u)
      : meanExtra * (LONG_TAIL_ALPHA - 1) * (Math.pow(1 - u, -1 / LONG_TAIL_ALPHA) - 1);
    return Math.min(span, Math.floor(x));
  }

  newPacketId(): number {
    return this.nextId++;
  }

  /** At delivery time: may the packet pass? 'hold' means it waits in a clog. */
  check(p: Packet): 'ok' | 'hold' | DropReason {
    return this.checkPair(p.src, p.dst, p.msg.type);
  }

  /** check() for one receiver of a broadcast (no packet object per receiver). */
  checkPair(src: NodeId, dst: NodeId, type: string): 'ok' | 'hold' | DropReason {
    if (src === dst) return 'ok';
    const pair = src * this.n + dst;
    if (this.blocked[pair] !== 0) return 'partition';
    for (const f of this.filters) if (filters(f, src, dst, type)) return 'filter';
    if (this.clogged[pair] !== 0) return 'hold';
    return 'ok';
  }

  /**
   * A broadcast datagram from `src` to every other node of `nodes`, as one transmission: each receiver
   * is cut off or loses its copy on its own (one drop decision each, in id order), but the copies
   * that survive arrive together, at firstAtUs (and again at secondAtUs when duplicated: the
   * return is the number of copies). `reached` holds the receivers, ascending.
   */
  routeBroadcast(nowUs: number, src: NodeId, nodes: readonly NodeId[]): number {
    const reached: NodeId[] = [];
    this.unicastTo.length = 0;
    this.droppedTo.length = 0;
    let cfg: LinkConfig | undefined;
    for (let i = 0; i < nodes.length; i++) {
      const dst = nodes[i]!;
      if (dst === src) continue;
      // A slowed link has its own latency: that receiver gets its copy as an ordinary send.
      if (this.slowUs[src * this.n + dst] !== 0) {
        this.unicastTo.push(dst);
        continue;
      }
      this.sent++;
      if (this.blocked[src * this.n + dst] !== 0) {
        this.dropped++;
        this.droppedTo.push(dst, 0);
        continue;
      }
      const link = this.link(src, dst);
      const loss = this.burstLoss > link.loss ? this.burstLoss : link.loss;
      if (this.tape.decide(DecisionKind.drop, this.rng.chance(loss) ? 1 : 0) !== 0) {
        this.dropped++;
        this.droppedTo.push(dst, 1);
        continue;
      }
      cfg ??= link;
      reached.push(dst);
    }
    this.reached = reached;
    if (cfg === undefined) return 0;
    this.firstAtUs = nowUs + cfg.latencyMinUs + this.delay(cfg);
    const dup = this.tape.decide(DecisionKind.duplicate, this.rng.chance(cfg.duplicate) ? 1 : 0);
    if (dup === 0) return 1;
    this.secondAtUs = nowUs + cfg.latencyMinUs + this.delay(cfg);
    return 2;
  }

  /** The receivers the last routeBroadcast() reached. */
  reached: NodeId[] = [];
  /** Receivers of the last routeBroadcast() on a slowed link: the sender unicasts to them. */
  readonly unicastTo: NodeId[] = [];
  /** Receivers whose copy the last routeBroadcast() dropped, as pairs (node, 0 = partition, 1 = loss). */
  readonly droppedTo: number[] = [];

  hold(p: Packet): void {
    this.held.push(p);
  }

  /** Packets no longer clogged, in the order they were held. */
  releaseUnclogged(): Packet[] {
    const out: Packet[] = [];
    const keep: Packet[] = [];
    for (const p of this.held) (this.clogged[p.src * this.n + p.dst] !== 0 ? keep : out).push(p);
    this.held = keep;
    return out;
  }

  /** Block src→dst (one way). Blocks nest: each `on` needs its own `off`. */
  block(src: NodeId, dst: NodeId, on: boolean): void {
    if (src === dst) return;
    const i = src * this.n + dst;
    this.blocked[i] = on ? this.blocked[i]! + 1 : Math.max(0, this.blocked[i]! - 1);
  }

  isBlocked(src: NodeId, dst: NodeId): boolean {
    return this.blocked[src * this.n + dst] !== 0;
  }

  /** Split the cluster into groups that cannot talk to each other (nodes not listed keep their links). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (let a = 0; a < groups.length; a++) {
      for (let b = 0; b < groups.length; b++) {
        if (a === b) continue;
        for (const x of groups[a]!) for (const y of groups[b]!) this.block(x, y, true);
      }
    }
  }

  /** Clog src→dst: messages wait until released. Clogs nest like blocks. */
  clog(src: NodeId, dst: NodeId, on: boolean): void {
    if (src === dst) return;
    const i = src * this.n + dst;
    this.clogged[i] = on ? this.clogged[i]! + 1 : Math.max(0, this.clogged[i]! - 1);
  }

  /** Add (or, negative, remove) extra latency on src→dst. Slow links add up. */
  slow(src: NodeId, dst: NodeId, extraUs: number): void {
    if (src === dst) return;
    const i = src * this.n + dst;
    this.slowUs[i] = Math.max(0, this.slowUs[i]! + extraUs);
  }

  isClogged(src: NodeId, dst: NodeId): boolean {
    return this.clogged[src * this.n + dst] !== 0;
  }

  /** Start a burst of datagram loss on every link; pass the returned handle to endLossBurst. */
  addLossBurst(loss: number): { loss: number } {
    const burst = { loss };
    this.bursts.push(burst);
    this.burstLoss = Math.max(this.burstLoss, loss);
    return burst;
  }

  endLossBurst(burst: { loss: number }): void {
    this.bursts = this.bursts.filter((b) => b !== burst);
    this.burstLoss = this.bursts.reduce((m, b) => Math.max(m, b.loss), 0);
  }

  addFilter(f: Filter): void {
    this.filters.push(f);
  }

  removeFilter(f: Filter): void {
    this.filters = this.filters.filter((x) => x !== f);
  }

  /** Heal everything: partitions, clogs, filters and loss bursts. Held packets are returned for release. */
  healAll(): Packet[] {
    this.blocked.fill(0);
    this.clogged.fill(0);
    this.slowUs.fill(0);
    this.filters = [];
    this.bursts = [];
    this.burstLoss = 0;
    this.healGeneration++;
    return this.releaseUnclogged();
  }

  /** True when no partition, clog, filter or loss burst is in force. */
  isHealed(): boolean {
    return this.filters.length === 0 && this.bursts.length === 0 && !this.blocked.some((b) => b !== 0) &&
      !this.clogged.some((c) => c !== 0) && !this.slowUs.some((x) => x !== 0);
  }
}

/** Does filter `f` drop packet `p`? */
function filters(f: Filter, src: NodeId, dst: NodeId, type: string): boolean {
  if (f.type !== undefined && f.type !== type) return false;
  if (f.from !== undefined && !f.from.includes(src)) return false;
  if (f.to !== undefined && !f.to.includes(dst)) return false;
  return f.pairs === undefined || f.pairs.some(([a, b]) => a === src && b === dst);
}
