// Regressions the swarm found in the DLM model, kept as run-files (60 s standard swarm, seeds 48,
// 196 and 224). Both had a new master trust a rebuilt PW copy whose down-conversion was still in flight:
// seed 48 rolled the value block back silently (a write made at the dying master was lost, seq
// 80 → 79, no VALNOTVALID); seed 196 adopted the holder's pending value under the seq it had read.
// fs/dlm completes a down-conversion at the requester at once, so such a copy counts at its target
// mode (reference §2, recover_lvb), and an adopted pending value counts as that holder's write.
// Seed 224: the same down-conversion, cancelled while in flight after its master had stored the value,
// let a later write reuse that seq. Every down-conversion now completes at the requester at once, as
// in fs/dlm, so there is nothing in flight to cancel.
// See docs/dlm.md, "Findings".
import { describe, expect, it } from 'vitest';
import { readRunFile } from '../../sim/cli/runFiles.ts';
import { simulateRunFile } from '../../scenarios/shrink.ts';

const dir = new URL('./findings/', import.meta.url).pathname;

describe('DLM regressions found by the swarm', () => {
  it('seed 48: the value block is invalidated, not silently rolled back, when its master dies', async () => {
    const rf = readRunFile(`${dir}lvb-rollback-seed48.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['dlm-lvb']); // as first found
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
    expect(r.coverage['dlm-valnotvalid-seen']).toBe(true);
  });

  it("seed 196: a new master adopting a holder's pending value is that holder's write", async () => {
    const rf = readRunFile(`${dir}lvb-pending-value-seed196.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['dlm-lvb']);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });

  it('seed 224: a writing down-conversion has nothing in flight to cancel, so no later write reuses its seq', async () => {
    const rf = readRunFile(`${dir}lvb-cancelled-write-seed224.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['dlm-lvb']); // as first found
    expect(rf.violations[0]!.message).toMatch(/produced seq 14, not after the last write's seq 14/);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });

  it('seed 1681: a cancelled PW→PW conversion keeps its offer in the buffer, which a new master adopts as a pending write', async () => {
    // Master node 4 stored the same-mode conversion's value (seq 238) but could not answer (one-way
    // partition); the holder cancelled, node 4 died, and the rebuilt copy sent the value it had read
    // (seq 237): the write vanished and the holder's unlock wrote seq 238 again. fs/dlm's process copy
    // sends the caller's buffer, which holds the offer, so the new master adopts that under seq 237.
    const rf = readRunFile(`${dir}lvb-cancelled-same-mode-seed1681.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['dlm-lvb']); // as first found
    expect(rf.violations[0]!.message).toMatch(/produced seq 238, not after the last write's seq 238/);
    const recovered: Record<string, unknown>[] = [];
    const r = await simulateRunFile(rf, { trace: (x) => void (x.k === 'dlm-lvb-recovered' && x.res === 'r2' && recovered.push(x)) });
    expect(r.violations).toEqual([]);
    expect(recovered.at(-1)).toMatchObject({ seq: 237, lvb: expect.stringMatching(/^03ce/), valNotValid: false, pendingWrite: true });
  });

  it("seed 480: an unlock deferred by recovery leaves the lock, and its buffer's offer, to be rebuilt", async () => {
    // The holder wrote by EX→PR (stored as seq 10), then asked to unlock while its lockspace was
    // already stopped: the unlock waits, so the PR copy is rebuilt and adopted with its own value
    // under seq 9. The checker had forgotten the offer when the unlock was issued and cried wolf.
    const rf = readRunFile(`${dir}lvb-deferred-unlock-seed480.run.json`);
    expect(rf.violations[0]!.message).toMatch(/recovered ws\/r0 as a holder's pending write \(seq 9\), but no holder has such a write outstanding/);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });

  it('seed 175 (swarm-partitions): a conversion queued behind one its granted mode blocks is a conversion deadlock', async () => {
    // NL→PW (QUECVT) queued first, then PR→PW blocked by a third holder: each waited for the other
    // for ever (dlm-liveness, dlm-completion). fs/dlm's conversion_deadlock_detect refuses the second
    // with -EDEADLK: one-way blocking is enough against a conversion ahead in the queue.
    const rf = readRunFile(`${dir}conversion-deadlock-one-way-seed175.run.json`);
    expect(rf.violations.map((v) => v.checker).sort()).toEqual(['dlm-completion', 'dlm-liveness']);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });

  it('seed 235 (swarm-partitions): a cut-off master that keeps writing a resource the forming generation forgot is not its history', async () => {
    // The checker's false alarm: node 4, cut off but not yet told, granted and wrote r1 at its own
    // stale master after the recovering generation (1,2,3,5) had forgotten r1; the checker took that
    // write (and the EX copy it granted) as the lockspace's and flagged the fresh zero read.
    const rf = readRunFile(`${dir}stale-master-after-forget-seed235.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['dlm-lvb']);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });

  it('seed 1263: a node whose recovery was aborted after its DONE keeps what it newly mastered, since others completed that generation', async () => {
    // Nodes 4 and 5 completed generation 7 with r0 rebuilt at node 3; node 3 was stopped before it
    // resumed and dropped r0 as "mastered in an aborted recovery". In generation 8 it remastered r0
    // from scratch, nodes 4 and 5 did not send their locks again, and node 4's EX request hung.
    const rf = readRunFile(`${dir}aborted-after-done-seed1263.run.json`);
    expect(rf.violations.map((v) => v.checker).sort()).toEqual(['dlm-completion', 'dlm-liveness']);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });

  it('seed 929 (swarm-partitions): a lockspace re-created at the generation number it had before is a new lineage', async () => {
    // The checker's false alarm: every member of the old lockspace was lost, nodes 2, 3 and 4 formed
    // it again, and its first generation number equalled the old one's; the checker kept the old
    // membership and took node 2's reads as made by no member master.
    const rf = readRunFile(`${dir}reborn-same-generation-seed929.run.json`);
    expect(rf.violations.map((v) => v.checker)).toEqual(['dlm-lvb']);
    const r = await simulateRunFile(rf);
    expect(r.violations).toEqual([]);
  });
});
