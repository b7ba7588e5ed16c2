// The 'oldest-member' protocol: Phillips' membership-based ownership on cman service groups.
import type { ProtocolDef } from '../registry.ts';
import { buildOwnershipRun } from '../ownership/checkers.ts';
import { membershipStack, membershipCheckers, parseMembershipOptions } from '../membership/index.ts';
import { OldestMember } from './oldestMember.ts';
import { EFFECT_CHECKER } from '../ownership/effect.ts';
import { CLIENT_CHECKER } from '../ownership/client.ts';
import { EXCLUSIVE_CHECKER } from '../ownership/exclusive.ts';
import { LIVENESS_CHECKER } from '../ownership/liveness.ts';

/** Variants that plant a flaw in the membership layer underneath rather than in this protocol. */
const MEMBERSHIP_FLAWS: Record<string, string> = { 'no-fencing': 'no-fencing', 'no-quorum': 'no-quorum' };

export const oldestMemberProtocol: ProtocolDef = {
  name: 'oldest-member',
  description: "Phillips' design: the oldest member of the service group assigns resource ownership; hand-over by stop/start/start_done/finish.",
  variants: [
    { name: 'no-fencing', flaw: 'fenced never fences, so a resource is reassigned while its partitioned old owner still writes.', caughtBy: ['fence-before-recovery', EFFECT_CHECKER, CLIENT_CHECKER, EXCLUSIVE_CHECKER] },
    { name: 'no-quorum', flaw: 'Every partition believes it is quorate, so a minority also fences, recovers and reassigns resources.', caughtBy: ['quorum-gating'] },
    { name: 'no-resend', flaw: 'The oldest member sends its decision once: when a partition drops it, members wait in start forever and the group never finishes (finding F5).', caughtBy: [LIVENESS_CHECKER, 'liveness-after-heal'] },
    { name: 'no-stop', flaw: 'Ignores stop and the hand-over: a new owner serves as soon as it has recovered, and an old owner never gives a resource up, so both serve it after a live hand-over.', caughtBy: [EFFECT_CHECKER, CLIENT_CHECKER] },
  ],
  build(input) {
    const mopts = parseMembershipOptions(input.scenario.cluster, input.scenario.nodes);
    const mv = input.variant !== undefined ? MEMBERSHIP_FLAWS[input.variant] : undefined;
    return buildOwnershipRun(input, (_node, b) => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      new OldestMember({ resources: b.resources, passwdBlocks: b.workload.passwdBlocks, noStop: input.variant === 'no-stop', noResend: input.variant === 'no-resend' }),
    ], { checkers: membershipCheckers(mopts, { coverage: false }), exclusiveBelief: true });
  },
  sourceFiles: ['protocols/oldest-member/oldestMember.ts', 'protocols/oldest-member/index.ts'],
};
