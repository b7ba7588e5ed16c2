// Check benchmark: for every flawed variant that runner/checkVariants.ts maps to a small configuration,
// `lockstep check`'s schedules to the first counterexample within the configuration's bound, seed 1,
// in both search orders (bfs: fewest deviations first, the default; dfs: depth-first) against random runs to the first counterexample (random schedules of the same choice
// space within the same bound: runner/pct.ts randomWalk), the median over several seed ranges. The
// issue's target: where random needs ≥ 20 runs, check needs ≥ 10× fewer. A second baseline is
// random `explore` itself: seeds of the configuration with its (empty) fault script replaced by a
// swarm profile (`--swarm targeted`, the profile aimed at races), a seed counting as a find when the
// variant violates a checker there and the correct design does not (same seed, same faults).
// Usage: node --import tsx bench/check.ts [--ranges 5] [--max-runs 200] [--time-ms 60000] [--variants a,b] [--check-seeds 1,2,3]
//   [--swarm targeted] [--max-seeds 2000] (--max-seeds 0: no explore baseline)
import { loadScenario } from '../scenarios/load.ts';
import { check, parseBound, DEFAULT_BOUND, DEFAULT_ORDER } from '../runner/check.ts';
import type { SearchOrder } from '../runner/check.ts';
import { randomWalk } from '../runner/pct.ts';
import { CHECK_TARGETS, NOT_FOUND_YET } from '../runner/checkVariants.ts';
import { simulate } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import { withSwarm } from '../scenarios/profiles.ts';

interface Row {
  variant: string;
  config: string;
  /** Schedules to check's first counterexample in the default order, median over the check seeds (null: none within the limits). */
  check: number | null;
  /** The same per search order: median, and per seed. */
  bfs: number | null;
  dfs: number | null;
  bfsPerSeed: (number | null)[];
  dfsPerSeed: (number | null)[];
  /** Random runs to the first counterexample, per seed range (null: none within maxRuns). */
  random: (number | null)[];
  randomMedian: number | null;
  /** randomMedian / check (a lower bound when random found nothing: maxRuns / check). */
  ratio: number | null;
  /** Random needed ≥ 20 runs: does check need ≥ 10× fewer? (null: the target does not apply.) */
  tenfold: boolean | null;
  /** Random explore with a swarm profile: seeds to the first find, per seed range (null: none within maxSeeds). */
  explore?: (number | null)[];
  exploreMedian?: number | null;
  /** exploreMedian / check (a lower bound when explore found nothing: maxSeeds / check). */
  exploreRatio?: number | null;
  /** Explore needed ≥ 20 seeds: does check need ≥ 10× fewer runs? */
  exploreTenfold?: boolean | null;
}

/** The correct design a variant is a flaw of: `dlm-lvb/no-fencing` → `dlm-lvb`. */
function baseOf(variant: string): string {
  return variant.split('/')[0]!;
}

/**
 * Seeds of `scenario` with a swarm profile, from `first`, to the first where the variant violates a
 * checker and its correct design does not: the number of seeds run, or null within `maxSeeds`.
 */
async function exploreFirst(scenario: Scenario, variant: string, profile: string, first: number, maxSeeds: number): Promise<number | null> {
  const swarm = withSwarm(scenario, profile);
  for (let i = 0; i < maxSeeds; i++) {
    const r = await simulate(swarm, { seed: first + i, protocol: variant });
    if (r.violations.length === 0) continue;
    const base = await simulate(swarm, { seed: first + i, protocol: baseOf(variant) });
    if (base.violations.length === 0) return i + 1;
  }
  return null;
}

function median(xs: (number | null)[]): number | null {
  const v = xs.map((x) => x ?? Infinity).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return v === Infinity ? null : v;
}

