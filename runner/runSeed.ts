// lockstep-lint: io-edge (measures wall time per seed)
// One seed, the one way every runner runs it (explore and compare, in-process and on worker
// threads): load the protocol's plugin, simulate, turn the result into a results record, and build
// the run-file of a failing seed. A protocol that throws is a failed seed with the exception
// recorded, never a crash of the run.
import { createHash } from 'node:crypto';
import { plan, simulate } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { RunFile } from '../scenarios/runfile.ts';
import { buildRunFile } from './runFiles.ts';
import { loadPlugins } from './plugins.ts';
import type { SeedRecord } from './results.ts';
import { heapProbe } from './memory.ts';

/** What every seed of a chunk shares. */
export interface WorkerJob {
  scenario: Scenario;
  scenarioSource: string;
  /** Canonical protocol name (`name` or `name/variant`). */
  protocol: string;
  codeVersion: string;
  /** Absolute paths of the plugin files that define `protocol` (loaded before the first seed). */
  plugins: string[];
  /** The command, recorded in run-files. */
  createdBy: 'explore' | 'compare';
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
    await loadPlugins(job.plugins);
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
      network: plan(job.scenario, { seed }).network, tapeOverrides: [], result, codeVersion: job.codeVersion,
      createdBy: job.createdBy, plugins: job.plugins,
    });
    return { type: 'result', record, runFile };
  } catch (e) {
    // A protocol that throws outside a handler (e.g. while building its stack) fails the seed, not the run.
    const message = e instanceof Error ? `${e.message}\n${(e.stack ?? '').split('\n').slice(1, 4).join('\n')}` : String(e);
    const record: SeedRecord = {
      scenario: job.scenario.name, protocol: job.protocol, seed, ok: false, traceHash: '', events: 0, simTimeUs: 0,
      violations: [{ checker: 'exception', kind: 'exception', atEvent: 0, atUs: 0, message: `simulate threw: ${message}` }],
      coverage: {}, faultsFired: 0, ms: ms(), codeVersion: job.codeVersion, config: configHash(job.scenario, job.protocol),
    };
    return { type: 'result', record };
  }
}
