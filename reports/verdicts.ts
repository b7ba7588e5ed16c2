// The verdict of each checker for one run: held / violated for always and eventually properties,
// covered / not reached for sometimes properties; budget and exception failures get a row too.
import type { RunResult, Violation } from '../sim/types.ts';
import type { CheckerInfo } from '../runner/protocolChoice.ts';

export type VerdictWord = 'held' | 'violated' | 'covered' | 'not reached';

export interface Verdict {
  checker: string;
  kind: string;
  verdict: VerdictWord;
  message?: string;
}

export function verdicts(checkers: readonly CheckerInfo[], result: Pick<RunResult, 'violations' | 'coverage'>): Verdict[] {
  const byChecker = new Map<string, Violation>();
  for (const v of result.violations) if (!byChecker.has(v.checker)) byChecker.set(v.checker, v);
  const rows: Verdict[] = checkers.map((c) => {
    const v = byChecker.get(c.name);
    if (v !== undefined) return { checker: c.name, kind: c.kind, verdict: 'violated', message: v.message };
    if (c.kind === 'sometimes') return { checker: c.name, kind: c.kind, verdict: result.coverage[c.name] === true ? 'covered' : 'not reached' };
    return { checker: c.name, kind: c.kind, verdict: 'held' };
  });
  for (const [name, v] of byChecker) {
    if (!checkers.some((c) => c.name === name)) rows.push({ checker: name, kind: v.kind, verdict: 'violated', message: v.message });
  }
  return rows;
}
