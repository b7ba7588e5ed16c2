// The 'lease' protocol: disk leases with fencing tokens (a modern baseline for the two 2005 designs).
import { defineProtocol, describeCheckers } from '../registry.ts';
import { buildOwnershipRun, ownershipCheckers } from '../ownership/checkers.ts';
import { LeaseOwnership, DEFAULT_LEASE } from './lease.ts';
import { EFFECT_CHECKER } from '../ownership/effect.ts';
import { CLIENT_CHECKER } from '../ownership/client.ts';
import { BELIEF_CHECKER } from '../ownership/belief.ts';
import { ownerRole } from '../ownership/roles.ts';
import { LEASE_POINTS, WORKLOAD_POINTS } from '../faultPoints.ts';
import { variantParts } from '../variants.ts';
import { timeUs } from '../membership/options.ts';
import { OWNERSHIP_WORKLOAD_SCHEMA } from '../workloads/options.ts';

export const leaseProtocol = defineProtocol({
  name: 'lease',
  optionsSchema: {
    cluster: {
      leaseUs: timeUs(1_000, 'lease length (at least 1 ms)'),
      leaseRenewUs: timeUs(1_000, 'renewal period'),
      leaseGuardUs: timeUs(0, 'guard time before a lease is taken over'),
      leasePollUs: timeUs(1_000, 'poll period of a waiting contender'),
    },
    workload: OWNERSHIP_WORKLOAD_SCHEMA,
  },
  description: 'Baseline: disk leases (CAS, expiry on the local clock) with fencing tokens checked by the shared storage.',
  checkers: describeCheckers(ownershipCheckers([], 0)),
  variants: [
    { name: 'no-token-check', flaw: 'Owner writes carry no fencing token, so a paused old holder that resumes mid-request overwrites its successor.', caughtBy: [EFFECT_CHECKER, CLIENT_CHECKER] },
    { name: 'no-cas', flaw: 'Claims the lease with a plain write instead of compare-and-set, so two racing contenders both win with the same token.', caughtBy: [BELIEF_CHECKER, EFFECT_CHECKER] },
  ],
  build(input) {
    const c = input.cluster;
    const num = (k: string, d: number): number => { const v = c[k]; return typeof v === 'number' ? v : d; };
    const built = buildOwnershipRun(input, (_node, b) => [
      new LeaseOwnership({
        resources: b.resources,
        leaseUs: num('leaseUs', DEFAULT_LEASE.leaseUs),
        renewEveryUs: num('leaseRenewUs', DEFAULT_LEASE.renewEveryUs),
        guardUs: num('leaseGuardUs', DEFAULT_LEASE.guardUs),
        pollUs: num('leasePollUs', DEFAULT_LEASE.pollUs),
        tokenCheck: !variantParts(input.variant).includes('no-token-check'),
        cas: !variantParts(input.variant).includes('no-cas'),
        passwdBlocks: b.workload.passwdBlocks,
      }),
    ]);
    return { ...built, roles: [ownerRole()] };
  },
  faultPoints: [...LEASE_POINTS, ...WORKLOAD_POINTS],
  sourceFiles: ['protocols/lease/lease.ts', 'protocols/lease/index.ts'],
});
