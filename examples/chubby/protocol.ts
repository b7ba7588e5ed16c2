// A Chubby-style lock service with sequencers, written only against Lockstep's public API.
// Node 1 is the lock master; every other node is a client that takes the lock, and while it holds
// it does read-modify-write updates of one shared file, each write carrying the lock's sequencer
// as a fencing token that the storage checks. `lockstep run --plugin examples/chubby/protocol.ts`.
import { defineProtocol } from '../../index.ts';
import type { Context, Message, Module, NodeId } from '../../index.ts';
import { checkerInfo, lockProgress, sequencedWrites, sequencersIncrease, staleWriteFenced } from './checkers.ts';

/** The shared file every holder updates, and the scope of its fencing tokens. */
export const FILE = 'chubby/file';

export interface ChubbyOptions {
  /** How long a grant lasts at the master, µs. */
  leaseUs: number;
  /** The client's safety margin: it stops using a lease this long before it would end, µs. */
  guardUs: number;
  /** The client's tick: ask for the lock, renew it, start an update, µs. */
  tickUs: number;
}

export interface ChubbyFlaws {
  /** Writes carry no sequencer, so the storage cannot refuse a stale holder. */
  noSequencer: boolean;
  /** The master keeps its sequence number in memory: after a restart it counts from 1 again. */
  volatileSequencer: boolean;
}

/** The file's content: who wrote it last, under which sequencer, and a counter. */
export interface FileValue {
  node: NodeId;
  seq: number;
  n: number;
}

