// The property framework on the gossip demo: always (checked as events happen), eventually (at heal
// + deadline) and sometimes (coverage); the 'forgetful' variant must be caught by gossip-monotonic;
// violation fields; budgets end a livelock with a named violation; a throwing protocol fails cleanly.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { World } from '../../sim/world.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { Gossip, monotonicChecker, convergenceChecker, learnedAfterRestartChecker } from '../../protocols/demo/gossip.ts';
import { probeWorld } from './fixtures/probe.ts';
import { assert } from '../../sim/assert.ts';
import type { FaultSpec } from '../../sim/faults/spec.ts';

const crashes: Scenario = { name: 'gossip-crashes', description: '', nodes: 5, durationUs: 20_000_000, faults: { swarm: 'crashes' } };

function gossipWorld(opts: { forgetful?: boolean; faults?: FaultSpec[]; deadlineUs?: number; checkers?: WorldChecker[] }) {
  return new World({
    scenario: 't', protocol: 'gossip', seed: 4, nodes: 4, durationUs: 12_000_000, healAtUs: 6_000_000,
    deadlineUs: opts.deadlineUs ?? 5_000_000,
    faults: opts.faults ?? [],
    stack: () => [new Gossip({ periodUs: 100_000, incrementUntilUs: 6_000_000, forgetful: opts.forgetful === true })],
    checkers: opts.checkers ?? [monotonicChecker(), convergenceChecker(), learnedAfterRestartChecker()],
  });
}

describe('gossip demo checkers', () => {
  it('the correct protocol passes every checker over 30 swarm seeds', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = await simulate(crashes, { seed, protocol: 'gossip' });
      expect(r.violations, `seed ${seed}`).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it("negative: the 'forgetful' variant is caught by gossip-monotonic, and only by it", async () => {
    let caught = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const r = await simulate(crashes, { seed, protocol: 'gossip/forgetful' });
      for (const v of r.violations) expect(v.checker).toBe('gossip-monotonic');
      if (!r.ok) caught++;
    }
    expect(caught).toBeGreaterThan(10);
  });

  it('a violation names checker, kind, event index, time, and explains itself', () => {
    const w = gossipWorld({ forgetful: true, faults: [{ kind: 'crash', atUs: 3_000_000, node: 2, durationUs: 500_000 }] });
    const r = w.runSync();
    expect(r.ok).toBe(false);
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0]!;
    expect(v).toMatchObject({ checker: 'gossip-monotonic', kind: 'always', atUs: 3_500_000 });
    expect(v.atEvent).toBeGreaterThan(0);
    expect(v.atEvent).toBeLessThan(r.events);
    expect(v.message).toMatch(/^node 2 went back from \d+ to 0 \(incarnation 2\)$/);
  });

  it('always: reported at the event that broke it, once per checker, and stopOnViolation ends the run there', () => {
    const faults: FaultSpec[] = [
      { kind: 'crash', atUs: 2_000_000, node: 2, durationUs: 100_000 },
      { kind: 'crash', atUs: 3_000_000, node: 3, durationUs: 100_000 },
    ];
    const all = gossipWorld({ forgetful: true, faults }).runSync();
    expect(all.violations.map((v) => v.atUs)).toEqual([2_100_000]);
    const w = new World({ ...gossipWorld({ forgetful: true, faults }).config, stopOnViolation: true });
    const stopped = w.runSync();
    expect(stopped.violations).toEqual(all.violations);
    expect(stopped.events).toBe(all.violations[0]!.atEvent);
    expect(stopped.simTimeUs).toBe(2_100_000);
  });

  it('eventually: judged at heal + deadline; a too-short deadline is a violation, a fair one is not', () => {
    const partitioned: FaultSpec[] = [{ kind: 'partition', atUs: 1_000_000, shape: 'groups', groups: [[1, 2], [3, 4]] }];
    const tight = gossipWorld({ faults: partitioned, deadlineUs: 1 }).runSync();
    expect(tight.violations).toHaveLength(1);
    expect(tight.violations[0]).toMatchObject({ checker: 'gossip-converges', kind: 'eventually', atUs: 6_000_001 });
    expect(tight.violations[0]!.message).toMatch(/^nodes disagree at the deadline: n1=\d+ n2=\d+ n3=\d+ n4=\d+$/);
    const fair = gossipWorld({ faults: partitioned }).runSync();
    expect(fair.ok).toBe(true);
  });

  it('sometimes: coverage is false when the case never happens and true when it does', () => {
    expect(gossipWorld({}).runSync().coverage).toEqual({ 'gossip-restart-caught-up': false });
    const r = gossipWorld({ faults: [{ kind: 'crash', atUs: 3_000_000, node: 2, durationUs: 200_000 }] }).runSync();
    expect(r.coverage).toEqual({ 'gossip-restart-caught-up': true });
    expect(r.ok).toBe(true);
  });

  it('checkers see engine observations (boot, crash, restart, pause, fault, heal) with event index and time', () => {
    const seen: string[] = [];
    const spy: WorldChecker = {
      name: 'spy', kind: 'always', description: 'records engine observations',
      observes: ['boot', 'crash', 'restart', 'pause', 'resume', 'fault', 'heal'],
      onObservation(o, w) {
        expect(o.seq).toBe(w.eventIndex);
        expect(o.atUs).toBe(w.nowUs);
        seen.push(`${o.kind}:${o.node}@${o.atUs}`);
      },
    };
    gossipWorld({
      checkers: [spy],
      faults: [{ kind: 'crash', atUs: 1_000_000, node: 2, durationUs: 1_000 }, { kind: 'pause', atUs: 2_000_000, node: 3, durationUs: 1_000 }],
    }).runSync();
    expect(seen).toEqual([
      'boot:1@0', 'boot:2@0', 'boot:3@0', 'boot:4@0',
      'crash:2@1000000', 'fault:0@1000000', 'restart:2@1001000',
      'pause:3@2000000', 'fault:0@2000000', 'resume:3@2001000',
      'heal:0@6000000',
    ]);
  });
});

