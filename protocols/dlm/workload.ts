// Module 'dlm-workload': a random lock workload for the standalone 'dlm' protocol. Each node runs a
// few coroutines that lock a small set of resources in random modes and flags, read and write value
// blocks, convert, cancel through AbortSignal, give way on blocking notifications, and unlock. New
// locks stop at `stopAtUs` (local time) so the healed phase can drain. Volatile only.
import type { Context, Module } from '../../sim/types.ts';
import { Sleeper } from '../sleeper.ts';
import type { Dlm } from './dlm.ts';
import type { LostLvbSignal } from './lockspace.ts';
import type { DlmLock, LockspaceHandle } from './api.ts';
import type { ModeName } from './modes.ts';
import type { LockFlags } from './flags.ts';
import { Status } from './flags.ts';
import { parseMode } from './modes.ts';
import { quecvtAllowed } from './validate.ts';

export interface DlmWorkloadOptions {
  lockspace: string;
  lvbSize: number;
  /** The lockspace's lost-value-block signal (default fs/dlm's VALNOTVALID). */
  lostLvb?: LostLvbSignal;
  resources: number;
  workersPerNode: number;
  holdUsMax: number;
  thinkUsMax: number;
  stopAtUs: number;
}

export const DEFAULT_WORKLOAD: DlmWorkloadOptions = {
  lockspace: 'ws', lvbSize: 32, resources: 4, workersPerNode: 2, holdUsMax: 60_000, thinkUsMax: 40_000, stopAtUs: 10_000_000,
};

const MODES: readonly ModeName[] = ['NL', 'CR', 'CW', 'PR', 'PW', 'EX', 'EX', 'PR', 'PW'];

/** The workload's timers: a sleeper's wake-up, or a request's abort, by number. */
type DlmWorkloadTimerTag = { sleep: number } | { abort: number };

export class DlmWorkload implements Module<never, DlmWorkloadTimerTag> {
  readonly name = 'dlm-workload';
  private ctx!: Context<never, DlmWorkloadTimerTag>;
  private ls!: LockspaceHandle;
  // Sleeps and abort timers share one id counter.
  private readonly sleeper = new Sleeper<DlmWorkloadTimerTag>((id) => ({ sleep: id }), () => this.nextTag++);
  private readonly aborts = new Map<number, AbortController>();
  private nextTag = 1;
  counter = 0;

  constructor(private readonly opts: DlmWorkloadOptions) {}

  onStart(ctx: Context<never, DlmWorkloadTimerTag>): void {
    this.ctx = ctx;
    const lost = this.opts.lostLvb !== undefined ? { lostLvb: this.opts.lostLvb } : {};
    this.ls = ctx.module<Dlm>('dlm').lockspace(this.opts.lockspace, { lvbSize: this.opts.lvbSize, ...lost });
    for (let i = 0; i < this.opts.workersPerNode; i++) ctx.spawn(`worker${i}`, () => this.worker());
  }

  onTimer(_ctx: Context<never, DlmWorkloadTimerTag>, t: DlmWorkloadTimerTag): void {
    if ('sleep' in t) {
      this.sleeper.wake(t.sleep);
    } else {
      this.aborts.get(t.abort)?.abort();
      this.aborts.delete(t.abort);
    }
  }

  private sleep(us: number): Promise<void> {
    return this.sleeper.sleep(this.ctx, us);
  }

  /** An AbortSignal that fires after `us` (to exercise cancellation). */
  private abortAfter(us: number): AbortSignal {
    const tag = this.nextTag++;
    const c = new AbortController();
    this.aborts.set(tag, c);
    this.ctx.setTimer(us, { abort: tag });
    return c.signal;
  }

  private flags(): LockFlags {
    const r = this.ctx.random();
    const f: LockFlags = {};
    if (r.chance(0.1)) f.noQueue = true;
    if (f.noQueue === true && r.chance(0.5)) f.noQueueBast = true;
    if (r.chance(0.05)) f.noOrder = true;
    if (r.chance(0.05)) f.altPr = true;
    return f;
  }

  private async worker(): Promise<void> {
    const r = this.ctx.random();
    await this.sleep(r.int(0, this.opts.thinkUsMax));
    while (this.ctx.now() < this.opts.stopAtUs) {
      await this.oneLock();
      await this.sleep(r.int(1_000, this.opts.thinkUsMax));
    }
  }

  private async oneLock(): Promise<void> {
    const r = this.ctx.random();
    const res = `r${r.int(0, this.opts.resources - 1)}`;
    const mode = r.pick(MODES);
    const valueBlock = r.chance(0.8);
    const signal = r.chance(0.15) ? this.abortAfter(r.int(0, 20_000)) : undefined;
    const lk = await this.ls.lock(res, mode, { valueBlock, flags: this.flags(), ...(signal ? { signal } : {}) });
    if (lk.status !== Status.OK) return;
    let blocked = false;
    lk.onBlocking(() => {
      blocked = true;
      if (lk.busy) lk.cancel(); // give way: a conversion blocked in a deadlock (NODLCKWT) backs off
    });
    await this.hold(lk, () => blocked);
    if (lk.mode !== null && !blocked && r.chance(0.4)) {
      const to = r.pick(MODES);
      const drawn = r.chance(0.1) ? { convDeadlk: true } : r.chance(0.1) ? { noDlckWt: true } : r.chance(0.1) ? { quecvt: true } : {};
      // Calls fs/dlm accepts only: QUECVT where its table allows it (validate.ts); -EINVAL is tested apart.
      const conv = 'quecvt' in drawn && !quecvtAllowed(parseMode(lk.mode), parseMode(to)) ? {} : drawn;
      const csig = r.chance(0.2) ? this.abortAfter(r.int(0, 20_000)) : undefined;
      const res2 = await lk.convert(to, { flags: conv, ...(csig ? { signal: csig } : {}) });
      if (res2.status === Status.ENOTCONN) return;
      if (lk.mode !== null) await this.hold(lk, () => blocked);
    }
    if (lk.mode === null) return;
    const u = await lk.unlock({ ...(r.chance(0.05) ? { invalidate: true } : {}) });
    if (u.status === Status.EBUSY) throw new Error(`workload: unlock of lock ${lk.id} refused with -EBUSY while idle`);
  }

  /** Hold the lock a while; a PW/EX holder with a value block writes a new value into it. */
  private async hold(lk: DlmLock, blocked: () => boolean): Promise<void> {
    const r = this.ctx.random();
    if (lk.valueBlock !== undefined && (lk.mode === 'PW' || lk.mode === 'EX')) {
      const v = new Uint8Array(this.opts.lvbSize);
      v[0] = this.ctx.node;
      const c = ++this.counter;
      v[1] = c & 0xff;
      v[2] = (c >> 8) & 0xff;
      lk.valueBlock = v;
    }
    const until = this.ctx.now() + r.int(0, this.opts.holdUsMax);
    while (this.ctx.now() < until && !blocked()) await this.sleep(Math.min(5_000, until - this.ctx.now()));
  }
}
