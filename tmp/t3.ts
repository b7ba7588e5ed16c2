import { readRunFile } from '../runner/runFiles.ts';
import { simulate } from '../scenarios/simulate.ts';
const rf = readRunFile(process.argv[2]!);
let crashT = -1;
await simulate(rf.scenario, { seed: rf.seed, protocol: rf.protocol, tapeOverrides: rf.tape.overrides, trace: (r) => {
  if (r.k === 'crash') crashT = r.t;
  if (['crash','dlm-complete','dlm-op','dlm-lvb-read','dlm-lvb-write','dlm-lvb-invalid','dlm-recovered','dlm-recovery-start','dlm-lvb-recovered', 'dlm-master'].includes(r.k) && (crashT < 0 ? r.t > 500000 : r.t < crashT + 400000)) console.log(JSON.stringify(r).slice(0, 230));
} });
