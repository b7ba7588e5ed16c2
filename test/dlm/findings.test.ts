// Findings the swarm made about the DLM model itself, kept as run-files that must keep reproducing.
// The model follows the reference's recover_lvb ("a new master copies the LVB and seq of a rebuilt
// lock granted above CR; the LVB is valid"), and these runs show that rule breaking LVB
// monotonicity (reference §5.4) when the old master dies while a survivor's process copy still
// claims PW because its down-conversion was in flight. See docs/dlm.md, "Findings".
import { describe, expect, it } from 'vitest';
import { readRunFile } from '../../sim/cli/runFiles.ts';
import { simulateRunFile } from '../../scenarios/shrink.ts';

const dir = new URL('./findings/', import.meta.url).pathname;

describe('DLM findings: recover_lvb trusts a process copy whose conversion was in flight', () => {
  it('seed 48: the value written at a master that then dies is silently rolled back (seq 80 → 79)', async () => {
    const rf = readRunFile(`${dir}lvb-rollback-seed48.run.json`);
    const r = await simulateRunFile(rf);
    const v = r.violations.find((x) => x.checker === 'dlm-lvb');
    expect(v?.message).toMatch(/produced seq \d+, not after the last write's seq \d+/);
    expect(r.violations.map((x) => x.checker)).toEqual(['dlm-lvb']);
  });

  it("seed 196: a new master adopts a PW holder's pending value under the old seq", async () => {
    const rf = readRunFile(`${dir}lvb-pending-value-seed196.run.json`);
    const r = await simulateRunFile(rf);
    expect(r.faults).toHaveLength(1);
    expect(r.violations.map((x) => x.checker)).toEqual(['dlm-lvb']);
    expect(r.violations[0]!.message).toMatch(/read ws\/r3 as seq 153 value 0474.*last PW\/EX write was seq 153 value 0592/);
  });
});
