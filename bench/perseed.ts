import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
const protocol = process.argv[2] ?? 'dlm-lvb';
const n = Number(process.argv[3] ?? 100);
const { scenario } = loadScenario('standard');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const times: number[] = [];
let ev = 0;
for (let round = 0; round < 2; round++) {
  const t0 = cpu();
  for (let seed = 1 + (process.env.FRESH ? round * n : 0); seed <= n + (process.env.FRESH ? round * n : 0); seed++) {
    const t = cpu();
    const r = await simulate(scenario, { seed, protocol });
    ev += r.events;
    if (round === 1) times.push(cpu() - t);
  }
  const dt = cpu() - t0;
  console.log(`round ${round}: ${(n / dt * 1000).toFixed(1)} seeds/s`);
}
times.sort((a, b) => a - b);
console.log('median ms', times[n >> 1].toFixed(1), 'p10', times[Math.floor(n * 0.1)].toFixed(1), 'p90', times[Math.floor(n * 0.9)].toFixed(1), 'events/seed', Math.round(ev / 2 / n));
