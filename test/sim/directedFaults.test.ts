// Directed links and node sets (partition links, clog, slow-link, drop-messages from → to), drops in
// the trace with their reason, fault points (k-th hit, crash mid-handler, pause mid-handler,
// accounting) and role targets (resolved when the fault fires, taped, "nobody" reported).
import { describe, expect, it } from 'vitest';
import { probeWorld } from './fixtures/probe.ts';
import type { ProbeHandlers } from './fixtures/probe.ts';
import type { TraceRecord } from '../../sim/world.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';
import type { RoleResolver } from '../../sim/faults/roles.ts';
import { DecisionKind } from '../../sim/tape.ts';
import type { Context, NodeId } from '../../sim/types.ts';

/** Every node pings every other every 10 ms; each receipt is recorded as [from, to, atUs]. */
function pingers(rx: [NodeId, NodeId, number][]): ProbeHandlers {
  return {
    start(ctx) { ctx.setTimer(10_000, 'p'); },
    timer(ctx) {
      for (const n of ctx.allNodes) if (n !== ctx.node) ctx.send(n, { type: 'ping' });
      ctx.setTimer(10_000, 'p');
    },
    message(ctx, from) { rx.push([from, ctx.node, ctx.now()]); },
  };
}

/** Receipts on from→to within [lo, hi). */
function count(rx: [NodeId, NodeId, number][], from: NodeId, to: NodeId, lo: number, hi: number): number {
  return rx.filter(([f, t, at]) => f === from && t === to && at >= lo && at < hi).length;
}

function run(faults: FaultSpec[], extra: { trace?: (r: TraceRecord) => void } = {}): [NodeId, NodeId, number][] {
  const rx: [NodeId, NodeId, number][] = [];
  probeWorld({ nodes: 3, faults, healAtUs: 2_000_000, durationUs: 3_000_000, handlers: pingers(rx), ...extra }).runSync();
  return rx;
}

describe('directed links', () => {
  it('partition shape links, one-way: 1 cannot reach 3, everything else flows (corosync asymmetric view)', () => {
    const rx = run([{ kind: 'partition', atUs: 500_000, shape: 'links', from: [1], to: [3], direction: 'one-way', durationUs: 1_000_000 }]);
    expect(count(rx, 1, 3, 600_000, 1_500_000)).toBe(0);
    expect(count(rx, 3, 1, 600_000, 1_500_000)).toBeGreaterThan(50);
    expect(count(rx, 2, 3, 600_000, 1_500_000)).toBeGreaterThan(50);
    expect(count(rx, 1, 2, 600_000, 1_500_000)).toBeGreaterThan(50);
    expect(count(rx, 1, 3, 1_600_000, 2_000_000)).toBeGreaterThan(20); // undone after durationUs
  });

  it('partition shape links, both ways, from a set to a set', () => {
    const rx = run([{ kind: 'partition', atUs: 500_000, from: [1, 2], to: [3], durationUs: 1_000_000 }]);
    for (const [a, b] of [[1, 3], [3, 1], [2, 3], [3, 2]] as const) expect(count(rx, a, b, 600_000, 1_500_000)).toBe(0);
    expect(count(rx, 1, 2, 600_000, 1_500_000)).toBeGreaterThan(50);
  });

  it('clog on directed links holds one direction and releases it in order', () => {
    const rx = run([{ kind: 'clog', atUs: 500_000, from: [2], to: [1], direction: 'one-way', durationUs: 500_000 }]);
    expect(count(rx, 2, 1, 510_000, 1_000_000)).toBe(0);
    expect(count(rx, 1, 2, 510_000, 1_000_000)).toBeGreaterThan(40);
    expect(count(rx, 2, 1, 1_000_000, 1_000_001)).toBeGreaterThan(40); // all released at once
  });

  it('slow-link adds latency on from → to only', () => {
    const rx = run([{ kind: 'slow-link', atUs: 500_000, from: [1], to: [2], direction: 'one-way', extraUs: 200_000, durationUs: 500_000 }]);
    // A ping sent at ~500 ms arrives at ~700 ms: nothing on 1→2 in (501 ms, 700 ms).
    expect(count(rx, 1, 2, 502_000, 700_000)).toBe(0);
    expect(count(rx, 2, 1, 502_000, 700_000)).toBeGreaterThan(10);
    expect(count(rx, 1, 2, 700_000, 1_000_000)).toBeGreaterThan(20);
  });

  it('drop-messages on directed links filters only those links', () => {
    const rx = run([{ kind: 'drop-messages', atUs: 500_000, messageType: 'ping', from: [3], to: [1, 2], direction: 'one-way', durationUs: 500_000 }]);
    expect(count(rx, 3, 1, 502_000, 1_000_000) + count(rx, 3, 2, 502_000, 1_000_000)).toBe(0);
    expect(count(rx, 1, 3, 502_000, 1_000_000)).toBeGreaterThan(40);
  });
});