/** Parse the `cluster` block: `chubbyLeaseUs`, `chubbyGuardUs`, `chubbyTickUs` (all optional). */
export function parseChubbyOptions(cluster: Readonly<Record<string, unknown>>, nodes: number): ChubbyOptions {
  if (nodes < 2) throw new Error(`nodes: expected at least 2 (node 1 is the lock master), got ${nodes}`);
  const num = (key: string, dflt: number): number => {
    const v = cluster[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`cluster.${key}: expected a positive whole number of µs, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const o = { leaseUs: num('chubbyLeaseUs', 600_000), guardUs: num('chubbyGuardUs', 100_000), tickUs: num('chubbyTickUs', 100_000) };
  if (o.guardUs >= o.leaseUs) {
    throw new Error(`cluster.chubbyGuardUs: expected less than chubbyLeaseUs (${o.leaseUs}), got ${o.guardUs}`);
  }
  return o;
}

const SEQ_KEY = 'chubby/seq';

/** The lock master (node 1): grants one lease at a time, each new grant under a new sequencer. */
export class Master implements Module {
  readonly name = 'chubby';
  private holder: NodeId = 0;
  private seq = 0;
  private leaseEndUs = 0;
  /** After a restart the master does not know the holder: it grants nothing until any old lease ended. */
  private graceUntilUs = 0;

  constructor(private readonly opts: ChubbyOptions, private readonly flaws: ChubbyFlaws) {}

  onStart(): void {}

  onRecover(ctx: Context): void {
    const stored = ctx.storage(SEQ_KEY);
    this.seq = this.flaws.volatileSequencer || typeof stored !== 'number' ? 0 : stored;
    this.graceUntilUs = ctx.now() + this.opts.leaseUs;
  }

  onMessage(ctx: Context, from: NodeId, msg: Message): void {
    if (msg.type === 'acquire') this.acquire(ctx, from);
    else if (msg.type === 'keepalive') this.keepalive(ctx, from, msg.seq as number);
  }

  private acquire(ctx: Context, from: NodeId): void {
    const now = ctx.now();
    if (now < this.graceUntilUs) return;
    if (this.holder === from && now < this.leaseEndUs) {
      this.leaseEndUs = now + this.opts.leaseUs;
      ctx.send(from, { type: 'grant', seq: this.seq });
      return;
    }
    if (this.holder !== 0 && now < this.leaseEndUs) return;
    this.seq += 1;
    // Durable before it is handed out: a restarted master never reuses a sequencer.
    if (!this.flaws.volatileSequencer) ctx.persist(SEQ_KEY, this.seq);
    this.holder = from;
    this.leaseEndUs = now + this.opts.leaseUs;
    ctx.observe('grant', { to: from, seq: this.seq });
    ctx.send(from, { type: 'grant', seq: this.seq });
  }

  private keepalive(ctx: Context, from: NodeId, seq: number): void {
    const now = ctx.now();
    if (this.holder === from && this.seq === seq && now < this.leaseEndUs) {
      this.leaseEndUs = now + this.opts.leaseUs;
      ctx.send(from, { type: 'renewed', seq });
    } else ctx.send(from, { type: 'lost', seq });
  }
}

/** A client: holds the lock for a lease, and updates the file while it believes it holds it. */
export class Client implements Module {
  readonly name = 'chubby';
  private seq = 0;
  /** Local time until which the client trusts its lease (0: not holding). */
  private trustUntilUs = 0;
  /** When the last acquire or keepalive was sent: a grant's lease counts from there. */
  private askedAtUs = 0;
  private updating = false;

  constructor(private readonly opts: ChubbyOptions, private readonly flaws: ChubbyFlaws) {}

  onStart(ctx: Context): void {
    ctx.setTimer(this.opts.tickUs, 'tick');
  }

  onTimer(ctx: Context, tag: unknown): void {
    if (tag !== 'tick') {
      this.write(ctx, tag as FileValue);
      return;
    }
    ctx.setTimer(this.opts.tickUs, 'tick');
    const now = ctx.now();
    this.askedAtUs = now;
    if (!this.holding(ctx)) {
      ctx.send(MASTER, { type: 'acquire' });
      return;
    }
    ctx.send(MASTER, { type: 'keepalive', seq: this.seq });
    if (!this.updating) this.update(ctx);
  }

  onMessage(ctx: Context, _from: NodeId, msg: Message): void {
    const seq = msg.seq as number;
    if (msg.type === 'grant' || (msg.type === 'renewed' && seq === this.seq)) {
      this.seq = seq;
      this.trustUntilUs = this.askedAtUs + this.opts.leaseUs - this.opts.guardUs;
    } else if (msg.type === 'lost' && seq === this.seq) this.trustUntilUs = 0;
  }

  private holding(ctx: Context): boolean {
    return this.trustUntilUs > 0 && ctx.now() < this.trustUntilUs;
  }

  /**
   * Read, work on the value for half a tick, then write the counter + 1 under the sequencer the
   * update started with. The lease was checked when the update started, not when the write goes
   * out: a pause in between (GC, SIGSTOP) makes this a stale holder's write, which only the
   * sequencer check at the storage refuses.
   */
  private update(ctx: Context): void {
    const seq = this.seq;
    this.updating = true;
    ctx.disk.read(FILE, (r) => {
      const prev = r.value as FileValue | undefined;
      const value: FileValue = { node: ctx.node, seq, n: (prev?.n ?? 0) + 1 };
      ctx.setTimer(Math.floor(this.opts.tickUs / 2), value);
    });
  }

  private write(ctx: Context, value: FileValue): void {
    const opts = this.flaws.noSequencer ? {} : { token: value.seq, tokenScope: FILE };
    ctx.disk.write(FILE, value, (w) => {
      this.updating = false;
      if (!w.ok && w.reason === 'stale-token' && value.seq === this.seq) this.trustUntilUs = 0;
    }, opts);
  }
}

const MASTER: NodeId = 1;

export const chubby = defineProtocol({
  name: 'chubby',
  description: 'Example plugin: a Chubby-style lock service whose holders fence their writes with the lock sequencer.',
  options: parseChubbyOptions,
  checkers: checkerInfo,
  variants: [
    {
      name: 'no-sequencer',
      flaw: 'Writes carry no sequencer: a holder paused mid-update overwrites the file after its successor wrote it.',
      caughtBy: ['chubby-sequenced-writes'],
    },
    {
      name: 'volatile-sequencer',
      flaw: 'The master keeps its sequence number in memory: after a restart it hands out old sequencers again.',
      caughtBy: ['chubby-sequencers-increase'],
    },
  ],
  build({ options, variant, healAtUs, deadlineUs }) {
    const flaws: ChubbyFlaws = { noSequencer: variant === 'no-sequencer', volatileSequencer: variant === 'volatile-sequencer' };
    return {
      stack: (node) => [node === MASTER ? new Master(options, flaws) : new Client(options, flaws)],
      checkers: [sequencedWrites(), sequencersIncrease(), lockProgress(healAtUs, deadlineUs), staleWriteFenced()],
    };
  },
  sourceFiles: ['protocol.ts', 'checkers.ts'],
});

export default chubby;
