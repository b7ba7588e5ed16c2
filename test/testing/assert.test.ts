// The library's assertion helper: a violated property fails with the checker's sentence, writes the
// counterexample as a run-file, and that run-file replays to the same failure (exit 1).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectHolds, PropertyViolation, simulate, assertRun } from '../../index.ts';
import type { Scenario } from '../../index.ts';
import { main } from '../../cli/main.ts';

const crashRestart: Scenario = {
  name: 'gossip-crash-restart', description: '', nodes: 3, durationUs: 6_000_000, deadlineUs: 2_000_000,
  faults: { script: [{ kind: 'crash', atUs: 2_000_000, node: 1, durationUs: 500_000 }] },
};

describe('expectHolds / assertRun', () => {
  it('a correct protocol passes and returns the result', async () => {
    const r = await expectHolds(crashRestart, { seed: 1, protocol: 'gossip', out: mkdtempSync(join(tmpdir(), 'lockstep-t-')) });
    expect(r.ok).toBe(true);
  });

  it("a flawed variant fails with the checker's sentence, a run-file and its replay line; the run-file replays", async () => {
    const out = mkdtempSync(join(tmpdir(), 'lockstep-t-'));
    const e = await expectHolds(crashRestart, { seed: 1, protocol: 'gossip/forgetful', out }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(PropertyViolation);
    const v = e as PropertyViolation;
    expect(v.message).toMatch(/^gossip-monotonic violated at \d+\.\d{3}s \(event \d+\): /);
    expect(v.message).toContain(`Replay:   npx lockstep replay ${v.runFile}`);
    expect(existsSync(v.runFile)).toBe(true);
    expect(await main(['replay', v.runFile, '--json'])).toBe(1);
  });

  it('assertRun does nothing for a passing result', async () => {
    const r = await simulate(crashRestart, { seed: 2, protocol: 'gossip' });
    expect(() => assertRun(r, { scenario: crashRestart, seed: 2, protocol: 'gossip' })).not.toThrow();
  });
});