describe('drops in the trace', () => {
  it('every dropped message is a trace record with its reason, and tracing leaves the hash alone', () => {
    const faults: FaultSpec[] = [
      { kind: 'partition', atUs: 300_000, shape: 'isolate', node: 1, durationUs: 100_000 },
      { kind: 'drop-messages', atUs: 500_000, messageType: 'ping', from: [2], to: [3], durationUs: 100_000 },
      { kind: 'crash', atUs: 700_000, node: 3, durationUs: 100_000 },
    ];
    const cfg = { nodes: 3, faults, healAtUs: 1_000_000, durationUs: 1_500_000, network: { loss: 0.05 } };
    const recs: TraceRecord[] = [];
    const traced = probeWorld({ ...cfg, handlers: pingers([]), trace: (r) => recs.push(r) }).runSync();
    const quiet = probeWorld({ ...cfg, handlers: pingers([]) }).runSync();
    expect(traced.traceHash).toBe(quiet.traceHash);
    const drops = recs.filter((r) => r.k === 'drop');
    expect(new Set(drops.map((d) => d.why))).toEqual(new Set(['partition', 'filter', 'loss', 'down']));
    expect(drops.length).toBe(traced.metrics.messagesDropped);
    const filtered = drops.filter((d) => d.why === 'filter');
    expect(new Set(filtered.map((d) => `${d.from}→${d.node}`))).toEqual(new Set(['2→3', '3→2'])); // both ways by default
  });
});

// ---- fault points ------------------------------------------------------------------------------

/** Node n, on each message, hits 'work' then sends 'after' to node 1 and persists a counter. */
function worker(seen: string[]): (node: NodeId) => ProbeHandlers {
  return (node) => ({
    start(ctx) { if (node === 1) ctx.setTimer(100_000, 'go'); },
    timer(ctx) {
      for (const n of [2, 3]) ctx.send(n, { type: 'job' });
      ctx.setTimer(100_000, 'go');
    },
    message(ctx: Context, from, msg) {
      if (msg.type === 'job') {
        ctx.faultPoint('work');
        ctx.send(1, { type: 'after' });
      } else seen.push(`${from}@${ctx.now()}`);
    },
  });
}

