// Check benchmark: for every flawed variant that has a small configuration (scenarios/library/
// check-<protocol>.json), schedules to the first counterexample under `lockstep check` (depth-first
// within the configuration's bound) against random schedules of the same choice space (random walk
// within the same bound), each the median over three seeds.
// Usage: node --import tsx bench/check.ts [--seeds 3] [--max-runs 200] [--time-ms 60000] [--variants a,b]
import { PROTOCOLS } from '../protocols/index.ts';
import { loadScenario, libraryNames } from '../scenarios/load.ts';
import { check, parseBound, DEFAULT_BOUND } from '../runner/check.ts';
import { randomWalk } from '../runner/pct.ts';

interface Row {
  variant: string;
  /** Schedules to the first counterexample per seed (null: none within the limits). */
  check: (number | null)[];
  random: (number | null)[];
  checkMedian: number | null;
  randomMedian: number | null;
  ratio: number | null;
}

function median(xs: (number | null)[], cap: number): number | null {
  const v = xs.map((x) => x ?? Infinity).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return v === Infinity ? null : Math.min(v, cap);
}

export async function benchCheck(opts: { seeds?: number; maxRuns?: number; timeMs?: number; variants?: string[] } = {}): Promise<Record<string, unknown>> {
  const seeds = opts.seeds ?? 3;
  const maxRuns = opts.maxRuns ?? 200;
  const timeMs = opts.timeMs ?? 60_000;
  const names = new Set(libraryNames());
  const rows: Row[] = [];
  for (const def of PROTOCOLS) {
    if (!names.has(`check-${def.name}`)) continue;
    const scenario = loadScenario(`check-${def.name}`).scenario;
    const bound = parseBound(scenario.check?.bound ?? '', DEFAULT_BOUND);
    for (const v of def.variants) {
      const variant = `${def.name}/${v.name}`;
      if (opts.variants !== undefined && !opts.variants.includes(variant)) continue;
      const c: (number | null)[] = [];
      const r: (number | null)[] = [];
      for (let s = 1; s <= seeds; s++) {
        const started = performance.now();
        const res = await check({ scenario, protocol: variant, seed: s, bound, maxSchedules: 20_000, shouldStop: () => performance.now() - started > timeMs });
        c.push(res.counterexamples[0]?.schedule ?? null);
        const w = await randomWalk({ scenario, protocol: variant, seed: s * 1000, depth: 1, runs: maxRuns, bound });
        r.push(w.firstFailure ?? null);
      }
      const cm = median(c, Infinity);
      const rm = median(r, Infinity);
      rows.push({ variant, check: c, random: r, checkMedian: cm, randomMedian: rm, ratio: cm !== null && rm !== null ? Math.round((rm / cm) * 10) / 10 : null });
    }
  }
  return { seeds, randomMaxRuns: maxRuns, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string): string | undefined => {
    const i = process.argv.indexOf(k);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const out = await benchCheck({
    ...(arg('--seeds') ? { seeds: Number(arg('--seeds')) } : {}),
    ...(arg('--max-runs') ? { maxRuns: Number(arg('--max-runs')) } : {}),
    ...(arg('--time-ms') ? { timeMs: Number(arg('--time-ms')) } : {}),
    ...(arg('--variants') ? { variants: arg('--variants')!.split(',') } : {}),
  });
  console.log(JSON.stringify(out, null, 2));
}
