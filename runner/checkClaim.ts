// The bounded claim of a `lockstep check` search as one sentence: what was explored, whether every
// schedule within the bound was, and how many schedules and distinct states that took.

/** The fields of a check result the claim needs (runner/check.ts CheckResult has them all). */
export interface CheckClaimInput {
  protocol: string;
  bound: string;
  complete: boolean;
  reason?: string;
  schedules: number;
  states: number;
  counterexamples: readonly { violations: readonly { checker: string }[] }[];
}

/** "dlm-lvb: no violation in any schedule with ≤ 2 faults and ≤ 2 delays on 3 nodes (complete: …)". */
export function claimLine(r: CheckClaimInput, nodes: number): string {
  const b = Object.fromEntries(r.bound.split(',').map((p) => p.split('=') as [string, string]));
  const within = `with ≤ ${b.faults ?? '?'} faults and ≤ ${b.delays ?? '?'} delays on ${nodes} nodes`;
  const first = r.counterexamples[0]?.violations[0]?.checker;
  if (first !== undefined) return `${r.protocol}: ${first} violated by a schedule ${within} (found after ${r.schedules} schedules)`;
  const how = r.complete ? `complete: ${r.schedules} schedules, ${r.states} distinct states`
    : `incomplete (${r.reason ?? 'stopped'}): ${r.schedules} schedules explored, ${r.states} distinct states`;
  return `${r.protocol}: no violation in ${r.complete ? 'any' : 'the explored'} schedule${r.complete ? '' : 's'} ${within} (${how})`;
}
