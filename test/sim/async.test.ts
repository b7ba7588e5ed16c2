// Async protocol code stays deterministic: a coroutine woken by a simulated event (a ctx.deferred
// resolved in a handler) runs to its next await — through any depth of nested awaits — before the
// next simulated event, at the waking event's instant.
import { describe, expect, it } from 'vitest';
import { probeWorld } from './fixtures/probe.ts';
import type { Deferred } from '../../sim/world.ts';
import type { Context } from '../../sim/types.ts';

describe('coroutines', () => {
  it('a woken coroutine runs through nested awaits before the next event', async () => {
    const log: string[] = [];
    let w!: ReturnType<typeof probeWorld>;
    const at = (s: string) => log.push(`${s} @${w.nowUs}#${w.eventIndex}`);
    async function level3(): Promise<number> {
      at('l3 before');
      await Promise.resolve();
      await null;
      at('l3 after');
      return 3;
    }
    async function level2(): Promise<number> {
      const v = await level3();
      await new Promise<void>((r) => queueMicrotask(r));
      at('l2 after');
      return v + 1;
    }
    async function level1(): Promise<number> {
      const v = await level2();
      const chained = await Promise.resolve(v).then((x) => x + 1).then((x) => x * 10);
      at(`l1 after ${chained}`);
      return chained;
    }
    w = probeWorld({
      nodes: 2,
      network: { latencyMinUs: 1_000, latencyMaxUs: 1_000 },
      handlers: (node) => ({
        start(ctx, self) {
          if (node !== 1) return;
          const d = ctx.deferred<string>();
          self.vol.d = d;
          ctx.spawn('main', async () => {
            at('co start');
            const v = await d.promise;
            at(`co woke with ${v}`);
            const r = await level1();
            at(`co nested done ${r}`);
            ctx.send(2, { type: 'from-coroutine' });
            const d2 = ctx.deferred<string>();
            self.vol.d = d2;
            at(`co waits again ${await d2.promise}`);
          });
          ctx.setTimer(5_000, 'wake');
          ctx.setTimer(5_000, 'same-instant-next');
          ctx.setTimer(9_000, 'wake');
        },
        timer(_ctx, tag, self) {
          at(`timer ${String(tag)}`);
          if (tag === 'wake') (self.vol.d as Deferred<string>).resolve(`t${w.nowUs}`);
        },
        message(_ctx, _from, msg) { at(`n${node} got ${msg.type}`); },
      }),
    });
    const r = await w.run();
    expect(r.ok).toBe(true);
    // Event indices relative to the waking timer's event E (boots, heal and deadline come before it).
    const e = Number(log[1]!.split('#')[1]);
    const rel = log.map((l) => { const [text, idx] = l.split('#'); return `${text}#${Number(idx) - e}`; });
    expect(rel).toEqual([
      `co start @0#${Number(log[0]!.split('#')[1]) - e}`,
      'timer wake @5000#0',
      'co woke with t5000 @5000#0',
      'l3 before @5000#0',
      'l3 after @5000#0',
      'l2 after @5000#0',
      'l1 after 50 @5000#0',
      'co nested done 50 @5000#0',
      'timer same-instant-next @5000#1',
      'n2 got from-coroutine @6000#2',
      'timer wake @9000#3',
      'co waits again t9000 @9000#3',
    ]);
  });

  it('many coroutines on many hosts interleave identically run after run', async () => {
    const runOnce = async () => {
      const log: string[] = [];
      const w = probeWorld({
        nodes: 4, seed: 11, durationUs: 2_000_000,
        handlers: (node) => ({
          start(ctx: Context, self) {
            self.vol.waiters = [] as Deferred<number>[];
            for (let k = 0; k < 3; k++) {
              ctx.spawn(`c${k}`, async () => {
                for (let round = 0; round < 20; round++) {
                  const d = ctx.deferred<number>();
                  (self.vol.waiters as Deferred<number>[]).push(d);
                  const v = await d.promise;
                  await Promise.resolve();
                  log.push(`n${node}c${k}r${round}=${v}@${ctx.now()}`);
                  ctx.send(ctx.random().pick(ctx.allNodes), { type: 'poke', v: v + 1 });
                }
              });
            }
            if (node === 1) ctx.setTimer(1_000, 'kick');
          },
          message(_ctx, _f, msg, self) {
            const d = (self.vol.waiters as Deferred<number>[]).shift();
            d?.resolve(msg.v as number);
          },
          timer(ctx: Context) {
            for (const n of ctx.allNodes) for (let k = 0; k < 3; k++) ctx.send(n, { type: 'poke', v: 0 });
          },
        }),
      });
      const r = await w.run();
      return { log, hash: r.traceHash };
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a.log.length).toBeGreaterThan(100);
    expect(a).toEqual(b);
  });

  it('runSync refuses coroutines rather than silently reordering them', () => {
    const w = probeWorld({ nodes: 1, handlers: { start(ctx) { ctx.spawn('x', async () => {}); } } });
    expect(() => w.runSync()).toThrow(/use run\(\)/);
  });
});
