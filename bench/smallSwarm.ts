// Random fault mixes on the small check configurations: each `check-*` configuration of an
// ownership design with its (empty) fault script replaced by each swarm profile, N seeds each, and
// every violation classified — the table in docs/ownership.md ("Random fault mixes on the small
// configurations"). Opt-in (not part of `npm run bench`): ~50,000 runs take ~6 CPU-minutes.
// Usage: node --import tsx bench/smallSwarm.ts [--seeds 2000] [--first 1]
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
import { SWARM_PROFILES, withSwarm } from '../scenarios/profiles.ts';

const CONFIGS = ['check-dlm-lvb', 'check-dlm-lvb-reader', 'check-dlm-lvb-passwd', 'check-oldest-member', 'check-lease'];
const PROFILES = SWARM_PROFILES.map((p) => p.name).filter((n) => n !== 'none');

export async function benchSmallSwarm(seeds: number, first = 1): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown>[] = [];
  let runs = 0;
  let safety = 0;
  for (const config of CONFIGS) {
    const base = loadScenario(config).scenario;
    const protocol = base.protocol ?? 'dlm-lvb';
    for (const profile of PROFILES) {
      const scenario = withSwarm(base, profile);
      const failures: { seed: number; checkers: string[]; safety: boolean; slowFence: boolean }[] = [];
      for (let seed = first; seed < first + seeds; seed++) {
        const r = await simulate(scenario, { seed, protocol });
        runs++;
        if (r.violations.length === 0) continue;
        const isSafety = r.violations.some((v) => v.kind === 'always');
        if (isSafety) safety++;
        failures.push({
          seed, checkers: [...new Set(r.violations.map((v) => v.checker))].sort(), safety: isSafety,
          slowFence: r.faultsFired.some((f) => f.kind === 'fence-slow'),
        });
      }
      rows.push({ config, protocol, profile, seeds, failed: failures.length, failures });
    }
  }
  return { what: 'each check-* configuration with faults { swarm: profile }, seeds first..first+seeds-1; every failing seed with its checkers and whether a fence-slow fault fired', first, runs, safetyViolations: safety, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string): string | undefined => {
    const i = process.argv.indexOf(k);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  console.log(JSON.stringify(await benchSmallSwarm(Number(arg('--seeds') ?? 2000), Number(arg('--first') ?? 1)), null, 2));
}
