// The full cluster stack's figures: each ownership protocol on the standard scenario (5 nodes, 60
// simulated s, swarm faults, workload on, every checker on, trace off): seeds/s per core, events per
// seed, bytes allocated per event, the ratio to the bare event-loop ceiling measured in the same bench
// process, and simulated seconds per CPU-second at 5, 50 and 100 nodes (the 100-node cost per
// simulated second as a multiple of the 5-node cost).
import { GCProfiler } from 'node:v8';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/types.ts';
import { PROTOCOLS } from '../protocols/index.ts';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const PROTOCOL_NAMES = ['dlm-lvb', 'oldest-member', 'lease'];
const SEEDS = Number(process.env.LOCKSTEP_BENCH_SEEDS ?? 12);
/**
 * The warm figure: in a fresh child process (bench/perseed.ts with FRESH=1), seeds WARM_SEEDS+1..2×WARM_SEEDS measured
 * after seeds 1..WARM_SEEDS (new seeds, so nothing seed-specific is reused). An explore or compare worker
 * runs hundreds of seeds: the first ~50 pay the JIT's warm-up and deoptimisations (bench/README.md,
 * round 3), the rest run warm. A child, because in this process the earlier benchmarks have made the
 * engine's call sites polymorphic (measured here, the same seeds ran at about half the rate).
 */
const WARM_SEEDS = Number(process.env.LOCKSTEP_BENCH_WARM_SEEDS ?? 60);
/** Simulated time of the scaled runs (50 and 100 nodes cost far more per simulated second). */
const SCALE_DURATION_US = Number(process.env.LOCKSTEP_BENCH_SCALE_US ?? 20_000_000);
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

interface Measured {
  seeds: number;
  events: number;
  cpuSec: number;
  simSec: number;
  /** Bytes allocated (what the collections freed plus the heap's net growth), when measured. */
  allocated: number;
}

/**
 * Run `seeds` seeds of `scenario` (after 2 warm-up seeds). With `alloc`, bytes allocated are what every
 * collection freed plus the heap's net growth (v8.GCProfiler), a close estimate of what was allocated.
 */
async function measure(scenario: Scenario, protocol: string, seeds: number, alloc: boolean): Promise<Measured> {
  for (let seed = 1000; seed < 1002; seed++) await simulate(scenario, { seed, protocol });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const prof = alloc ? new GCProfiler() : undefined;
  prof?.start();
  const heap0 = process.memoryUsage().heapUsed;
  let events = 0;
  let simUs = 0;
  const t0 = cpuMs();
  for (let seed = 1; seed <= seeds; seed++) {
    const r = await simulate(scenario, { seed, protocol });
    events += r.events;
    simUs += r.simTimeUs;
  }
  const cpuSec = (cpuMs() - t0) / 1000;
  const heap1 = process.memoryUsage().heapUsed;
  let allocated = 0;
  const stats = prof?.stop();
  if (stats !== undefined) {
    for (const s of stats.statistics) allocated += Math.max(0, s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize);
    allocated += heap1 - heap0;
  }
  return { seeds, events, cpuSec, simSec: simUs / 1e6, allocated };
}

/** Does the compiled package exist (npm run bench builds it first)? The warm children then run it. */
const DIST = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

