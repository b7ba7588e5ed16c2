// Example (copy me): a property test catches a planted flaw and fast-check shrinks the fault schedule
// to a small counterexample. fc.check returns the result so a test can look at the counterexample;
// fc.assert (as in the other examples) throws with it, printed ready to paste back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, arbitraries, simulate } from '../../index.ts';
import type { FaultSpec, Scenario } from '../../index.ts';

describe('a flawed variant, caught and shrunk by fast-check', () => {
  const gossip: Scenario = {
    name: 'gossip-forgetful-property', description: 'Five gossiping nodes; faults in the first 6 s.',
    nodes: 5, durationUs: 16_000_000, healAtUs: 6_000_000, deadlineUs: 10_000_000, faults: {},
  };

  it('gossip/forgetful (counter kept only in memory) goes backwards after one crash', async () => {
    const out = await fc.check(
      fc.asyncProperty(arbitraries.faultSchedule({ nodes: gossip.nodes, durationUs: gossip.healAtUs!, maxFaults: 6 }), async (faults) => {
        const r = await simulate(gossip, { seed: 1, faults, protocol: 'gossip/forgetful' });
        return !r.violations.some((v) => v.checker === 'gossip-monotonic');
      }),
      { numRuns: 100, seed: 42 },
    );
    expect(out.failed).toBe(true);
    const [faults] = out.counterexample as [FaultSpec[]];
    // Shrunk to its essence: a single node restarting (a crash or a fast reboot) is enough.
    expect(faults.length).toBeLessThanOrEqual(2);
    expect(faults.some((f) => f.kind === 'crash' || f.kind === 'fast-reboot')).toBe(true);
    // The counterexample is a plain fault script: it reproduces as is.
    const again = await simulate(gossip, { seed: 1, faults, protocol: 'gossip/forgetful' });
    expect(again.violations.map((v) => v.checker)).toContain('gossip-monotonic');
  });

  const leaseRegistered = PROTOCOLS.some((p) => p.name === 'lease');
  const lease: Scenario = {
    name: 'lease-no-cas-property', description: 'Three nodes serve the snapshot-metadata workload; faults in the first 8 s.',
    nodes: 3, durationUs: 20_000_000, healAtUs: 8_000_000, workload: { kind: 'snapshot-metadata' }, faults: {},
  };

  it.skipIf(!leaseRegistered)(leaseRegistered ? 'lease/no-cas (claim without compare-and-set) lets two nodes own at once' : "skipped: protocol 'lease' is not registered yet", async () => {
    const out = await fc.check(
      fc.asyncProperty(
        arbitraries.faultSchedule({ nodes: lease.nodes, durationUs: lease.healAtUs!, maxFaults: 3, kinds: ['crash', 'pause', 'partition', 'clog'] }),
        arbitraries.seed(),
        async (faults, seed) => (await simulate(lease, { seed, faults, protocol: 'lease/no-cas' })).ok,
      ),
      { numRuns: 40, seed: 42 },
    );
    expect(out.failed).toBe(true);
    const [faults, seed] = out.counterexample as [FaultSpec[], number];
    expect(faults.length).toBeLessThanOrEqual(2);
    const again = await simulate(lease, { seed, faults, protocol: 'lease/no-cas' });
    expect(again.ok).toBe(false);
  });
});
