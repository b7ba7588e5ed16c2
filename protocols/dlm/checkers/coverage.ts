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

/** A newer membership change aborted a lockspace recovery in progress, which then restarted. */
export function recoveryRestartedChecker(): WorldChecker {
  const open = new Set<string>();
  return {
    name: 'dlm-recovery-restarted',
    kind: 'sometimes',
    description: 'A lockspace recovery was aborted by a newer membership change and restarted.',
    observes: ['dlm-recovery-start', 'dlm-recovered', 'crash'],
    onObservation(obs, w) {
      const k = `${obs.node}/${obs.data.ls}`;
      if (obs.kind === 'crash') {
        for (const x of [...open]) if (x.startsWith(`${obs.node}/`)) open.delete(x);
      } else if (obs.kind === 'dlm-recovered') open.delete(k);
      else if (open.has(k)) w.cover();
      else open.add(k);
    },
  };
}
