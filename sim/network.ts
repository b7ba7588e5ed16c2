// The simulated network: per-link latency, loss, duplication and reordering; FIFO channels on
// request; symmetric and one-way partitions; clogging (hold, then release in order); and
// message-type filters. Every random choice goes through the decision tape.
import type { NodeId, Message } from './types.ts';
import type { Tape } from './tape.ts';
import { DecisionKind } from './tape.ts';
import type { Stream } from './rng.ts';

export interface LinkConfig {
  latencyMinUs: number;
  latencyMaxUs: number;
  /** Probability a datagram is lost. FIFO channels are never lossy (they model TCP). */
  loss: number;
  /** Probability a datagram is delivered twice. */
  duplicate: number;
}

export const DEFAULT_LINK: LinkConfig = { latencyMinUs: 100, latencyMaxUs: 1_000, loss: 0, duplicate: 0 };

export interface Filter {
  /** Message type to drop (undefined = any). */
  type?: string;
  from?: NodeId;
  to?: NodeId;
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

/** Why a packet was not delivered. */
export type DropReason = 'loss' | 'partition' | 'filter' | 'down' | 'stale';

export class Network {
  private readonly n: number;
  private readonly blocked: Uint8Array;
  private readonly clogged: Uint8Array;
  private readonly fifoLastUs: Float64Array;
  private readonly links: (LinkConfig | undefined)[];
  private held: Packet[] = [];
  private filters: Filter[] = [];
  private nextId = 1;
  sent = 0;
  dropped = 0;

  constructor(
    readonly maxNode: number,
    private defaults: LinkConfig,
    private readonly tape: Tape,
    private readonly rng: Stream,
  ) {
    this.n = maxNode + 1;
    this.blocked = new Uint8Array(this.n * this.n);
    this.clogged = new Uint8Array(this.n * this.n);
    this.fifoLastUs = new Float64Array(this.n * this.n);
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

  /**
   * Decide the fate of a send: returns the delivery times (empty if lost, two if duplicated).
   * Self-sends are delivered at once and are never lost.
   */
  route(nowUs: number, src: NodeId, dst: NodeId, fifo: boolean): number[] {
    this.sent++;
    if (src === dst) return [nowUs];
    const cfg = this.link(src, dst);
    if (!fifo) {
      const lost = this.tape.decide(DecisionKind.drop, this.rng.chance(cfg.loss) ? 1 : 0);
      if (lost !== 0) {
        this.dropped++;
        return [];
      }
    }
    const at = nowUs + cfg.latencyMinUs + this.delay(cfg);
    if (fifo) {
      const pair = src * this.n + dst;
      const t = Math.max(at, this.fifoLastUs[pair]!);
      this.fifoLastUs[pair] = t;
      return [t];
    }
    const dup = this.tape.decide(DecisionKind.duplicate, this.rng.chance(cfg.duplicate) ? 1 : 0);
    if (dup !== 0) return [at, nowUs + cfg.latencyMinUs + this.delay(cfg)];
    return [at];
  }

  private delay(cfg: LinkConfig): number {
    const span = cfg.latencyMaxUs - cfg.latencyMinUs;
    const drawn = span > 0 ? Math.floor(this.rng.next() * (span + 1)) : 0;
    return this.tape.decide(DecisionKind.delayUs, drawn);
  }

  newPacketId(): number {
    return this.nextId++;
  }

  /** At delivery time: may the packet pass? 'hold' means it waits in a clog. */
  check(p: Packet): 'ok' | 'hold' | DropReason {
    if (p.src === p.dst) return 'ok';
    const pair = p.src * this.n + p.dst;
    if (this.blocked[pair] !== 0) return 'partition';
    for (const f of this.filters) {
      if ((f.type === undefined || f.type === p.msg.type) && (f.from === undefined || f.from === p.src) &&
        (f.to === undefined || f.to === p.dst)) return 'filter';
    }
    if (this.clogged[pair] !== 0) return 'hold';
    return 'ok';
  }

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

  /** Block src→dst (one way). */
  block(src: NodeId, dst: NodeId, on: boolean): void {
    if (src !== dst) this.blocked[src * this.n + dst] = on ? 1 : 0;
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

  clog(src: NodeId, dst: NodeId, on: boolean): void {
    if (src !== dst) this.clogged[src * this.n + dst] = on ? 1 : 0;
  }

  addFilter(f: Filter): void {
    this.filters.push(f);
  }

  removeFilter(f: Filter): void {
    this.filters = this.filters.filter((x) => x !== f);
  }

  /** Heal everything: partitions, clogs and filters. Held packets are returned for release. */
  healAll(): Packet[] {
    this.blocked.fill(0);
    this.clogged.fill(0);
    this.filters = [];
    return this.releaseUnclogged();
  }

  /** True when no partition, clog or filter is in force. */
  isHealed(): boolean {
    return this.filters.length === 0 && !this.blocked.some((b) => b !== 0) && !this.clogged.some((c) => c !== 0);
  }
}
