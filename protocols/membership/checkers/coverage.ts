// 'sometimes' checkers for the membership layer: the interesting cases were reached.
import type { WorldChecker } from '../../../sim/world.ts';

/** A victim was fenced successfully. */
export function fencedSomeoneChecker(): WorldChecker {
  return {
    name: 'fenced-a-victim',
    kind: 'sometimes',
    description: 'fenced fenced a failed node at least once.',
    observes: ['fence-result'],
    onObservation(obs, w) {
      if (obs.data.ok === true) w.cover();
    },
  };
}

/** A node carrying stale state was killed (expelled or merge loser). */
export function killedDissenterChecker(): WorldChecker {
  return {
    name: 'killed-a-dissenter',
    kind: 'sometimes',
    description: 'cman killed a node that carried state from a view it had been dropped from.',
    observes: ['cman-kill'],
    onObservation(_obs, w) {
      w.cover();
    },
  };
}
