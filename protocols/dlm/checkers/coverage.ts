// sometimes-checkers: the interesting DLM cases were reached, so a pass is not vacuous.
import type { WorldChecker } from '../../../sim/world.ts';
import { SBF } from '../flags.ts';
import { asDlm } from '../observations.ts';

/** A VALBLK read carried VALNOTVALID. */
export function valNotValidSeenChecker(): WorldChecker {
  return {
    name: 'dlm-valnotvalid-seen',
    kind: 'sometimes',
    description: 'Some value-block read carried VALNOTVALID.',
    observes: ['dlm-complete'],
    onObservation(obs, w) {
      const o = asDlm(obs);
      if (o?.kind === 'dlm-complete' && o.data.read && (o.data.sbflags & SBF.VALNOTVALID) !== 0) w.cover();
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
      const o = asDlm(obs);
      if (o?.kind === 'dlm-master' && o.data.recovered === true) w.cover();
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
      if (obs.kind === 'crash') {
        for (const x of [...open]) if (x.startsWith(`${obs.node}/`)) open.delete(x);
        return;
      }
      const o = asDlm(obs);
      if (o?.kind !== 'dlm-recovered' && o?.kind !== 'dlm-recovery-start') return;
      const k = `${o.node}/${o.data.ls}`;
      if (o.kind === 'dlm-recovered') open.delete(k);
      else if (open.has(k)) w.cover();
      else open.add(k);
    },
  };
}
