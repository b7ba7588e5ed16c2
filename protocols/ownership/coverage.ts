// `sometimes` coverage for the ownership runs, so a pass is not vacuous: an ownership hand-over
// happened; an owner died while holding EX on its ownership lock; a VALNOTVALID read occurred.
import type { NodeId, Observation, CheckerWorld } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { EX_HOLDER, OWNER_READY, VALNOTVALID_READ } from './api.ts';
import { isKind } from './observations.ts';

export const HANDOVER_COVERAGE = 'ownership-handover';
export const EX_DEATH_COVERAGE = 'owner-died-holding-ex';
export const VALNOTVALID_COVERAGE = 'valnotvalid-read';

/** An owner became ready on a node other than the resource's previous ready owner. */
export function handoverCoverage(): WorldChecker {
  const lastOwner = new Map<string, NodeId>();
  let handovers = 0;
  return {
    name: HANDOVER_COVERAGE,
    kind: 'sometimes',
    description: 'Ownership of some resource passed from one node to another.',
    observes: [OWNER_READY],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (!isKind(obs, 'owner-ready')) return;
      const r = obs.data.resource;
      const prev = lastOwner.get(r);
      if (prev !== undefined && prev !== obs.node) {
        handovers++;
        w.cover();
      }
      lastOwner.set(r, obs.node);
    },
    metrics() {
      return { handovers };
    },
  };
}

/** A node crashed while it held EX on an ownership lock (reported by the protocol with 'ex-held'). */
export function exDeathCoverage(): WorldChecker {
  const holding = new Map<NodeId, Set<string>>();
  return {
    name: EX_DEATH_COVERAGE,
    kind: 'sometimes',
    description: 'An owner died while holding EX on its ownership lock.',
    observes: [EX_HOLDER, 'crash'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (obs.kind === 'crash') {
        if ((holding.get(obs.node)?.size ?? 0) > 0) w.cover();
        holding.delete(obs.node);
        return;
      }
      if (!isKind(obs, 'ex-held')) return;
      let s = holding.get(obs.node);
      if (s === undefined) holding.set(obs.node, (s = new Set()));
      if (obs.data.held) s.add(obs.data.resource);
      else s.delete(obs.data.resource);
    },
  };
}

/** Some node read an ownership LVB flagged VALNOTVALID. */
export function valNotValidCoverage(): WorldChecker {
  let reads = 0;
  return {
    name: VALNOTVALID_COVERAGE,
    kind: 'sometimes',
    description: 'A node read an ownership value block flagged VALNOTVALID.',
    observes: [VALNOTVALID_READ],
    onObservation(_obs: Observation, w: CheckerWorld) {
      reads++;
      w.cover();
    },
    metrics() {
      return { valNotValidReads: reads };
    },
  };
}
