// Shared disk and I/O fence device: a fenced node's writes are rejected (including writes already on
// their way), token scopes reject stale tokens, version compare-and-set, fence-device failure and
// slowness as faults, and the fence outcome as a taped decision a replay can override.
import { describe, expect, it } from 'vitest';
import { probeWorld, recorder } from './fixtures/probe.ts';
import type { Context, DiskResult } from '../../sim/types.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';
import { DecisionKind } from '../../sim/tape.ts';
import { SharedDisk, DEFAULT_DISK } from '../../sim/disk.ts';

type Step = (ctx: Context, log: (s: string) => void) => void;

/** Node `n` runs `steps[n][k]` at time (k + 1) × 1 s; disk latency fixed at 1 ms, fencing at 10 ms. */
function diskWorld(steps: Record<number, Step[]>, faults: FaultSpec[] = [], extra: { tapeOverrides?: [number, number][]; fenceMaxUs?: number } = {}) {
  const log: string[] = [];
  const w = probeWorld({
    nodes: 3,
    faults,
    ...(extra.tapeOverrides ? { tapeOverrides: extra.tapeOverrides } : {}),
    disk: { ioLatencyMinUs: 1_000, ioLatencyMaxUs: 1_000, fenceLatencyMinUs: 10_000, fenceLatencyMaxUs: extra.fenceMaxUs ?? 10_000 },
    checkers: [recorder(['fence', 'unfence', 'disk-write'])],
    handlers: (node) => ({
      start(ctx) { (steps[node] ?? []).forEach((_, k) => ctx.setTimer((k + 1) * 1_000_000, k)); },
      timer(ctx, k) { steps[node]![k as number]!(ctx, (s) => log.push(`${ctx.now()} n${node} ${s}`)); },
    }),
  });
  const result = w.runSync();
  return { log, result, world: w, seen: (w.config.checkers![0] as ReturnType<typeof recorder>).seen };
}

const show = (r: DiskResult): string => (r.ok ? `ok v${r.version}` : `rejected ${r.reason} (v${r.version} by n${r.writer})`);