describe('fault points', () => {
  it('crash at the k-th hit: the node dies mid-handler and the rest of the handler has no effect', () => {
    const seen: string[] = [];
    const w = probeWorld({
      nodes: 3, healAtUs: 2_000_000, durationUs: 2_500_000, handlers: worker(seen), faultPoints: ['work'],
      faults: [{ kind: 'crash', atUs: 0, point: 'work', hit: 3 }],
    });
    const r = w.runSync();
    expect(r.ok).toBe(true);
    const fired = r.faultsFired.find((f) => f.kind === 'crash')!;
    expect(fired).toMatchObject({ point: 'work', hit: 3, index: 0 });
    const victim = fired.nodes[0]!;
    // Hits 1, 2 (job 1 on nodes 2 and 3), then hit 3 is node 2 at the second job: its 'after' is never sent.
    expect(victim).toBe(2);
    const fromVictim = seen.filter((s) => s.startsWith(`${victim}@`)).map((s) => Number(s.split('@')[1]));
    expect(fromVictim.filter((t) => t > fired.atUs && t < 2_000_000)).toEqual([]);
    expect(r.faultPoints).toEqual([{ name: 'work', hits: expect.any(Number) }]);
    expect(r.faultPoints[0]!.hits).toBeGreaterThan(10);
  });

  it('node restricts the hits counted; a point never reached often enough is reported, not silent', () => {
    const r = probeWorld({
      nodes: 3, healAtUs: 1_000_000, durationUs: 1_500_000, handlers: worker([]),
      faults: [{ kind: 'crash', atUs: 0, point: 'work', node: 3, hit: 2 }, { kind: 'pause', atUs: 0, point: 'work', hit: 1000 }],
    }).runSync();
    expect(r.faultsFired.map((f) => [f.kind, f.nodes])).toEqual([['crash', [3]]]);
    expect(r.faultsNotFired).toEqual([
      { index: 1, kind: 'pause', atUs: r.simTimeUs, reason: expect.stringMatching(/'work' was reached \d+ time\(s\) while armed, never hit 1000/) },
    ]);
  });

  it('pause at a point: effects after the point wait for the resume', () => {
    const seen: string[] = [];
    const r = probeWorld({
      nodes: 3, healAtUs: 1_500_000, durationUs: 2_000_000, handlers: worker(seen),
      faults: [{ kind: 'pause', atUs: 0, point: 'work', node: 2, hit: 1, durationUs: 300_000 }],
    }).runSync();
    const pauseAt = r.faultsFired[0]!.atUs;
    const first = seen.filter((s) => s.startsWith('2@')).map((s) => Number(s.split('@')[1]))[0]!;
    expect(first).toBeGreaterThanOrEqual(pauseAt + 300_000);
  });

  it('an undeclared point fails the run naming it', () => {
    const r = probeWorld({ nodes: 3, healAtUs: 500_000, durationUs: 600_000, handlers: worker([]), faultPoints: ['other'] }).runSync();
    expect(r.violations[0]!.message).toMatch(/fault point 'work' is not declared/);
  });

  it('each matching hit is one taped decision; an override moves the fault to another hit', () => {
    const faults: FaultSpec[] = [{ kind: 'crash', atUs: 0, point: 'work', hit: 3 }];
    const cfg = { nodes: 3, healAtUs: 1_000_000, durationUs: 1_500_000, faults };
    const w = probeWorld({ ...cfg, handlers: worker([]) });
    w.runSync();
    const points: number[] = [];
    for (let i = 0; i < w.tape.length; i++) if (w.tape.kindAt(i) === DecisionKind.pointFault) points.push(i);
    expect(points.map((i) => w.tape.valueAt(i))).toEqual([0, 0, 1]);
    const moved = probeWorld({ ...cfg, handlers: worker([]), tapeOverrides: [[points[0]!, 1]] }).runSync();
    expect(moved.faultsFired[0]).toMatchObject({ hit: 1, nodes: [2] });
  });
});

// ---- role targets ------------------------------------------------------------------------------

/** A resolver for role 'leader': the last node that observed 'lead'. */
function leaderRole(): RoleResolver {
  let leader: NodeId | undefined;
  return {
    role: 'leader', observes: ['lead'],
    onObservation(obs) { leader = obs.node; },
    resolve: () => (leader === undefined ? [] : [leader]),
  };
}

const leads: ProbeHandlers = {
  start(ctx) { if (ctx.node === 3) ctx.setTimer(200_000, 'lead'); },
  timer(ctx) { ctx.observe('lead', {}); },
};

describe('role targets', () => {
  it('resolves when the fault fires and records the node', () => {
    const r = probeWorld({
      nodes: 3, healAtUs: 1_000_000, handlers: leads, roles: [leaderRole()],
      faults: [{ kind: 'pause', atUs: 100_000, role: { role: 'leader' } }, { kind: 'crash', atUs: 500_000, role: { role: 'leader' } }],
    }).runSync();
    expect(r.faultsNotFired).toEqual([{ index: 0, kind: 'pause', atUs: 100_000, reason: 'role leader resolved to nobody' }]);
    expect(r.faultsFired).toEqual([{ kind: 'crash', atUs: 500_000, nodes: [3], index: 1, role: 'leader' }]);
  });

  it("'any' with not; an unknown role is reported as not fired", () => {
    const w = probeWorld({
      nodes: 3, healAtUs: 1_000_000, handlers: leads,
      faults: [{ kind: 'crash', atUs: 100_000, role: { role: 'any', not: [1] } }, { kind: 'crash', atUs: 200_000, role: { role: 'master', resource: 'x' } }],
    });
    const r = w.runSync();
    expect(r.faultsFired[0]).toMatchObject({ nodes: [2], role: 'any not 1' });
    expect(r.faultsNotFired[0]!.reason).toBe("protocol probe has no role 'master'");
    const roleDecisions = Array.from({ length: w.tape.length }, (_, i) => i).filter((i) => w.tape.kindAt(i) === DecisionKind.roleTarget);
    expect(roleDecisions.length).toBe(1);
    const other = probeWorld({
      nodes: 3, healAtUs: 1_000_000, handlers: leads, tapeOverrides: [[roleDecisions[0]!, 1]],
      faults: [{ kind: 'crash', atUs: 100_000, role: { role: 'any', not: [1] } }],
    }).runSync();
    expect(other.faultsFired[0]!.nodes).toEqual([3]);
  });
});
