import { readRunFile } from '../runner/runFiles.ts';
import { traceRunFile } from '../runner/runTrace.ts';
import { buildRunView } from '../runner/runView.ts';
const rf = readRunFile(process.argv[2]!);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let i = 0; i < 3; i++) {
  let t = cpu(); const tr = await traceRunFile(rf); const a = cpu() - t;
  const r = tr.result;
  t = cpu();
  const v = buildRunView({ scenario: rf.scenario.name, protocol: r.protocol, seed: rf.seed, nodes: rf.scenario.nodes, endUs: r.simTimeUs, healAtUs: r.healAtUs, violations: r.violations, faultsFired: r.faultsFired, faults: r.faults }, tr.records, tr.truncated);
  console.log('trace', Math.round(a), 'view', Math.round(cpu() - t), tr.records.length, JSON.stringify(v).length);
}
