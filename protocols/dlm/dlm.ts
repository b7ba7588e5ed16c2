// Module 'dlm': the distributed lock manager on one host. Holds this node's lockspaces, routes
// their messages and timers, and hands out the API (`ctx.module<Dlm>('dlm').lockspace(name)`).
// Needs module 'cman' (ClusterApi) below it. Volatile only: a restart starts with no lockspaces.
import type { Context, Message, Module, NodeId } from '../../sim/types.ts';
import { Lockspace } from './lockspace.ts';
import type { DlmBugs } from './lockspace.ts';
import { LockspaceHandle } from './api.ts';
import { assertLvbSize } from './lvb.ts';

export const DEFAULT_LVB_SIZE = 32;

export interface DlmOptions {
  bugs?: DlmBugs;
}

export class Dlm implements Module {
  readonly name = 'dlm';
  readonly lockspaces = new Map<string, Lockspace>();
  private readonly handles = new Map<string, LockspaceHandle>();
  private ctx: Context | undefined;

  constructor(private readonly opts: DlmOptions = {}) {}

  onStart(ctx: Context): void {
    this.ctx = ctx;
  }

  /**
   * Create (first call) or get this node's lockspace `name`, joining its level-1 service group.
   * `lvbSize` is a multiple of 8 (default 32) and must be the same on every node.
   */
  lockspace(name: string, opts: { lvbSize?: number } = {}): LockspaceHandle {
    const ctx = this.ctx;
    if (ctx === undefined) throw new Error('dlm.lockspace() called before the dlm module started (order the stack cman, dlm, users)');
    const lvbSize = opts.lvbSize ?? DEFAULT_LVB_SIZE;
    assertLvbSize(lvbSize);
    const existing = this.handles.get(name);
    if (existing !== undefined) {
      if (existing.lvbSize !== lvbSize) throw new Error(`lockspace ${name} exists with LVB size ${existing.lvbSize}, not ${lvbSize}`);
      return existing;
    }
    const ls = new Lockspace(ctx, name, { lvbSize }, this.opts.bugs ?? {});
    this.lockspaces.set(name, ls);
    const h = new LockspaceHandle(ls, ctx);
    this.handles.set(name, h);
    ls.join();
    return h;
  }

  onMessage(_ctx: Context, from: NodeId, msg: Message): void {
    const ls = this.lockspaces.get(msg.ls as string);
    if (ls === undefined) return; // this node does not use that lockspace (yet)
    switch (msg.type) {
      case 'dlm-data': return ls.channel.onData(from, msg as never);
      case 'dlm-ack': return ls.channel.onAck(from, msg as never);
      case 'dlm-rc': return ls.onRc(from, msg as never);
    }
  }

  onTimer(_ctx: Context, tag: unknown): void {
    const t = tag as { ls: string; kind: string };
    this.lockspaces.get(t.ls)?.onTimer(t);
  }
}
