// Named swarm profiles: which fault kinds a seed may draw, how many and how long.
import type { SwarmProfile } from '../sim/faults/swarm.ts';
import type { Scenario } from './types.ts';

export const SWARM_PROFILES: readonly SwarmProfile[] = [
  {
    name: 'standard',
    description: 'Every fault kind the cluster stack must survive, a few per run, plus network noise.',
    faults: { min: 1, max: 6 },
    weights: {
      crash: 4, pause: 3, partition: 4, clog: 2, 'fast-reboot': 2, 'clock-jump': 1, 'clock-drift': 1,
      'fence-failure': 1, 'fence-slow': 1, 'flaky-network': 1,
    },
    durationUs: { min: 200_000, max: 8_000_000 },
    network: { lossMax: 0.02, duplicateMax: 0.02, latencyMaxUs: { min: 500, max: 5_000 } },
  },
  {
    name: 'crashes',
    description: 'Crashes, restarts and fast reboots only; a clean network.',
    faults: { min: 1, max: 4 },
    weights: { crash: 3, 'fast-reboot': 1 },
    durationUs: { min: 500_000, max: 10_000_000 },
  },
  {
    name: 'partitions',
    description: 'Partitions of every shape, clogs and flaky links.',
    faults: { min: 1, max: 5 },
    weights: { partition: 4, clog: 2, 'flaky-network': 1 },
    durationUs: { min: 500_000, max: 10_000_000 },
    network: { lossMax: 0.05, latencyMaxUs: { min: 500, max: 10_000 } },
  },
  {
    name: 'pauses',
    description: 'Process pauses (GC, SIGSTOP) and clock faults: what breaks leases.',
    faults: { min: 1, max: 4 },
    weights: { pause: 4, 'clock-jump': 2, 'clock-drift': 2 },
    durationUs: { min: 500_000, max: 15_000_000 },
  },
  {
    name: 'targeted',
    description: 'Faults aimed where races live: crashes and pauses of owners, masters, the oldest member and the fencer (by role), at fault points (EX granted, decision sent …), and cuts on directed links.',
    faults: { min: 1, max: 4 },
    weights: { crash: 3, pause: 3, 'fast-reboot': 1, partition: 2, clog: 1 },
    durationUs: { min: 300_000, max: 8_000_000 },
    roles: {
      chance: 0.5,
      targets: [
        { role: 'owner', resource: 'snap0' }, { role: 'owner', resource: 'snap1' }, { role: 'master', resource: 'snap0' },
        { role: 'directory', resource: 'snap0' }, { role: 'oldest-member' }, { role: 'fencer' }, { role: 'any', not: [1] },
      ],
    },
    points: {
      chance: 0.3,
      hitMax: 3,
      names: [
        'dlm-lvb.ex-granted', 'dlm-lvb.claimed', 'dlm.grant', 'dlm.recovery-done', 'oldest-member.decision-sent',
        'oldest-member.claimed', 'lease.claimed', 'lease.renewed', 'cman.transition', 'sm.start-done', 'fence.done',
      ],
    },
    links: { chance: 0.6 },
  },
  {
    name: 'none',
    description: 'No faults: the steady state.',
    faults: { min: 0, max: 0 },
    weights: {},
    durationUs: { min: 0, max: 0 },
  },
];

export function swarmProfile(name: string): SwarmProfile | undefined {
  return SWARM_PROFILES.find((p) => p.name === name);
}

/**
 * `scenario` with its fault script replaced by swarm `profile` (named `<name>-<profile>`): random faults
 * on a configuration written for `lockstep check`, whose own script is empty.
 */
export function withSwarm(scenario: Scenario, profile: string): Scenario {
  return { ...scenario, name: `${scenario.name}-${profile}`, faults: { swarm: profile } };
}
