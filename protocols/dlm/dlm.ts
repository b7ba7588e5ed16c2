// Module 'dlm': the distributed lock manager on one host. Holds this node's lockspaces, routes
// their messages and timers, and hands out the API (`ctx.module<Dlm>('dlm').lockspace(name)`).
// Needs module 'cman' (ClusterApi) below it. Volatile only: a restart starts with no lockspaces.
import type { Context, Module, NodeId } from '../../sim/types.ts';
import { Lockspace } from './lockspace.ts';
import type { AppMsg, DlmBugs, LostLvbSignal } from './lockspace.ts';
import type { ChannelAck, ChannelData, ChannelTimerTag } from './channel.ts';
import type { RcMsg, RcTimerTag } from './recovery.ts';
import { LockspaceHandle } from './api.ts';
import { assertLvbSize } from './lvb.ts';

export const DEFAULT_LVB_SIZE = 32;

export interface DlmOptions {
  bugs?: DlmBugs;
}

export class Dlm implements Module<DlmWireMessage, DlmTimerTag> {
  readonly name = 'dlm';
  readonly lockspaces = new Map<string, Lockspace>();
  private readonly handles = new Map<string, LockspaceHandle>();
  private ctx: DlmContext | undefined;

  constructor(private readonly opts: DlmOptions = {}) {}

  onStart(ctx: DlmContext): void {
    this.ctx = ctx;
  }

  /**
   * Create (first call) or get this node's lockspace `name`, joining its level-1 service group.
   * `lvbSize` is a multiple of 8 (default 32) and must be the same on every node.
   */
  lockspace(name: string, opts: { lvbSize?: number; lostLvb?: LostLvbSignal } = {}): LockspaceHandle {
    const ctx = this.ctx;
    if (ctx === undefined) throw new Error('dlm.lockspace() called before the dlm module started (order the stack cman, dlm, users)');
    const lvbSize = opts.lvbSize ?? DEFAULT_LVB_SIZE;
    assertLvbSize(lvbSize);
    const lostLvb = opts.lostLvb ?? 'valnotvalid';
    if (lostLvb !== 'valnotvalid' && lostLvb !== 'zero') throw new Error(`lockspace ${name}: lostLvb must be 'valnotvalid' or 'zero', got '${String(lostLvb)}'`);
    const existing = this.handles.get(name);
    if (existing !== undefined) {
      if (existing.lvbSize !== lvbSize) throw new Error(`lockspace ${name} exists with LVB size ${existing.lvbSize}, not ${lvbSize}`);
      if (existing.lostLvb !== lostLvb) throw new Error(`lockspace ${name} exists with lostLvb '${existing.lostLvb}', not '${lostLvb}'`);
      return existing;
    }
    const ls = new Lockspace(ctx, name, { lvbSize, lostLvb }, this.opts.bugs ?? {});
    this.lockspaces.set(name, ls);
    const h = new LockspaceHandle(ls, ctx);
    this.handles.set(name, h);
    ls.join();
    return h;
  }

  onMessage(_ctx: DlmContext, from: NodeId, m: DlmWireMessage): void {
    const ls = this.lockspaces.get(m.ls);
    if (ls === undefined) return; // this node does not use that lockspace (yet)
    switch (m.type) {
      case 'dlm-data': return ls.channel.onData(from, m);
      case 'dlm-ack': return ls.channel.onAck(from, m);
      case 'dlm-rc': return ls.onRc(from, m);
    }
  }

  onTimer(_ctx: DlmContext, t: DlmTimerTag): void {
    this.lockspaces.get(t.ls)?.onTimer(t);
  }
}

/** The DLM's messages on the wire: channel data (carrying lockspace messages) and acks, and recovery-phase messages. */
export type DlmWireMessage = ChannelData<AppMsg> | ChannelAck | RcMsg;

/** The DLM's timer tags: the channel's retransmit timer and a recovery event's resend timer. */
export type DlmTimerTag = ChannelTimerTag | RcTimerTag;

/** The DLM module's context: it sends only DLM wire messages and sets only DLM timers. */
export type DlmContext = Context<DlmWireMessage, DlmTimerTag>;
