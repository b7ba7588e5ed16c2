// Simulated seconds per CPU-second of one seed at N nodes (after one warm-up seed): `node --import tsx bench/scale.ts <protocol> <nodes> [simSec]`.
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';
const protocol = process.argv[2] ?? 'oldest-member';
const nodes = Number(process.argv[3] ?? 100);
const durationUs = Number(process.argv[4] ?? 10) * 1e6;
const { scenario } = loadScenario('standard');
const sc = { ...scenario, nodes, durationUs };
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
await simulate(sc, { seed: 1000, protocol });
const t = cpu();
const r = await simulate(sc, { seed: 1, protocol });
console.log(JSON.stringify({ protocol, nodes, events: r.events, simSecPerCpuSec: +(r.simTimeUs / 1e6 / (cpu() - t)).toFixed(1) }));
