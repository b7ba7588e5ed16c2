// Believers: who believes it owns which resource, rebuilt from owner-begin/-ready/-end and crash
// observations. Shared by the belief, liveness and metrics observers (each keeps its own copy).
import type { NodeId, Observation } from '../../sim/types.ts';
import { OWNER_BEGIN, OWNER_END, OWNER_READY } from './api.ts';

export interface Belief {
  node: NodeId;
  epoch: number;
  ready: boolean;
  sinceUs: number;
}

export const BELIEF_KINDS = [OWNER_BEGIN, OWNER_READY, OWNER_END, 'crash'] as const;

export class Believers {
  /** resource → node → belief (insertion order is event order: deterministic). */
  readonly byResource = new Map<string, Map<NodeId, Belief>>();

  /** Apply one observation; returns the belief it began, if any. */
  apply(obs: Observation): Belief | undefined {
    if (obs.kind === 'crash') {
      for (const m of this.byResource.values()) m.delete(obs.node);
      return undefined;
    }
    const r = obs.data.resource as string;
    let m = this.byResource.get(r);
    if (m === undefined) this.byResource.set(r, (m = new Map()));
    if (obs.kind === OWNER_END) {
      m.delete(obs.node);
      return undefined;
    }
    const epoch = obs.data.epoch as number;
    if (obs.kind === OWNER_READY) {
      const b = m.get(obs.node);
      if (b !== undefined && b.epoch === epoch) b.ready = true;
      return undefined;
    }
    const b: Belief = { node: obs.node, epoch, ready: false, sinceUs: obs.atUs };
    m.set(obs.node, b);
    return b;
  }

  of(resource: string): Map<NodeId, Belief> {
    return this.byResource.get(resource) ?? new Map();
  }
}
