// Recovery on the real membership stack, scripted: a PW/EX value-block holder dies (surviving master,
// new master with NL copies, forgotten resource), a CR holder dies, the master dies, the directory
// node dies, and requests made during recovery wait and then proceed. All DLM checkers run too.
import { describe, expect, it } from 'vitest';
import { runCluster, bytes } from './harness.ts';
import type { AppCtx } from './harness.ts';
import { BASE_US, CRASH_US, at, holderDies } from './cases.ts';
import { dirNode } from '../../protocols/dlm/directory.ts';
import type { Dlm } from '../../protocols/dlm/index.ts';

/** The cluster forms at about 2.1 s (cman's join wait); scripted times below are after BASE_US. */
const crash = (node: number) => [{ kind: 'crash', atUs: CRASH_US, node, durationUs: 20_000_000 }];

/** Holds EX on `res` with a value block after writing `value` through an EX→PW→EX round trip. */
async function exWriterHolds(a: AppCtx, res: string, value: number): Promise<void> {
  const lk = await a.ls.lock(res, 'EX', { valueBlock: true });
  lk.valueBlock = bytes(value);
  await lk.convert('PW'); // writes: seq 1
  await lk.convert('EX'); // reads back
  await a.sleep(60_000_000); // dies holding EX
}

describe('a PW/EX value-block holder dies', () => {
  it('surviving master: the next read carries VALNOTVALID with the contents kept, until a PW/EX holder writes', async () => {
    // Node 1 masters 'v' and survives; node 4's first read waits until node 3 is purged; node 5's EX
    // unlock writes and clears VALNOTVALID.
    const o = await holderDies('valnotvalid');
    expect(o.checkers).toEqual([]);
    expect(o.log).toEqual(['read1 vnv=true v=5 seq=1', 'writer vnv=true v=5', 'read2 vnv=false v=9 seq=2']);
  });

  it('new master holding only NL copies: VALNOTVALID and the highest-seq copy', async () => {
    const log: string[] = [];
    const { result } = await runCluster({
      faults: crash(3),
      scripts: {
        3: async (a) => {
          await at(a, 1_000_000);
          await exWriterHolds(a, 'm', 5); // node 3 looks 'm' up first: it masters it, and dies
        },
        1: async (a) => {
          await at(a, 1_500_000);
          const nl = await a.ls.lock('m', 'NL', { valueBlock: true }); // NL copy read seq 1
          log.push(`nl seq=${nl.lvbSeq} v=${nl.valueBlock![0]}`);
          await at(a, BASE_US + 4_000_000);
          const pr = await a.ls.lock('m', 'PR', { valueBlock: true });
          log.push(`read vnv=${pr.flags.valNotValid} v=${pr.valueBlock![0]} seq=${pr.lvbSeq}`);
          await pr.unlock();
          await nl.unlock();
        },
      },
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['nl seq=1 v=5', 'read vnv=true v=5 seq=1']);
  });

  it('new master and no value-block copy left: the resource is forgotten (fresh zero LVB, seq 0, no flag)', async () => {
    const log: string[] = [];
    const { result, world } = await runCluster({
      faults: crash(3),
      scripts: {
        3: async (a) => {
          await at(a, 1_000_000);
          await exWriterHolds(a, 'g', 5);
        },
        1: async (a) => {
          await at(a, BASE_US + 4_000_000);
          const pr = await a.ls.lock('g', 'PR', { valueBlock: true });
          log.push(`read vnv=${pr.flags.valNotValid} v=${pr.valueBlock![0]} seq=${pr.lvbSeq}`);
          await pr.unlock();
        },
      },
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['read vnv=false v=0 seq=0']);
    expect(world.eventIndex).toBeGreaterThan(0);
  });
});

describe('the master dies around a writing down-conversion (completed at the requester at once)', () => {
  /** Node 3 masters 'p'; node 1 writes 7 by EX→PR `beforeCrashUs` before node 3 dies; node 4 may read it first. */
  async function run(beforeCrashUs: number): Promise<{ log: string[]; recovered: Record<string, unknown>[] }> {
    const log: string[] = [];
    const recovered: Record<string, unknown>[] = [];
    const { result } = await runCluster({
      faults: crash(3),
      trace: (r) => void (r.k === 'dlm-lvb-recovered' && recovered.push(r)),
      scripts: {
        3: async (a) => {
          await at(a, 1_000_000);
          await a.ls.lock('p', 'NL'); // node 3 masters 'p', and dies at CRASH_US
        },
        1: async (a) => {
          await at(a, 1_200_000);
          const lk = await a.ls.lock('p', 'EX', { valueBlock: true });
          lk.valueBlock = bytes(7);
          await at(a, CRASH_US - beforeCrashUs);
          const c = await lk.convert('PR');
          log.push(`down ${c.status} ${c.mode} seq=${c.lvbSeq}`);
          await at(a, BASE_US + 4_000_000);
          await lk.convert('NL');
          await a.sleep(3_000_000);
          await lk.unlock();
        },
        4: async (a) => {
          await at(a, CRASH_US - 30_000);
          const nl = await a.ls.lock('p', 'NL', { valueBlock: true });
          log.push(`nl v=${nl.valueBlock![0]} seq=${nl.lvbSeq}`);
        },
        2: async (a) => {
          const read = async (): Promise<void> => {
            const pr = await a.ls.lock('p', 'PR', { valueBlock: true });
            log.push(`read vnv=${pr.flags.valNotValid} v=${pr.valueBlock![0]} seq=${pr.lvbSeq}`);
            await pr.unlock();
          };
          await at(a, BASE_US + 3_500_000);
          await read();
          await at(a, BASE_US + 5_000_000);
          const ex = await a.ls.lock('p', 'EX', { valueBlock: true });
          ex.valueBlock = bytes(8);
          await ex.unlock();
          await read();
        },
      },
    });
    expect(result.violations).toEqual([]);
    return { log, recovered };
  }

  it('lost with its master: the new master adopts the writer\'s PR copy, its value under the seq it read', async () => {
    const { log, recovered } = await run(50);
    expect(log).toEqual(['nl v=0 seq=0', 'down 0 PR seq=0', 'read vnv=false v=7 seq=0', 'read vnv=false v=8 seq=1']);
    expect(recovered).toEqual([expect.objectContaining({ res: 'p', seq: 0, valNotValid: false, pendingWrite: true })]);
  });

  it('stored (seq 1) and read before the master died: the new master renumbers it seq 0, and seq 1 is reused', async () => {
    // Faithful to fs/dlm: the process copy never learns the seq its down-conversion was stored under.
    const { log, recovered } = await run(50_000);
    expect(log).toEqual(['down 0 PR seq=0', 'nl v=7 seq=1', 'read vnv=false v=7 seq=0', 'read vnv=false v=8 seq=1']);
    expect(recovered).toEqual([expect.objectContaining({ res: 'p', seq: 0, valNotValid: false, pendingWrite: true })]);
  });
});

describe('other failures', () => {
  it('a CR holder dying invalidates nothing', async () => {
    const log: string[] = [];
    const { result } = await runCluster({
      faults: crash(3),
      scripts: {
        1: async (a) => {
          await at(a, 1_000_000);
          const w = await a.ls.lock('c', 'EX', { valueBlock: true });
          w.valueBlock = bytes(3);
          await w.unlock();
          await at(a, BASE_US + 4_000_000);
          const r = await a.ls.lock('c', 'PR', { valueBlock: true });
          log.push(`read vnv=${r.flags.valNotValid} v=${r.valueBlock![0]} seq=${r.lvbSeq}`);
          await r.unlock();
        },
        3: async (a) => {
          await at(a, 1_500_000);
          await a.ls.lock('c', 'CR', { valueBlock: true });
          await a.sleep(60_000_000);
        },
      },
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['read vnv=false v=3 seq=1']);
  });

  it('master loss: survivors agree on one new master, waiting requests complete, requests made during recovery proceed', async () => {
    const log: string[] = [];
    let masters: number[] = [];
    const { result, world } = await runCluster({
      faults: crash(2),
      scripts: {
        2: async (a) => {
          await at(a, 1_000_000);
          await a.ls.lock('q', 'EX'); // node 2 masters 'q' and holds EX until it dies
          await a.sleep(60_000_000);
        },
        ...Object.fromEntries([1, 3, 4].map((n) => [n, async (a: AppCtx) => {
          await at(a, 1_200_000 + n * 10_000);
          const lk = await a.ls.lock('q', n === 1 ? 'EX' : 'CR'); // waits on node 2's EX
          log.push(`n${n} ${lk.status} ${lk.mode}`);
          await a.sleep(100_000);
          await lk.unlock();
        }])),
        5: async (a) => {
          await at(a, CRASH_US);
          while (!a.ls.recovering) await a.sleep(500); // wait for the survivors' recovery to begin
          const lk = await a.ls.lock('q', 'PR'); // made during recovery: waits, then proceeds
          log.push(`n5 ${lk.status} ${lk.mode} during-recovery`);
          await lk.unlock();
        },
      },
      onWorld: (w) => {
        w.engineFn(BASE_US + 8_000_000, () => {
          masters = [1, 3, 4, 5].filter((n) => w.module<Dlm>(n, 'dlm')!.lockspaces.get('t')!.rsbs.has('q'));
        }, 'probe');
      },
    });
    expect(result.violations).toEqual([]);
    expect(masters.length).toBe(1);
    expect(log.sort()).toEqual(['n1 0 EX', 'n3 0 CR', 'n4 0 CR', 'n5 0 PR during-recovery']);
    expect(world.eventIndex).toBeGreaterThan(0);
  });

  it('directory node loss: the directory is rebuilt and lookups go on', async () => {
    const members = [1, 2, 3, 4, 5];
    const res = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'].find((r) => dirNode(r, members) === 4 && dirNode(r, [1, 2, 3, 5]) !== 4)!;
    const log: string[] = [];
    const { result } = await runCluster({
      faults: crash(4),
      scripts: {
        1: async (a) => {
          await at(a, 1_000_000);
          const lk = await a.ls.lock(res, 'PR', { valueBlock: true }); // looked up at node 4, mastered here
          await at(a, BASE_US + 5_000_000);
          await lk.unlock();
        },
        3: async (a) => {
          await at(a, BASE_US + 5_500_000);
          const lk = await a.ls.lock(res, 'EX'); // looked up at the new directory node
          log.push(`n3 ${lk.status} ${lk.mode}`);
          await lk.unlock();
        },
      },
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['n3 0 EX']);
  });
});
