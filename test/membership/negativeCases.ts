// The membership negative table: each membership checker, a flawed cman variant it must catch, and
// the scripted scenario where the flaw shows. Run by variants.test.ts; its completeness is checked
// by test/ownership/completeness.test.ts.
export const MEMBERSHIP_NEGATIVE_CASES: { variant: string; scenario: string; checker: string }[] = [
  { variant: 'no-quorum', scenario: 'membership-partition-3-2', checker: 'quorum-gating' },
  { variant: 'no-quorum', scenario: 'membership-split-2-2', checker: 'quorum-gating' },
  { variant: 'no-fencing', scenario: 'membership-partition-3-2', checker: 'fence-before-recovery' },
  { variant: 'no-fencing', scenario: 'membership-paused-node', checker: 'fence-before-recovery' },
  { variant: 'unsafe-epochs', scenario: 'membership-split-2-2', checker: 'view-agreement' },
  { variant: 'no-incarnation', scenario: 'membership-fast-reboot', checker: 'incarnation-on-rejoin' },
  { variant: 'no-merge', scenario: 'membership-split-2-2', checker: 'liveness-after-heal' },
  { variant: 'no-barrier', scenario: 'membership-partition-3-2', checker: 'barrier-order' },
];
