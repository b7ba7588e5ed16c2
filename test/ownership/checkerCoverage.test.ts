// Every checker `lockstep list` shows is proven: a (protocol/variant, scenario, seeds) per checker
// that runs here with that checker alone and fails with it. An `always` or `eventually` checker fails
// on a planted flaw; a `sometimes` checker fails ("not reached") on a correct run that never reaches
// its case. The proofs come from the negative tables the suites already run (ownership/demo,
// membership) plus the DLM's and the coverage checkers' below; a checker registered without a proof,
// or a proof that no longer fails, fails here.
import { describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../protocols/index.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { libraryScenario } from './library.ts';
import { NEGATIVE_CASES } from './negativeCases.ts';
import { MEMBERSHIP_NEGATIVE_CASES } from '../membership/negativeCases.ts';
import { downConversionHeld } from '../dlm/cases.ts';

interface ScenarioProof {
  protocol: string;
  scenario: string | Scenario;
  /** Seeds to try in order; the proof holds when one of them fails with the checker. */
  seeds: number[];
  cluster?: Record<string, unknown>;
}
/** A flaw only a scripted DLM cluster reaches (test/dlm/cases.ts): the script, run with the variant. */
interface ScriptProof {
  variant: string;
  script: (variant?: string) => Promise<{ checkers: string[] }>;
}
type Proof = ScenarioProof | ScriptProof;

/** The DLM swarm of test/dlm/swarm.test.ts (crash profile). */
const DLM_SWARM: Scenario = { name: 'dlm-swarm-crashes', description: 'swarm', nodes: 5, protocol: 'dlm', durationUs: 15_000_000, faults: { swarm: 'crashes' } };
/** GFS2's glock cache workload, 5 nodes, no faults (test/dlm/negative.test.ts). */
const GLOCK: Scenario = { name: 'glock', description: '', nodes: 5, protocol: 'dlm', durationUs: 12_000_000, healAtUs: 8_000_000, workload: { kind: 'glock-cache' }, faults: {} };

const PROOFS: Record<string, Proof> = {
  // The DLM's own checkers: a flawed DLM on its swarm, or on the script that reaches the flaw.
  'dlm-compat': { protocol: 'dlm/bad-compat', scenario: DLM_SWARM, seeds: [1] },
  'dlm-queue': { protocol: 'dlm/ignore-convert-queue', scenario: DLM_SWARM, seeds: [1] },
  'dlm-completion': { protocol: 'dlm/lose-completion', scenario: DLM_SWARM, seeds: [1] },
  'dlm-lvb': { protocol: 'dlm/no-lvb-invalidate', scenario: DLM_SWARM, seeds: [1] },
  'dlm-masters': { protocol: 'dlm/split-master', scenario: DLM_SWARM, seeds: [1] },
  'dlm-flags': { protocol: 'dlm/sticky-flags', scenario: DLM_SWARM, seeds: [1] },
  'dlm-liveness': { protocol: 'dlm/no-rebuild', scenario: DLM_SWARM, seeds: [1] },
  'glock-cache': { protocol: 'dlm/glock-trust-valid', scenario: GLOCK, seeds: [1] },
  // No swarm or library scenario reaches a held lock's lost down-conversion before recovery.
  'dlm-copies': { variant: 'lose-down-conversion', script: downConversionHeld },
  // Coverage checkers: a fault-free correct run never reaches their case.
  'gossip-restart-caught-up': { protocol: 'gossip', scenario: 'steady-state', seeds: [1] },
  'ownership-handover': { protocol: 'lease', scenario: 'steady-state', seeds: [1] },
  'owner-died-holding-ex': { protocol: 'dlm-lvb', scenario: 'steady-state', seeds: [1] },
  'valnotvalid-read': { protocol: 'dlm-lvb', scenario: 'steady-state', seeds: [1] },
  'fenced-a-victim': { protocol: 'cman', scenario: 'steady-state', seeds: [1] },
  'killed-a-dissenter': { protocol: 'cman', scenario: 'steady-state', seeds: [1] },
  'aborted-a-recovery': { protocol: 'cman', scenario: 'steady-state', seeds: [1] },
  'dlm-valnotvalid-seen': { protocol: 'dlm', scenario: 'steady-state', seeds: [1] },
  'dlm-remastered': { protocol: 'dlm', scenario: 'steady-state', seeds: [1] },
  'dlm-recovery-restarted': { protocol: 'dlm', scenario: 'steady-state', seeds: [1] },
};
// The ownership/demo and membership negative tables: the first row of each checker.
for (const c of NEGATIVE_CASES) PROOFS[c.checker] ??= { protocol: c.variant, scenario: c.scenario, seeds: c.seeds };
for (const c of MEMBERSHIP_NEGATIVE_CASES) {
  PROOFS[c.checker] ??= { protocol: `cman/${c.variant}`, scenario: c.scenario, seeds: [1], ...(c.cluster !== undefined ? { cluster: c.cluster } : {}) };
}

/** Every checker of every built-in protocol, as `lockstep list` shows them. */
const REGISTERED = new Map<string, string>();
for (const p of PROTOCOLS) for (const c of p.checkers) REGISTERED.set(c.name, c.kind);

/** Does the proof fail with `checker`? (A sometimes checker fails by not being reached.) */
async function fails(checker: string, kind: string, proof: Proof): Promise<boolean> {
  if ('script' in proof) return (await proof.script(proof.variant)).checkers.includes(checker);
  const base = typeof proof.scenario === 'string' ? libraryScenario(proof.scenario) : proof.scenario;
  const scenario: Scenario = { ...base, checkers: [checker], ...(proof.cluster !== undefined ? { cluster: proof.cluster } : {}) };
  for (const seed of proof.seeds) {
    const r = await simulate(scenario, { seed, protocol: proof.protocol, stopOnViolation: kind !== 'sometimes' });
    if (kind === 'sometimes' ? r.coverage[checker] === false : r.violations.some((v) => v.checker === checker)) return true;
  }
  return false;
}

describe('every listed checker is proven by a run that fails with it', () => {
  it('the registry lists the checkers this table proves, no more and no fewer', () => {
    expect([...REGISTERED.keys()].filter((n) => PROOFS[n] === undefined), 'checkers without a proof').toEqual([]);
    expect(Object.keys(PROOFS).filter((n) => !REGISTERED.has(n)), 'proofs of unknown checkers').toEqual([]);
    for (const name of ['ownership-liveness', 'gossip-converges', 'ownership-failure-fenced']) expect(REGISTERED.has(name), name).toBe(true);
  });

  for (const [name, kind] of REGISTERED) {
    const proof = PROOFS[name];
    if (proof === undefined) continue;
    const label = 'script' in proof ? `dlm/${proof.variant} (scripted)` : `${proof.protocol} on ${typeof proof.scenario === 'string' ? proof.scenario : proof.scenario.name} seeds ${proof.seeds.join(', ')}`;
    it(`${name} [${kind}] fails on ${label}`, async () => {
      expect(await fails(name, kind, proof), `${name} did not fail on ${label}`).toBe(true);
    }, 60_000);
  }
});
