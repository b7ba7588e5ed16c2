// The belief checker (always): within an epoch, at most one live, unfenced node believes it owns a
// resource at any instant (DESIGN §4, reference §5 invariant 5). Also measures how long beliefs from
// different epochs overlapped on live, unfenced, running nodes (a lease's weak spot), as a metric.
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { Believers, BELIEF_KINDS, isBeliefKind } from './believers.ts';
import { isKind } from './observations.ts';

export const BELIEF_CHECKER = 'ownership-belief';

export function beliefChecker(): WorldChecker {
  const believers = new Believers();
  let overlapUs = 0;
  let overlapFromUs = -1;
  const active = (w: CheckerWorld, n: NodeId): boolean => w.isUp(n) && !w.isFenced(n) && !w.isPaused(n);
  /** True when some resource has two believers that could both act right now. */
  const overlapping = (w: CheckerWorld): boolean => {
    for (const m of believers.byResource.values()) {
      let k = 0;
      for (const n of m.keys()) if (active(w, n) && ++k > 1) return true;
    }
    return false;
  };
  return {
    name: BELIEF_CHECKER,
    kind: 'always',
    description: 'Within an epoch, at most one live unfenced node believes it owns a resource at any instant.',
    observes: [...BELIEF_KINDS, 'fence', 'pause', 'resume', 'restart'],
    onObservation(obs: Observation, w: CheckerWorld) {
      // A fenced node that begins owning (e.g. one resuming from a pause after it was expelled and
      // fenced) cannot act on its belief: the invariant counts live, unfenced believers only.
      if (isKind(obs, 'owner-begin') && !w.isFenced(obs.node)) {
        const r = obs.data.resource;
        const epoch = obs.data.epoch;
        for (const [n, b] of believers.of(r)) {
          if (n === obs.node || b.epoch !== epoch || !w.isUp(n) || w.isFenced(n)) continue;
          w.violate(`n${obs.node} began owning ${r} in epoch ${epoch} while n${n} (live, unfenced) has believed it owns ${r} in the same epoch since ${b.sinceUs} µs`);
        }
      }
      if (isBeliefKind(obs.kind)) believers.apply(obs);
      const now = overlapping(w);
      if (now && overlapFromUs < 0) overlapFromUs = obs.atUs;
      if (!now && overlapFromUs >= 0) {
        overlapUs += obs.atUs - overlapFromUs;
        overlapFromUs = -1;
      }
    },
    metrics(w: CheckerWorld) {
      const open = overlapFromUs >= 0 ? w.nowUs - overlapFromUs : 0;
      return { beliefOverlapUs: overlapUs + open };
    },
  };
}