describe('budgets and exceptions', () => {
  it('a livelock (a 0 µs timer loop) ends with a budget violation naming the bound and what was pending', () => {
    const w = probeWorld({
      nodes: 2, maxEvents: 10_000,
      handlers: (node) => ({
        start(ctx) { ctx.setTimer(node === 1 ? 0 : 5_000, 'spin'); ctx.send(node === 1 ? 2 : 1, { type: 'hello' }); },
        timer(ctx) { if (node === 1) ctx.setTimer(0, 'spin'); },
      }),
    });
    const r = w.runSync();
    expect(r.ok).toBe(false);
    expect(r.events).toBe(10_000);
    expect(r.simTimeUs).toBe(0);
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0]!;
    expect(v).toMatchObject({ checker: 'budget', kind: 'budget', atEvent: 10_000, atUs: 0 });
    expect(v.message).toMatch(/event budget of 10000 events exhausted at 0\.000 s simulated/);
    expect(v.message).toMatch(/events pending, mostly .*timer ×\d+/);
    expect(v.message).toMatch(/deliver probe\/hello ×/);
  });

  it('the async run loop ends a livelock the same way (never hangs)', async () => {
    const w = probeWorld({ nodes: 1, maxEvents: 5_000, handlers: { start(ctx) { ctx.setTimer(0, 's'); }, timer(ctx) { ctx.setTimer(0, 's'); } } });
    const r = await w.run();
    expect(r.violations.map((v) => v.kind)).toEqual(['budget']);
  });

  it('a protocol that throws fails the run with an exception violation and the run ends cleanly', () => {
    const w = probeWorld({
      nodes: 2,
      handlers: (node) => ({
        start(ctx) { if (node === 1) ctx.setTimer(1_000_000, 'go'); },
        timer(ctx) { ctx.send(2, { type: 'poison' }); },
        message(_ctx, _f, msg) { if (msg.type === 'poison') throw new Error('assertion: poison is never sent'); },
      }),
    });
    const r = w.runSync();
    expect(r.ok).toBe(false);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ checker: 'exception', kind: 'exception' });
    expect(r.violations[0]!.message).toMatch(/^node 2 \(probe\) threw: assertion: poison is never sent/);
    expect(r.violations[0]!.atUs).toBeGreaterThan(1_000_000);
    expect(r.simTimeUs).toBe(r.violations[0]!.atUs);
    expect(r.events).toBe(r.violations[0]!.atEvent);
  });

  it('a failed assert() is an assertion violation at the event that broke the assumption', () => {
    const w = probeWorld({
      nodes: 2,
      handlers: (node) => ({
        start(ctx) { if (node === 1) ctx.setTimer(1_000_000, 'go'); },
        timer(ctx) { ctx.send(2, { type: 'poison' }); },
        message(_ctx, _f, msg) { assert(msg.type !== 'poison', 'probe: poison is never sent'); },
      }),
    });
    const r = w.runSync();
    expect(r.violations).toEqual([expect.objectContaining({ checker: 'assertion', kind: 'exception' })]);
    expect(r.violations[0]!.message).toBe('node 2 (probe): assertion failed: probe: poison is never sent');
    expect(r.events).toBe(r.violations[0]!.atEvent);
  });

  it('a coroutine that throws after an await fails the run the same way', async () => {
    const w = probeWorld({
      nodes: 1,
      handlers: {
        start(ctx, self) {
          const d = ctx.deferred<number>();
          self.vol.d = d;
          ctx.spawn('worker', async () => {
            const v = await d.promise;
            throw new Error(`bad value ${v}`);
          });
          ctx.setTimer(2_000, 'wake');
        },
        timer(_ctx, _tag, self) { (self.vol.d as { resolve(v: number): void }).resolve(7); },
      },
    });
    const r = await w.run();
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]!.message).toMatch(/^node 1 \(probe:worker\) threw: bad value 7/);
    expect(r.violations[0]!.atUs).toBe(2_000);
  });
});
