// Hosts: crash loses exactly the volatile state (and timers, held events and every in-flight effect
// of the old incarnation); restart is a new incarnation that keeps durable state; a paused host does
// nothing and on resume gets its timers and deliveries in order; local clocks (offset, drift, jump).
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { probeWorld, recorder } from './fixtures/probe.ts';
import type { Context } from '../../sim/types.ts';

describe('crash and restart', () => {
  test.prop([fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: fc.integer(), durable: fc.boolean() }), { minLength: 1, maxLength: 30 })], { numRuns: 50 })(
    'crash loses exactly the volatile state; restart sees exactly what was persisted', (ops) => {
      const seenAtRecover: Record<string, unknown>[] = [];
      const w = probeWorld({
        nodes: 1,
        faults: [{ kind: 'crash', atUs: 1_000_000, node: 1, durationUs: 500_000 }],
        handlers: {
          start(ctx, self) {
            for (const op of ops) {
              if (op.durable) ctx.persist(op.key, op.value);
              else self.vol[op.key] = op.value;
            }
          },
          recover(ctx, self) {
            seenAtRecover.push({ vol: { ...self.vol }, a: ctx.storage('a'), b: ctx.storage('b'), c: ctx.storage('c'), inc: ctx.incarnation });
          },
        },
      });
      const r = w.runSync();
      const durable: Record<string, unknown> = {};
      for (const op of ops) if (op.durable) durable[op.key] = op.value;
      expect(seenAtRecover).toEqual([{ vol: {}, a: durable.a, b: durable.b, c: durable.c, inc: 2 }]);
      expect(r.faultsFired).toEqual([{ kind: 'crash', atUs: 1_000_000, nodes: [1] }]);
    });

  it('restart runs onRecover (not onStart) as incarnation 2; timers of incarnation 1 never fire', () => {
    const log: string[] = [];
    const w = probeWorld({
      nodes: 1,
      faults: [{ kind: 'crash', atUs: 2_000_000, node: 1, durationUs: 1_000_000 }],
      handlers: {
        start(ctx) { log.push(`start inc${ctx.incarnation}`); ctx.setTimer(5_000_000, 'old'); },
        recover(ctx) { log.push(`recover inc${ctx.incarnation} @${ctx.now()}`); ctx.setTimer(5_000_000, 'new'); },
        timer(ctx, tag) { log.push(`timer ${String(tag)} @${ctx.now()} inc${ctx.incarnation}`); },
      },
    });
    w.runSync();
    expect(log).toEqual(['start inc1', 'recover inc2 @3000000', 'timer new @8000000 inc2']);
  });

  it('crash drops held events, disk completions, defers and every effect tried through an old context', () => {
    const log: string[] = [];
    let oldCtx: Context | undefined;
    const w = probeWorld({
      nodes: 2,
      network: { latencyMinUs: 100, latencyMaxUs: 100 },
      disk: { ioLatencyMinUs: 500_000, ioLatencyMaxUs: 500_000 },
      faults: [
        { kind: 'pause', atUs: 1_000_000, node: 1, durationUs: 5_000_000 },
        { kind: 'crash', atUs: 2_000_000, node: 1 },
        { kind: 'restart', atUs: 3_000_000, node: 1 },
      ],
      handlers: (node) => ({
        start(ctx) {
          if (node !== 1) return;
          oldCtx = ctx;
          ctx.setTimer(1_500_000, 'held-then-crashed'); // due while paused: held, then lost at crash
          ctx.setTimer(900_000, 'io');
        },
        recover(ctx) {
          log.push(`recover inc${ctx.incarnation}`);
          // The old incarnation's context is dead: none of this may have an effect.
          oldCtx!.send(2, { type: 'ghost' });
          expect(oldCtx!.setTimer(1, 'ghost')).toBe(-1);
          oldCtx!.persist('ghost', 1);
          oldCtx!.defer(() => log.push('ghost defer'));
          oldCtx!.observe('ghost', {});
          oldCtx!.disk.write('k', 'ghost', () => log.push('ghost write done'));
          expect(ctx.storage('ghost')).toBeUndefined();
        },
        timer(ctx, tag) {
          log.push(`timer ${String(tag)}`);
          if (tag === 'io') ctx.disk.write('k', 'v1', () => log.push('write completion of inc1'));
        },
        message(_ctx, _from, msg) { log.push(`n${node} got ${msg.type}`); },
      }),
      checkers: [recorder(['ghost', 'disk-write'])],
    });
    const rec = w.config.checkers![0] as ReturnType<typeof recorder>;
    w.runSync();
    expect(log).toEqual(['timer io', 'recover inc2']);
    // The write issued at 0.9 s was already on its way to the disk: it lands (that is what fencing is
    // for) but its completion, owed to incarnation 1 (paused, then crashed), is never delivered.
    expect(rec.seen.map((o) => `${o.kind} ${o.atUs} ${String(o.data.value)}`)).toEqual(['disk-write 1400000 v1']);
  });

  it('FIFO messages of an old incarnation are dropped; datagrams already on the wire still arrive', () => {
    const got: string[] = [];
    const w = probeWorld({
      nodes: 2,
      network: { latencyMinUs: 1_000_000, latencyMaxUs: 1_000_000 },
      faults: [{ kind: 'fast-reboot', atUs: 500_000, node: 1, durationUs: 100_000 }],
      handlers: (node) => ({
        start(ctx) {
          if (node !== 1) return;
          ctx.send(2, { type: 'tcp' }, { fifo: true });
          ctx.send(2, { type: 'udp' });
        },
        recover() { /* a rebooted node 1 sends nothing */ },
        message(ctx, _f, msg) { got.push(`${msg.type}@${ctx.now()}`); },
      }),
    });
    w.runSync();
    expect(got).toEqual(['udp@1000000']);
  });

  it('messages to a crashed node are dropped; a message sent while it is down reaches the next incarnation', () => {
    const got: string[] = [];
    const w = probeWorld({
      nodes: 2,
      network: { latencyMinUs: 1_000, latencyMaxUs: 1_000 },
      faults: [{ kind: 'crash', atUs: 1_000_000, node: 2, durationUs: 1_000_000 }],
      handlers: (node) => ({
        start(ctx) { if (node === 1) for (const t of [999_500, 1_500_000, 1_999_500]) ctx.setTimer(t, t); },
        timer(ctx, tag) { ctx.send(2, { type: `t${String(tag)}` }); },
        message(ctx, _f, msg) { got.push(`${msg.type} inc${ctx.incarnation}`); },
      }),
    });
    w.runSync();
    expect(got).toEqual(['t1999500 inc2']);
  });
});

