// The membership layer's public entry: the module stack (cman + fenced), its checkers, and the
// standalone protocol 'cman' (membership + fencing + a trivial level-2 application group).
// Other protocols reuse `membershipStack` and `membershipCheckers` under their own modules.
import type { Module } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import type { BuildInput } from '../registry.ts';
import { defineProtocol, describeCheckers } from '../registry.ts';
import type { MembershipOptions } from './api.ts';
import { Cman } from './cman.ts';
import { Fenced } from './fenced.ts';
import { AppService } from './appService.ts';
import { parseMembershipOptions } from './options.ts';
import { flawsOf, MEMBERSHIP_VARIANTS } from './variants.ts';
import { viewAgreementChecker } from './checkers/viewAgreement.ts';
import { incarnationChecker } from './checkers/incarnation.ts';
import { quorumGatingChecker } from './checkers/quorumGating.ts';
import { barrierOrderChecker } from './checkers/barrierOrder.ts';
import { fenceBeforeRecoveryChecker } from './checkers/fenceBeforeRecovery.ts';
import { failureRecoveredChecker } from './checkers/failureRecovered.ts';
import { unfenceMembershipChecker } from './checkers/unfenceMembership.ts';
import { livenessChecker } from './checkers/liveness.ts';
import { membershipMetrics } from './checkers/metrics.ts';
import { abortedRecoveryChecker, fencedSomeoneChecker, killedDissenterChecker } from './checkers/coverage.ts';
import { membershipRoles } from './roles.ts';
import { MEMBERSHIP_POINTS } from '../faultPoints.ts';
import { MEMBERSHIP_OPTIONS_SCHEMA } from './options.ts';

export type { MembershipOptions, ClusterApi, ServiceCallbacks, ServiceGroup, StartInfo, StartType, View, GroupState } from './api.ts';
export { LEVEL_FENCE, LEVEL_DLM, LEVEL_APP } from './api.ts';
export { parseMembershipOptions } from './options.ts';
export { MEMBERSHIP_VARIANTS, flawsOf } from './variants.ts';
export type { MembershipFlaws } from './variants.ts';
export { Cman } from './cman.ts';
export type { FullView } from './cman.ts';
export { Fenced, FENCE_GROUP, FENCE_CHECK_PREFIX } from './fenced.ts';
export { AppService } from './appService.ts';
export { membershipMetrics } from './checkers/metrics.ts';

/** Membership options for a run (its `cluster` block and node count). */
export function membershipOptionsFor(input: Pick<BuildInput, 'cluster' | 'nodes'>): MembershipOptions {
  return parseMembershipOptions(input.cluster, input.nodes);
}

/**
 * The modules every host of a membership-based stack starts with, in order: 'cman' then 'fenced'.
 * `variant` names a flawed membership variant (see MEMBERSHIP_VARIANTS), undefined = correct.
 */
export function membershipStack(opts: MembershipOptions & { variant?: string }): Module[] {
  const flaws = flawsOf(opts.variant);
  return [new Cman(opts, flaws), new Fenced(opts, flaws)];
}

/**
 * The membership checkers. The quorum checkers re-parse the raw `cluster` block `opts` was parsed from
 * (`opts.source`; default: one vote per node), never the parsed options themselves.
 * `liveness` false leaves out the 'eventually' one, `coverage` false the 'sometimes' ones.
 */
export function membershipCheckers(opts?: MembershipOptions, which: { liveness?: boolean; coverage?: boolean } = {}): WorldChecker[] {
  const out: WorldChecker[] = [
    viewAgreementChecker(), incarnationChecker(), quorumGatingChecker(opts?.source), barrierOrderChecker(), fenceBeforeRecoveryChecker(), failureRecoveredChecker(),
    unfenceMembershipChecker(opts?.source),
  ];
  if (which.liveness !== false) out.push(livenessChecker());
  if (which.coverage !== false) out.push(fencedSomeoneChecker(), killedDissenterChecker(), abortedRecoveryChecker());
  return out;
}

export const cmanProtocol = defineProtocol({
  optionsSchema: MEMBERSHIP_OPTIONS_SCHEMA,
  name: 'cman',
  description: 'cman-style membership, quorum, service groups and fencing, with a trivial level-2 application group.',
  checkers: describeCheckers(membershipCheckers()),
  options: parseMembershipOptions,
  variants: MEMBERSHIP_VARIANTS.map(({ name, flaw, caughtBy }) => ({ name, flaw, caughtBy })),
  build({ cluster, nodes, variant }) {
    // Parsed here, not by `options`: the misread-votes flaw plants a parsing bug.
    const opts = parseMembershipOptions(cluster, nodes, flawsOf(variant).misreadVotes);
    return {
      stack: () => [...membershipStack({ ...opts, ...(variant !== undefined ? { variant } : {}) }), new AppService()],
      checkers: membershipCheckers(opts),
      observers: [membershipMetrics()],
      roles: membershipRoles(),
    };
  },
  faultPoints: MEMBERSHIP_POINTS,
  sourceFiles: [
    'protocols/membership/api.ts', 'protocols/membership/cman.ts', 'protocols/membership/serviceManager.ts',
    'protocols/membership/fenced.ts', 'protocols/membership/quorum.ts', 'protocols/membership/options.ts',
    'protocols/membership/variants.ts', 'protocols/membership/appService.ts', 'protocols/membership/index.ts',
  ],
});
