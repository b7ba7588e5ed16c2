import { simulate } from './scenarios/simulate.ts';
import { loadScenario } from './scenarios/load.ts';
const sc = loadScenario('split-brain-no-quorum').scenario;
for (let seed = 1; seed <= 60; seed++) {
  const r = await simulate({ ...sc }, { seed, protocol: 'oldest-member/no-quorum' });
  const v = r.violations.find((x) => x.checker === 'ownership-effect');
  if (v) { console.log(seed, v.message.slice(0, 160)); }
}
