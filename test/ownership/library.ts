// Test helpers for the ownership suite: load a library scenario and run it.
import { simulate } from '../../scenarios/simulate.ts';
import type { SimulateResult } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { loadScenario } from '../../scenarios/load.ts';

/** A library scenario, loaded and validated as the CLI loads it (durations like "40s" parsed). */
export function libraryScenario(name: string): Scenario {
  return loadScenario(name).scenario;
}

export function run(scenario: Scenario, protocol: string, seed: number, stopOnViolation = false, tapeOverrides?: readonly (readonly [number, number])[]): Promise<SimulateResult> {
  return simulate(scenario, { seed, protocol, stopOnViolation, ...(tapeOverrides !== undefined ? { tapeOverrides } : {}) });
}

/** Seeds to run in swarm tests: LOCKSTEP_SEEDS, or a small default for CI. */
export function seedCount(dflt: number): number {
  const v = Number(process.env.LOCKSTEP_SEEDS);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}

export const SWARM_STANDARD: Scenario = {
  name: 'ownership-swarm-standard',
  description: 'The standard 5-node, 60 s swarm scenario with the ownership workload.',
  nodes: 5,
  durationUs: 60_000_000,
  faults: { swarm: 'standard' },
  workload: { kind: 'ownership-mix' },
};
