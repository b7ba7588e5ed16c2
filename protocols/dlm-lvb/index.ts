// The 'dlm-lvb' protocol: Tweedie's DLM-based ownership (EX to own, owner + epoch in the LVB).
import type { ProtocolDef } from '../registry.ts';
import { buildOwnershipRun } from '../ownership/checkers.ts';
import { membershipStack, membershipCheckers, parseMembershipOptions } from '../membership/index.ts';
import { dlmModule } from '../dlm/index.ts';
import { DlmLvb } from './dlmLvb.ts';
import { EFFECT_CHECKER } from '../ownership/effect.ts';
import { CLIENT_CHECKER } from '../ownership/client.ts';
import { EXCLUSIVE_CHECKER } from '../ownership/exclusive.ts';
import { exDeathCoverage, valNotValidCoverage } from '../ownership/coverage.ts';

export const dlmLvbProtocol: ProtocolDef = {
  name: 'dlm-lvb',
  description: "Tweedie's design: the owner holds the resource's lock (EX to claim, PW to own) and advertises owner + epoch in the LVB; others read it.",
  variants: [
    { name: 'ignore-valnotvalid', flaw: "Trusts the LVB even when VALNOTVALID: after an owner dies, its successor takes the stale epoch + 1, the dead owner's own epoch.", caughtBy: [EFFECT_CHECKER] },
    { name: 'new-ex-request', flaw: 'Waits with a new EX request instead of an NL→EX conversion and trusts a zero LVB: when the owner dies with the lock\'s master, the LVB comes back zero without VALNOTVALID and the epoch restarts.', caughtBy: [EFFECT_CHECKER] },
    { name: 'plain-passwd', flaw: 'passwd as "lock for read, read, unlock" with no value block: a writer that dies mid-write leaves a torn file that readers are then granted.', caughtBy: [CLIENT_CHECKER] },
    { name: 'no-fencing', flaw: 'fenced never fences, so the DLM grants a paused or partitioned owner\'s lock to a successor while the old owner can still write.', caughtBy: ['fence-before-recovery', EFFECT_CHECKER, CLIENT_CHECKER, EXCLUSIVE_CHECKER] },
  ],
  build(input) {
    const mopts = parseMembershipOptions(input.scenario.cluster, input.scenario.nodes);
    const mv = input.variant === 'no-fencing' ? 'no-fencing' : undefined;
    return buildOwnershipRun(input, (_node, b) => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      dlmModule(),
      new DlmLvb({ resources: b.resources, passwdBlocks: b.workload.passwdBlocks, retryUs: 200_000, ignoreValNotValid: input.variant === 'ignore-valnotvalid', newExRequest: input.variant === 'new-ex-request', plainPasswd: input.variant === 'plain-passwd' }),
    ], { checkers: [...membershipCheckers(mopts, { coverage: false }), exDeathCoverage(), valNotValidCoverage()], lockedPasswd: true, exclusiveBelief: true });
  },
  sourceFiles: ['protocols/dlm-lvb/dlmLvb.ts', 'protocols/dlm-lvb/lvbRecord.ts', 'protocols/dlm-lvb/index.ts'],
};
