// Per-seed CPU ms for the first N standard seeds of a fresh process (JIT warm-up curve).
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
const protocol = process.argv[2] ?? 'dlm-lvb';
const n = Number(process.argv[3] ?? 60);
const { scenario } = loadScenario('standard');
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const out: string[] = [];
for (let seed = 1; seed <= n; seed++) {
  const t = cpu();
  await simulate(scenario, { seed, protocol });
  out.push((cpu() - t).toFixed(0));
}
console.log(out.join(' '));
