// Module 'lvb-holder': the scripted workload behind Phillips' question ("what happens when the owner
// of a LVB dies, what is the value of the LVB then?"). One resource, every lock with the value block,
// and a fixed part per node so that a crash at a fault point lands in a known situation:
//   node 1, the reader: locks first (so it masters the resource), then takes CR, reads, holds it half
//     of `readerPeriodUs`, unlocks, every `readerPeriodUs` — the "next reader" after a death;
//   node 2, the writer: one quick PW write first; then PW (reads) → writes a new value → PW→NL (a
//     down-conversion that carries the write, completed at once at the requester) → NL→PW (reads) →
//     writes again → unlock (writes). Each PW hold (`writerHoldUs`) outlasts the time the cluster
//     takes to notice a death, so a holder can die during the recovery from another node's death;
//   node 3, the other value-block holder: holds CR with the value block for `otherHoldUs`, keeps the
//     lock cached at NL for `otherCachedUs`, then holds none for `otherHoldUs`, so a writer's death finds
//     another value-block holder alive or not depending on the moment.
// Nodes beyond 3 idle. Values are [writer node, counter low, counter high, 0…]. New locks stop at
// `stopAtUs` (local time) so every operation completes before the liveness deadline. Volatile only:
// a restarted node starts its part again with a fresh counter.
import type { Context, Module } from '../../sim/types.ts';
import { Sleeper } from '../sleeper.ts';
import type { Dlm } from './dlm.ts';
import type { DlmLock, LockspaceHandle } from './api.ts';
import { Status } from './flags.ts';

export interface LvbHolderOptions {
  lockspace: string;
  lvbSize: number;
  /** Reader: one CR read every this long. */
  readerPeriodUs: number;
  /** Writer: how long each PW hold and the NL hold between them last. */
  writerHoldUs: number;
  /** Other holder: CR held this long, then nothing this long. */
  otherHoldUs: number;
  /** Other holder: between the two, the lock kept (cached) at NL this long. */
  otherCachedUs: number;
  stopAtUs: number;
}

export const DEFAULT_LVB_HOLDER: LvbHolderOptions = {
  lockspace: 'lv', lvbSize: 32, readerPeriodUs: 130_000, writerHoldUs: 250_000, otherHoldUs: 200_000, otherCachedUs: 270_000, stopAtUs: 10_000_000,
};

export const LVB_HOLDER_RESOURCE = 'r0';

/** The workload's one timer: a sleeper's wake-up, by number. */
type LvbHolderTimerTag = { sleep: number };

export class LvbHolderWorkload implements Module<never, LvbHolderTimerTag> {
  readonly name = 'lvb-holder';
  private ctx!: Context<never, LvbHolderTimerTag>;
  private ls!: LockspaceHandle;
  private readonly sleeper = new Sleeper<LvbHolderTimerTag>((id) => ({ sleep: id }));
  private counter = 0;

  constructor(private readonly opts: LvbHolderOptions) {}

  onStart(ctx: Context<never, LvbHolderTimerTag>): void {
    this.ctx = ctx;
    this.ls = ctx.module<Dlm>('dlm').lockspace(this.opts.lockspace, { lvbSize: this.opts.lvbSize });
    const part = ctx.node === 1 ? () => this.reader() : ctx.node === 2 ? () => this.writer() : ctx.node === 3 ? () => this.other() : undefined;
    if (part !== undefined) ctx.spawn(`lvb-${ctx.node}`, part);
  }

  onTimer(_ctx: Context<never, LvbHolderTimerTag>, t: LvbHolderTimerTag): void {
    this.sleeper.wake(t.sleep);
  }

  private sleep(us: number): Promise<void> {
    return this.sleeper.sleep(this.ctx, us);
  }

  private running(): boolean {
    return this.ctx.now() < this.opts.stopAtUs;
  }

  private async reader(): Promise<void> {
    while (this.running()) {
      const lk = await this.ls.lock(LVB_HOLDER_RESOURCE, 'CR', { valueBlock: true });
      if (lk.status === Status.OK) {
        await this.sleep(this.opts.readerPeriodUs / 2);
        await this.release(lk);
      }
      await this.sleep(this.opts.readerPeriodUs / 2);
    }
  }

  private async writer(): Promise<void> {
    await this.sleep(30_000); // the reader locks first and masters the resource
    let first = true;
    while (this.running()) {
      const lk = await this.ls.lock(LVB_HOLDER_RESOURCE, 'PW', { valueBlock: true });
      if (lk.status === Status.OK && first) {
        first = false; // one quick write first, so that later deaths find a value written
        this.write(lk);
        await this.sleep(this.opts.writerHoldUs / 10);
        await this.release(lk);
      } else if (lk.status === Status.OK) {
        this.write(lk);
        await this.sleep(this.opts.writerHoldUs);
        const down = await lk.convert('NL');
        if (down.ok) {
          await this.sleep(this.opts.writerHoldUs / 2);
          const up = await lk.convert('PW');
          if (up.ok) {
            this.write(lk);
            await this.sleep(this.opts.writerHoldUs);
          }
        }
        await this.release(lk);
      }
      await this.sleep(this.opts.writerHoldUs / 2);
    }
  }

  private async other(): Promise<void> {
    await this.sleep(480_000); // first takes its lock once the writer's first value is in
    while (this.running()) {
      const lk = await this.ls.lock(LVB_HOLDER_RESOURCE, 'CR', { valueBlock: true });
      if (lk.status === Status.OK) {
        await this.sleep(this.opts.otherHoldUs);
        const down = await lk.convert('NL'); // keep the lock cached at NL, value block and all
        if (down.ok) await this.sleep(this.opts.otherCachedUs);
        await this.release(lk);
      }
      await this.sleep(this.opts.otherHoldUs);
    }
  }

  /** A PW holder's new value: [node, counter low, counter high, 0…]. */
  private write(lk: DlmLock): void {
    const v = new Uint8Array(this.opts.lvbSize);
    const c = ++this.counter;
    v[0] = this.ctx.node;
    v[1] = c & 0xff;
    v[2] = (c >> 8) & 0xff;
    lk.valueBlock = v;
  }

  private async release(lk: DlmLock): Promise<void> {
    if (lk.mode === null || lk.busy) return;
    await lk.unlock();
  }
}
