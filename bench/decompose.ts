// Where the full stack's cost per event goes, by taking layers away: each ownership protocol on the
// standard scenario, warm (bench/perseed.ts, FRESH=1, in a fresh child running the compiled package),
// with every checker on (`full`), with none (`noCheckers`), without the snapshot workload
// (`noWorkload`), without faults (`noFaults`), and with all three removed (`bare`: the membership, DLM
// or lease machinery ticking over on its own). Then the same at 5 and 100 nodes (20 simulated s), and
// for the cman designs with the heartbeat period doubled (tokenTimeoutUs unchanged), which separates
// the per-tick all-to-all heartbeat cost from the rest. Every figure is a ratio to the bare event-loop
// ceiling measured in this process, or to the full stack at 5 nodes (`machinery100vsFull5`: what 100
// nodes' membership, DLM or lease machinery alone costs per simulated second, as a multiple of the
// whole 5-node stack). `npm run bench:decompose` (or `node --import tsx bench/decompose.ts
// [protocol…]`); JSON on stdout. About 2 minutes: not part of `npm run bench`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bareLoop } from './bare.ts';
import { DEFAULT_TOKEN_TIMEOUT_US } from '../protocols/membership/options.ts';

const DIST = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
const WARM = Number(process.env.LOCKSTEP_BENCH_WARM_SEEDS ?? 60);
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

interface Child { cpuSec: number; events: number; simSec: number; seeds: number }

function child(protocol: string, seeds: number, env: Record<string, string>): Child {
  const script = fileURLToPath(new URL('./perseed.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, protocol, String(seeds)], {
    encoding: 'utf8', env: { ...process.env, ...(DIST ? { DIST: '1' } : {}), ...env },
  });
  if (r.status !== 0) throw new Error(`bench/perseed.ts ${protocol} ${JSON.stringify(env)} failed: ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Child;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** The ceiling: bare event loop at 5 nodes, best of 3, on CPU time. */
function bare(): number {
  let best = 0;
  for (let r = 0; r < 3; r++) best = Math.max(best, bareLoop(5, 2_000_000, cpuNow).eventsPerSec);
  return best;
}

const LAYERS: Record<string, Record<string, unknown>> = {
  full: {},
  noCheckers: { checkers: [] },
  noWorkload: { workload: { kind: 'none' } },
  noFaults: { faults: {} },
  bare: { checkers: [], workload: { kind: 'none' }, faults: {} },
};

const CMAN = new Set(['dlm-lvb', 'oldest-member']);

function figures(c: Child, ceiling: number): Record<string, number> {
  const evPerSec = c.events / c.cpuSec;
  return {
    eventsPerSeed: Math.round(c.events / c.seeds),
    nsPerEvent: Math.round(1e9 / evPerSec),
    ratioToBare: round(evPerSec / ceiling),
    simSecPerCpuSec: Math.round(c.simSec / c.cpuSec),
    cpuUsPerSimSec: round((1e6 * c.cpuSec) / c.simSec),
  };
}

export function decompose(protocols: string[]): Record<string, unknown> {
  const ceiling = bare();
  const out: Record<string, unknown> = { bareEventsPerSec: Math.round(ceiling), warmSeeds: WARM };
  for (const p of protocols) {
    const five: Record<string, Record<string, number>> = {};
    const warm5: Record<string, Child> = {};
    for (const [name, patch] of Object.entries(LAYERS)) {
      warm5[name] = child(p, WARM, { FRESH: '1', PATCH: JSON.stringify(patch) });
      five[name] = figures(warm5[name]!, ceiling);
    }
    // 100 nodes, 20 simulated s (4 warm-up seeds, then 3 measured), against the warm 5-node run of the
    // same configuration (the standard 60 s): per simulated second, what 20× the nodes cost.
    const scaled: Record<string, Record<string, number>> = {};
    const { noFaults: _, ...variants } = LAYERS;
    // The default period is a quarter of the token timeout: twice it, the timeout left alone.
    if (CMAN.has(p)) variants.heartbeatX2 = { cluster: { heartbeatUs: DEFAULT_TOKEN_TIMEOUT_US / 2 } };
    for (const [name, patch] of Object.entries(variants)) {
      const a = warm5[name] ?? child(p, WARM, { FRESH: '1', PATCH: JSON.stringify(patch) });
      const b = child(p, 3, { NODES: '100', WARMUPS: '4', PATCH: JSON.stringify(patch) });
      const perSimSec = (c: Child): number => c.cpuSec / c.simSec;
      scaled[name] = {
        nodes5SimSecPerCpuSec: Math.round(a.simSec / a.cpuSec),
        nodes100SimSecPerCpuSec: round(b.simSec / b.cpuSec),
        cpuUsPerSimSec100: round(1e6 * perSimSec(b)),
        events100vs5PerSimSec: round((b.events / b.simSec) / (a.events / a.simSec)),
        cost100vs5PerSimSec: round(perSimSec(b) / perSimSec(a)),
        nsPerEvent5: Math.round((1e9 * a.cpuSec) / a.events),
        nsPerEvent100: Math.round((1e9 * b.cpuSec) / b.events),
      };
    }
    out[p] = {
      nodes5: five,
      scale: scaled,
      machinery100vsFull5: round(scaled.bare!.cpuUsPerSimSec100! / five.full!.cpuUsPerSimSec!),
    };
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ps = process.argv.slice(2);
  console.log(JSON.stringify(decompose(ps.length > 0 ? ps : ['dlm-lvb', 'oldest-member', 'lease']), null, 2));
}
