// Believers: who believes it owns which resource, rebuilt from owner-begin/-ready/-end and crash
// observations. Shared by the belief, liveness and metrics observers (each keeps its own copy).
import type { NodeId, Observation } from '../../sim/types.ts';
import { isKind } from './observations.ts';

export interface Belief {
  node: NodeId;
  epoch: number;
  ready: boolean;
  sinceUs: number;
}

export const BELIEF_KINDS = ['owner-begin', 'owner-ready', 'owner-end', 'crash'] as const;

/** True for the kinds `Believers.apply` reads. */
export function isBeliefKind(kind: string): boolean {
  return BELIEF_KINDS.some((k) => k === kind);
}

export class Believers {
  /** resource → node → belief (insertion order is event order: deterministic). */
  readonly byResource = new Map<string, Map<NodeId, Belief>>();

  /** Apply one observation; returns the belief it began, if any. */
  apply(obs: Observation): Belief | undefined {
    if (isKind(obs, 'crash')) {
      for (const m of this.byResource.values()) m.delete(obs.node);
      return undefined;
    }
    if (isKind(obs, 'owner-end')) {
      this.on(obs.data.resource).delete(obs.node);
      return undefined;
    }
    if (isKind(obs, 'owner-ready')) {
      const b = this.on(obs.data.resource).get(obs.node);
      if (b !== undefined && b.epoch === obs.data.epoch) b.ready = true;
      return undefined;
    }
    if (!isKind(obs, 'owner-begin')) return undefined;
    const b: Belief = { node: obs.node, epoch: obs.data.epoch, ready: false, sinceUs: obs.atUs };
    this.on(obs.data.resource).set(obs.node, b);
    return b;
  }

  private on(resource: string): Map<NodeId, Belief> {
    let m = this.byResource.get(resource);
    if (m === undefined) this.byResource.set(resource, (m = new Map()));
    return m;
  }

  of(resource: string): Map<NodeId, Belief> {
    return this.byResource.get(resource) ?? new Map();
  }
}
