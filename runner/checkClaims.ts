// lockstep-lint: io-edge (reads the clocks for the safety stop and caches claims on disk)
// The bounded claims next to the random ones in `compare` / `npm start`: for each correct design
// with a library configuration `check-<design>`, the result of `lockstep check` at its default bound,
// cached by code version and configuration (a rerun on unchanged code costs nothing), capped in schedules.
// Compare runs each design's search as a pool task (runner/poolTasks.ts) while its seeds run.
import { existsSync, readFileSync } from 'node:fs';
import { loadScenario, libraryNames } from '../scenarios/load.ts';
import { check, parseBound, DEFAULT_BOUND } from './check.ts';
import { claimLine } from './checkClaim.ts';
import { codeVersion, searchVersion } from './codeVersion.ts';
import { configHash } from './runSeed.ts';
import { threadCpuMs } from './threadCpu.ts';
import { writeFileAtomic } from './files.ts';

export interface CachedClaim {
  codeVersion: string;
  /**
   * A hash of the `check-<design>` configuration searched (with its bound): the library's JSON files
   * are not in the code version, so an edited configuration must not be answered from the cache.
   */
  config?: string;
  /** A hash of the search engine's sources (runner/check*.ts are not in the code version either). */
  search?: string;
  bound: string;
  complete: boolean;
  claim: string;
}

/**
 * One design's search: `check-<protocol>` at its bound, at most `maxSchedules` schedules (a cap in
 * schedules, not seconds, so the claim is the same on every machine and under any load), and at most
 * `capMs` of this thread's CPU as a safety stop (a claim cut by it is not cached).
 */
export interface ClaimSearch {
  protocol: string;
  maxSchedules: number;
  capMs: number;
}

/** Schedules one design's claim may explore (check-dlm-lvb and check-oldest-member complete in 217 and 383). */
export const CLAIM_MAX_SCHEDULES = 2_000;
/** Safety stop of one design's search, in CPU ms of the thread that runs it (3–9 CPU-s are needed). */
export const CLAIM_CAP_MS = 60_000;

/** Where a claim's search runs: in this thread by default, on a pool worker in compare. */
export type ClaimSearcher = (s: ClaimSearch) => Promise<CachedClaim>;

/** Run one design's search in this thread. */
export async function searchClaim(s: ClaimSearch): Promise<CachedClaim> {
  const scenario = loadScenario(`check-${s.protocol}`).scenario;
  const bound = parseBound(scenario.check?.bound ?? '', DEFAULT_BOUND);
  const r = await check({ scenario, protocol: s.protocol, seed: 1, bound, maxSchedules: s.maxSchedules, shouldStop: spentOver(s.capMs) });
  const cut = r.reason === 'time';
  return { codeVersion: codeVersion(), config: configHash(scenario, s.protocol), search: searchVersion(), bound: r.complete ? r.bound : cut ? 'time' : capKey(s.maxSchedules), complete: r.complete, claim: claimLine(r, scenario.nodes) };
}

/**
 * The safety stop: true once this thread has spent `capMs` of CPU on the search (wall clock where the
 * thread's CPU clock cannot be read). CPU, not wall clock, so a loaded machine does not cut the search
 * short: at load 31 on two cores a 60 s wall-clock stop cut check-lease at 773 of its 2,000 schedules.
 */
function spentOver(capMs: number): () => boolean {
  const cpu0 = threadCpuMs();
  const wall0 = performance.now();
  if (cpu0 === undefined) return () => performance.now() - wall0 > capMs;
  return () => (threadCpuMs() ?? cpu0) - cpu0 > capMs;
}

function capKey(maxSchedules: number): string {
  return `schedules=${maxSchedules}`;
}

/** The designs of `protocols` (base names only) that have a `check-<design>` configuration. */
export function claimDesigns(protocols: readonly string[]): string[] {
  const names = new Set(libraryNames());
  return protocols.filter((p) => !p.includes('/') && names.has(`check-${p}`));
}

/** The designs whose claim must be searched: no cached claim for this code, search engine, configuration and cap. */
export function claimsToSearch(protocols: readonly string[], cacheFile: string, maxSchedules = CLAIM_MAX_SCHEDULES): string[] {
  const cache = readCache(cacheFile);
  const version = codeVersion();
  return claimDesigns(protocols).filter((p) => {
    const hit = cache[p];
    return !(hit !== undefined && hit.codeVersion === version && hit.search === searchVersion()
      && hit.config === configHash(loadScenario(`check-${p}`).scenario, p)
      && (hit.complete || hit.bound === capKey(maxSchedules)));
  });
}

/**
 * Claims for `protocols` (base names only), at most `maxSchedules` schedules per design; the searches
 * not cached run through `search` all at once (on a pool they share the workers with whatever else runs).
 */
export async function boundedClaims(protocols: readonly string[], cacheFile: string, search: ClaimSearcher = searchClaim,
  maxSchedules = CLAIM_MAX_SCHEDULES, capMs = CLAIM_CAP_MS): Promise<string[]> {
  const cache = readCache(cacheFile);
  const todo = new Set(claimsToSearch(protocols, cacheFile, maxSchedules));
  const designs = claimDesigns(protocols);
  const found = await Promise.all(designs.map((p) => (todo.has(p) ? search({ protocol: p, maxSchedules, capMs }) : Promise.resolve(cache[p]!))));
  designs.forEach((p, i) => (cache[p] = found[i]!));
  writeFileAtomic(cacheFile, `${JSON.stringify(cache, null, 2)}\n`);
  return found.map((c) => `Bounded check — ${c.claim}`);
}

function readCache(cacheFile: string): Record<string, CachedClaim> {
  return existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, CachedClaim>) : {};
}
