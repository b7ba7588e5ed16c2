// An observer (no verdict) counting membership activity for run metrics: distinct epochs installed,
// kills (expelled, merge losers, fenced nodes), fence requests and service-group starts.
import type { Observer } from '../../../sim/world.ts';
import { isKind } from '../observations.ts';

export function membershipMetrics(): Observer {
  const epochs = new Set<number>();
  let kills = 0;
  let fences = 0;
  let starts = 0;
  return {
    observes: ['view', 'cman-kill', 'fence-request', 'sm-start'],
    onObservation(obs) {
      if (isKind(obs, 'view')) epochs.add(obs.data.epoch);
      else if (obs.kind === 'cman-kill') kills++;
      else if (obs.kind === 'fence-request') fences++;
      else starts++;
    },
    metrics: () => ({ membershipEpochs: epochs.size, membershipKills: kills, fenceRequests: fences, serviceStarts: starts }),
  };
}
