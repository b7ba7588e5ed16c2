// The ownership and demo negative table: a flawed variant, the checker that must catch it, the library
// scenario and seeds where it shows (the first seed that fires is enough). Run by negative.test.ts;
// completeness.test.ts fails when a checker has no row here.
export const NEGATIVE_CASES: {
  variant: string;
  scenario: string;
  checker: string;
  seeds: number[];
  /** A schedule found by `lockstep check` (tape overrides), where random seeds rarely reach the window. */
  overrides?: readonly (readonly [number, number])[];
}[] = [
  { variant: 'lease/no-token-check', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [1, 3, 4] },
  { variant: 'lease/no-token-check', scenario: 'ownership-paused-owner', checker: 'ownership-client', seeds: [2, 6, 7] },
  { variant: 'lease/no-cas', scenario: 'ownership-paused-owner', checker: 'ownership-belief', seeds: [1, 2] },
  { variant: 'lease/no-cas', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [2, 3, 4, 5] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-client', seeds: [2, 3, 4, 5] },
  { variant: 'oldest-member/no-stop', scenario: 'ownership-rejoin-rebalance', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'oldest-member/no-stop', scenario: 'ownership-rejoin-rebalance', checker: 'ownership-client', seeds: [1, 2] },
  { variant: 'oldest-member/no-resend', scenario: 'ownership-regress-lost-decision', checker: 'ownership-liveness', seeds: [46] },
  { variant: 'oldest-member/no-quorum', scenario: 'ownership-minority-partition', checker: 'quorum-gating', seeds: [1, 2] },
  { variant: 'dlm-lvb/ignore-valnotvalid', scenario: 'ownership-owner-crash', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'dlm-lvb/new-ex-request', scenario: 'ownership-owner-crash', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'dlm-lvb/plain-passwd', scenario: 'ownership-passwd-writer-death', checker: 'ownership-client', seeds: [14, 17, 20, 33] },
  // Finding F16: isolate then pause a PR reader mid-read (check-dlm-lvb-reader, schedule 663 of seed 1).
  { variant: 'dlm-lvb/read-unchecked', scenario: 'check-dlm-lvb-reader', checker: 'ownership-client', seeds: [1], overrides: [[173, 6], [181, 4]] },
  { variant: 'dlm-lvb/passwd-trusts-zero', scenario: 'ownership-passwd-torn-write', checker: 'ownership-client', seeds: [2] },
  { variant: 'dlm-lvb/passwd-trusts-zero', scenario: 'ownership-passwd-lone-writer', checker: 'ownership-client', seeds: [1] },
  { variant: 'oldest-member/no-resend', scenario: 'ownership-lost-decision', checker: 'ownership-liveness', seeds: [1, 2] },
  { variant: 'lease/no-token-check', scenario: 'ownership-paused-passwd-writer', checker: 'ownership-effect', seeds: [1, 2] },
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-effect', seeds: [2, 3] },
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-paused-owner', checker: 'ownership-client', seeds: [2, 3] },
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-minority-partition', checker: 'ownership-exclusive', seeds: [1, 2] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-minority-partition', checker: 'ownership-exclusive', seeds: [1, 2] },
  // §5.13, ownership side: the owner reboots faster than the failure detector and the SM never names its
  // old incarnation failed, so nobody fences it (or drops it as rebooted) before snap0 or its EX moves.
  { variant: 'dlm-lvb/reboot-not-failed', scenario: 'ownership-fast-reboot-owner', checker: 'ownership-failure-fenced', seeds: [1, 2] },
  { variant: 'oldest-member/reboot-not-failed', scenario: 'ownership-fast-reboot-owner', checker: 'ownership-failure-fenced', seeds: [1, 2] },
  // Without fencing the rebooted owner's old incarnation is never fenced either (seeds 1–4 all fire; the
  // paused-owner and minority-partition scenarios of the other no-fencing rows never reboot an owner).
  { variant: 'dlm-lvb/no-fencing', scenario: 'ownership-fast-reboot-owner', checker: 'ownership-failure-fenced', seeds: [1, 2] },
  { variant: 'oldest-member/no-fencing', scenario: 'ownership-fast-reboot-owner', checker: 'ownership-failure-fenced', seeds: [1, 2] },
  { variant: 'gossip/forgetful', scenario: 'owner-crash', checker: 'gossip-monotonic', seeds: [1, 2] },
  { variant: 'gossip/quiet-after-heal', scenario: 'flapping-network', checker: 'gossip-converges', seeds: [1, 2] },
];
