// 'sometimes' checkers for the membership layer: the interesting cases were reached.
import type { WorldChecker } from '../../../sim/world.ts';
import { isKind } from '../observations.ts';

/** A victim was fenced successfully. */
export function fencedSomeoneChecker(): WorldChecker {
  return {
    name: 'fenced-a-victim',
    kind: 'sometimes',
    description: 'fenced fenced a failed node at least once.',
    observes: ['fence-result'],
    onObservation(obs, w) {
      if (isKind(obs, 'fence-result') && obs.data.ok) w.cover();
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

/** A recovery event was aborted by a further failure and restarted (nested failure). */
export function abortedRecoveryChecker(): WorldChecker {
  const started = new Map<string, boolean>();
  return {
    name: 'aborted-a-recovery',
    kind: 'sometimes',
    description: 'A service-group start was superseded by a stop before it finished (a failure during recovery).',
    observes: ['sm-start', 'sm-finish', 'sm-stop', 'crash'],
    onObservation(obs, w) {
      if (obs.kind === 'crash') {
        for (const k of [...started.keys()]) if (k.startsWith(`${obs.node}/`)) started.delete(k);
        return;
      }
      if (!isKind(obs, 'sm-start') && !isKind(obs, 'sm-finish') && !isKind(obs, 'sm-stop')) return;
      const key = `${obs.node}/${obs.data.group}`;
      if (obs.kind === 'sm-start') started.set(key, true);
      else if (obs.kind === 'sm-finish') started.delete(key);
      else if (started.get(key) === true) {
        started.delete(key);
        w.cover();
      }
    },
  };
}
