// A reliable FIFO connection per peer over the engine's FIFO links (the kernel DLM runs on TCP):
// sequence numbers, cumulative acks and go-back-N retransmission, so a message survives a short
// partition the membership layer never notices. A connection is (sender incarnation, connection
// number); a reset opens a new one and a receiver adopts the newest it sees.
// Volatile only: a restart opens new connections (a new incarnation).
import type { Context, NodeId } from '../../sim/types.ts';

export const RETRANSMIT_US = 200_000;

/** A data message carrying one body `B`: a self-delivery, or (inc, conn, seq) on a connection. */
export type ChannelData<B> = { type: 'dlm-data'; ls: string; self?: boolean; inc?: number; conn?: number; seq?: number; body: B };
/** A cumulative ack: everything up to `seq` on connection `conn` arrived. */
export type ChannelAck = { type: 'dlm-ack'; ls: string; conn: number; seq: number };
/** The channel's one timer: retransmit what is unacknowledged. */
export type ChannelTimerTag = { ls: string; kind: 'chan' };

interface Out<B> {
  conn: number;
  nextSeq: number;
  unacked: { seq: number; body: B }[];
}

interface In {
  inc: number;
  conn: number;
  expect: number;
}

export class Channel<B> {
  private readonly out = new Map<NodeId, Out<B>>();
  private readonly inn = new Map<NodeId, In>();
  private nextConn = 1;
  private timerArmed = false;

  private readonly timerTag: ChannelTimerTag;

  constructor(
    private readonly ctx: Context<ChannelData<B> | ChannelAck, ChannelTimerTag>,
    /** The lockspace: stamped on every wire message and timer tag (one channel per lockspace). */
    private readonly ls: string,
    private readonly deliver: (from: NodeId, body: B) => void,
  ) {
    this.timerTag = { ls, kind: 'chan' };
  }

  /** Self-messages sent and not yet delivered (a local master is reached by a self-message). */
  private selfInFlight = 0;

  /** Nothing sent to `peer` is still unacknowledged (or, for this node, undelivered). */
  idleWith(peer: NodeId): boolean {
    if (peer === this.ctx.node) return this.selfInFlight === 0;
    return (this.out.get(peer)?.unacked.length ?? 0) === 0;
  }

  send(to: NodeId, body: B): void {
    if (to === this.ctx.node) {
      this.selfInFlight++;
      this.ctx.send(to, { type: 'dlm-data', ls: this.ls, self: true, body }, { fifo: true });
      return;
    }
    let o = this.out.get(to);
    if (o === undefined) this.out.set(to, (o = { conn: this.nextConn++, nextSeq: 0, unacked: [] }));
    const seq = o.nextSeq++;
    o.unacked.push({ seq, body });
    this.transmit(to, o, seq, body);
    this.arm();
  }

  /** Forget everything queued to and from `peer` (it left); later traffic uses a new connection. */
  reset(peer: NodeId): void {
    this.out.delete(peer);
    this.inn.delete(peer);
  }

  resetAll(): void {
    this.out.clear();
    this.inn.clear();
  }

  onData(from: NodeId, msg: ChannelData<B>): void {
    if (msg.self === true) {
      this.selfInFlight--;
      this.deliver(from, msg.body);
      return;
    }
    const inc = msg.inc!;
    const conn = msg.conn!;
    let i = this.inn.get(from);
    if (i === undefined || inc > i.inc || (inc === i.inc && conn > i.conn)) {
      this.inn.set(from, (i = { inc, conn, expect: 0 }));
    } else if (inc < i.inc || conn < i.conn) {
      return; // an older connection
    }
    if (msg.seq === i.expect) {
      i.expect++;
      this.deliver(from, msg.body);
    }
    this.ctx.send(from, { type: 'dlm-ack', ls: this.ls, conn, seq: i.expect - 1 }, { fifo: true });
  }

  onAck(from: NodeId, msg: { conn: number; seq: number }): void {
    const o = this.out.get(from);
    if (o === undefined || o.conn !== msg.conn) return;
    while (o.unacked.length > 0 && o.unacked[0]!.seq <= msg.seq) o.unacked.shift();
  }

  onTimer(): void {
    this.timerArmed = false;
    let pending = false;
    for (const peer of [...this.out.keys()].sort((a, b) => a - b)) {
      const o = this.out.get(peer)!;
      for (const u of o.unacked) this.transmit(peer, o, u.seq, u.body);
      if (o.unacked.length > 0) pending = true;
    }
    if (pending) this.arm();
  }

  private transmit(to: NodeId, o: Out<B>, seq: number, body: B): void {
    this.ctx.send(to, { type: 'dlm-data', ls: this.ls, inc: this.ctx.incarnation, conn: o.conn, seq, body }, { fifo: true });
  }

  private arm(): void {
    if (this.timerArmed) return;
    this.timerArmed = true;
    this.ctx.setTimer(RETRANSMIT_US, this.timerTag);
  }
}
