// The simulated network: loss and duplication within statistical bounds, reordering of datagrams,
// FIFO channels that keep order, latency shapes, partitions of every shape (nothing crosses),
// composable overlapping faults, clog hold-then-release in order, message-type filters, and the
// tape deciding deliveries.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { probeWorld } from './fixtures/probe.ts';
import type { Rx } from './fixtures/probe.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';
import type { LinkConfig } from '../../sim/network.ts';
import type { NodeId } from '../../sim/types.ts';
import { DecisionKind } from '../../sim/tape.ts';

/** Node 1 sends `count` numbered messages to node 2, one every `gapUs`; returns what node 2 got. */
function stream(opts: { seed?: number; count: number; gapUs?: number; fifo?: boolean; network?: Partial<LinkConfig>; faults?: FaultSpec[]; nodes?: number; tapeOverrides?: [number, number][]; type?: (i: number) => string }) {
  const rx: Rx[] = [];
  const sentAt: number[] = [];
  const gap = opts.gapUs ?? 0;
  const w = probeWorld({
    seed: opts.seed ?? 1,
    nodes: opts.nodes ?? 2,
    durationUs: 60_000_000,
    ...(opts.network ? { network: opts.network } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.tapeOverrides ? { tapeOverrides: opts.tapeOverrides } : {}),
    handlers: {
      start(ctx, self) {
        if (ctx.node !== 1) return;
        self.vol.i = 0;
        if (gap === 0) for (let i = 0; i < opts.count; i++) send(ctx, i);
        else ctx.setTimer(gap, 'next');
      },
      timer(ctx, _tag, self) {
        const i = self.vol.i as number;
        send(ctx, i);
        self.vol.i = i + 1;
        if (i + 1 < opts.count) ctx.setTimer(gap, 'next');
      },
      message(ctx, from, msg) {
        rx.push({ from, to: ctx.node, atUs: ctx.now(), msg });
      },
    },
  });
  function send(ctx: { now(): number; send: (to: NodeId, m: { type: string; i: number }, o?: { fifo?: boolean }) => void }, i: number): void {
    sentAt[i] = ctx.now();
    ctx.send(2, { type: opts.type?.(i) ?? 'm', i }, { fifo: opts.fifo === true });
  }
  const result = w.runSync();
  return { rx, sentAt, result, world: w, order: rx.map((r) => r.msg.i as number) };
}

const inversions = (xs: number[]): number => xs.reduce((n, x, i) => n + (i > 0 && x < xs[i - 1]! ? 1 : 0), 0);

describe('loss and duplication', () => {
  test.prop([fc.double({ min: 0, max: 0.6, noNaN: true }), fc.nat({ max: 1e6 })], { numRuns: 25 })(
    'loss rate within 5 standard deviations of p', (p, seed) => {
      const n = 2000;
      const { rx, result } = stream({ seed, count: n, network: { loss: p } });
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(rx.length - n * (1 - p))).toBeLessThanOrEqual(5 * sd + 1);
      expect(result.metrics.messagesDropped).toBe(n - rx.length);
    });

  test.prop([fc.double({ min: 0, max: 0.6, noNaN: true }), fc.nat({ max: 1e6 })], { numRuns: 25 })(
    'duplication rate within 5 standard deviations of p, duplicates are the same message', (p, seed) => {
      const n = 2000;
      const { rx } = stream({ seed, count: n, network: { duplicate: p } });
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(rx.length - n * (1 + p))).toBeLessThanOrEqual(5 * sd + 1);
      const counts = new Map<number, number>();
      for (const r of rx) counts.set(r.msg.i as number, (counts.get(r.msg.i as number) ?? 0) + 1);
      expect([...counts.values()].every((c) => c === 1 || c === 2)).toBe(true);
      expect(counts.size).toBe(n);
    });

  it('a self-send is delivered at once and never lost', () => {
    const got: number[] = [];
    const w = probeWorld({ nodes: 1, network: { loss: 1 }, handlers: {
      start(ctx) { ctx.send(1, { type: 'me' }); },
      message(ctx) { got.push(ctx.now()); },
    } });
    w.runSync();
    expect(got).toEqual([0]);
  });
});

