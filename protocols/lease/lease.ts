// The 'lease' ownership baseline (Chubby/etcd/sanlock style, on the shared disk): one lease record
// per resource. A contender that sees the record unchanged for a full lease period on its own clock
// claims it by compare-and-set with the next fencing token; the holder renews by compare-and-set and
// trusts its lease until (renewal start + lease − guard) on its own clock. The new owner first writes
// a claim stamped with its token (raising the storage's fence for the resource), then recovers (rolls a
// torn passwd file forward), then serves; every owner write carries the token, so a paused or clock-skewed old holder cannot corrupt.
// Volatile: everything (a restarted node is a plain contender; its old record simply expires).
import type { Context, DiskKey, DiskWriteOptions, NodeId } from '../../sim/types.ts';
import type { ClaimRecord, GrantListener, OwnerGrant, Ownership } from '../ownership/api.ts';
import { OWNERSHIP_MODULE, claimKey, tokenScope } from '../ownership/api.ts';
import { OwnerBook } from '../ownership/book.ts';
import type { OpEnv } from '../workloads/opEnv.ts';
import { recoverResource } from '../workloads/recovery.ts';

export interface LeaseOptions {
  resources: readonly string[];
  leaseUs: number;
  renewEveryUs: number;
  /** The holder gives up this long before its lease would end (covers bounded drift). */
  guardUs: number;
  /** Contenders poll each record this often (jittered). */
  pollUs: number;
  /** Flaw switches (variants). */
  tokenCheck: boolean;
  cas: boolean;
  passwdBlocks: number;
}

export const DEFAULT_LEASE: Omit<LeaseOptions, 'resources'> = {
  leaseUs: 1_000_000,
  renewEveryUs: 250_000,
  guardUs: 100_000,
  pollUs: 400_000,
  tokenCheck: true,
  cas: true,
  passwdBlocks: 3,
};

/** The record on the disk. */
interface LeaseRecord {
  holder: NodeId;
  token: number;
  renewals: number;
}

interface Slot {
  /** Last record seen and its version. */
  seen: LeaseRecord | undefined;
  seenVersion: number;
  /** Local time at which `seenVersion` was first seen. */
  seenSinceUs: number;
  /** Holder state. */
  validUntilUs: number;
  heldVersion: number;
  reading: boolean;
  claiming: boolean;
}

type Tag = { t: 'poll'; r: string } | { t: 'renew'; r: string; epoch: number } | { t: 'expire'; r: string; epoch: number };

export function leaseKey(resource: string): DiskKey<LeaseRecord> {
  return `lease/${resource}`;
}

export class LeaseOwnership implements Ownership<never, Tag> {
  readonly name = OWNERSHIP_MODULE;
  readonly resources: readonly string[];
  private readonly book = new OwnerBook();
  private readonly slots = new Map<string, Slot>();
  private ctx!: Context<never, Tag>;

  constructor(private readonly opts: LeaseOptions) {
    this.resources = opts.resources;
  }

  onStart(ctx: Context<never, Tag>): void {
    this.ctx = ctx;
    for (const r of this.resources) {
      this.slots.set(r, { seen: undefined, seenVersion: -1, seenSinceUs: 0, validUntilUs: 0, heldVersion: 0, reading: false, claiming: false });
      ctx.setTimer(ctx.random().int(0, this.opts.pollUs >> 3), { t: 'poll', r });
    }
  }

  onTimer(ctx: Context<never, Tag>, t: Tag): void {
    if (t.t === 'poll') {
      this.poll(t.r);
      ctx.setTimer(this.opts.pollUs + ctx.random().int(0, this.opts.pollUs >> 2), t);
    } else if (t.t === 'renew') this.renew(t.r, t.epoch);
    else this.checkExpiry(t.r);
  }

  // ---- Ownership ----------------------------------------------------------------------------

  grant(resource: string): OwnerGrant | undefined {
    const g = this.book.get(resource);
    if (g !== undefined && this.ctx.now() >= this.slot(resource).validUntilUs) {
      this.book.end(this.ctx, resource, 'lease expired');
      this.ctx.faultPoint('lease.expired');
      return undefined;
    }
    return g;
  }

  ownerHint(resource: string): NodeId | undefined {
    if (this.book.get(resource) !== undefined) return this.ctx.node;
    const h = this.slot(resource).seen?.holder;
    return h === 0 ? undefined : h;
  }

  rediscover(resource: string): void {
    this.poll(resource);
  }

  writeOptions(grant: OwnerGrant): DiskWriteOptions | undefined {
    return this.opts.tokenCheck ? { token: grant.token!, tokenScope: tokenScope(grant.resource) } : undefined;
  }

