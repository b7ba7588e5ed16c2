// Checker 'view-agreement' (always): members installing the same epoch install the same member list
// and incarnations (reference §5.9).
import type { WorldChecker } from '../../../sim/world.ts';
import { isKind } from '../observations.ts';

export function viewAgreementChecker(): WorldChecker {
  const seen = new Map<number, { node: number; key: string }>();
  return {
    name: 'view-agreement',
    kind: 'always',
    description: 'Members installing the same epoch install the same members with the same incarnations.',
    observes: ['view'],
    onObservation(obs, w) {
      if (!isKind(obs, 'view')) return;
      const d = obs.data;
      const key = d.members.map((m) => `${m}@${d.incarnations[m]}`).join(',');
      const first = seen.get(d.epoch);
      if (first === undefined) seen.set(d.epoch, { node: obs.node, key });
      else if (first.key !== key) w.violate(`epoch ${d.epoch}: node ${first.node} installed [${first.key}] but node ${obs.node} installed [${key}]`);
    },
  };
}
