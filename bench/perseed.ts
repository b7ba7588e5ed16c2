// The same standard seeds twice in one process: `node --import tsx bench/perseed.ts <protocol> [n]`
// (FRESH=1: the second round runs new seeds n+1..2n instead). Prints each round's seeds/s, the second
// round's per-seed CPU ms (median, p10, p90), and last a JSON line with the second round's CPU seconds,
// events and simulated seconds — the warm rate bench/stack.ts reads from a fresh child process.
// DIST=1 runs the compiled package (dist/index.js: what the CLI and its workers run) instead of the
// sources through tsx, whose keep-names wrappers cost up to a fifth of the rate (lease, 6 Dec 2026).
// NODES=k runs the standard scenario on k nodes for DURATION_US (default 20 s) simulated: 2 warm-up
// seeds (WARMUPS=k: k), then `n` measured. PATCH='{"checkers":[]}' (JSON) is merged over the scenario first: the
// counterfactual runs of bench/decompose.ts (no checker, no workload, no faults).
import type { Scenario } from '../scenarios/types.ts';
import type { SimulateOptions, SimulateResult } from '../scenarios/simulate.ts';
interface Api {
  simulate(s: Scenario, o: SimulateOptions): Promise<SimulateResult>;
  loadScenario(ref: string): { scenario: Scenario };
}
const dist = process.env.DIST !== undefined && process.env.DIST !== '';
const api: Api = dist
  ? await (async () => {
    const m = (await import(new URL('../dist/index.js', import.meta.url).href)) as { simulate: Api['simulate']; scenarios: { loadScenario: Api['loadScenario'] } };
    return { simulate: m.simulate, loadScenario: m.scenarios.loadScenario };
  })()
  : { simulate: (await import('../scenarios/simulate.ts')).simulate, loadScenario: (await import('../scenarios/load.ts')).loadScenario };
const simulate = api.simulate;
const protocol = process.argv[2] ?? 'dlm-lvb';
const n = Number(process.argv[3] ?? 100);
const fresh = process.env.FRESH !== undefined && process.env.FRESH !== '';
const nodes = process.env.NODES === undefined ? undefined : Number(process.env.NODES);
const patch = process.env.PATCH === undefined || process.env.PATCH === '' ? {} : JSON.parse(process.env.PATCH) as Partial<Scenario>;
const standard: Scenario = { ...api.loadScenario('standard').scenario, ...patch };
const scenario: Scenario = nodes === undefined ? standard : { ...standard, nodes, durationUs: Number(process.env.DURATION_US ?? 20_000_000) };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const times: number[] = [];
let ev = 0;
const warm = { cpuSec: 0, events: 0, simSec: 0 };
/** Round 0 warms up: the same n seeds (or, FRESH, seeds 1..n before n+1..2n); scaled, 2 seeds from 1000. */
const warmups = nodes === undefined ? n : Number(process.env.WARMUPS ?? 2);
for (let round = 0; round < 2; round++) {
  const t0 = cpu();
  const count = round === 0 ? warmups : n;
  const first = nodes !== undefined ? (round === 0 ? 1000 : 1) : 1 + (fresh ? round * n : 0);
  for (let seed = first; seed < first + count; seed++) {
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
  console.log(`round ${round}: ${(count / dt * 1000).toFixed(1)} seeds/s`);
}
times.sort((a, b) => a - b);
console.log('median ms', times[n >> 1].toFixed(1), 'p10', times[Math.floor(n * 0.1)].toFixed(1), 'p90', times[Math.floor(n * 0.9)].toFixed(1), 'events/seed', Math.round(ev / (warmups + n)));
console.log(JSON.stringify({ protocol, seeds: n, fresh, dist, nodes: scenario.nodes, ...warm }));
