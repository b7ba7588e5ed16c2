// The lock API end to end on the real membership stack: lock/convert/unlock with value blocks,
// NOQUEUE, AbortSignal cancellation, blocking notifications, the AST form, conversion deadlock in
// its three behaviours, one behaviour whatever node masters, and the coroutine determinism property.
import { describe, expect, it } from 'vitest';
import { runCluster, bytes } from './harness.ts';
import type { AppCtx } from './harness.ts';
import { Status } from '../../protocols/dlm/index.ts';
import type { LockResult } from '../../protocols/dlm/index.ts';

/** Node `first` takes the lock first (and so masters it); the others follow in order. */
function turns(order: number[], body: (a: AppCtx, turn: number) => Promise<void>, gapUs = 200_000): Record<number, (a: AppCtx) => Promise<void>> {
  const out: Record<number, (a: AppCtx) => Promise<void>> = {};
  order.forEach((n, i) => {
    out[n] = async (a) => {
      await a.ready();
      await a.sleep(500_000 + i * gapUs);
      await body(a, i);
    };
  });
  return out;
}

describe('lock API', () => {
  it('EX with a value block, PR readers see value and seq, convert, unlock — the same whatever node masters', async () => {
    const outcomes: string[][] = [];
    for (const master of [1, 2]) {
      const log: string[] = [];
      const writer = master === 1 ? 3 : 1; // the writer is never the master in the first run, and is in the second
      const order = master === 1 ? [1, writer, 4] : [2, writer, 4];
      const { result } = await runCluster({
        scripts: turns(order, async (a, turn) => {
          if (turn === 0) {
            const lk = await a.ls.lock('res', 'NL'); // first lookup: this node masters 'res'
            log.push(`nl ${lk.status}`);
            return;
          }
          if (turn === 1) {
            const lk = await a.ls.lock('res', 'EX', { valueBlock: true });
            log.push(`ex ${lk.status} seq ${lk.lvbSeq} v ${lk.valueBlock![0]}`);
            lk.valueBlock = bytes(42, 7);
            const c = await lk.convert('PR');
            log.push(`conv ${c.status} ${c.mode} seq ${c.lvbSeq}`);
            await a.sleep(300_000);
            const u = await lk.unlock();
            log.push(`unlock ${u.status} ok ${u.ok}`);
            return;
          }
          const lk = await a.ls.lock('res', 'PR', { valueBlock: true });
          log.push(`pr ${lk.status} seq ${lk.lvbSeq} v ${lk.valueBlock![0]},${lk.valueBlock![1]} vnv ${lk.flags.valNotValid} mode ${lk.mode}`);
          await lk.unlock();
        }),
      });
      expect(result.violations).toEqual([]);
      outcomes.push(log);
    }
    expect(outcomes[0]).toEqual(['nl 0', 'ex 0 seq 0 v 0', 'conv 0 PR seq 0', 'pr 0 seq 1 v 42,7 vnv false mode PR', `unlock ${Status.EUNLOCK} ok true`]);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('a down-conversion completes at the requester at once, a writing one too; the master numbers the write', async () => {
    // fs/dlm send_convert: a down-conversion is always grantable, so a remote requester does not wait.
    const log: string[] = [];
    const { result } = await runCluster({
      scripts: turns([1, 2, 3], async (a, turn) => {
        if (turn === 0) {
          const lk = await a.ls.lock('d', 'NL'); // node 1 masters 'd'; nodes 2 and 3 are remote
          await a.sleep(2_000_000);
          await lk.unlock();
          return;
        }
        if (turn === 1) {
          const lk = await a.ls.lock('d', 'EX', { valueBlock: true });
          lk.valueBlock = bytes(9);
          const ac = new AbortController();
          const t0 = a.ctx.now();
          const down = lk.convert('NL', { signal: ac.signal });
          ac.abort(); // nothing in flight to cancel: the conversion has completed already
          const c = await down;
          log.push(`down ${c.status} ${c.mode} after ${a.ctx.now() - t0} us, seq ${c.lvbSeq}, cancel ${lk.cancel()}`);
          await a.sleep(400_000);
          await lk.unlock();
          return;
        }
        const pr = await a.ls.lock('d', 'PR', { valueBlock: true });
        log.push(`pr v ${pr.valueBlock![0]} seq ${pr.lvbSeq} vnv ${pr.flags.valNotValid}`);
        await pr.unlock();
      }),
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['down 0 NL after 0 us, seq 0, cancel false', 'pr v 9 seq 1 vnv false']);
  });

  it('NOQUEUE fails with -EAGAIN; AbortSignal cancels a blocked request with -DLM_ECANCEL; a late abort is a no-op', async () => {
    const log: string[] = [];
    const { result } = await runCluster({
      scripts: turns([1, 2], async (a, turn) => {
        if (turn === 0) {
          const lk = await a.ls.lock('x', 'EX');
          await a.sleep(1_000_000);
          await lk.unlock();
          return;
        }
        const nq = await a.ls.lock('x', 'PR', { flags: { noQueue: true } });
        log.push(`noqueue ${nq.status} mode ${nq.mode}`);
        const ac = new AbortController();
        const p = a.ls.lock('x', 'PR', { signal: ac.signal });
        await a.sleep(100_000);
        ac.abort();
        const c = await p;
        log.push(`aborted ${c.status}`);
        const ac2 = new AbortController();
        const g = await a.ls.lock('x', 'PR', { signal: ac2.signal }); // waits for node 1's unlock
        ac2.abort(); // completed already: nothing to cancel
        log.push(`granted ${g.status} ${g.mode} cancel-again ${g.cancel()}`);
        await g.unlock();
      }),
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual([`noqueue ${Status.EAGAIN} mode null`, `aborted ${Status.ECANCEL}`, 'granted 0 PR cancel-again false']);
  });

  it('delivers blocking notifications on the handle, and the AST/BAST callback form', async () => {
    const log: string[] = [];
    const { result } = await runCluster({
      scripts: turns([1, 2], async (a, turn) => {
        if (turn === 0) {
          const done = a.ctx.deferred<void>();
          const lk = a.ls.lockAst('b', 'PR', {
            ast: (r: LockResult) => log.push(`ast ${r.status} ${r.mode}`),
            bast: (mode, h) => {
              log.push(`bast ${mode}`);
              void h.unlock().then(() => done.resolve());
            },
          });
          expect(lk.resource).toBe('b');
          await done.promise;
          return;
        }
        const lk = await a.ls.lock('b', 'EX');
        log.push(`ex ${lk.status}`);
        await lk.unlock();
      }),
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual(['ast 0 PR', 'bast EX', `ast ${Status.EUNLOCK} null`, 'ex 0']);
  });

  it('unlock while a conversion is in flight is refused with -EBUSY; force cancels it first', async () => {
    const log: string[] = [];
    const { result } = await runCluster({
      scripts: turns([1, 2], async (a, turn) => {
        if (turn === 0) {
          const lk = await a.ls.lock('f', 'PR');
          await a.sleep(1_000_000);
          await lk.unlock();
          return;
        }
        const lk = await a.ls.lock('f', 'PR');
        const conv = lk.convert('EX'); // blocked by node 1's PR
        await a.sleep(50_000);
        const busy = await lk.unlock();
        log.push(`busy ${busy.status}`);
        const forced = await lk.unlock({ force: true });
        log.push(`forced ${forced.status}`);
        log.push(`conv ${(await conv).status}`);
      }),
    });
    expect(result.violations).toEqual([]);
    expect(log).toEqual([`busy ${Status.EBUSY}`, `forced ${Status.EUNLOCK}`, `conv ${Status.ECANCEL}`]);
  });
});

describe('conversion deadlock through the API', () => {
  async function deadlock(flags: Record<string, boolean>): Promise<string[]> {
    const log: string[] = [];
    const { result } = await runCluster({
      scripts: turns([1, 2], async (a, turn) => {
        const lk = await a.ls.lock('d', turn === 0 ? 'CR' : 'PR');
        await a.sleep(400_000 - turn * 200_000); // both hold before either converts
        if (turn === 0) {
          const r = await lk.convert('PW'); // queued behind node 2's PR
          log.push(`n1 ${r.status} ${r.mode} demoted ${r.flags.demoted}`);
        } else {
          lk.onBlocking((m) => {
            log.push(`n2 bast ${m}`);
            if (lk.busy) lk.cancel();
          });
          await a.sleep(400_000); // after node 1's conversion is queued
          const r = await lk.convert('EX', { flags }); // deadlock: CR blocks EX, PR blocks PW
          log.push(`n2 ${r.status} ${r.mode} demoted ${r.flags.demoted}`);
        }
        await a.sleep(100_000);
        if (lk.mode !== null) await lk.unlock();
      }, 0),
    });
    expect(result.violations).toEqual([]);
    return log;
  }

  it('default: -EDEADLK, the lock keeps its old mode', async () => {
    const log = await deadlock({});
    expect(log).toContain(`n2 ${Status.EDEADLK} PR demoted false`);
  });

  it('CONVDEADLK: demoted to NL and the conversion goes on (DEMOTED)', async () => {
    const log = await deadlock({ convDeadlk: true });
    expect(log).toContain('n1 0 PW demoted false');
    expect(log).toContain('n2 0 EX demoted true');
  });

  it('NODLCKWT: nothing is cancelled; the lock is told through a bast and backs off', async () => {
    const log = await deadlock({ noDlckWt: true });
    expect(log).toContain('n2 bast EX');
    expect(log).toContain(`n2 ${Status.ECANCEL} PR demoted false`);
  });
});

describe('determinism', () => {
  it('a woken coroutine runs to its next await before the next simulated event', async () => {
    const seen: number[][] = [];
    let worldRef: { eventIndex: number } | undefined;
    const nested = async (n: number): Promise<number> => {
      await Promise.resolve();
      if (n > 0) return nested(n - 1);
      await new Promise<void>((r) => queueMicrotask(r));
      return worldRef!.eventIndex;
    };
    const { result, world } = await runCluster({
      onWorld: (w) => (worldRef = w),
      scripts: turns([1, 2], async (a, turn) => {
        for (let i = 0; i < 3; i++) {
          const lk = await a.ls.lock('det', 'EX');
          const atGrant = worldRef!.eventIndex;
          const afterNested = await nested(5);
          seen.push([atGrant, afterNested]);
          await lk.unlock();
          await a.sleep(1_000 * (turn + 1));
        }
      }),
    });
    expect(result.violations).toEqual([]);
    expect(seen.length).toBe(6);
    for (const [g, n] of seen) expect(n).toBe(g);
    expect(world.eventIndex).toBeGreaterThan(0);
  });

  it('the same seed gives the same trace hash', async () => {
    const script = turns([1, 2, 3], async (a) => {
      for (let i = 0; i < 3; i++) {
        const lk = await a.ls.lock(`k${i % 2}`, i % 2 === 0 ? 'EX' : 'PR', { valueBlock: true });
        await a.sleep(a.ctx.random().int(1_000, 50_000));
        await lk.unlock();
      }
    }, 1_000);
    const a = await runCluster({ seed: 7, scripts: script });
    const b = await runCluster({ seed: 7, scripts: script });
    expect(a.result.traceHash).toBe(b.result.traceHash);
    expect(a.result.events).toBe(b.result.events);
  });

  it('rejects a bad LVB size', async () => {
    const { result } = await runCluster({ lvbSize: 12, scripts: {} });
    expect(result.violations.map((v) => v.checker)).toContain('exception');
    expect(result.violations.find((v) => v.checker === 'exception')!.message).toMatch(/multiple of 8/);
  });
});
