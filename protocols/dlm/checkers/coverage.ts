// sometimes-checkers: the interesting DLM cases were reached, so a pass is not vacuous.
import type { WorldChecker } from '../../../sim/world.ts';
import { SBF } from '../flags.ts';

/** A VALBLK read carried VALNOTVALID. */
export function valNotValidSeenChecker(): WorldChecker {
  return {
    name: 'dlm-valnotvalid-seen',
    kind: 'sometimes',
    description: 'Some value-block read carried VALNOTVALID.',
    observes: ['dlm-complete'],
    onObservation(obs, w) {
      if (obs.data.read === true && ((obs.data.sbflags as number) & SBF.VALNOTVALID) !== 0) w.cover();
    },
  };
}

/** Some resource got a new master in a recovery. */
export function remasteredChecker(): WorldChecker {
  return {
    name: 'dlm-remastered',
    kind: 'sometimes',
    description: 'A recovery moved some resource to a new master.',
    observes: ['dlm-master'],
    onObservation(obs, w) {
      if (obs.data.recovered === true) w.cover();
    },
  };
}