describe('ordering', () => {
  it('datagrams with random delays are reordered', () => {
    const { order } = stream({ count: 500, gapUs: 50, network: { latencyMinUs: 100, latencyMaxUs: 5_000 } });
    expect(order.length).toBe(500);
    expect(inversions(order)).toBeGreaterThan(20);
  });

  test.prop([fc.nat({ max: 1e6 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20_000 })], { numRuns: 40 })(
    'a FIFO channel delivers everything in send order, even on a lossy, duplicating, jittery link', (seed, gapUs, spreadUs) => {
      const { order, rx, sentAt } = stream({ seed, count: 300, gapUs, fifo: true, network: { latencyMinUs: 100, latencyMaxUs: 100 + spreadUs, loss: 0.5, duplicate: 0.5 } });
      expect(order).toEqual(Array.from({ length: 300 }, (_, i) => i));
      rx.forEach((r) => expect(r.atUs).toBeGreaterThanOrEqual(sentAt[r.msg.i as number]! + 100));
    });

  it('latency stays within [min, max] and the tape holds each delay above the minimum', () => {
    const { rx, sentAt, world } = stream({ count: 300, gapUs: 1000, network: { latencyMinUs: 200, latencyMaxUs: 900 } });
    const delays = rx.map((r) => r.atUs - sentAt[r.msg.i as number]!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(900);
    const taped: number[] = [];
    for (let i = 0; i < world.tape.length; i++) if (world.tape.kindAt(i) === DecisionKind.delayUs) taped.push(world.tape.valueAt(i));
    expect(taped.map((d) => d + 200)).toEqual(delays);
  });
});

describe('latency shapes', () => {
  const sample = (shape: LinkConfig['latencyShape']) => {
    const { rx, sentAt } = stream({ count: 5000, network: { latencyMinUs: 100, latencyMaxUs: 1_000_000, latencyMeanUs: 1_000, ...(shape ? { latencyShape: shape } : {}) } });
    return rx.map((r) => r.atUs - sentAt[r.msg.i as number]!);
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('uniform spreads over the whole range', () => {
    const d = sample(undefined);
    expect(mean(d)).toBeGreaterThan(450_000);
    expect(mean(d)).toBeLessThan(550_000);
  });

  it('exponential has the configured mean and no far tail', () => {
    const d = sample('exponential');
    expect(mean(d)).toBeGreaterThan(900);
    expect(mean(d)).toBeLessThan(1_100);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(100);
    expect(d.filter((x) => x > 10_000).length).toBe(0);
  });

  it('long-tail has rare very late messages (beyond 10× the mean) yet stays under the cap', () => {
    const d = sample('long-tail');
    const late = d.filter((x) => x > 10_000).length;
    expect(late).toBeGreaterThan(10);
    expect(late).toBeLessThan(250);
    expect(Math.max(...d)).toBeLessThanOrEqual(1_000_000);
    const sorted = [...d].sort((a, b) => a - b);
    expect(sorted[2500]!).toBeLessThan(1_000); // median well below the mean
  });
});

describe('decision tape', () => {
  it('overriding a drop decision to 0 delivers a message the seed had lost', () => {
    const base = stream({ seed: 5, count: 50, network: { loss: 0.5 } });
    const lost = Array.from({ length: 50 }, (_, i) => i).filter((i) => !base.order.includes(i));
    expect(lost.length).toBeGreaterThan(0);
    const dropIdx: number[] = [];
    for (let i = 0; i < base.world.tape.length; i++) if (base.world.tape.kindAt(i) === DecisionKind.drop) dropIdx.push(i);
    // Message k's drop decision is the k-th drop decision on the tape.
    const victim = lost[0]!;
    const replay = stream({ seed: 5, count: 50, network: { loss: 0.5 }, tapeOverrides: [[dropIdx[victim]!, 0]] });
    expect(replay.order).toContain(victim);
    expect(replay.rx.length).toBe(base.rx.length + 1);
    const forced = stream({ seed: 5, count: 50, network: { loss: 0.5 }, tapeOverrides: [[dropIdx[base.order[0]!]!, 1]] });
    expect(forced.order).not.toContain(base.order[0]);
  });

  it('overriding a delay decision changes exactly that delivery time', () => {
    const base = stream({ seed: 3, count: 5, gapUs: 10_000, network: { latencyMinUs: 100, latencyMaxUs: 900 } });
    let idx = -1;
    for (let i = 0; i < base.world.tape.length && idx < 0; i++) if (base.world.tape.kindAt(i) === DecisionKind.delayUs) idx = i;
    const replay = stream({ seed: 3, count: 5, gapUs: 10_000, network: { latencyMinUs: 100, latencyMaxUs: 900 }, tapeOverrides: [[idx, 0]] });
    expect(replay.rx[0]!.atUs).toBe(replay.sentAt[0]! + 100);
    expect(replay.rx.slice(1)).toEqual(base.rx.slice(1));
  });
});

/** Every node pings every other node every 10 ms; returns deliveries with send times. */
function mesh(nodes: number, faults: FaultSpec[], seed = 1, extra: { fifo?: boolean; latencyMaxUs?: number } = {}) {
  const rx: (Rx & { sentUs: number })[] = [];
  const w = probeWorld({
    seed, nodes, durationUs: 3_000_000, healAtUs: 2_500_000, faults,
    network: { latencyMinUs: 100, latencyMaxUs: extra.latencyMaxUs ?? 3_000 },
    handlers: {
      start(ctx) { ctx.setTimer(10_000, 'ping'); },
      timer(ctx) {
        for (const n of ctx.allNodes) if (n !== ctx.node) ctx.send(n, { type: 'ping', sentUs: ctx.now() }, { fifo: extra.fifo === true });
        ctx.setTimer(10_000, 'ping');
      },
      message(ctx, from, msg) { rx.push({ from, to: ctx.node, atUs: ctx.now(), msg, sentUs: msg.sentUs as number }); },
    },
  });
  const result = w.runSync();
  return { rx, result };
}

/** The (src, dst) pairs a partition spec cuts, computed independently of the engine. */
function expectedCut(f: FaultSpec, nodes: NodeId[]): Set<string> {
  const cut = new Set<string>();
  const both = (a: NodeId[], b: NodeId[]) => { for (const x of a) for (const y of b) if (x !== y) { cut.add(`${x}>${y}`); cut.add(`${y}>${x}`); } };
  const order = f.nodes ?? nodes;
  const half = Math.floor(order.length / 2);
  switch (f.shape) {
    case 'isolate': both([f.node!], nodes.filter((x) => x !== f.node)); break;
    case 'one-way': for (const y of nodes) if (y !== f.node) cut.add(`${f.node}>${y}`); break;
    case 'halves': both(order.slice(0, half), order.slice(half)); break;
    case 'bridge': both(order.slice(0, half), order.slice(half + 1)); break;
    case 'groups': for (let i = 0; i < f.groups!.length; i++) for (let j = i + 1; j < f.groups!.length; j++) both(f.groups![i]!, f.groups![j]!); break;
  }
  return cut;
}

describe('partitions', () => {
  const shapeArb = fc.integer({ min: 3, max: 6 }).chain((nodes) => {
    const ids = Array.from({ length: nodes }, (_, i) => i + 1);
    return fc.record({
      nodes: fc.constant(nodes),
      shape: fc.constantFrom('isolate', 'one-way', 'halves', 'bridge', 'groups') as fc.Arbitrary<FaultSpec['shape']>,
      node: fc.constantFrom(...ids),
      order: fc.shuffledSubarray(ids, { minLength: nodes, maxLength: nodes }),
      startUs: fc.integer({ min: 100_000, max: 1_000_000 }),
      durationUs: fc.integer({ min: 50_000, max: 1_000_000 }),
      seed: fc.nat({ max: 1e6 }),
    });
  });

  test.prop([shapeArb], { numRuns: 40 })('nothing crosses a partition; uncut links keep working', (s) => {
    const ids = Array.from({ length: s.nodes }, (_, i) => i + 1);
    const f: FaultSpec = { kind: 'partition', atUs: s.startUs, durationUs: s.durationUs, shape: s.shape!, node: s.node, nodes: s.order };
    if (s.shape === 'groups') f.groups = [s.order.slice(0, 1), s.order.slice(1, 2), s.order.slice(2)];
    const cut = expectedCut(f, ids);
    const { rx, result } = mesh(s.nodes, [f], s.seed);
    const endUs = s.startUs + s.durationUs;
    const inside = (t: number) => t >= s.startUs && t < endUs;
    for (const r of rx) {
      if (cut.has(`${r.from}>${r.to}`)) expect(inside(r.sentUs) || inside(r.atUs), `${r.from}>${r.to} sent ${r.sentUs} got ${r.atUs}`).toBe(false);
    }
    // Every uncut directed pair kept delivering during the partition.
    for (const a of ids) for (const b of ids) {
      if (a === b || cut.has(`${a}>${b}`) || s.durationUs < 100_000) continue;
      expect(rx.some((r) => r.from === a && r.to === b && inside(r.atUs))).toBe(true);
    }
    expect(result.faultsFired.map((x) => x.kind)).toEqual(['partition']);
  });

  it('one-way: the node hears but cannot speak', () => {
    const { rx } = mesh(3, [{ kind: 'partition', atUs: 500_000, durationUs: 1_000_000, shape: 'one-way', node: 2 }]);
    const during = rx.filter((r) => r.sentUs >= 500_000 && r.atUs < 1_500_000);
    expect(during.some((r) => r.from === 2)).toBe(false);
    expect(during.some((r) => r.to === 2)).toBe(true);
  });

  it('a message sent into a cut link is lost even if the link heals before it would arrive', () => {
    const rx: number[] = [];
    const w = probeWorld({
      nodes: 2, network: { latencyMinUs: 50_000, latencyMaxUs: 50_000 },
      faults: [{ kind: 'partition', atUs: 1_000_000, durationUs: 1_000, shape: 'isolate', node: 1 }],
      handlers: {
        start(ctx) { if (ctx.node === 1) ctx.setTimer(1_000_500, 'send'); },
        timer(ctx) { ctx.send(2, { type: 'x' }); },
        message(ctx) { rx.push(ctx.now()); },
      },
    });
    w.runSync();
    expect(rx).toEqual([]);
  });

  it('overlapping partitions compose: a link stays cut until the last fault covering it ends', () => {
    const faults: FaultSpec[] = [
      { kind: 'partition', atUs: 500_000, durationUs: 500_000, shape: 'isolate', node: 1 },
      { kind: 'partition', atUs: 700_000, durationUs: 1_000_000, shape: 'groups', groups: [[1], [2, 3]] },
    ];
    const { rx } = mesh(3, faults);
    const crossing = rx.filter((r) => (r.from === 1 || r.to === 1) && r.atUs >= 500_000 && r.atUs < 1_700_000);
    expect(crossing).toEqual([]);
    expect(rx.some((r) => r.from === 1 && r.atUs >= 1_700_000)).toBe(true);
  });

  it('a heal fault lifts every partition; an undo scheduled before the heal does not touch a later partition', () => {
    const faults: FaultSpec[] = [
      { kind: 'partition', atUs: 200_000, durationUs: 1_000_000, shape: 'isolate', node: 1 },
      { kind: 'heal', atUs: 400_000 },
      { kind: 'partition', atUs: 600_000, durationUs: 1_000_000, shape: 'isolate', node: 1 },
    ];
    const { rx, result } = mesh(3, faults);
    expect(rx.some((r) => r.from === 1 && r.sentUs > 410_000 && r.atUs < 600_000)).toBe(true);
    // The first partition's undo at 1.2 s must not reopen the second one (which lasts to 1.6 s).
    expect(rx.filter((r) => (r.from === 1 || r.to === 1) && r.atUs >= 600_000 && r.atUs < 1_600_000)).toEqual([]);
    expect(result.faultsFired.map((f) => f.kind)).toEqual(['partition', 'heal', 'partition']);
  });
});

describe('clog', () => {
  it('holds messages to and from the node, then delivers them all at release, in send order on a FIFO channel', () => {
    const { rx } = mesh(3, [{ kind: 'clog', atUs: 500_000, durationUs: 300_000, node: 2 }], 1, { fifo: true });
    const touching = rx.filter((r) => r.from === 2 || r.to === 2);
    expect(touching.filter((r) => r.atUs >= 500_000 && r.atUs < 800_000)).toEqual([]);
    const released = touching.filter((r) => r.atUs === 800_000);
    expect(released.length).toBeGreaterThan(40); // ~30 pings per direction pair were held
    for (const [a, b] of [[1, 2], [2, 1], [3, 2], [2, 3]] as const) {
      const times = touching.filter((r) => r.from === a && r.to === b).map((r) => r.sentUs);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    }
    // Links not touching node 2 were never held.
    expect(rx.some((r) => r.from === 1 && r.to === 3 && r.atUs > 500_000 && r.atUs < 800_000)).toBe(true);
  });

  it('a FIFO message arriving at the instant of release cannot overtake the released ones', () => {
    const order: string[] = [];
    const w = probeWorld({
      nodes: 2, network: { latencyMinUs: 1_000, latencyMaxUs: 1_000 },
      faults: [{ kind: 'clog', atUs: 1_000_000, durationUs: 1_000_000, node: 2 }],
      handlers: {
        start(ctx) {
          if (ctx.node !== 1) return;
          ctx.setTimer(1_500_000, 'A');
          ctx.setTimer(1_999_000, 'B'); // arrives at exactly 2 s, when the clog lifts
        },
        timer(ctx, tag) { ctx.send(2, { type: String(tag) }, { fifo: true }); },
        message(ctx, _f, msg) { order.push(`${msg.type}@${ctx.now()}`); },
      },
    });
    w.runSync();
    expect(order).toEqual(['A@2000000', 'B@2000000']);
  });
});

describe('filters and flaky links', () => {
  it('drop-messages drops only that type (from that node) while active', () => {
    const rx: { type: string; from: number; atUs: number }[] = [];
    const w = probeWorld({
      nodes: 3, durationUs: 2_000_000,
      faults: [{ kind: 'drop-messages', atUs: 500_000, durationUs: 500_000, messageType: 'a', node: 2 }],
      handlers: {
        start(ctx) { if (ctx.node !== 1) ctx.setTimer(10_000, 't'); },
        timer(ctx) {
          ctx.send(1, { type: 'a' });
          ctx.send(1, { type: 'b' });
          ctx.setTimer(10_000, 't');
        },
        message(ctx, from, msg) { rx.push({ type: msg.type, from, atUs: ctx.now() }); },
      },
    });
    const r = w.runSync();
    const during = rx.filter((x) => x.atUs >= 500_000 && x.atUs < 1_000_000);
    expect(during.filter((x) => x.type === 'a' && x.from === 2)).toEqual([]);
    expect(during.some((x) => x.type === 'b' && x.from === 2)).toBe(true);
    expect(during.some((x) => x.type === 'a' && x.from === 3)).toBe(true);
    expect(rx.some((x) => x.type === 'a' && x.from === 2 && x.atUs > 1_010_000)).toBe(true);
    expect(r.faultsFired[0]).toMatchObject({ kind: 'drop-messages', nodes: [2], detail: 'a' });
  });

  it('overlapping flaky-network bursts end cleanly: no loss after the last one', () => {
    const { rx, sentAt } = stream({
      count: 3000, gapUs: 1_000,
      faults: [
        { kind: 'flaky-network', atUs: 500_000, durationUs: 1_000_000, loss: 0.5 },
        { kind: 'flaky-network', atUs: 1_000_000, durationUs: 1_000_000, loss: 0.3 },
      ],
    });
    const got = new Set(rx.map((r) => r.msg.i as number));
    const after = sentAt.map((t, i) => [t, i] as const).filter(([t]) => t >= 2_000_000);
    expect(after.length).toBeGreaterThan(900);
    expect(after.every(([, i]) => got.has(i))).toBe(true);
    const during = sentAt.map((t, i) => [t, i] as const).filter(([t]) => t >= 500_000 && t < 1_500_000);
    const lostDuring = during.filter(([, i]) => !got.has(i)).length / during.length;
    expect(lostDuring).toBeGreaterThan(0.4);
    expect(lostDuring).toBeLessThan(0.6);
  });
});

describe('broadcast', () => {
  it('one transmission: every reachable receiver gets it at one instant, in one event; a cut or paused receiver does not (until resume)', () => {
    const rx: { to: number; atUs: number; seq: number }[] = [];
    let world: ReturnType<typeof probeWorld> | undefined;
    const w = probeWorld({
      nodes: 5,
      faults: [
        { kind: 'partition', atUs: 900_000, shape: 'isolate', node: 3, durationUs: 500_000 },
        { kind: 'pause', atUs: 900_000, node: 4, durationUs: 500_000 },
      ],
      handlers: (node) => ({
        start(ctx) {
          if (node === 1) {
            ctx.setTimer(500_000, 'a');
            ctx.setTimer(1_000_000, 'b');
          }
        },
        timer(ctx, tag) {
          ctx.broadcast({ type: 'hello', tag });
        },
        message(ctx, from, msg) {
          expect(from).toBe(1);
          rx.push({ to: ctx.node, atUs: world!.nowUs, seq: world!.eventIndex, ...(msg.tag === 'b' ? { b: true } : {}) });
        },
      }),
    });
    world = w;
    w.runSync();
    const first = rx.slice(0, 4);
    expect(first.map((r) => r.to)).toEqual([2, 3, 4, 5]);
    expect(new Set(first.map((r) => r.atUs)).size).toBe(1);
    expect(new Set(first.map((r) => r.seq)).size).toBe(1);
    const second = rx.slice(4);
    // Node 3 is cut off (lost), node 4 is paused: its copy waits for the resume at 1.4 s.
    expect(second.map((r) => r.to)).toEqual([2, 5, 4]);
    expect(second[0]!.atUs).toBe(second[1]!.atUs);
    expect(second[2]!.atUs).toBe(1_400_000);
  });

  test.prop([fc.integer({ min: 0, max: 0xffff })], { numRuns: 5 })('loss is decided per receiver', (seed) => {
    const got = new Map<number, number>();
    const w = probeWorld({
      seed, nodes: 4, durationUs: 20_000_000, network: { loss: 0.5 },
      handlers: (node) => ({
        start(ctx) {
          if (node === 1) ctx.setTimer(10_000, 't');
        },
        timer(ctx) {
          ctx.broadcast({ type: 'x' });
          ctx.setTimer(10_000, 't');
        },
        message(ctx) {
          got.set(ctx.node, (got.get(ctx.node) ?? 0) + 1);
        },
      }),
    });
    w.runSync();
    // ~2000 broadcasts, each receiver gets about half, independently of the others.
    for (const n of [2, 3, 4]) expect(Math.abs(got.get(n)! - 1000)).toBeLessThan(150);
    expect(new Set([2, 3, 4].map((n) => got.get(n))).size).toBeGreaterThan(1);
  });
});