  writeRefused(grant: OwnerGrant, reason: string): void {
    if (this.book.current(grant)) this.book.end(this.ctx, grant.resource, `write refused: ${reason}`);
  }

  onGrant(cb: GrantListener): void {
    this.book.onGrant(cb);
  }

  // ---- contender ----------------------------------------------------------------------------

  private slot(r: string): Slot {
    const s = this.slots.get(r);
    if (s === undefined) throw new Error(`lease: unknown resource ${r}`);
    return s;
  }

  /** Read the record; claim it if it never changed for a whole lease period (or was never held). */
  private poll(r: string): void {
    const s = this.slot(r);
    if (s.reading || s.claiming || this.book.get(r) !== undefined) return;
    s.reading = true;
    this.ctx.disk.read(leaseKey(r), (res) => {
      s.reading = false;
      const now = this.ctx.now();
      if (res.version !== s.seenVersion) {
        s.seen = res.value;
        s.seenVersion = res.version;
        s.seenSinceUs = now;
      }
      if (this.book.get(r) !== undefined) return;
      const free = res.version === 0;
      if (free || now - s.seenSinceUs >= this.opts.leaseUs) this.claim(r, s);
    });
  }

  private claim(r: string, s: Slot): void {
    const token = (s.seen?.token ?? 0) + 1;
    const rec: LeaseRecord = { holder: this.ctx.node, token, renewals: 0 };
    const started = this.ctx.now();
    s.claiming = true;
    const opts: DiskWriteOptions | undefined = this.opts.cas ? { expectVersion: s.seenVersion } : undefined;
    this.ctx.disk.write(leaseKey(r), rec, (res) => {
      s.claiming = false;
      if (!res.ok) return;
      s.seen = rec;
      s.seenVersion = res.version;
      s.seenSinceUs = this.ctx.now();
      s.heldVersion = res.version;
      s.validUntilUs = started + this.opts.leaseUs - this.opts.guardUs;
      const g = this.book.begin(this.ctx, r, token, token);
      this.ctx.faultPoint('lease.claimed');
      this.ctx.setTimer(this.opts.renewEveryUs, { t: 'renew', r, epoch: token });
      this.armExpiry(r, token);
      this.recover(g);
    }, opts);
  }

  /** New owner: raise the storage fence with a claim write, then read the metadata back, then serve. */
  private recover(g: OwnerGrant): void {
    const fence = (then: () => void): void => {
      const rec: ClaimRecord = { epoch: g.epoch, owner: this.ctx.node };
      this.ctx.disk.write(claimKey(g.resource), rec, (res) => {
        if (!res.ok) return this.writeRefused(g, res.reason ?? 'refused');
        then();
      }, this.writeOptions(g));
    };
    const env: OpEnv = { ctx: this.ctx, stamp: { epoch: g.epoch, owner: this.ctx.node }, writeOpts: this.writeOptions(g) };
    const read = (then: () => void): void => recoverResource(env, g.resource, this.opts.passwdBlocks, (ok, why) => (ok ? then() : this.writeRefused(g, why ?? 'refused')));
    const ready = (): void => {
      if (this.book.current(g) && this.grant(g.resource) !== undefined) this.book.ready(this.ctx, g);
    };
    fence(() => read(ready));
  }

  // ---- holder -------------------------------------------------------------------------------

  private renew(r: string, epoch: number): void {
    const g = this.book.get(r);
    if (g === undefined || g.epoch !== epoch) return;
    const s = this.slot(r);
    const started = this.ctx.now();
    const rec: LeaseRecord = { holder: this.ctx.node, token: epoch, renewals: (s.seen?.renewals ?? 0) + 1 };
    this.ctx.disk.write(leaseKey(r), rec, (res) => {
      if (!this.book.current(g)) return;
      if (!res.ok) return this.book.end(this.ctx, r, `renewal refused: ${res.reason ?? 'refused'}`);
      s.seen = rec;
      s.seenVersion = res.version;
      s.seenSinceUs = this.ctx.now();
      s.heldVersion = res.version;
      s.validUntilUs = Math.max(s.validUntilUs, started + this.opts.leaseUs - this.opts.guardUs);
      this.armExpiry(r, epoch);
      this.ctx.setTimer(this.opts.renewEveryUs, { t: 'renew', r, epoch });
      this.ctx.faultPoint('lease.renewed');
    }, { expectVersion: s.heldVersion });
  }

  private armExpiry(r: string, epoch: number): void {
    const wait = Math.max(0, this.slot(r).validUntilUs - this.ctx.now());
    this.ctx.setTimer(wait, { t: 'expire', r, epoch });
  }

  private checkExpiry(r: string): void {
    this.grant(r);
  }
}
