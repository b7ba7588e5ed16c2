// The lost-value-block signal, selectable per lockspace: fs/dlm's VALNOTVALID with the stale bytes
// kept (default), or o2dlm's zeroed block with no flag (ocfs2/dlm dlmrecovery.c blanks the LVB of a
// resource whose PW/EX holder died). The dlm-lvb checker judges each lockspace by its own signal.
import { describe, expect, it } from 'vitest';
import { runCluster, bytes } from './harness.ts';
import type { AppCtx } from './harness.ts';
import type { LostLvbSignal } from '../../protocols/dlm/index.ts';
import { parseLostLvb } from '../../protocols/dlm/index.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';

const BASE_US = 3_000_000;
const CRASH_US = BASE_US + 2_000_000;

async function at(a: AppCtx, us: number): Promise<void> {
  await a.ready();
  const target = us < BASE_US ? BASE_US + us : us;
  if (target > a.ctx.now()) await a.sleep(target - a.ctx.now());
}

/** Node 3, an EX value-block holder of 'v' (mastered on node 1), writes 5 and dies; 4 reads, 5 writes 9. */
async function holderDies(lostLvb: LostLvbSignal, variant?: string): Promise<{ log: string[]; checkers: string[] }> {
  const log: string[] = [];
  const { result } = await runCluster({
    lostLvb,
    ...(variant !== undefined ? { variant } : {}),
    faults: [{ kind: 'crash', atUs: CRASH_US, node: 3, durationUs: 20_000_000 }],
    scripts: {
      1: async (a) => {
        await at(a, 1_000_000);
        await a.ls.lock('v', 'NL');
      },
      3: async (a) => {
        if (a.ctx.incarnation > 1) return;
        await at(a, 1_200_000);
        const lk = await a.ls.lock('v', 'EX', { valueBlock: true });
        lk.valueBlock = bytes(5);
        await lk.convert('PW');
        await lk.convert('EX');
        await a.sleep(60_000_000);
      },
      4: async (a) => {
        await at(a, 1_500_000);
        const r = await a.ls.lock('v', 'PR', { valueBlock: true });
        log.push(`read1 vnv=${r.flags.valNotValid} v=${r.valueBlock![0]} seq=${r.lvbSeq}`);
        await r.unlock();
        await at(a, BASE_US + 6_000_000);
        const r2 = await a.ls.lock('v', 'PR', { valueBlock: true });
        log.push(`read2 vnv=${r2.flags.valNotValid} v=${r2.valueBlock![0]} seq=${r2.lvbSeq}`);
        await r2.unlock();
      },
      5: async (a) => {
        await at(a, BASE_US + 5_000_000);
        const w = await a.ls.lock('v', 'EX', { valueBlock: true });
        log.push(`writer vnv=${w.flags.valNotValid} v=${w.valueBlock![0]}`);
        w.valueBlock = bytes(9);
        await w.unlock();
      },
    },
  });
  return { log, checkers: result.violations.map((v) => v.checker) };
}

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
