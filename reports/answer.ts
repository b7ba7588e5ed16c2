// The seed's question answered in plain words from the comparison's data: per correct protocol,
// "is its ownership scheme raceless?" with the figures, then how the planted flaws fared and how
// the designs compare on failover. Nothing here is fixed text about a particular protocol.
import type { CompareResults, ProtocolSummary } from '../runner/summary.ts';
import { duration, per1000 } from './format.ts';
import { distribution } from '../runner/stats.ts';

export function answerQuestion(results: CompareResults): string[] {
  const out: string[] = [];
  const mixes = results.scenarios.length;
  const bases = results.protocols.filter((p) => p.variant === undefined);
  for (const p of bases) out.push(answerFor(p, p.scenariosRun ?? mixes));
  const variants = results.protocols.filter((p) => p.variant !== undefined);
  if (variants.length > 0) out.push(flawsLine(variants, results.seedMode === 'auto'));
  const failover = failoverLine(results, bases);
  if (failover !== undefined) out.push(failover);
  if (out.length === 0) out.push('No protocol ran, so there is nothing to answer.');
  return out;
}

function mixesText(n: number): string {
  return `${n} ${n === 1 ? 'scenario' : 'scenarios'}`;
}

function answerFor(p: ProtocolSummary, mixes: number): string {
  const q = `Is the ${p.protocol} ownership scheme raceless?`;
  const s = p.safety;
  if (p.seeds === 0) return `${q} Not tested: no seed ran.`;
  const live = p.liveness.count === 0
    ? 'Every run also met its liveness deadlines after the faults healed.'
    : `Liveness: ${p.liveness.count} of ${p.seeds} runs (${per1000(p.liveness.rate)} per 1,000) missed a deadline after heal.`;
  const errs = p.errors.count === 0 ? '' : ` ${p.errors.count} runs hit a budget or threw an exception.`;
  if (s.count === 0) {
    return `${q} No race was found: ${p.seeds.toLocaleString('en-US')} runs over ${mixesText(mixes)} produced no safety violation. ` +
      `Testing cannot prove absence, but with 95% confidence fewer than ${per1000(s.hi)} runs in 1,000 of these scenarios would race. ${live}${errs}`;
  }
  const checkers = Object.entries(p.checkersFired).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ×${n}`).join(', ');
  const small = p.smallestFailure;
  const example = small === undefined ? '' : ` Smallest failing example: seed ${small.seed} (${small.events.toLocaleString('en-US')} events, ${small.faults} faults)` +
    (small.runFile ? ` — replay it with \`npx lockstep replay ${small.runFile}\`.` : '.');
  return `${q} No: ${s.count} of ${p.seeds.toLocaleString('en-US')} runs over ${mixesText(mixes)} violated safety — ${per1000(s.rate)} per 1,000 seeds ` +
    `(95% CI ${per1000(s.lo)}–${per1000(s.hi)}). Checkers that fired: ${checkers}.${example} ${live}${errs}`;
}

function flawsLine(variants: readonly ProtocolSummary[], untilCaught: boolean): string {
  const caught = variants.filter((v) => v.failed > 0);
  const missed = variants.filter((v) => v.failed === 0);
  const parts = caught.map((v) => {
    const top = Object.entries(v.checkersFired).sort((a, b) => b[1] - a[1])[0];
    return `${v.protocol} in ${v.failed} of ${v.seeds} runs${top ? ` (mostly by ${top[0]})` : ''}`;
  });
  let line = `Planted flaws: ${caught.length} of ${variants.length} flawed variants were caught${untilCaught ? ' (each ran until its first counterexample)' : ''}`;
  line += parts.length > 0 ? ` — ${parts.join('; ')}.` : '.';
  if (missed.length > 0) {
    line += ` Not caught in these seeds: ${missed.map((v) => `${v.protocol}${v.caughtBy && v.caughtBy.length > 0 ? ` (expected ${v.caughtBy.join(', ')})` : ''}`).join('; ')} — more seeds or a targeted scenario are needed.`;
  }
  return line;
}

function failoverLine(results: CompareResults, bases: readonly ProtocolSummary[]): string | undefined {
  const figures: { protocol: string; p50: number; p99: number }[] = [];
  for (const p of bases) {
    const samples = results.cells.filter((c) => c.protocol === p.protocol).flatMap((c) => c.latencySamplesUs);
    const d = distribution(samples);
    if (d !== undefined) figures.push({ protocol: p.protocol, p50: d.p50, p99: d.p99 });
  }
  if (figures.length === 0) return undefined;
  figures.sort((a, b) => a.p50 - b.p50);
  const list = figures.map((f) => `${f.protocol} ${duration(f.p50)} (p99 ${duration(f.p99)})`).join(', ');
  return figures.length === 1 ? `Failover latency, median: ${list}.` : `Failover latency, median, fastest first: ${list}.`;
}
