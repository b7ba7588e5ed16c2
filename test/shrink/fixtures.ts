// Test fixtures for shrinking: failing run-files of the demo protocol's flawed variant, built the way
// explore records them (swarm-drawn faults, no tape overrides).
import { simulate } from '../../scenarios/simulate.ts';
import type { SimulateResult } from '../../scenarios/simulate.ts';
import type { RunFile } from '../../scenarios/runfile.ts';
import type { Scenario } from '../../scenarios/types.ts';

export const GOSSIP_SWARM: Scenario = {
  name: 'gossip-swarm',
  description: 'Five gossiping nodes under the standard swarm.',
  nodes: 5,
  durationUs: 30_000_000,
  faults: { swarm: 'standard' },
};

export function runFileOf(scenario: Scenario, protocol: string, r: SimulateResult): RunFile {
  return {
    format: 'lockstep-run/1',
    scenario,
    scenarioSource: scenario.name,
    protocol,
    seed: r.seed,
    knobs: r.knobs,
    network: {},
    faults: r.faults,
    tape: { length: r.tapeLength, overrides: [] },
    violations: r.violations,
    traceHash: r.traceHash,
    events: r.events,
    simTimeUs: r.simTimeUs,
    codeVersion: 'test',
    createdBy: 'explore',
  };
}

/** The first `count` failing seeds (from 1) of `protocol` on `scenario`, as run-files. */
export async function failingRunFiles(scenario: Scenario, protocol: string, count: number, maxSeed = 200): Promise<RunFile[]> {
  const out: RunFile[] = [];
  for (let seed = 1; seed <= maxSeed && out.length < count; seed++) {
    const r = await simulate(scenario, { seed, protocol });
    if (!r.ok) out.push(runFileOf(scenario, protocol, r));
  }
  return out;
}
