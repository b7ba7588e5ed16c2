// The full cluster stack's figures: each ownership protocol on the standard scenario (5 nodes, 60
// simulated s, swarm faults, workload on, every checker on, trace off): events/s on one core, seeds/s
// per core, and the ratio to the bare event-loop ceiling measured in the same bench process.
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
import { PROTOCOLS } from '../protocols/index.ts';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const PROTOCOL_NAMES = ['dlm-lvb', 'oldest-member', 'lease'];
const SEEDS = Number(process.env.LOCKSTEP_BENCH_SEEDS ?? 12);

export async function benchStack(bare5EventsPerSec?: number): Promise<Record<string, unknown>> {
  const { scenario } = loadScenario('standard');
  const out: Record<string, unknown> = {
    what: `standard scenario (${scenario.nodes} nodes, ${scenario.durationUs / 1e6} s simulated, swarm '${scenario.faults.swarm}', workload on, all checkers), trace off, ${SEEDS} seeds after 2 warm-up seeds, CPU time of one core`,
  };
  for (const name of PROTOCOL_NAMES) {
    if (!PROTOCOLS.some((p) => p.name === name)) continue;
    for (let seed = 1000; seed < 1002; seed++) await simulate(scenario, { seed, protocol: name });
    let events = 0;
    const t0 = cpuMs();
    for (let seed = 1; seed <= SEEDS; seed++) events += (await simulate(scenario, { seed, protocol: name })).events;
    const sec = (cpuMs() - t0) / 1000;
    const eventsPerSec = events / sec;
    out[name] = {
      eventsPerSec: Math.round(eventsPerSec),
      eventsPerSeed: Math.round(events / SEEDS),
      seedsPerSecPerCore: Number((SEEDS / sec).toPrecision(3)),
      ...(bare5EventsPerSec ? { ratioToBare5: Number((eventsPerSec / bare5EventsPerSec).toPrecision(3)) } : {}),
      goalMillionEventsPerSec: eventsPerSec >= 1e6,
      goal50SeedsPerSecPerCore: SEEDS / sec >= 50,
    };
  }
  return out;
}
