// Built-in comparison scenarios, one per swarm profile ("fault mix"): used when no scenario library
// is available, and by tests. A 5-node cluster, 30 simulated seconds, faults drawn from the seed.
import type { Scenario } from '../scenarios/types.ts';
import { SWARM_PROFILES } from '../scenarios/profiles.ts';

export const FAULT_MIX_DURATION_US = 30_000_000;

/** `mix-<profile>` scenarios, the steady state (`mix-none`) last. */
export function faultMixScenarios(nodes = 5, durationUs = FAULT_MIX_DURATION_US): Scenario[] {
  const profiles = [...SWARM_PROFILES].sort((a, b) => Number(a.name === 'none') - Number(b.name === 'none'));
  return profiles.map((p) => ({
    name: `mix-${p.name}`,
    description: `Swarm fault mix '${p.name}': ${p.description}`,
    nodes,
    durationUs,
    faults: { swarm: p.name },
  }));
}
