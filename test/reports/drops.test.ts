// Drops in the trace reach the reports: every message dropped by a partition, loss, a filter or a
// down receiver is a message of the run view with its reason (the diagram draws a ✕ for it) and a
// 'drop' slice in the Chrome/Perfetto export; faults by role and at points say so in the steps.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';
import type { TraceRecord } from '../../sim/world.ts';
import { buildRunView } from '../../reports/runView.ts';
import { toChromeTrace } from '../../reports/chromeTrace.ts';

async function viewOf(scenario: string, protocol: string, seed: number) {
  const recs: TraceRecord[] = [];
  const sc = loadScenario(scenario).scenario;
  const r = await simulate(sc, { seed, protocol, trace: (x) => recs.push(x) });
  const view = buildRunView({
    scenario, protocol, seed, nodes: sc.nodes, endUs: r.simTimeUs, healAtUs: r.healAtUs,
    violations: r.violations, faultsFired: r.faultsFired, faults: r.faults,
  }, recs, false, 1_000_000);
  return { r, recs, view };
}

describe('drops in the reports', () => {
  it('a one-way cut: every drop record is a view message with its reason, and the export shows it', async () => {
    const { r, recs, view } = await viewOf('membership-asymmetric-link', 'cman', 1);
    const drops = recs.filter((x) => x.k === 'drop');
    expect(drops.length).toBe(r.metrics.messagesDropped);
    const cut = view.messages.filter((m) => m.fate === 'partition');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((m) => m.from === 3 && m.to === 1)).toBe(true);
    const trace = toChromeTrace(view).traceEvents.filter((e) => e.cat === 'drop');
    expect(trace.length).toBe(view.messages.filter((m) => m.fate !== 'delivered' && m.fate !== 'lost').length);
    expect(trace[0]!.name).toMatch(/^✕ .* \(partition\)$/);
  });

  it('faults by role and at points are described as such; point hits stay out of the steps', async () => {
    const { view } = await viewOf('dlm-lvb-crash-before-lvb-write', 'dlm-lvb', 1);
    expect(view.steps.some((s) => /fault crash.*\[at dlm-lvb.claimed hit 1\]/.test(s.text))).toBe(true);
    expect(view.steps.some((s) => s.k === 'point')).toBe(false);
    const byRole = await viewOf('ownership-paused-owner-by-role', 'lease', 1);
    expect(byRole.view.steps.some((s) => /fault pause.*\[role owner of snap0\]/.test(s.text))).toBe(true);
  });
});
