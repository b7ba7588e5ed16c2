import { readRunFile } from '../runner/runFiles.ts';
import { simulate } from '../scenarios/simulate.ts';
const rf = readRunFile(process.argv[2]!);
await simulate(rf.scenario, { seed: rf.seed, protocol: rf.protocol, tapeOverrides: rf.tape.overrides, trace: (r) => {
  if (['fence','unfence','owner-begin','owner-ready','owner-end','pause','resume','view','crash','restart','ex-held','cman-kill','self-reboot','heal'].includes(r.k) && r.t < 1_700_000) console.log(r.t, r.k, r.node, JSON.stringify(r).slice(0, 160));
} });
