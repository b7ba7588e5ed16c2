// Reading protocol metrics out of RunResult.metrics: protocols name them freely, so each column of
// the comparison looks for a list of accepted names (then a pattern) and is absent when none match.
import type { RunResult } from '../sim/types.ts';

/** The comparison's metric columns, per run. */
export type MetricName =
  | 'failoverLatencyUs'
  | 'failovers'
  | 'unavailableUs'
  | 'messagesPerFailover'
  | 'steadyMessagesPerSec'
  | 'requestsServed';

interface MetricRule {
  names: readonly string[];
  pattern?: RegExp;
}

/** Accepted names, in order of preference. Documented in docs/reports.md. */
export const METRIC_RULES: Readonly<Record<MetricName, MetricRule>> = {
  failoverLatencyUs: { names: ['failoverLatencyUs', 'failoverLatencyUsMean', 'failoverLatencyUsMax', 'failoverUs'], pattern: /^failover.*latency.*us/i },
  failovers: { names: ['failovers', 'failoverCount', 'handovers', 'ownerChanges'] },
  unavailableUs: { names: ['unavailableUs', 'unavailabilityUs', 'unavailableUsTotal', 'unavailableUsMax'], pattern: /^unavailab.*us/i },
  messagesPerFailover: { names: ['messagesPerFailover', 'failoverMessages'], pattern: /messages.*per.*failover/i },
  steadyMessagesPerSec: { names: ['steadyMessagesPerSec', 'messagesPerSecSteady', 'steadyStateMessagesPerSec'], pattern: /steady.*messages|messages.*steady/i },
  requestsServed: { names: ['requestsServed', 'requestsCompleted', 'served'], pattern: /^requests?served/i },
};

/** The value of one column for one run, or undefined when the protocol does not report it. */
export function readMetric(metrics: Readonly<Record<string, number>>, name: MetricName): number | undefined {
  const rule = METRIC_RULES[name];
  for (const key of rule.names) {
    const v = metrics[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  if (rule.pattern === undefined) return undefined;
  for (const key of Object.keys(metrics).sort()) {
    const v = metrics[key];
    if (rule.pattern.test(key) && typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/**
 * All columns for one run. Messages in steady state fall back to the engine's own count
 * (messagesSent per simulated second) so the column is never empty.
 */
export function runMetrics(r: Pick<RunResult, 'metrics' | 'simTimeUs'>): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  for (const name of Object.keys(METRIC_RULES) as MetricName[]) {
    const v = readMetric(r.metrics ?? {}, name);
    if (v !== undefined) out[name] = v;
  }
  // Per-failover figures mean nothing in a run without a failover (protocols report them as 0).
  if (out.failovers === 0) {
    delete out.failoverLatencyUs;
    delete out.messagesPerFailover;
  }
  const sent = r.metrics?.messagesSent;
  if (out.steadyMessagesPerSec === undefined && typeof sent === 'number' && r.simTimeUs > 0) {
    out.steadyMessagesPerSec = sent / (r.simTimeUs / 1e6);
  }
  return out;
}
