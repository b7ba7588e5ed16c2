// The warm rate of the full stack, in a fresh process: `node --import tsx bench/warm.ts <protocol> [n]`
// runs n standard seeds to warm the JIT up, then n new seeds (n+1..2n), and prints one JSON line with
// the second round's CPU seconds, events and simulated seconds. bench/stack.ts runs it as a child:
// measured inside the bench process, whose earlier benchmarks (gossip, the bare engine) leave the
// engine's call sites polymorphic, the same seeds ran at half this rate.
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';

const protocol = process.argv[2] ?? 'dlm-lvb';
const n = Number(process.argv[3] ?? 60);
const { scenario } = loadScenario('standard');
const cpuSec = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (let seed = 1; seed <= n; seed++) await simulate(scenario, { seed, protocol });
let events = 0;
let simUs = 0;
const t0 = cpuSec();
for (let seed = n + 1; seed <= 2 * n; seed++) {
  const r = await simulate(scenario, { seed, protocol });
  events += r.events;
  simUs += r.simTimeUs;
}
console.log(JSON.stringify({ protocol, seeds: n, cpuSec: cpuSec() - t0, events, simSec: simUs / 1e6 }));
