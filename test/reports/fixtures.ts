// Shared fixtures for the report tests: a synthetic comparison (stable, for golden files) built from
// run outcomes through the real accumulators, and hostile text to check escaping.
import { join } from 'node:path';
import { plan, simulate } from '../../scenarios/simulate.ts';
import { buildRunFile, writeRunFile } from '../../runner/runFiles.ts';
import { faultMixScenarios } from '../../reports/faultMixes.ts';
import type { CompareResults } from '../../runner/summary.ts';
import type { SeedRecord } from '../../runner/results.ts';
import { CellAccumulator, COMPARE_FORMAT, summarizeProtocol } from '../../runner/summary.ts';
import { answerQuestion } from '../../reports/answer.ts';

export const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)> & 'quotes' | pipes \`ticks\``;

function outcome(scenario: string, protocol: string, seed: number, opts: { fail?: 'always' | 'eventually'; latencyUs?: number; message?: string } = {}): SeedRecord {
  const violations = opts.fail === undefined ? [] : [{
    checker: opts.fail === 'always' ? 'ownership-belief' : 'ownership-liveness', kind: opts.fail, atEvent: 100 + seed, atUs: 5_000_000 + seed,
    message: opts.message ?? `two owners of r1 at seed ${seed}`,
  }];
  return {
    scenario, protocol, seed, ok: violations.length === 0, traceHash: `h${seed}`, events: 1000 + seed * 10, simTimeUs: 30_000_000,
    violations, faultsFired: 1 + (seed % 3), coverage: { 'ownership-handover': seed % 2 === 0 },
    metrics: { messagesSent: 3000 + seed, failovers: 1, failoverLatencyUsMean: opts.latencyUs ?? 200_000 + seed * 1000, requestsServed: 500 + seed, unavailableUsTotal: 300_000, messagesPerFailover: 40, messagesPerSecSteady: 100 },
    ms: 10,
  };
}

/** Two protocols (one with a flawed variant) × two scenarios × 20 seeds, deterministic. */
export function syntheticResults(hostile = false): CompareResults {
  const scenarios = [
    { name: hostile ? `mix ${HOSTILE}` : 'owner-crash', description: hostile ? `desc ${HOSTILE}` : 'The owner crashes.', nodes: 5 },
    { name: 'standard', description: 'Swarm faults.', nodes: 5 },
  ];
  const protocols = ['alpha', 'alpha/no-fencing', 'beta'];
  const accs: CellAccumulator[] = [];
  for (const s of scenarios) for (const p of protocols) {
    const acc = new CellAccumulator(s.name, p);
    for (let seed = 1; seed <= 20; seed++) {
      const fail = p === 'alpha/no-fencing' && seed % 4 === 0 ? 'always' : p === 'beta' && seed === 7 && s.name === 'standard' ? 'eventually' : undefined;
      const ref = acc.add(outcome(s.name, p, seed, { ...(fail ? { fail } : {}), latencyUs: p === 'beta' ? 900_000 + seed * 5000 : 150_000 + seed * 2000, ...(hostile ? { message: `bad ${HOSTILE}` } : {}) }));
      if (ref) ref.runFile = `runs/${p.replace('/', '_')}-${s.name.length}-seed${seed}.run.json`;
    }
    accs.push(acc);
  }
  const cells = accs.map((a) => a.finish());
  const results: CompareResults = {
    format: COMPARE_FORMAT, createdBy: 'test', codeVersion: '0.1.0+test', seedStart: 1, seedMode: 'fixed', seedsPerCell: 20, workers: 1, wallMs: 1234,
    scenarios,
    protocols: protocols.map((p) => summarizeProtocol(cells, {
      protocol: p, base: p.split('/')[0]!, description: `protocol ${p}`, linesOfCode: p === 'beta' ? 321 : 123,
      ...(p.includes('/') ? { variant: 'no-fencing', flaw: hostile ? `flaw ${HOSTILE}` : 'Skips fencing.', caughtBy: ['ownership-belief'] } : {}),
    }, accs)),
    cells,
    answer: [],
  };
  results.answer = answerQuestion(results);
  return results;
}

/** A failing gossip/forgetful run of the crash mix, saved as a run-file. */
export async function failingRunFile(outDir: string): Promise<string> {
  const scenario = faultMixScenarios(5, 10_000_000).find((s) => s.name === 'mix-crashes')!;
  for (let seed = 1; seed < 50; seed++) {
    const result = await simulate(scenario, { seed, protocol: 'gossip/forgetful' });
    if (result.ok) continue;
    const path = join(outDir, `forgetful-seed${seed}.run.json`);
    writeRunFile(path, buildRunFile({ scenario, scenarioSource: scenario.name, protocol: 'gossip/forgetful', seed, network: plan(scenario, { seed }).network, tapeOverrides: [], result, codeVersion: 'test', createdBy: 'compare' }));
    return path;
  }
  throw new Error('no failing seed of gossip/forgetful in 1..49');
}

