// Lineage of membership views, rebuilt from 'view' observations, so a checker can tell a successor
// from a stranger: a view descends from the views its members had installed before it. Two
// ownership epochs begun in views neither of which descends from the other were numbered by
// partitions (or clusters re-formed from scratch) that never knew of each other: their order says
// nothing. Also remembers the view in which each node began each ownership epoch.
import type { NodeId, Observation } from '../../sim/types.ts';
import { OWNER_BEGIN } from './api.ts';
import { isKind } from './observations.ts';

export interface ViewInfo {
  epoch: number;
  members: readonly NodeId[];
}

export const LINEAGE_KINDS = ['view', 'crash', OWNER_BEGIN] as const;

export class ViewLineage {
  /** View epoch → the view epochs installed just before it by its members. */
  private readonly parents = new Map<number, Set<number>>();
  private readonly views = new Map<number, ViewInfo>();
  /** Node → the view it has installed now (forgotten at a crash: a restarted node joins fresh). */
  private readonly current = new Map<NodeId, number>();
  /** `${node}/${resource}/${ownerEpoch}` → the view the node was in when it began owning. */
  private readonly began = new Map<string, number>();

  apply(obs: Observation): void {
    if (obs.kind === 'crash') return void this.current.delete(obs.node);
    if (isKind(obs, 'owner-begin')) {
      const v = this.current.get(obs.node);
      if (v !== undefined) this.began.set(`${obs.node}/${obs.data.resource}/${obs.data.epoch}`, v);
      return;
    }
    if (!isKind(obs, 'view')) return;
    const epoch = obs.data.epoch;
    if (!this.views.has(epoch)) this.views.set(epoch, { epoch, members: obs.data.members });
    const prev = this.current.get(obs.node);
    if (prev !== undefined && prev !== epoch) {
      let s = this.parents.get(epoch);
      if (s === undefined) this.parents.set(epoch, (s = new Set()));
      s.add(prev);
    }
    this.current.set(obs.node, epoch);
  }

  /** The view `node` was in when it began owning `resource` in `epoch`, if known. */
  beganIn(node: NodeId, resource: string, epoch: number): ViewInfo | undefined {
    const v = this.began.get(`${node}/${resource}/${epoch}`);
    return v === undefined ? undefined : this.views.get(v);
  }

  /** True when view `a` is `b` or one of its ancestors. */
  ancestorOf(a: number, b: number): boolean {
    const seen = new Set<number>([b]);
    const todo = [b];
    while (todo.length > 0) {
      const v = todo.pop()!;
      if (v === a) return true;
      for (const p of this.parents.get(v) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        todo.push(p);
      }
    }
    return false;
  }

  /** True when neither view descends from the other. */
  independent(a: number, b: number): boolean {
    return !this.ancestorOf(a, b) && !this.ancestorOf(b, a);
  }
}

export function describeView(v: ViewInfo): string {
  return `view ${v.epoch} (members ${v.members.join(',')})`;
}
