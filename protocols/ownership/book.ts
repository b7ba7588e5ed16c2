// OwnerBook: a protocol's record of the grants this host believes it holds. Every begin/ready/end
// goes through here so the observations the checkers read are emitted the same way by every protocol.
// Volatile: a crash forgets every grant (the checkers end beliefs on the crash observation).
import type { Context } from '../../sim/types.ts';
import type { GrantListener, OwnerGrant } from './api.ts';
import { observeOwnership } from './observations.ts';

export class OwnerBook {
  private readonly grants = new Map<string, OwnerGrant>();
  private readonly listeners: GrantListener[] = [];

  get(resource: string): OwnerGrant | undefined {
    return this.grants.get(resource);
  }

  /** Resources this host believes it owns, in the order they were granted. */
  held(): string[] {
    return [...this.grants.keys()];
  }

  onGrant(cb: GrantListener): void {
    this.listeners.push(cb);
  }

  /** This host now believes it owns `resource` (recovery not done yet). */
  begin(ctx: Context, resource: string, epoch: number, token: number | undefined): OwnerGrant {
    const prev = this.grants.get(resource);
    if (prev !== undefined) {
      if (prev.epoch === epoch) return prev;
      this.end(ctx, resource, 'superseded');
    }
    const g: OwnerGrant = { resource, epoch, token, ready: false };
    this.grants.set(resource, g);
    observeOwnership(ctx, 'owner-begin', { resource, epoch, token: token ?? null });
    return g;
  }

  /** Recovery is done under `grant`: the owner serves from now on. */
  ready(ctx: Context, grant: OwnerGrant): OwnerGrant | undefined {
    const cur = this.grants.get(grant.resource);
    if (cur === undefined || cur.epoch !== grant.epoch) return undefined;
    const g: OwnerGrant = { ...cur, ready: true };
    this.grants.set(grant.resource, g);
    observeOwnership(ctx, 'owner-ready', { resource: g.resource, epoch: g.epoch });
    for (const cb of this.listeners) cb(g.resource, g);
    return g;
  }

  /** This host no longer believes it owns `resource`. */
  end(ctx: Context, resource: string, why: string): void {
    const g = this.grants.get(resource);
    if (g === undefined) return;
    this.grants.delete(resource);
    observeOwnership(ctx, 'owner-end', { resource, epoch: g.epoch, token: g.token ?? null, why });
    for (const cb of this.listeners) cb(resource, undefined);
  }

  /** True when `grant` is still the current grant (same epoch). */
  current(grant: OwnerGrant): boolean {
    return this.grants.get(grant.resource)?.epoch === grant.epoch;
  }
}
