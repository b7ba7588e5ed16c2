// Availability from the client's side: unit cases on hand-made observations, and the quorum-less
// 2|2 split where owners stop serving but keep believing (the failover metrics cannot see it).
import { describe, expect, it } from 'vitest';
import type { CheckerWorld, Observation } from '../../sim/types.ts';
import { availabilityMetrics } from '../../protocols/ownership/availability.ts';
import { libraryScenario, run } from './library.ts';

function world(nowUs: number): CheckerWorld {
  return {
    nowUs, eventIndex: 0, healed: false, healAtUs: 0, nodes: [1, 2, 3],
    isUp: () => true, isPaused: () => false, incarnation: () => 1, isFenced: () => false,
    fencedAtUs: () => -1, connected: () => true, module: () => undefined,
    violate: () => undefined, cover: () => undefined,
  };
}

function observer() {
  const o = availabilityMetrics({ requestTimeoutUs: 300 });
  let seq = 0;
  const feed = (atUs: number, node: number, kind: string, resource = 'snap0'): void => {
    const obs: Observation = { seq: seq++, atUs, kind, node, data: { id: `${node}.${seq}`, resource } };
    o.onObservation?.(obs, world(atUs));
  };
  return { o, feed };
}

describe('availability (unit)', () => {
  it('counts an outage from the last served request to the next, once a client waited past its timeout', () => {
    const { o, feed } = observer();
    feed(0, 1, 'client-request');
    feed(100, 1, 'client-ack'); // start-up: not an outage
    feed(150, 2, 'client-request');
    feed(200, 3, 'client-request');
    feed(5_000, 3, 'client-ack'); // nobody served from 150 (oldest waiting request) to 5,000
    feed(5_100, 2, 'client-ack'); // 100 µs: latency
    feed(6_000, 1, 'client-request', 'snap1');
    feed(6_200, 1, 'client-ack', 'snap1');
    expect(o.metrics!(world(7_000))).toEqual({ unavailableUsMax: 4_850, unavailableUsTotal: 4_850, outages: 1 });
  });

  it('counts from the last serve when requests were already waiting, and an outage open at the end', () => {
    const { o, feed } = observer();
    feed(0, 1, 'client-request');
    feed(10, 2, 'client-request');
    feed(20, 1, 'client-ack'); // served; client 2 still waits from 10, but the outage starts at 20
    feed(2_000, 3, 'client-request', 'snap1');
    feed(2_100, 3, 'client-ack', 'snap1');
    expect(o.metrics!(world(10_020))).toEqual({ unavailableUsMax: 10_000, unavailableUsTotal: 10_000, outages: 1 });
  });

  it('forgets the request of a client that crashed', () => {
    const { o, feed } = observer();
    feed(0, 1, 'client-request');
    feed(10, 1, 'client-ack');
    feed(20, 2, 'client-request');
    feed(30, 2, 'crash');
    expect(o.metrics!(world(10_000)).unavailableUsMax).toBe(0);
  });
});

describe('availability on a quorum-less 2|2 split', () => {
  it('oldest-member: no request is served for the whole split, and the metric says so', async () => {
    // split-brain-no-quorum: 4 nodes split {1,2} | {3,4} from 10 s to 20 s; neither half is quorate,
    // so every owner stops at the service manager's stop and keeps believing it owns.
    const r = await run(libraryScenario('split-brain-no-quorum'), 'oldest-member', 1);
    expect(r.violations).toEqual([]);
    expect(r.metrics.unavailableUsMax).toBeGreaterThan(10_000_000);
    expect(r.metrics.unavailableUsMax).toBeLessThan(15_000_000);
    expect(r.metrics.unavailableUsTotal).toBeGreaterThanOrEqual(r.metrics.unavailableUsMax!);
    // The owners never lost their belief, so no failover was counted during the split.
    expect(r.metrics.failoverLatencyUsMax ?? 0).toBeLessThan(r.metrics.unavailableUsMax!);
  });

  it('dlm-lvb: an owner keeps serving its own half (it holds its lock; nobody can take over without quorum)', async () => {
    const r = await run(libraryScenario('split-brain-no-quorum'), 'dlm-lvb', 1);
    expect(r.violations).toEqual([]);
    expect(r.metrics.unavailableUsMax).toBeLessThan(5_000_000);
  });
});