describe('shared disk', () => {
  it('reads see accepted writes; a fenced node is rejected until it unfences', () => {
    const { log, result } = diskWorld({
      1: [
        (ctx, log) => ctx.disk.write('meta', 'a', (r) => log(`write ${show(r)}`)),
        (ctx, log) => ctx.disk.write('meta', 'b', (r) => log(`write ${show(r)}`)),
        (ctx, log) => ctx.disk.unfence((ok) => log(`unfence ${ok}`)),
        (ctx, log) => ctx.disk.write('meta', 'c', (r) => log(`write ${show(r)}`)),
      ],
      2: [
        () => {},
        (ctx, log) => ctx.disk.fence(1, (ok) => log(`fence n1 ${ok}`)),
        () => {},
        () => {},
        (ctx, log) => ctx.disk.read('meta', (r) => log(`read ${String(r.value)} v${r.version} by n${r.writer}`)),
      ],
    });
    // At 2 s node 1's write and node 2's fence are issued together; the write lands in 1 ms, the fence in 10 ms.
    expect(log).toEqual([
      '1001000 n1 write ok v1',
      '2001000 n1 write ok v2',
      '2010000 n2 fence n1 true',
      '3001000 n1 unfence true',
      '4001000 n1 write ok v3',
      '5001000 n2 read c v3 by n1',
    ]);
    expect(result.metrics.diskWritesAccepted).toBe(3);
  });

  it('a write already on its way when the fence lands is rejected as fenced', () => {
    const { log, seen } = diskWorld({
      1: [() => {}, (ctx, log) => ctx.disk.write('meta', 'late', (r) => log(`write ${show(r)}`))],
      2: [(ctx, log) => ctx.disk.fence(1, (ok) => log(`fence ${ok}`))],
    }, [], {});
    expect(log).toEqual(['1010000 n2 fence true', '2001000 n1 write rejected fenced (v0 by n0)']);
    expect(seen.filter((o) => o.kind === 'disk-write').map((o) => o.data.reason)).toEqual(['fenced']);
  });

  it('fencing tokens: a token below the highest accepted in its scope is stale, across keys of the scope', () => {
    const { log } = diskWorld({
      1: [
        (ctx, log) => ctx.disk.write('a', 1, (r) => log(`a@5 ${show(r)}`), { token: 5, tokenScope: 'owner' }),
        (ctx, log) => ctx.disk.write('b', 1, (r) => log(`b@3 ${show(r)}`), { token: 3, tokenScope: 'owner' }),
        (ctx, log) => ctx.disk.write('b', 1, (r) => log(`b@3 other scope ${show(r)}`), { token: 3, tokenScope: 'other' }),
        (ctx, log) => ctx.disk.write('b', 2, (r) => log(`b@5 ${show(r)} token ${r.token}`), { token: 5, tokenScope: 'owner' }),
        (ctx, log) => ctx.disk.write('c', 1, (r) => log(`c@2 default scope ${show(r)}`), { token: 2 }),
      ],
    });
    expect(log).toEqual([
      '1001000 n1 a@5 ok v1',
      '2001000 n1 b@3 rejected stale-token (v0 by n0)',
      '3001000 n1 b@3 other scope ok v1',
      '4001000 n1 b@5 ok v2 token 5',
      '5001000 n1 c@2 default scope ok v1',
    ]);
  });

  it('compare-and-set on the version: a writer that read an old version loses', () => {
    const { log } = diskWorld({
      1: [(ctx, log) => ctx.disk.write('m', 'x', (r) => log(`cas v0 ${show(r)}`), { expectVersion: 0 })],
      2: [() => {}, (ctx, log) => ctx.disk.write('m', 'y', (r) => log(`cas v0 ${show(r)}`), { expectVersion: 0 })],
      3: [() => {}, () => {}, (ctx, log) => ctx.disk.write('m', 'z', (r) => log(`cas v1 ${show(r)}`), { expectVersion: 1 })],
    });
    expect(log).toEqual([
      '1001000 n1 cas v0 ok v1',
      '2001000 n2 cas v0 rejected version-conflict (v1 by n1)',
      '3001000 n3 cas v1 ok v2',
    ]);
  });

  it('fence-failure: the device fails every fence and unfence while the fault lasts', () => {
    const { log, seen, result } = diskWorld({
      2: [
        (ctx, log) => ctx.disk.fence(1, (ok) => log(`fence ${ok}`)),
        (ctx, log) => ctx.disk.unfence((ok) => log(`unfence ${ok}`)),
        (ctx, log) => ctx.disk.fence(1, (ok) => log(`fence ${ok}`)),
      ],
    }, [{ kind: 'fence-failure', atUs: 500_000, durationUs: 2_000_000 }]);
    expect(log).toEqual(['1010000 n2 fence false', '2001000 n2 unfence false', '3010000 n2 fence true']);
    expect(seen.filter((o) => o.kind === 'fence').map((o) => o.data.ok)).toEqual([false, true]);
    expect(result.faultsFired.map((f) => f.kind)).toEqual(['fence-failure']);
  });

  it('the fence outcome is a taped decision: overriding it makes a failed fence succeed (and vice versa)', () => {
    const steps = { 2: [(ctx: Context, log: (s: string) => void) => ctx.disk.fence(1, (ok) => log(`fence ${ok}`))] };
    const failing = diskWorld(steps, [{ kind: 'fence-failure', atUs: 0, durationUs: 5_000_000 }]);
    expect(failing.log).toEqual(['1010000 n2 fence false']);
    let idx = -1;
    for (let i = 0; i < failing.world.tape.length; i++) if (failing.world.tape.kindAt(i) === DecisionKind.fenceFail) idx = i;
    expect(failing.world.tape.valueAt(idx)).toBe(1);
    const forcedOk = diskWorld(steps, [{ kind: 'fence-failure', atUs: 0, durationUs: 5_000_000 }], { tapeOverrides: [[idx, 0]] });
    expect(forcedOk.log).toEqual(['1010000 n2 fence true']);
    expect(forcedOk.world.isFenced(1)).toBe(true);
    const forcedFail = diskWorld(steps, [], { tapeOverrides: [[idx, 1]] });
    expect(forcedFail.log).toEqual(['1010000 n2 fence false']);
  });

  it('fence-slow: fencing takes extraUs longer while it lasts', () => {
    const steps = {
      2: [
        (ctx: Context, log: (s: string) => void) => ctx.disk.fence(1, (ok) => log(`fence ${ok}`)),
        (ctx: Context, log: (s: string) => void) => ctx.disk.fence(3, (ok) => log(`fence ${ok}`)),
      ],
    };
    const { log, result } = diskWorld(steps, [{ kind: 'fence-slow', atUs: 500_000, durationUs: 1_000_000, extraUs: 300_000 }]);
    expect(log).toEqual(['1310000 n2 fence true', '2010000 n2 fence true']);
    expect(result.faultsFired[0]).toMatchObject({ kind: 'fence-slow', detail: '+300000 µs' });
  });

  it('a fenced victim keeps the time it was first fenced', () => {
    const d = new SharedDisk(DEFAULT_DISK);
    d.fence(2, 100);
    d.fence(2, 500);
    expect(d.fencedAtUs(2)).toBe(100);
    expect(d.fencedAtUs(1)).toBe(-1);
    d.unfence(2);
    expect(d.isFenced(2)).toBe(false);
  });
});
