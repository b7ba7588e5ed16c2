// lockstep-lint: io-edge (measures wall time per seed)
// One explore seed: simulate it and turn the result into a results-file record, plus the run-file
// of a failing seed. Shared by worker threads and the in-process runner (--workers 1).
import { createHash } from 'node:crypto';
import { plan, simulate } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { RunFile } from '../scenarios/runfile.ts';
import { buildRunFile } from './runFiles.ts';
import type { SeedRecord } from './results.ts';
import { heapProbe } from './memory.ts';

/** What every seed of a chunk shares. */
export interface WorkerJob {
  scenario: Scenario;
  scenarioSource: string;
  protocol: string;
  codeVersion: string;
}

export interface SeedOutcome {
  type: 'result';
  record: SeedRecord;
  runFile?: RunFile;
}

const configs = new WeakMap<Scenario, Map<string, string>>();

/** A short hash of the scenario (as validated) and the protocol: what a seed's result depends on. */
export function configHash(scenario: Scenario, protocol: string): string {
  let byProtocol = configs.get(scenario);
  if (byProtocol === undefined) configs.set(scenario, (byProtocol = new Map()));
  let h = byProtocol.get(protocol);
  if (h === undefined) {
    h = createHash('sha256').update(JSON.stringify(scenario)).update('\u0000').update(protocol).digest('hex').slice(0, 16);
    byProtocol.set(protocol, h);
  }
  return h;
}

export async function runSeed(job: WorkerJob, seed: number): Promise<SeedOutcome> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 100) / 100;
  try {
    const result = await simulate(job.scenario, { seed, protocol: job.protocol, probe: heapProbe(job.scenario.maxHeapMb) });
    const record: SeedRecord = {
      scenario: job.scenario.name, protocol: job.protocol, seed, ok: result.ok, traceHash: result.traceHash,
      events: result.events, simTimeUs: result.simTimeUs, violations: result.violations, coverage: result.coverage,
      faultsFired: result.faultsFired.length, ms: ms(), metrics: result.metrics,
      codeVersion: job.codeVersion, config: configHash(job.scenario, job.protocol),
    };
    if (result.ok) return { type: 'result', record };
    const runFile = buildRunFile({
      scenario: job.scenario, scenarioSource: job.scenarioSource, protocol: job.protocol, seed,
      network: plan(job.scenario, { seed }).network, tapeOverrides: [], result, codeVersion: job.codeVersion, createdBy: 'explore',
    });
    return { type: 'result', record, runFile };
  } catch (e) {
    // A protocol that throws outside a handler (e.g. while building its stack) fails the seed, not the explore.
    const message = e instanceof Error ? `${e.message}\n${(e.stack ?? '').split('\n').slice(1, 4).join('\n')}` : String(e);
    const record: SeedRecord = {
      scenario: job.scenario.name, protocol: job.protocol, seed, ok: false, traceHash: '', events: 0, simTimeUs: 0,
      violations: [{ checker: 'exception', kind: 'exception', atEvent: 0, atUs: 0, message: `simulate threw: ${message}` }],
      coverage: {}, faultsFired: 0, ms: ms(), codeVersion: job.codeVersion, config: configHash(job.scenario, job.protocol),
    };
    return { type: 'result', record };
  }
}