/** bench/perseed.ts in a fresh child: FRESH warm seeds at 5 nodes, or (nodes) the scaled run. */
function inChild(protocol: string, seeds: number, env: Record<string, string>): Measured {
  const script = fileURLToPath(new URL('./perseed.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, protocol, String(seeds)], { encoding: 'utf8', env: { ...process.env, ...(DIST ? { DIST: '1' } : {}), ...env } });
  if (r.status !== 0) throw new Error(`bench/perseed.ts ${protocol} failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seeds: number; cpuSec: number; events: number; simSec: number };
  return { seeds: j.seeds, events: j.events, cpuSec: j.cpuSec, simSec: j.simSec, allocated: 0 };
}

export async function benchStack(bare5EventsPerSec?: number): Promise<Record<string, unknown>> {
  const { scenario } = loadScenario('standard');
  const out: Record<string, unknown> = {
    what: `standard scenario (${scenario.nodes} nodes, ${scenario.durationUs / 1e6} s simulated, swarm '${scenario.faults.swarm}', workload on, all checkers), trace off, ${SEEDS} seeds after 2 warm-up seeds, CPU time of one core (warm: ${WARM_SEEDS} new seeds after ${WARM_SEEDS} warm-up seeds in a fresh process); scale: the same at 50 and 100 nodes for ${SCALE_DURATION_US / 1e6} s simulated`,
  };
  for (const name of PROTOCOL_NAMES) {
    if (!PROTOCOLS.some((p) => p.name === name)) continue;
    const m = await measure(scenario, name, SEEDS, false);
    const a = await measure(scenario, name, Math.max(2, SEEDS >> 2), true);
    const w = inChild(name, WARM_SEEDS, { FRESH: '1' });
    const w50 = inChild(name, 1, { NODES: '50', DURATION_US: String(SCALE_DURATION_US) });
    const w100 = inChild(name, 1, { NODES: '100', DURATION_US: String(SCALE_DURATION_US) });
    const warmPerSimSec5 = w.cpuSec / w.simSec;
    const eventsPerSec = m.events / m.cpuSec;
    const warmEventsPerSec = w.events / w.cpuSec;
    const scale: Record<string, number> = {};
    const perSimSec: Record<number, number> = {};
    for (const nodes of [5, 50, 100]) {
      const sc: Scenario = nodes === 5 ? scenario : { ...scenario, nodes, durationUs: SCALE_DURATION_US };
      const r = nodes === 5 ? m : await measure(sc, name, 1, false);
      perSimSec[nodes] = r.cpuSec / r.simSec;
      scale[`nodes${nodes}SimSecPerCpuSec`] = round(r.simSec / r.cpuSec);
    }
    out[name] = {
      seedsPerSecPerCore: round(SEEDS / m.cpuSec),
      eventsPerSeed: Math.round(m.events / SEEDS),
      eventsPerSec: Math.round(eventsPerSec),
      bytesAllocatedPerEvent: Math.round(a.allocated / a.events),
      ...(bare5EventsPerSec ? { ratioToBare5: round(eventsPerSec / bare5EventsPerSec) } : {}),
      ...scale,
      cost100vs5PerSimSec: round(perSimSec[100]! / perSimSec[5]!),
      cost50vs5PerSimSec: round(perSimSec[50]! / perSimSec[5]!),
      goal50SeedsPerSecPerCore: SEEDS / m.cpuSec >= 50,
      goalRatioToBare5: bare5EventsPerSec === undefined ? undefined : eventsPerSec / bare5EventsPerSec >= 0.15,
      goal10kSimSecPerCpuSec: m.simSec / m.cpuSec >= 10_000,
      goal100NodesAtMost20x: perSimSec[100]! / perSimSec[5]! <= 20,
      warm: {
        what: `fresh processes (bench/perseed.ts) running ${DIST ? 'the compiled package (dist/, what the CLI and its workers run)' : 'the sources through tsx (dist/ not built)'}: seeds ${WARM_SEEDS + 1}..${2 * WARM_SEEDS} after ${WARM_SEEDS} warm-up seeds, the rate a long explore or compare worker runs at; 50 and 100 nodes: one seed of ${SCALE_DURATION_US / 1e6} s after 2 warm-up seeds of the same size`,
        compiled: DIST,
        seedsPerSecPerCore: round(WARM_SEEDS / w.cpuSec),
        ...(bare5EventsPerSec ? { ratioToBare5: round(warmEventsPerSec / bare5EventsPerSec) } : {}),
        nodes5SimSecPerCpuSec: round(w.simSec / w.cpuSec),
        nodes50SimSecPerCpuSec: round(w50.simSec / w50.cpuSec),
        nodes100SimSecPerCpuSec: round(w100.simSec / w100.cpuSec),
        cost50vs5PerSimSec: round(w50.cpuSec / w50.simSec / warmPerSimSec5),
        cost100vs5PerSimSec: round(w100.cpuSec / w100.simSec / warmPerSimSec5),
        goal100NodesAtMost20x: w100.cpuSec / w100.simSec / warmPerSimSec5 <= 20,
        goal50SeedsPerSecPerCore: WARM_SEEDS / w.cpuSec >= 50,
        goalRatioToBare5: bare5EventsPerSec === undefined ? undefined : warmEventsPerSec / bare5EventsPerSec >= 0.15,
        goal10kSimSecPerCpuSec: w.simSec / w.cpuSec >= 10_000,
      },
    };
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStack(), null, 2));
}
