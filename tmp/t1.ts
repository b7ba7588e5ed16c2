import { check, parseBound } from '../runner/check.ts';
import { loadScenario } from '../scenarios/load.ts';
const [name, proto, bound, prune] = process.argv.slice(2);
const s = loadScenario(name!).scenario;
const t0 = Date.now();
const r = await check({ scenario: s, protocol: proto!, seed: 1, bound: parseBound(bound!), prune: prune !== 'off', maxSchedules: 3000,
  onProgress: (p) => process.stderr.write(`\r${JSON.stringify(p)} ${((Date.now()-t0)/1000).toFixed(1)}s`) });
console.log('\n', JSON.stringify({ ...r, counterexamples: r.counterexamples.map((c) => ({ d: c.deviations, s: c.schedule, v: c.violations.map((v) => v.checker) })) }), (Date.now() - t0) / 1000);
