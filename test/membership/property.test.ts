// Property tests over swarm faults: for the correct configuration no membership checker ever fires
// (safety, and liveness after heal) on any seed; the flawed variants are caught on some seed.
// Seed count: LOCKSTEP_SEEDS (default 150); CI raises it (≥ 500).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

const SEEDS = Number(process.env.LOCKSTEP_SEEDS ?? 150);

function swarm(nodes: number, profile: string, cluster: Record<string, unknown> = {}): Scenario {
  return { name: `membership-swarm-${profile}-${nodes}`, description: 'swarm', nodes, protocol: 'cman', durationUs: 40_000_000, deadlineUs: 30_000_000, faults: { swarm: profile }, cluster };
}

async function failures(sc: Scenario, protocol: string, seeds: number, firstSeed = 1): Promise<{ seed: number; checkers: string[]; message: string }[]> {
  const out: { seed: number; checkers: string[]; message: string }[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const r = await simulate(sc, { seed, protocol });
    if (!r.ok) out.push({ seed, checkers: r.violations.map((v) => v.checker), message: r.violations[0]!.message });
  }
  return out;
}

describe('membership under swarm faults', () => {
  it(`standard swarm, 5 nodes: every checker holds on ${SEEDS} seeds`, async () => {
    expect(await failures(swarm(5, 'standard'), 'cman', SEEDS)).toEqual([]);
  });

  it('partition swarm, 5 nodes, and the two_node and tie-breaker configurations hold too', async () => {
    const n = Math.max(20, Math.floor(SEEDS / 3));
    expect(await failures(swarm(5, 'partitions'), 'cman', n, 10_001)).toEqual([]);
    expect(await failures(swarm(2, 'standard', { twoNode: true }), 'cman', n, 20_001)).toEqual([]);
    expect(await failures(swarm(4, 'standard', { autoTieBreaker: true }), 'cman', n, 30_001)).toEqual([]);
  });

  it('regressions found by the swarm stay fixed', async () => {
    // 3 nodes, seed 143: a node rebooted between a master's last heartbeat from it and the master's
    // prepare, and accepted a view listing its old incarnation (caught by incarnation-on-rejoin).
    expect(await failures(swarm(3, 'standard'), 'cman', 1, 143)).toEqual([]);
  });

  for (const [variant, checker] of [['no-quorum', 'quorum-gating'], ['no-fencing', 'fence-before-recovery']] as const) {
    it(`${variant} is caught by ${checker} on some seed`, async () => {
      const f = await failures(swarm(5, 'standard'), `cman/${variant}`, 40);
      expect(f.some((x) => x.checkers.includes(checker))).toBe(true);
    });
  }
});
