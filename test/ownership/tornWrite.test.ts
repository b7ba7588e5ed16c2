// Finding F13, pinned: a passwd writer crashes at fault point passwd.mid-write (first block written).
// On seed 2 it was the only node holding a lock on file:passwd and its master, so the rebuilt resource
// has no lock with a value block: the LVB comes back zero without VALNOTVALID. The design now treats a
// zero value block as unknown and rolls the file forward; trusting it (the variant) hands out the torn
// file, and so does plain 'lock for read, read, unlock'.
import { describe, expect, it } from 'vitest';
import { libraryScenario, run } from './library.ts';

const checkersOf = (r: { violations: { checker: string }[] }): string[] => [...new Set(r.violations.map((v) => v.checker))].sort();

describe('ownership-passwd-torn-write (F13: the only lock holder dies mid-write with its master)', () => {
  const scenario = libraryScenario('ownership-passwd-torn-write');

  it('the fault point is reached and the crash fires there on every run', async () => {
    const r = await run(scenario, 'dlm-lvb', 2);
    expect(r.faultsFired).toEqual([expect.objectContaining({ kind: 'crash', point: 'passwd.mid-write', hit: 1 })]);
  });

  it.each([1, 2, 3, 4])('dlm-lvb holds on seed %i (a zero value block means: repair first)', async (seed) => {
    expect(checkersOf(await run(scenario, 'dlm-lvb', seed))).toEqual([]);
  });

  it('dlm-lvb/passwd-trusts-zero hands out the torn file on seed 2', async () => {
    const r = await run(scenario, 'dlm-lvb/passwd-trusts-zero', 2);
    expect(checkersOf(r)).toEqual(['ownership-client']);
    expect(r.violations[0]!.message).toMatch(/torn passwd read by n\d .*blocks at versions 1, 0, 0/);
  });

  it('plain-passwd is caught too; the owner-served designs roll the file forward on take-over', async () => {
    expect(checkersOf(await run(scenario, 'dlm-lvb/plain-passwd', 1))).toEqual(['ownership-client']);
    expect(checkersOf(await run(scenario, 'oldest-member', 1))).toEqual([]);
    expect(checkersOf(await run(scenario, 'lease', 1))).toEqual([]);
  });
});
