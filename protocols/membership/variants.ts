// The membership layer's variants with known flaws, and the switches they turn on in the modules.
import type { ProtocolVariant } from '../registry.ts';

/** Planted flaws; all false in the correct configuration. */
export interface MembershipFlaws {
  /** Every view claims quorum: an inquorate partition runs recovery and fencing. */
  noQuorum: boolean;
  /** fenced never fences: start_done at once, so recovery takes over from live, unfenced nodes. */
  noFencing: boolean;
  /** Epoch = bare generation (no master id): two partitions can install the same epoch. */
  unsafeEpochs: boolean;
  /** A restarted node keeps its place in the view: its new incarnation replaces the old one in place. */
  noIncarnation: boolean;
  /** Partitions never resolve a merge: nodes carrying state are neither killed nor re-admitted. */
  noMerge: boolean;
  /** The SM sends finish as soon as the first member answers start_done. */
  noBarrier: boolean;
  /** Option parsing ignores `votes` given as an object keyed by node id (every node gets one vote). */
  misreadVotes: boolean;
  /** fenced lifts its own I/O fence at boot, before it is a member of any quorate view. */
  unfenceAtBoot: boolean;
  /**
   * The service manager compares a start's members with the last completed event by node id only,
   * so a node that rebooted and rejoined before the event for its failure completed is not counted
   * as failed: its old incarnation is never fenced nor its recovery run (the fast-reboot hole).
   */
  rebootNotFailed: boolean;
}

export const NO_FLAWS: MembershipFlaws = {
  noQuorum: false, noFencing: false, unsafeEpochs: false, noIncarnation: false, noMerge: false, noBarrier: false,
  misreadVotes: false, unfenceAtBoot: false, rebootNotFailed: false,
};

export const MEMBERSHIP_VARIANTS: readonly (ProtocolVariant & { flaws: Partial<MembershipFlaws> })[] = [
  { name: 'no-quorum', flaw: 'Every partition believes it is quorate, so a minority fences and recovers.', caughtBy: ['quorum-gating'], flaws: { noQuorum: true } },
  { name: 'no-fencing', flaw: 'fenced answers start_done without fencing: recovery runs while a failed node may still write.', caughtBy: ['fence-before-recovery'], flaws: { noFencing: true } },
  { name: 'unsafe-epochs', flaw: 'The epoch is the bare generation, so two partitions install the same epoch with different members.', caughtBy: ['view-agreement'], flaws: { unsafeEpochs: true } },
  { name: 'no-incarnation', flaw: 'A restarted node keeps its place in the view instead of failing and rejoining youngest.', caughtBy: ['incarnation-on-rejoin'], flaws: { noIncarnation: true } },
  { name: 'no-merge', flaw: 'After a partition heals, nodes carrying state from the other side are never killed, so views never merge.', caughtBy: ['liveness-after-heal'], flaws: { noMerge: true } },
  { name: 'misread-votes', flaw: 'Option parsing ignores votes given as an object keyed by node id, so a partition short of the configured votes counts itself quorate.', caughtBy: ['quorum-gating'], flaws: { misreadVotes: true } },
  { name: 'unfence-at-boot', flaw: 'fenced lifts its own I/O fence at boot, before it is a member of a quorate view that admitted it.', caughtBy: ['unfence-needs-membership'], flaws: { unfenceAtBoot: true } },
  { name: 'reboot-not-failed', flaw: 'The service manager matches members by node id, not incarnation: a node that rebooted and rejoined before its failure was processed is not named failed, so its old incarnation is neither fenced nor recovered.', caughtBy: ['failure-recovered'], caughtAbove: ['ownership-failure-fenced'], flaws: { rebootNotFailed: true } },
  { name: 'no-barrier', flaw: 'The service manager sends finish after the first start_done instead of waiting for every member.', caughtBy: ['barrier-order'], flaws: { noBarrier: true } },
];

/**
 * The flaws of `variant`: one membership variant, or a composition 'a+b' whose membership parts
 * are merged (parts of other layers, already checked by resolveProtocol, are theirs to apply).
 */
export function flawsOf(variant: string | undefined): MembershipFlaws {
  if (variant === undefined) return NO_FLAWS;
  const parts = variant.split('+');
  const found = MEMBERSHIP_VARIANTS.filter((x) => parts.includes(x.name));
  if (found.length === 0 && parts.length === 1) throw new Error(`unknown membership variant '${variant}'`);
  return found.reduce<MembershipFlaws>((all, v) => ({ ...all, ...v.flaws }), { ...NO_FLAWS });
}
