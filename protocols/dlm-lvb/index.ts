// The 'dlm-lvb' protocol: Tweedie's DLM-based ownership (EX to own, owner + epoch in the LVB).
import { defineProtocol, describeCheckers } from '../registry.ts';
import { buildOwnershipRun, ownershipCheckers } from '../ownership/checkers.ts';
import { flawsOf } from '../membership/variants.ts';
import { exclusiveBeliefChecker } from '../ownership/exclusive.ts';
import { FAILURE_FENCED_CHECKER, failureFencedChecker } from '../ownership/failureFenced.ts';
import { membershipStack, membershipCheckers, parseMembershipOptions } from '../membership/index.ts';
import { dlmModule } from '../dlm/index.ts';
import { DlmLvb } from './dlmLvb.ts';
import { EFFECT_CHECKER } from '../ownership/effect.ts';
import { CLIENT_CHECKER } from '../ownership/client.ts';
import { EXCLUSIVE_CHECKER } from '../ownership/exclusive.ts';
import { exDeathCoverage, valNotValidCoverage } from '../ownership/coverage.ts';
import { ownerRole } from '../ownership/roles.ts';
import { membershipRoles } from '../membership/roles.ts';
import { dlmRoles } from '../dlm/roles.ts';
import { DLM_LVB_POINTS, DLM_POINTS, MEMBERSHIP_POINTS, WORKLOAD_POINTS } from '../faultPoints.ts';
import { DLM_LAYER, MEMBERSHIP_LAYER, layerPart, variantParts } from '../variants.ts';
import { MEMBERSHIP_OPTIONS_SCHEMA } from '../membership/options.ts';
import { OWNERSHIP_WORKLOAD_SCHEMA } from '../workloads/options.ts';

export const dlmLvbProtocol = defineProtocol({
  name: 'dlm-lvb',
  optionsSchema: { ...MEMBERSHIP_OPTIONS_SCHEMA, workload: OWNERSHIP_WORKLOAD_SCHEMA },
  description: "Tweedie's design: the owner holds the resource's lock (EX to claim, PW to own) and advertises owner + epoch in the LVB; others read it.",
  checkers: describeCheckers([
    ...ownershipCheckers([], 0), exclusiveBeliefChecker(), failureFencedChecker(), ...membershipCheckers(undefined, { coverage: false }), exDeathCoverage(), valNotValidCoverage(),
  ]),
  options: parseMembershipOptions,
  variants: [
    { name: 'ignore-valnotvalid', flaw: "Trusts the LVB even when VALNOTVALID: after an owner dies, its successor takes the stale epoch + 1, the dead owner's own epoch.", caughtBy: [EFFECT_CHECKER] },
    { name: 'new-ex-request', flaw: 'Waits with a new EX request instead of an NL→EX conversion and trusts a zero LVB: when the owner dies with the lock\'s master, the LVB comes back zero without VALNOTVALID and the epoch restarts.', caughtBy: [EFFECT_CHECKER] },
    { name: 'passwd-trusts-zero', flaw: 'passwd repairs the file only on VALNOTVALID and trusts a zero value block: a writer that dies holding the only lock on the file takes the resource with it, the new master rebuilds it with no value block and no VALNOTVALID (fs/dlm recover_lvb flags nothing when no lock carries a value block), and the next reader is granted the torn file.', caughtBy: [CLIENT_CHECKER] },
    { name: 'plain-passwd', flaw: 'passwd as "lock for read, read, unlock" with no value block: a writer that dies mid-write leaves a torn file that readers are then granted.', caughtBy: [CLIENT_CHECKER] },
    { name: 'read-unchecked', flaw: 'passwd serves a read without asking whether its PR lock was held throughout: a reader paused mid-read is evicted and fenced, but I/O fencing refuses writes, not reads, so on resuming it reads the rest of the file across its successor\'s write and serves the torn file (finding F16).', caughtBy: [CLIENT_CHECKER] },
    { name: 'no-fencing', flaw: 'fenced never fences, so the DLM grants a paused or partitioned owner\'s lock to a successor while the old owner can still write.', caughtBy: ['fence-before-recovery', EFFECT_CHECKER, CLIENT_CHECKER, EXCLUSIVE_CHECKER, FAILURE_FENCED_CHECKER] },
  ],
  build(input) {
    // Own flaws, plus any membership and DLM flaws composed in ('no-fencing' is the membership one).
    const parts = variantParts(input.variant);
    const mv = layerPart(input.variant, MEMBERSHIP_LAYER);
    // A composed misread-votes flaw plants a bug in the parsing itself.
    const mopts = flawsOf(mv).misreadVotes ? parseMembershipOptions(input.cluster, input.nodes, true) : input.options;
    const dv = layerPart(input.variant, DLM_LAYER);
    const built = buildOwnershipRun(input, (_node, b) => [
      ...membershipStack({ ...mopts, ...(mv !== undefined ? { variant: mv } : {}) }),
      dlmModule(dv !== undefined ? { variant: dv } : {}),
      new DlmLvb({ resources: b.resources, passwdBlocks: b.workload.passwdBlocks, retryUs: 200_000, ignoreValNotValid: parts.includes('ignore-valnotvalid'), newExRequest: parts.includes('new-ex-request'), plainPasswd: parts.includes('plain-passwd'),
        passwdTrustsZero: parts.includes('passwd-trusts-zero'), readUnchecked: parts.includes('read-unchecked') }),
    ], { checkers: [...membershipCheckers(mopts, { coverage: false }), exDeathCoverage(), valNotValidCoverage()], lockedPasswd: true, exclusiveBelief: true });
    return { ...built, roles: [ownerRole(), ...membershipRoles(), ...dlmRoles()] };
  },
  faultPoints: [...MEMBERSHIP_POINTS, ...DLM_POINTS, ...DLM_LVB_POINTS, ...WORKLOAD_POINTS],
  sourceFiles: ['protocols/dlm-lvb/dlmLvb.ts', 'protocols/dlm-lvb/lvbRecord.ts', 'protocols/dlm-lvb/index.ts'],
});
