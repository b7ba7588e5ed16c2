// Module 'glock-cache': GFS2's glock pattern as a workload. Shared metadata lives on the shared disk
// ({ gen, data } under META_KEY); each node keeps a node-local cache of it. A reader takes the glock
// in PR with the value block, which carries the metadata generation: it trusts its cache when the
// LVB is valid and its generation equals the cache's, and reads the disk otherwise. A writer takes EX,
// brings its cache up to date the same way, writes generation + 1 to the disk, then puts the new
// generation in the LVB, which the unlock stores. A lost LVB (VALNOTVALID, or zeros) sends everyone
// to the disk. Flaw 'trust-valid' (variant dlm/glock-trust-valid): trust the cache whenever the LVB
// is valid, without comparing generations. Volatile only: a restarted node starts with no cache.
import type { Context, DiskKey, DiskResult, Module } from '../../sim/types.ts';
import { Sleeper } from '../sleeper.ts';
import type { Dlm } from './dlm.ts';
import type { DlmLock, LockspaceHandle } from './api.ts';
import type { LostLvbSignal } from './lockspace.ts';
import { Status } from './flags.ts';
import { emit } from './observations.ts';

export const META_KEY: DiskKey<Meta> = 'glock-meta';
const GLOCK = 'glock';

export interface GlockCacheOptions {
  lockspace: string;
  lvbSize: number;
  lostLvb?: LostLvbSignal;
  workersPerNode: number;
  /** Chance that one round writes (takes EX) rather than reads. */
  writeChance: number;
  thinkUsMax: number;
  stopAtUs: number;
  /** Planted flaw: trust the cache whenever the LVB is valid, whatever its generation. */
  trustValid?: boolean;
}

export const DEFAULT_GLOCK_CACHE: GlockCacheOptions = {
  lockspace: 'gl', lvbSize: 32, workersPerNode: 1, writeChance: 0.3, thinkUsMax: 200_000, stopAtUs: 10_000_000,
};

export interface Meta {
  gen: number;
  data: number;
}

/** The generation in a value block (4 bytes, little-endian); 0 = none. */
function lvbGen(lk: DlmLock): number {
  const b = lk.valueBlock;
  if (b === undefined) return 0;
  return (b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) * 2 ** 24);
}

function genLvb(gen: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b[0] = gen & 0xff;
  b[1] = (gen >> 8) & 0xff;
  b[2] = (gen >> 16) & 0xff;
  b[3] = Math.floor(gen / 2 ** 24) & 0xff;
  return b;
}

/** The glock-cache workload's one timer: a sleeper's wake-up, by sleeper number. */
type GlockTimerTag = number;

export class GlockCache implements Module<never, GlockTimerTag> {
  readonly name = 'glock-cache';
  private ctx!: Context<never, GlockTimerTag>;
  private ls!: LockspaceHandle;
  private cache: Meta | undefined;
  private readonly sleeper = new Sleeper<GlockTimerTag>((id) => id);

  constructor(private readonly opts: GlockCacheOptions) {}

  onStart(ctx: Context<never, GlockTimerTag>): void {
    this.ctx = ctx;
    const lost = this.opts.lostLvb !== undefined ? { lostLvb: this.opts.lostLvb } : {};
    this.ls = ctx.module<Dlm>('dlm').lockspace(this.opts.lockspace, { lvbSize: this.opts.lvbSize, ...lost });
    for (let i = 0; i < this.opts.workersPerNode; i++) ctx.spawn(`glock${i}`, () => this.worker());
  }

  onTimer(_ctx: Context<never, GlockTimerTag>, tag: GlockTimerTag): void {
    this.sleeper.wake(tag);
  }

  private sleep(us: number): Promise<void> {
    return this.sleeper.sleep(this.ctx, us);
  }

  private disk<T>(op: (done: (r: T) => void) => void): Promise<T> {
    const d = this.ctx.deferred<T>();
    op((r) => d.resolve(r));
    return d.promise;
  }

  private async worker(): Promise<void> {
    const r = this.ctx.random();
    await this.sleep(r.int(0, this.opts.thinkUsMax));
    while (this.ctx.now() < this.opts.stopAtUs) {
      if (r.chance(this.opts.writeChance)) await this.write();
      else await this.read();
      await this.sleep(r.int(1_000, this.opts.thinkUsMax));
    }
  }

  /** The LVB's verdict on the cache: trusted (no disk read), or refreshed from the disk. */
  private async validate(lk: DlmLock): Promise<boolean> {
    const lost = lk.flags.valNotValid || lvbGen(lk) === 0;
    const gen = lvbGen(lk);
    const trusted = this.cache !== undefined && !lost && (this.opts.trustValid === true || this.cache.gen === gen);
    if (trusted) {
      emit(this.ctx, 'glock-trust', { ls: this.opts.lockspace, cacheGen: this.cache!.gen, lvbGen: gen });
      return true;
    }
    const rd = await this.disk<DiskResult<Meta>>((done) => this.ctx.disk.read(META_KEY, done));
    this.cache = rd.value ?? { gen: 0, data: 0 };
    emit(this.ctx, 'glock-refresh', { ls: this.opts.lockspace, gen: this.cache.gen, lvbGen: gen, lost });
    return true;
  }

  private async read(): Promise<void> {
    const lk = await this.ls.lock(GLOCK, 'PR', { valueBlock: true });
    if (lk.status !== Status.OK) return;
    await this.validate(lk);
    await this.sleep(this.ctx.random().int(0, 20_000));
    await lk.unlock();
  }

  private async write(): Promise<void> {
    const lk = await this.ls.lock(GLOCK, 'EX', { valueBlock: true });
    if (lk.status !== Status.OK) return;
    await this.validate(lk);
    const next: Meta = { gen: this.cache!.gen + 1, data: this.ctx.node };
    const w = await this.disk<DiskResult<Meta>>((done) => this.ctx.disk.write(META_KEY, next, done));
    if (w.ok) {
      this.cache = next;
      lk.valueBlock = genLvb(next.gen, this.opts.lvbSize); // stored by the unlock from EX
    }
    if (lk.mode !== null) await lk.unlock();
  }
}