describe('timers and defer', () => {
  it('cancelTimer stops a pending timer; cancelling a fired or unknown timer is harmless; defer runs after the handler, same instant', () => {
    const log: string[] = [];
    const w = probeWorld({
      nodes: 1,
      handlers: {
        start(ctx, self) {
          self.vol.a = ctx.setTimer(1_000, 'a');
          self.vol.b = ctx.setTimer(2_000, 'b');
          ctx.setTimer(500, 'cancel-b');
        },
        timer(ctx, tag, self) {
          log.push(`${String(tag)} @${ctx.now()}`);
          if (tag === 'cancel-b') ctx.cancelTimer(self.vol.b as number);
          if (tag === 'a') {
            const zero = ctx.setTimer(0, 'zero'); // may reuse a's storage slot
            expect(zero).not.toBe(self.vol.a);
            ctx.cancelTimer(self.vol.a as number); // already fired: must not cancel 'zero'
            ctx.cancelTimer(12345);
            ctx.defer(() => log.push(`deferred @${ctx.now()}`));
            log.push('end of a');
          }
        },
      },
    });
    w.runSync();
    expect(log).toEqual(['cancel-b @500', 'a @1000', 'end of a', 'zero @1000', 'deferred @1000']); // same instant: queue order
  });

  it('cancelled timers leave the queue: a request-and-cancel loop keeps it small, and the live timers fire in order', () => {
    const fired: number[] = [];
    let most = 0;
    let w!: ReturnType<typeof probeWorld>;
    const queued = (): number => (w as unknown as { queue: { size: number } }).queue.size;
    w = probeWorld({
      nodes: 1,
      durationUs: 2_000_000,
      handlers: {
        start(ctx) {
          ctx.setTimer(1_000, 'tick');
          for (let k = 1; k <= 5; k++) ctx.setTimer(k * 300_000, k);
        },
        timer(ctx, tag) {
          if (typeof tag === 'number') fired.push(tag);
          if (tag !== 'tick') return;
          // Every tick: a resend timer a second out, cancelled at once (an answered request).
          ctx.cancelTimer(ctx.setTimer(1_000_000, 'resend'));
          ctx.setTimer(1_000, 'tick');
          most = Math.max(most, queued());
        },
      },
    });
    w.runSync();
    expect(fired).toEqual([1, 2, 3, 4, 5]);
    // ~2,000 cancelled resends over the run; without compaction ~1,000 of them sat in the queue at once.
    expect(most).toBeLessThan(200);
  });
});

