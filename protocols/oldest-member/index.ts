// The 'oldest-member' protocol: Phillips' membership-based ownership on cman service groups.
import { defineProtocol, describeCheckers } from '../registry.ts';
import { buildOwnershipRun, ownershipCheckers } from '../ownership/checkers.ts';
import { flawsOf } from '../membership/variants.ts';
import { exclusiveBeliefChecker } from '../ownership/exclusive.ts';
import { FAILURE_FENCED_CHECKER, failureFencedChecker } from '../ownership/failureFenced.ts';
import { membershipStack, membershipCheckers, parseMembershipOptions } from '../membership/index.ts';
import { OldestMember } from './oldestMember.ts';
import { EFFECT_CHECKER } from '../ownership/effect.ts';
import { CLIENT_CHECKER } from '../ownership/client.ts';
import { ownerRole } from '../ownership/roles.ts';
import { membershipRoles } from '../membership/roles.ts';
import { MEMBERSHIP_POINTS, OLDEST_MEMBER_POINTS, WORKLOAD_POINTS } from '../faultPoints.ts';
import { MEMBERSHIP_LAYER, layerPart, variantParts } from '../variants.ts';
import { MEMBERSHIP_OPTIONS_SCHEMA } from '../membership/options.ts';
import { OWNERSHIP_WORKLOAD_SCHEMA } from '../workloads/options.ts';
import { EXCLUSIVE_CHECKER } from '../ownership/exclusive.ts';
import { LIVENESS_CHECKER } from '../ownership/liveness.ts';


export const oldestMemberProtocol = defineProtocol({
  name: 'oldest-member',
  optionsSchema: { ...MEMBERSHIP_OPTIONS_SCHEMA, workload: OWNERSHIP_WORKLOAD_SCHEMA },
  description: "Phillips' design: the oldest member of the service group assigns resource ownership; hand-over by stop/start/start_done/finish.",
  checkers: describeCheckers([...ownershipCheckers([], 0), exclusiveBeliefChecker(), failureFencedChecker(), ...membershipCheckers(undefined, { coverage: false })]),
  options: parseMembershipOptions,
  variants: [
    { name: 'no-fencing', flaw: 'fenced never fences, so a resource is reassigned while its partitioned old owner still writes.', caughtBy: ['fence-before-recovery', EFFECT_CHECKER, CLIENT_CHECKER, EXCLUSIVE_CHECKER, FAILURE_FENCED_CHECKER] },
    { name: 'no-quorum', flaw: 'Every partition believes it is quorate, so a minority also fences, recovers and reassigns resources.', caughtBy: ['quorum-gating'] },
    { name: 'no-resend', flaw: 'The oldest member sends its decision once: when a partition drops it, members wait in start forever and the group never finishes (finding F5).', caughtBy: [LIVENESS_CHECKER, 'liveness-after-heal'] },
    { name: 'no-stop', flaw: 'Ignores stop and the hand-over: a new owner serves as soon as it has recovered, and an old owner never gives a resource up, so both serve it after a live hand-over.', caughtBy: [EFFECT_CHECKER, CLIENT_CHECKER] },
  ],
  build(input) {
    // no-fencing and no-quorum (and any membership flaw composed in) plant the flaw underneath.
    const mv = layerPart(input.variant, MEMBERSHIP_LAYER);
    // A composed misread-votes flaw plants a bug in the parsing itself.
    const mopts = flawsOf(mv).misreadVotes ? parseMembershipOptions(input.cluster, input.nodes, true) : input.options;
    const built = buildOwnershipRun(input, (_node, b) => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      new OldestMember({ resources: b.resources, passwdBlocks: b.workload.passwdBlocks, noStop: variantParts(input.variant).includes('no-stop'), noResend: variantParts(input.variant).includes('no-resend') }),
    ], { checkers: membershipCheckers(mopts, { coverage: false }), exclusiveBelief: true });
    return { ...built, roles: [ownerRole(), ...membershipRoles()] };
  },
  faultPoints: [...MEMBERSHIP_POINTS, ...OLDEST_MEMBER_POINTS, ...WORKLOAD_POINTS],
  sourceFiles: ['protocols/oldest-member/oldestMember.ts', 'protocols/oldest-member/index.ts'],
});
