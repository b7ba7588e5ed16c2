// always 'glock-cache': a node that trusts its cached metadata because the glock's value block vouches
// for it holds the latest generation on the shared disk (GFS2's glock pattern, glockCache.ts). The
// truth comes from the disk's accepted writes (the engine's 'disk-write' observations), not from the
// workload: a node whose cache is older than the disk, yet trusted, is caught.
import type { WorldChecker } from '../../../sim/world.ts';
import { META_KEY } from '../glockCache.ts';

export function glockCacheChecker(): WorldChecker {
  let diskGen = 0;
  return {
    name: 'glock-cache',
    kind: 'always',
    description: 'A node trusts its cached metadata (LVB generation matches) only when the cache holds the latest generation on disk.',
    observes: ['disk-write', 'glock-trust'],
    onObservation(obs, w) {
      if (obs.kind === 'disk-write') {
        const value = obs.data.value;
        if (obs.data.key !== META_KEY || obs.data.ok !== true || typeof value !== 'object' || value === null) return;
        const gen = (value as { gen?: unknown }).gen;
        if (typeof gen === 'number' && gen > diskGen) diskGen = gen;
        return;
      }
      const cacheGen = obs.data.cacheGen;
      if (typeof cacheGen === 'number' && cacheGen < diskGen) {
        w.violate(`node ${obs.node} trusted its cached metadata at generation ${cacheGen} (the value block said ${String(obs.data.lvbGen)}) while the disk holds generation ${diskGen}`);
      }
    },
  };
}