describe('boot order', () => {
  it('a datagram sent before its destination booted is delivered if it arrives after the boot; the heal does not boot a node early', () => {
    const got: string[] = [];
    const w = probeWorld({
      nodes: 3, bootAtUs: [0, 0, 3_000_000], healAtUs: 1_000_000,
      network: { latencyMinUs: 1_000, latencyMaxUs: 1_000 },
      handlers: (node) => ({
        start(ctx) {
          got.push(`boot n${node} @${ctx.now()}`);
          if (node === 1) ctx.send(2, { type: 'same-instant' }); // node 2 boots after node 1 at t=0
          if (node === 1) ctx.setTimer(2_999_500, 'late');
        },
        timer(ctx) { ctx.send(3, { type: 'before-boot' }); },
        message(ctx, _f, msg) { got.push(`n${node} got ${msg.type} @${ctx.now()}`); },
      }),
    });
    w.runSync();
    expect(got).toEqual(['boot n1 @0', 'boot n2 @0', 'n2 got same-instant @1000', 'boot n3 @3000000', 'n3 got before-boot @3000500']);
  });
});

describe('pause and resume', () => {
  test.prop([fc.integer({ min: 10_000, max: 2_000_000 }), fc.integer({ min: 1, max: 3_000_000 }), fc.nat({ max: 1e6 })], { numRuns: 40 })(
    'a paused host runs no handler and sends nothing; on resume it gets what waited, in order, then carries on', (atUs, durUs, seed) => {
      const handled: { node: number; atUs: number; what: string }[] = [];
      const sentBy1: number[] = [];
      const w = probeWorld({
        seed, nodes: 3, durationUs: 8_000_000,
        faults: [{ kind: 'pause', atUs, node: 1, durationUs: durUs }],
        handlers: (node) => ({
          start(ctx) { ctx.setTimer(ctx.random().int(1, 50_000), 'tick'); },
          timer(ctx) {
            handled.push({ node, atUs: w.nowUs, what: 'timer' });
            for (const n of ctx.allNodes) if (n !== node) ctx.send(n, { type: 'hi', sentUs: w.nowUs }, { fifo: true });
            if (node === 1) sentBy1.push(w.nowUs);
            ctx.setTimer(50_000, 'tick');
          },
          message(_ctx, from, msg) { handled.push({ node, atUs: w.nowUs, what: `msg from ${from} sent ${String(msg.sentUs)}` }); },
        }),
      });
      w.runSync();
      const end = atUs + durUs;
      expect(handled.filter((h) => h.node === 1 && h.atUs >= atUs && h.atUs < end)).toEqual([]);
      expect(sentBy1.filter((t) => t >= atUs && t < end)).toEqual([]);
      // Everything that waited runs at the resume instant, before anything new: one timer (the rest
      // were not re-armed while frozen) and the FIFO messages in send order per sender.
      const atResume = handled.filter((h) => h.node === 1 && h.atUs === end);
      expect(atResume.filter((h) => h.what === 'timer').length).toBeGreaterThanOrEqual(durUs > 50_000 ? 1 : 0);
      for (const from of [2, 3]) {
        const sent = atResume.filter((h) => h.what.startsWith(`msg from ${from}`)).map((h) => Number(h.what.split(' ').pop()));
        expect(sent).toEqual([...sent].sort((a, b) => a - b));
        if (durUs > 100_000) expect(sent.length).toBeGreaterThan(0);
      }
      expect(handled.some((h) => h.node === 1 && h.atUs > end + 60_000)).toBe(true);
    });

  it('the paused host wakes believing nothing happened, but its clock moved on', () => {
    const seen: number[] = [];
    const w = probeWorld({
      nodes: 1,
      faults: [{ kind: 'pause', atUs: 1_000_000, node: 1, durationUs: 3_000_000 }],
      handlers: {
        start(ctx) { ctx.setTimer(1_500_000, 't'); },
        timer(ctx) { seen.push(ctx.now()); },
      },
    });
    w.runSync();
    expect(seen).toEqual([4_000_000]);
  });

  it('a FIFO message arriving at the resume instant cannot overtake the ones that waited', () => {
    const order: string[] = [];
    const w = probeWorld({
      nodes: 2, network: { latencyMinUs: 1_000, latencyMaxUs: 1_000 },
      faults: [{ kind: 'pause', atUs: 1_000_000, node: 2, durationUs: 1_000_000 }],
      handlers: {
        start(ctx) { if (ctx.node === 1) { ctx.setTimer(1_500_000, 'A'); ctx.setTimer(1_999_000, 'B'); } },
        timer(ctx, tag) { ctx.send(2, { type: String(tag) }, { fifo: true }); },
        message(ctx, _f, msg) { order.push(`${msg.type}@${ctx.now()}`); },
      },
    });
    w.runSync();
    expect(order).toEqual(['A@2000000', 'B@2000000']);
  });

  it('pause of a paused or crashed node does not fire and is not accounted', () => {
    const w = probeWorld({
      nodes: 2,
      faults: [
        { kind: 'pause', atUs: 100, node: 1, durationUs: 1_000 },
        { kind: 'pause', atUs: 200, node: 1, durationUs: 1_000 },
        { kind: 'crash', atUs: 300, node: 2 },
        { kind: 'pause', atUs: 400, node: 2 },
        { kind: 'crash', atUs: 500, node: 2 },
      ],
      handlers: {},
    });
    expect(w.runSync().faultsFired.map((f) => `${f.kind} ${f.atUs}`)).toEqual(['pause 100', 'crash 300']);
  });
});

