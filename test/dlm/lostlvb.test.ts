// The lost-value-block signal, selectable per lockspace: fs/dlm's VALNOTVALID with the stale bytes
// kept (default), or o2dlm's zeroed block with no flag (ocfs2/dlm dlmrecovery.c blanks the LVB of a
// resource whose PW/EX holder died). The dlm-lvb checker judges each lockspace by its own signal.
import { describe, expect, it } from 'vitest';
import { holderDies } from './cases.ts';
import { parseLostLvb } from '../../protocols/dlm/index.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

describe('the lost-value-block signal', () => {
  it("fs/dlm: VALNOTVALID with the stale bytes until a PW/EX holder writes", async () => {
    const o = await holderDies('valnotvalid');
    expect(o.checkers).toEqual([]);
    expect(o.log).toEqual(['read1 vnv=true v=5 seq=1', 'writer vnv=true v=5', 'read2 vnv=false v=9 seq=2']);
  });

  it('o2dlm: the block is zeroed and no flag is set', async () => {
    const o = await holderDies('zero');
    expect(o.checkers).toEqual([]);
    expect(o.log).toEqual(['read1 vnv=false v=0 seq=1', 'writer vnv=false v=0', 'read2 vnv=false v=9 seq=2']);
  });

  it('dlm/no-lvb-invalidate is caught under either signal', async () => {
    for (const s of ['valnotvalid', 'zero'] as const) {
      const o = await holderDies(s, 'no-lvb-invalidate');
      expect(o.log[0], s).toBe('read1 vnv=false v=5 seq=1');
      expect(o.checkers, s).toContain('dlm-lvb');
    }
  });

  it('the dlm protocol takes cluster.lostLvb; a bad value is an error naming the field', async () => {
    const sc: Scenario = { name: 'z', description: '', nodes: 5, protocol: 'dlm', durationUs: 15_000_000, cluster: { lostLvb: 'zero' }, faults: { swarm: 'crashes' } };
    for (let seed = 1; seed <= 3; seed++) expect((await simulate(sc, { seed })).violations).toEqual([]);
    expect(() => parseLostLvb('blank')).toThrow(/cluster.lostLvb: expected 'valnotvalid' or 'zero', got "blank"/);
  });
});
