// lockstep-lint: io-edge (reads the wall clock for the time cap and caches claims on disk)
// The bounded claims next to the random ones in `compare` / `npm start`: for each correct design
// with a library configuration `check-<design>`, the result of `lockstep check` at its default bound,
// cached by code version (a rerun on unchanged code costs nothing) and capped in wall-clock time.
import { existsSync, readFileSync } from 'node:fs';
import { loadScenario, libraryNames } from '../scenarios/load.ts';
import { check, parseBound, DEFAULT_BOUND } from './check.ts';
import { claimLine } from './checkClaim.ts';
import { codeVersion } from './codeVersion.ts';
import { writeFileAtomic } from './files.ts';

interface CachedClaim {
  codeVersion: string;
  bound: string;
  complete: boolean;
  claim: string;
}

/** Claims for `protocols` (base names only), at most `capMs` of search per design. */
export async function boundedClaims(protocols: readonly string[], cacheFile: string, capMs = 15_000): Promise<string[]> {
  const cache: Record<string, CachedClaim> = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, CachedClaim>) : {};
  const version = codeVersion();
  const names = new Set(libraryNames());
  const out: string[] = [];
  for (const p of protocols) {
    if (p.includes('/') || !names.has(`check-${p}`)) continue;
    const scenario = loadScenario(`check-${p}`).scenario;
    const bound = parseBound(scenario.check?.bound ?? '', DEFAULT_BOUND);
    const hit = cache[p];
    if (hit !== undefined && hit.codeVersion === version && (hit.complete || hit.bound === `${capMs}`)) {
      out.push(`Bounded check — ${hit.claim}`);
      continue;
    }
    const started = performance.now();
    const r = await check({ scenario, protocol: p, seed: 1, bound, shouldStop: () => performance.now() - started > capMs });
    const claim = claimLine(r, scenario.nodes);
    cache[p] = { codeVersion: version, bound: r.complete ? r.bound : `${capMs}`, complete: r.complete, claim };
    out.push(`Bounded check — ${claim}`);
  }
  writeFileAtomic(cacheFile, `${JSON.stringify(cache, null, 2)}\n`);
  return out;
}