describe('local clocks', () => {
  it('a clock jump moves ctx.now() by the jump; a pending relative timer still fires on time', () => {
    const seen: [string, number, number][] = [];
    let w!: ReturnType<typeof probeWorld>;
    w = probeWorld({
      nodes: 2,
      faults: [{ kind: 'clock-jump', atUs: 1_000_000, node: 1, deltaUs: -700_000 }],
      handlers: (node) => ({
        start(ctx) { ctx.setTimer(500_000, 'a'); ctx.setTimer(2_000_000, 'b'); },
        timer(ctx, tag) { seen.push([`n${node} ${String(tag)}`, w.nowUs, ctx.now()]); },
      }),
    });
    const r = w.runSync();
    expect(seen).toEqual([
      ['n1 a', 500_000, 500_000], ['n2 a', 500_000, 500_000],
      ['n1 b', 2_000_000, 1_300_000], ['n2 b', 2_000_000, 2_000_000],
    ]);
    expect(r.faultsFired[0]).toMatchObject({ kind: 'clock-jump', nodes: [1], detail: '-700000 µs' });
  });

  it('drift makes the local clock run fast and its timers fire early in true time; it ends with the fault', () => {
    const seen: [string, number, number][] = [];
    let w!: ReturnType<typeof probeWorld>;
    w = probeWorld({
      nodes: 1,
      faults: [{ kind: 'clock-drift', atUs: 1_000_000, node: 1, ppm: 100_000, durationUs: 2_000_000 }], // +10 %
      handlers: {
        start(ctx) { ctx.setTimer(1_000_000, 'arm'); ctx.setTimer(4_000_000, 'check'); },
        timer(ctx, tag) {
          seen.push([String(tag), w.nowUs, ctx.now()]);
          if (tag === 'arm') ctx.setTimer(1_100_000, 'fast');
          if (tag === 'fast') ctx.setTimer(1_000_000, 'drifting');
          if (tag === 'check') ctx.setTimer(1_000_000, 'steady');
        },
      },
    });
    w.runSync();
    expect(seen).toEqual([
      ['arm', 1_000_000, 1_000_000],
      ['fast', 2_000_000, 2_100_000], // 1.1 s of local time in 1 s of true time
      ['drifting', 2_909_091, 3_100_000], // 1 s of local time, still at +10 %
      ['check', 4_000_000, 4_200_000], // drift ended at 3 s having gained 0.2 s
      ['steady', 5_000_000, 5_200_000], // back to true rate
    ]);
  });
});
