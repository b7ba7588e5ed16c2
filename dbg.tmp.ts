import { loadScenario } from './scenarios/load.ts';
import { simulate } from './scenarios/simulate.ts';
const devs = JSON.parse(process.argv[2] ?? '[]') as [number, number][];
const kinds = new Set((process.argv[3] ?? 'crash,restart,dlm-master,dlm-grant,dlm-lvb-write,dlm-lvb-read,dlm-op,dlm-recovery-start,dlm-recovered,dlm-lvb-invalid,dlm-lvb-recovered,dlm-lvb-fresh,dlm-rebuilt,dlm-reset,dlm-complete').split(','));
const r = await simulate(loadScenario(process.argv[4] ?? 'dlm-lvb-table').scenario, { seed: 1, protocol: 'dlm', tapeOverrides: devs, trace: (rec) => {
  if (!kinds.has(rec.k)) return;
  const { i, t, k, node, ls, ...rest } = rec as Record<string, unknown>;
  void ls; void i;
  console.log(String(Math.round((t as number) / 1000)).padStart(5), `n${node}`, k, JSON.stringify(rest).slice(0, 200));
} });
console.log(r.violations, r.traceHash);