export async function benchCheck(opts: { ranges?: number; maxRuns?: number; timeMs?: number; variants?: string[]; checkSeeds?: number[]; swarm?: string; maxSeeds?: number } = {}): Promise<Record<string, unknown>> {
  const swarm = opts.swarm ?? 'targeted';
  const maxSeeds = opts.maxSeeds ?? 2000;
  const ranges = opts.ranges ?? 5;
  const checkSeeds = opts.checkSeeds ?? [1];
  const maxRuns = opts.maxRuns ?? 200;
  const timeMs = opts.timeMs ?? 60_000;
  const rows: Row[] = [];
  for (const t of CHECK_TARGETS) {
    if (opts.variants !== undefined && !opts.variants.includes(t.variant)) continue;
    const scenario = loadScenario(t.config).scenario;
    const bound = parseBound(scenario.check?.bound ?? '', DEFAULT_BOUND);
    const first = async (order: SearchOrder, seed: number): Promise<number | null> => {
      const started = performance.now();
      const res = await check({ scenario, protocol: t.variant, seed, bound, order, maxSchedules: 20_000, shouldStop: () => performance.now() - started > timeMs });
      return res.counterexamples[0]?.schedule ?? null;
    };
    const bfsPerSeed: (number | null)[] = [];
    const dfsPerSeed: (number | null)[] = [];
    for (const seed of checkSeeds) {
      bfsPerSeed.push(await first('bfs', seed));
      dfsPerSeed.push(await first('dfs', seed));
    }
    const bfs = median(bfsPerSeed);
    const dfs = median(dfsPerSeed);
    const c = DEFAULT_ORDER === 'bfs' ? bfs : dfs;
    const random: (number | null)[] = [];
    for (let k = 1; k <= ranges; k++) {
      const w = await randomWalk({ scenario, protocol: t.variant, seed: k * 100_003, depth: 1, runs: maxRuns, bound });
      random.push(w.firstFailure ?? null);
    }
    const rm = median(random);
    const effective = rm ?? maxRuns;
    const ratio = c === null ? null : Math.round((effective / c) * 10) / 10;
    const row: Row = { variant: t.variant, config: t.config, check: c, bfs, dfs, bfsPerSeed, dfsPerSeed, random, randomMedian: rm, ratio, tenfold: effective >= 20 ? (ratio !== null && ratio >= 10) : null };
    if (maxSeeds > 0) {
      const explore: (number | null)[] = [];
      for (let k = 1; k <= ranges; k++) explore.push(await exploreFirst(scenario, t.variant, swarm, 1 + (k - 1) * 100_000, maxSeeds));
      const em = median(explore);
      const eff = em ?? maxSeeds;
      const er = c === null ? null : Math.round((eff / c) * 10) / 10;
      Object.assign(row, { explore, exploreMedian: em, exploreRatio: er, exploreTenfold: eff >= 20 ? (er !== null && er >= 10) : null });
    }
    rows.push(row);
  }
  const applies = rows.filter((r) => r.tenfold !== null);
  const appliesExplore = rows.filter((r) => r.exploreTenfold !== undefined && r.exploreTenfold !== null);
  return {
    what: 'schedules to the first counterexample: check (median over checkSeeds, the seed whose run is the default schedule; `check` is the default order, bfs and dfs both orders) vs random runs over the same choice points and bound (median over seed ranges; null = none within randomMaxRuns)',
    ranges, randomMaxRuns: maxRuns, checkSeeds, rows,
    order: DEFAULT_ORDER,
    medians: { bfs: median(rows.map((r) => r.bfs)), dfs: median(rows.map((r) => r.dfs)), random: median(rows.map((r) => r.randomMedian)) },
    bfsBeatsDfs: `${rows.filter((r) => (r.bfs ?? Infinity) < (r.dfs ?? Infinity)).length} fewer, ${rows.filter((r) => r.bfs === r.dfs).length} equal, ${rows.filter((r) => (r.bfs ?? Infinity) > (r.dfs ?? Infinity)).length} more`,
    tenfoldWhereRandomNeeds20: `${applies.filter((r) => r.tenfold === true).length}/${applies.length}`,
    ...(maxSeeds > 0 ? {
      explore: `random explore: the configuration with faults: { swarm: '${swarm}' }, seeds from 1, 100001, … (one range each), to the first seed where the variant violates a checker and its correct design does not; null = none within ${maxSeeds} seeds`,
      tenfoldWhereExploreNeeds20: `${appliesExplore.filter((r) => r.exploreTenfold === true).length}/${appliesExplore.length}`,
    } : {}),
    notFoundYet: Object.keys(NOT_FOUND_YET),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string): string | undefined => {
    const i = process.argv.indexOf(k);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const out = await benchCheck({
    ...(arg('--ranges') ? { ranges: Number(arg('--ranges')) } : {}),
    ...(arg('--max-runs') ? { maxRuns: Number(arg('--max-runs')) } : {}),
    ...(arg('--time-ms') ? { timeMs: Number(arg('--time-ms')) } : {}),
    ...(arg('--variants') ? { variants: arg('--variants')!.split(',') } : {}),
    ...(arg('--check-seeds') ? { checkSeeds: arg('--check-seeds')!.split(',').map(Number) } : {}),
    ...(arg('--swarm') ? { swarm: arg('--swarm')! } : {}),
    ...(arg('--max-seeds') ? { maxSeeds: Number(arg('--max-seeds')) } : {}),
  });
  console.log(JSON.stringify(out, null, 2));
}
