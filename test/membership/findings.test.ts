// A regression the swarm found in the membership model, kept as a run-file (swarm-partitions, seed
// 489): node 1's fence domain sat inquorate while the other side (2,3,4) was quorate and admitted
// node 3's new incarnation; that side's quorum then shattered, node 1's side regained it (with a
// rebooted node 4) and started dlm:ws recovery with node 3 never fenced. A domain stopped without
// quorum now fences every configured non-member when it starts again, like startup fencing.
import { describe, expect, it } from 'vitest';
import { readRunFile } from '../../runner/runFiles.ts';
import { simulateRunFile } from '../../scenarios/shrink.ts';

const dir = new URL('./findings/', import.meta.url).pathname;

describe('membership regressions found by the swarm', () => {
  it('seed 489: a fence domain that regains quorum fences the nodes it never heard of before recovery starts', async () => {
    const rf = readRunFile(`${dir}fence-lost-lineage-seed489.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['fence-before-recovery']); // as first found
    const fences: { t: number; node: number; by: number }[] = [];
    const starts: { t: number; node: number }[] = [];
    const r = await simulateRunFile(rf, {
      trace: (x) => {
        if (x.k === 'fence' && x.ok === true) fences.push({ t: x.t, node: x.node, by: x.by as number });
        if (x.k === 'sm-start' && x.group === 'dlm:ws' && x.t > 27_000_000) starts.push({ t: x.t, node: x.node });
      },
    });
    expect(r.violations).toEqual([]);
    const node3 = fences.find((f) => f.node === 3 && f.t > 26_000_000);
    expect(node3).toBeDefined();
    expect(starts.length).toBeGreaterThan(0);
    expect(node3!.t).toBeLessThan(starts[0]!.t);
  });
});
