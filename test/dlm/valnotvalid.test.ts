// Reference §2's VALNOTVALID rules at the edges the differential test found: a down-conversion that
// leaves an invalid value block alone reports the flag where the master is local (fs/dlm do_convert →
// set_lvb_lock) and not where it is remote (fs/dlm's send_convert completes a down-conversion with a
// local stub reply that carries no status-block flags); an IVVALBLK conversion does not report the
// flag on its own completion, only later reads and untouched conversions do.
import { describe, expect, it } from 'vitest';
import { runCluster, bytes } from './harness.ts';
import type { AppCtx } from './harness.ts';
import { at, ivValBlkConversion } from './cases.ts';

/** Node 1 masters 'v'; node 3 writes it and invalidates it by an IVVALBLK unlock from PW. */
async function invalidated(a: AppCtx): Promise<void> {
  await at(a, 700_000);
  const w = await a.ls.lock('v', 'PW', { valueBlock: true });
  w.valueBlock = bytes(7);
  await w.unlock({ invalidate: true });
}

describe('VALNOTVALID on down-conversions and IVVALBLK conversions', () => {
  it('a down-conversion leaving an invalid LVB alone reports VALNOTVALID at a local master; a remote one cannot know', async () => {
    const log: string[] = [];
    const holder = (name: string) => async (a: AppCtx) => {
      await at(a, 1_500_000);
      const lk = await a.ls.lock('v', 'PR', { valueBlock: true });
      log.push(`${name} read vnv ${lk.flags.valNotValid}`);
      const d = await lk.convert('NL');
      log.push(`${name} PR→NL vnv ${d.flags.valNotValid}`);
      await lk.unlock();
    };
    const { result } = await runCluster({
      scripts: {
        1: async (a) => {
          await at(a, 500_000);
          await a.ls.lock('v', 'NL'); // node 1 masters 'v'
          await holder('local')(a);
        },
        2: holder('remote'),
        3: invalidated,
      },
    });
    expect(result.violations).toEqual([]);
    expect(log.sort()).toEqual(['local PR→NL vnv true', 'local read vnv true', 'remote PR→NL vnv false', 'remote read vnv true']);
  });

  it('an IVVALBLK conversion does not report VALNOTVALID on its own completion; a later read does', async () => {
    const o = await ivValBlkConversion();
    expect(o.checkers).toEqual([]);
    expect(o.log).toEqual(['own 0 vnv false', 'later read vnv true']);
  });

  it('dlm/ivvalblk-own-flag (the old behaviour) reports it on its own completion, and dlm-flags fires', async () => {
    const o = await ivValBlkConversion('ivvalblk-own-flag');
    expect(o.log[0]).toBe('own 0 vnv true');
    expect(o.checkers).toContain('dlm-flags');
  });
});
