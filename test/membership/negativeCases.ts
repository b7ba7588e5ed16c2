// The membership negative table: each membership checker, a flawed cman variant it must catch, and
// the scripted scenario where the flaw shows. Run by variants.test.ts; its completeness is checked
// by test/ownership/completeness.test.ts.
export interface MembershipNegativeCase {
  variant: string;
  scenario: string;
  checker: string;
  /** Replaces the scenario's raw `cluster` block (for flaws that need a setting to show). */
  cluster?: Record<string, unknown>;
}

export const MEMBERSHIP_NEGATIVE_CASES: MembershipNegativeCase[] = [
  { variant: 'no-quorum', scenario: 'membership-partition-3-2', checker: 'quorum-gating' },
  { variant: 'no-quorum', scenario: 'membership-split-2-2', checker: 'quorum-gating' },
  { variant: 'no-fencing', scenario: 'membership-partition-3-2', checker: 'fence-before-recovery' },
  { variant: 'no-fencing', scenario: 'membership-paused-node', checker: 'fence-before-recovery' },
  { variant: 'unsafe-epochs', scenario: 'membership-split-2-2', checker: 'view-agreement' },
  { variant: 'no-incarnation', scenario: 'membership-fast-reboot', checker: 'incarnation-on-rejoin' },
  // The rejoin overtakes the event for the failure (post_fail_delay 3 s): only the start after it can name it.
  { variant: 'reboot-not-failed', scenario: 'membership-fast-reboot-pending', checker: 'failure-recovered' },
  { variant: 'no-merge', scenario: 'membership-split-2-2', checker: 'liveness-after-heal' },
  { variant: 'no-barrier', scenario: 'membership-partition-3-2', checker: 'barrier-order' },
  // Votes as an object keyed by node id: {1,2,3} hold 3 of 7 votes, {4,5} hold 4.
  { variant: 'misread-votes', scenario: 'membership-partition-3-2', checker: 'quorum-gating', cluster: { votes: { 4: 2, 5: 2 } } },
  { variant: 'unfence-at-boot', scenario: 'membership-partition-3-2', checker: 'unfence-needs-membership' },
];
