// always 'glock-cache': a node that trusts its cached metadata because the glock's value block vouches
// for it holds the latest generation on the shared disk (GFS2's glock pattern, glockCache.ts). The
// truth comes from the disk's accepted writes (the engine's 'disk-write' observations), not from the
// workload: a node whose cache is older than the disk, yet trusted, is caught.
import type { WorldChecker } from '../../../sim/world.ts';
import { META_KEY } from '../glockCache.ts';
import { asDlm } from '../observations.ts';
import { isKind } from '../../membership/observations.ts';

export function glockCacheChecker(): WorldChecker {
  let diskGen = 0;
  return {
    name: 'glock-cache',
    kind: 'always',
    description: 'A node trusts its cached metadata (LVB generation matches) only when the cache holds the latest generation on disk.',
    observes: ['disk-write', 'glock-trust'],
    onObservation(obs, w) {
      if (isKind(obs, 'disk-write')) {
        // The disk holds whatever was written (the engine types no values): read the generation defensively.
        const value = obs.data.value;
        if (obs.data.key !== META_KEY || !obs.data.ok || typeof value !== 'object' || value === null || !('gen' in value)) return;
        if (typeof value.gen === 'number' && value.gen > diskGen) diskGen = value.gen;
        return;
      }
      const o = asDlm(obs);
      if (o?.kind !== 'glock-trust') return;
      const { cacheGen, lvbGen } = o.data;
      if (cacheGen < diskGen) {
        w.violate(`node ${o.node} trusted its cached metadata at generation ${cacheGen} (the value block said ${lvbGen}) while the disk holds generation ${diskGen}`);
      }
    },
  };
}
