// What one round of `npm start` costs, scenario by scenario: for each correct design and each
// scenario of compare's default set, the CPU ms, events and simulated seconds of seeds 1..N in one
// process, after one warm-up pass over every scenario (so the figures are warm-worker costs, as a
// long-lived compare worker pays them). Usage: node --import tsx bench/startCost.ts [seeds=2] [designs]
// Prints one JSON line per scenario × design, then totals per design, sorted by cost.
import { chooseScenarios } from '../cli/commands/compare.ts';
import { compatibleScenarios, distinctScenarios, FLAGSHIP } from '../runner/compare.ts';
import { simulate } from '../scenarios/simulate.ts';

const seeds = Number(process.argv[2] ?? 2);
const designs = process.argv[3] !== undefined ? process.argv[3].split(',') : [...FLAGSHIP];
// compare's default set: the library ≤ 16 nodes that every design builds, without repeated runs.
const { entries } = distinctScenarios(compatibleScenarios(chooseScenarios(undefined).entries, designs).entries);
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

for (const e of entries) for (const p of designs) await simulate(e.scenario, { seed: 1000, protocol: p });

interface Row { scenario: string; protocol: string; cpuMs: number; events: number; simS: number }
const rows: Row[] = [];
for (const e of entries) for (const p of designs) {
  let ms = 0;
  let events = 0;
  let simUs = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const t = cpu();
    const r = await simulate(e.scenario, { seed, protocol: p });
    ms += cpu() - t;
    events += r.events;
    simUs += r.simTimeUs;
  }
  rows.push({ scenario: e.scenario.name, protocol: p, cpuMs: Math.round(ms / seeds), events: Math.round(events / seeds), simS: Math.round(simUs / seeds / 1e5) / 10 });
}
rows.sort((a, b) => b.cpuMs - a.cpuMs);
for (const r of rows) console.log(JSON.stringify(r));
for (const p of designs) {
  const mine = rows.filter((r) => r.protocol === p);
  console.log(JSON.stringify({ protocol: p, scenarios: mine.length, roundCpuMs: mine.reduce((s, r) => s + r.cpuMs, 0), roundEvents: mine.reduce((s, r) => s + r.events, 0) }));
}
