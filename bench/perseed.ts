// The same standard seeds twice in one process: `node --import tsx bench/perseed.ts <protocol> [n]`
// (FRESH=1: the second round runs new seeds n+1..2n instead). Prints each round's seeds/s, the second
// round's per-seed CPU ms (median, p10, p90), and last a JSON line with the second round's CPU seconds,
// events and simulated seconds — the warm rate bench/stack.ts reads from a fresh child process.
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
const protocol = process.argv[2] ?? 'dlm-lvb';
const n = Number(process.argv[3] ?? 100);
const fresh = process.env.FRESH !== undefined && process.env.FRESH !== '';
const { scenario } = loadScenario('standard');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const times: number[] = [];
let ev = 0;
const warm = { cpuSec: 0, events: 0, simSec: 0 };
for (let round = 0; round < 2; round++) {
  const t0 = cpu();
  const first = 1 + (fresh ? round * n : 0);
  for (let seed = first; seed < first + n; seed++) {
    const t = cpu();
    const r = await simulate(scenario, { seed, protocol });
    ev += r.events;
    if (round === 1) {
      times.push(cpu() - t);
      warm.events += r.events;
      warm.simSec += r.simTimeUs / 1e6;
    }
  }
  const dt = cpu() - t0;
  if (round === 1) warm.cpuSec = dt / 1000;
  console.log(`round ${round}: ${(n / dt * 1000).toFixed(1)} seeds/s`);
}
times.sort((a, b) => a - b);
console.log('median ms', times[n >> 1].toFixed(1), 'p10', times[Math.floor(n * 0.1)].toFixed(1), 'p90', times[Math.floor(n * 0.9)].toFixed(1), 'events/seed', Math.round(ev / 2 / n));
console.log(JSON.stringify({ protocol, seeds: n, fresh, ...warm }));
