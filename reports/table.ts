// The comparison as rows of plain-text cells: the one table layout every renderer shares, so the
// terminal, Markdown and HTML show the same columns with the same meaning.
import type { CellSummary, CompareResults, ProtocolSummary } from '../runner/summary.ts';
import { duration, latencyPair, num, rateWithCi } from './format.ts';

export interface Column {
  key: string;
  title: string;
  /** What the column means (HTML tooltips and docs). */
  help: string;
  align: 'left' | 'right';
}

/**
 * The seeds the comparison ran, for a headline: "20 seeds (seeds 1–20)" when every cell ran the
 * same, else the correct designs' count and how the variants ran ('auto' stops a variant once caught).
 */
export function seedsText(r: CompareResults): string {
  const range = (n: number): string => (n === 1 ? `seed ${r.seedStart}` : `seeds ${r.seedStart}–${r.seedStart + n - 1}`);
  if (r.seedsPerCell !== undefined) return `${r.seedsPerCell} ${r.seedsPerCell === 1 ? 'seed' : 'seeds'} (${range(r.seedsPerCell)})`;
  const bases = r.protocols.filter((p) => p.variant === undefined);
  const counts = new Set(bases.map((p) => p.seedsPerScenario));
  const n = bases[0]?.seedsPerScenario;
  const base = counts.size === 1 && n !== undefined ? `${n} ${n === 1 ? 'seed' : 'seeds'} per correct design (${range(n)})` : 'unequal seeds per scenario';
  return r.protocols.some((p) => p.variant !== undefined) && r.seedMode === 'auto' ? `${base}, flawed variants until caught` : base;
}

export const CELL_COLUMNS: readonly Column[] = [
  { key: 'protocol', title: 'protocol', help: 'Protocol or protocol/variant (a variant carries a planted flaw).', align: 'left' },
  { key: 'seeds', title: 'seeds', help: 'Runs (seeds) of this protocol on this scenario: the same seeds for every protocol (with --seeds auto a flawed variant stops once caught).', align: 'right' },
  { key: 'safety', title: 'safety /1k [95% CI]', help: 'Runs with a safety (always) violation per 1,000 seeds, with the 95% Wilson interval.', align: 'right' },
  { key: 'liveness', title: 'liveness /1k', help: 'Runs with a liveness (eventually) violation per 1,000 seeds, with the 95% Wilson interval.', align: 'right' },
  { key: 'failover', title: 'failover p50/p99', help: 'Failover latency (owner lost → new owner serving), median and 99th percentile over runs.', align: 'right' },
  { key: 'unavailable', title: 'unavail. p50', help: 'Time a resource had no serving owner per run, median over runs.', align: 'right' },
  { key: 'msgsPerFailover', title: 'msgs/failover', help: 'Messages sent per failover, median over runs.', align: 'right' },
  { key: 'steadyMsgs', title: 'msgs/s steady', help: 'Messages per simulated second in steady state (the engine count per second when the protocol does not report it).', align: 'right' },
  { key: 'served', title: 'served p50', help: 'Client requests served per run, median.', align: 'right' },
  { key: 'errors', title: 'errors', help: 'Runs that hit an event budget or threw an exception.', align: 'right' },
];

export function cellRow(c: CellSummary): Record<string, string> {
  const m = c.metrics;
  return {
    protocol: c.protocol,
    seeds: num(c.seeds),
    safety: rateWithCi(c.safety),
    liveness: rateWithCi(c.liveness),
    failover: latencyPair(m.failoverLatencyUs),
    unavailable: duration(m.unavailableUs?.p50),
    msgsPerFailover: num(m.messagesPerFailover?.p50),
    steadyMsgs: num(m.steadyMessagesPerSec?.p50),
    served: num(m.requestsServed?.p50, 0),
    errors: c.errors.count === 0 ? '0' : String(c.errors.count),
  };
}

export const PROTOCOL_COLUMNS: readonly Column[] = [
  { key: 'protocol', title: 'protocol', help: 'Protocol or protocol/variant.', align: 'left' },
  { key: 'seeds', title: 'runs', help: 'Runs over all scenarios (seeds × scenarios).', align: 'right' },
  ...CELL_COLUMNS.filter((c) => c.key !== 'protocol' && c.key !== 'seeds'),
  { key: 'loc', title: 'LoC', help: "Lines of the protocol's own code (non-blank, non-comment).", align: 'right' },
];

export function protocolRow(p: ProtocolSummary): Record<string, string> {
  const m = p.metrics ?? {};
  return {
    protocol: p.protocol,
    seeds: num(p.seeds),
    safety: rateWithCi(p.safety),
    liveness: rateWithCi(p.liveness),
    failover: latencyPair(m.failoverLatencyUs),
    unavailable: duration(m.unavailableUs?.p50),
    msgsPerFailover: num(m.messagesPerFailover?.p50),
    steadyMsgs: num(m.steadyMessagesPerSec?.p50),
    served: num(m.requestsServed?.p50, 0),
    errors: p.errors.count === 0 ? '0' : String(p.errors.count),
    loc: num(p.linesOfCode),
  };
}

export const FAILURE_COLUMNS: readonly Column[] = [
  { key: 'protocol', title: 'protocol', help: 'Protocol or protocol/variant with at least one failing run.', align: 'left' },
  { key: 'checkers', title: 'checkers fired (runs)', help: 'Violations by checker: in how many runs each fired.', align: 'left' },
  { key: 'where', title: 'failing scenarios (failed/seeds)', help: 'The scenarios where runs failed, most failures first.', align: 'left' },
  { key: 'smallest', title: 'smallest failing example', help: 'The failing run with fewest events (then faults): its run-file, to replay or open.', align: 'left' },
];

export function failureRows(results: CompareResults): Record<string, string>[] {
  return results.protocols.filter((p) => p.failed > 0).map((p) => {
    const fired = Object.entries(p.checkersFired).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const where = results.cells.filter((c) => c.protocol === p.protocol && c.failed > 0).sort((a, b) => b.failed - a.failed || (a.scenario < b.scenario ? -1 : 1));
    const s = p.smallestFailure;
    return {
      protocol: p.protocol,
      checkers: fired.map(([c, n]) => `${c} ×${n}`).join(', '),
      where: where.slice(0, 3).map((c) => `${c.scenario} ${c.failed}/${c.seeds}`).join(', ') + (where.length > 3 ? ` +${where.length - 3} more` : ''),
      smallest: s === undefined ? '–' : `${s.runFile ?? `seed ${s.seed}`} (${s.events.toLocaleString('en-US')} events, ${s.faults} faults)`,
    };
  });
}

/** Cells grouped by scenario, in the results' scenario order, protocols in results order. */
export function cellsByScenario(results: CompareResults): { scenario: string; description: string; cells: CellSummary[] }[] {
  return results.scenarios.map((s) => ({
    scenario: s.name,
    description: s.description,
    cells: results.protocols.flatMap((p) => results.cells.filter((c) => c.scenario === s.name && c.protocol === p.protocol)),
  }));
}
