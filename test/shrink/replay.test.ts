// Replay over a batch: every failing seed a small explore loop finds, for a flawed variant of every
// registered protocol, written to disk as a run-file and read back, re-runs to the same trace hash
// and the same violations — and so does the run-file shrink makes of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../protocols/index.ts';
import { plan, simulate } from '../../scenarios/simulate.ts';
import { shrinkRun, simulateRunFile } from '../../scenarios/shrink.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { buildRunFile, readRunFile, runFilePath, writeRunFile } from '../../runner/runFiles.ts';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioFor(protocol: string): Scenario {
  return {
    name: 'replay-batch', description: 'A short swarm run.', nodes: 3, durationUs: 12_000_000, healAtUs: 6_000_000,
    faults: { swarm: 'standard' }, ...(protocol === 'gossip' ? {} : { workload: { kind: protocol === 'dlm' ? 'dlm-random' : 'snapshot-metadata' } }),
  };
}

describe('replay of explore failures', () => {
  for (const p of PROTOCOLS.filter((d) => d.variants.length > 0)) {
    // Seeds 1..3 of each flawed variant in turn, until two failures are in hand.
    const seeds = p.name === 'gossip' ? 20 : 3;
    it(`${p.name}: every failing seed of its flawed variants replays exactly from its run-file`, async (ctx) => {
      const scenario = scenarioFor(p.name);
      let failures = 0;
      for (const v of p.variants) {
        const variant = `${p.name}/${v.name}`;
        for (let seed = 1; seed <= seeds && failures < (p.name === 'gossip' ? 20 : 2); seed++) {
          const r = await simulate(scenario, { seed, protocol: variant });
          if (r.ok) continue;
          failures++;
          const path = runFilePath(dir, scenario.name, variant, seed);
          writeRunFile(path, buildRunFile({
            scenario, scenarioSource: scenario.name, protocol: variant, seed, network: plan(scenario, { seed }).network,
            tapeOverrides: [], result: r, codeVersion: 'test', createdBy: 'explore',
          }));
          const rf = readRunFile(path);
          const again = await simulateRunFile(rf);
          expect(again.traceHash, `${variant} seed ${seed}`).toBe(r.traceHash);
          expect(again.violations).toEqual(r.violations);
          if (failures === 1) {
            // The first failure also goes through shrink, and its shrunk run-file replays too.
            const s = await shrinkRun(rf, { maxRuns: 20 });
            const shrunkPath = join(dir, `shrunk-${p.name}-${seed}.run.json`);
            writeRunFile(shrunkPath, s.runFile);
            const back = await simulateRunFile(readRunFile(shrunkPath));
            expect(back.traceHash).toBe(s.runFile.traceHash);
            expect(back.violations.map((x) => x.checker)).toContain(s.checker);
          }
        }
      }
      if (p.name === 'gossip') expect(failures).toBeGreaterThan(5);
      if (failures === 0) ctx.skip(`no flawed variant of ${p.name} failed on seeds 1..${seeds} of this short scenario`);
    });
  }
});
