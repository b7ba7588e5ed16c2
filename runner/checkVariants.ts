// Which small configuration (scenarios/library/check-*.json) finds each flawed variant of the
// ownership protocols and of the DLM under `lockstep check` at its default bound, and the variants
// no configuration finds yet, with the reason. The variants test and the check benchmark read it.

export interface CheckTarget {
  /** protocol/variant */
  variant: string;
  /** The library configuration whose bounded search finds it. */
  config: string;
}

export const CHECK_TARGETS: readonly CheckTarget[] = [
  ...['no-lvb-invalidate', 'ignore-convert-queue', 'lose-completion', 'bad-compat', 'split-master', 'no-rebuild']
    .map((v) => ({ variant: `dlm/${v}`, config: 'check-dlm' })),
  ...['ignore-valnotvalid', 'new-ex-request', 'no-fencing'].map((v) => ({ variant: `dlm-lvb/${v}`, config: 'check-dlm-lvb' })),
  { variant: 'dlm/no-demote-reply', config: 'check-dlm-convdeadlk' },
  ...['ivvalblk-own-flag', 'sticky-flags', 'lose-down-conversion'].map((v) => ({ variant: `dlm/${v}`, config: 'check-dlm-flags' })),
  { variant: 'dlm/glock-trust-valid', config: 'check-dlm-glock' },
  { variant: 'dlm-lvb/read-unchecked', config: 'check-dlm-lvb-reader' },
  ...['plain-passwd', 'passwd-trusts-zero'].map((v) => ({ variant: `dlm-lvb/${v}`, config: 'check-dlm-lvb-passwd' })),
  ...['no-fencing', 'no-quorum', 'no-resend', 'no-stop'].map((v) => ({ variant: `oldest-member/${v}`, config: 'check-oldest-member' })),
  ...['no-token-check', 'no-cas'].map((v) => ({ variant: `lease/${v}`, config: 'check-lease' })),
];

/** Variants check does not find yet on any small configuration, and why (docs/check.md). */
export const NOT_FOUND_YET: Readonly<Record<string, string>> = {
};
