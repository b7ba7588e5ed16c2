// The tape phase: when the failure needs a lost message, shrinking keeps exactly that drop on the
// tape (an override zeroes every other non-default decision) and the run still replays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../protocols/index.ts';
import { defineProtocol, describeCheckers } from '../../protocols/registry.ts';
import type { Context, Message, Module, NodeId } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { shrinkRun, simulateRunFile } from '../../scenarios/shrink.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { runFileOf } from './fixtures.ts';

/** Node 1 sends 40 numbered pings to node 2 over a lossy link; node 2 reports each one it gets. */
class Pinger implements Module {
  readonly name = 'pinger';
  private next = 0;
  onStart(ctx: Context): void {
    if (ctx.node === 1) ctx.setTimer(10_000, 'ping');
  }
  onTimer(ctx: Context): void {
    ctx.send(2, { type: 'ping', n: this.next++ });
    if (this.next < 40) ctx.setTimer(10_000, 'ping');
  }
  onMessage(ctx: Context, _from: NodeId, msg: Message): void {
    ctx.observe('ping-received', { n: msg.n });
  }
}

/** always: the last ten pings arrive without gaps (ping k+1 never arrives while ping k ≥ 30 is missing). */
function allArrived(): WorldChecker {
  let last = -1;
  return {
    name: 'all-pings-arrive', kind: 'always', description: 'Node 2 receives pings 30..39, in order.', observes: ['ping-received'],
    onObservation(obs, w) {
      const n = obs.data.n as number;
      if (n > last + 1 && last + 1 >= 30) w.violate(`ping ${last + 1} never arrived (got ${n})`);
      last = Math.max(last, n);
    },
  };
}

const PROBE = defineProtocol({
  name: 'test-tape-probe', description: 'Test only: pings over a lossy link.', checkers: describeCheckers([allArrived()]),
  build: () => ({ stack: () => [new Pinger()], checkers: [allArrived()] }),
});

const SCENARIO: Scenario = {
  name: 'lossy-pings', description: 'Pings over a link that loses 20% and duplicates 5%.', nodes: 3, durationUs: 1_000_000,
  network: { loss: 0.2, duplicate: 0.05, latencyMinUs: 100, latencyMaxUs: 2_000 }, deadlineUs: 100_000, faults: {},
};

describe('shrinkRun tape phase', () => {
  beforeAll(() => { PROTOCOLS.push(PROBE); });
  afterAll(() => { PROTOCOLS.splice(PROTOCOLS.indexOf(PROBE), 1); });

  it('keeps a single non-default decision: the one drop the failure needs', async () => {
    const r = await simulate(SCENARIO, { seed: 3, protocol: PROBE.name, collectDecisions: true });
    expect(r.ok).toBe(false);
    const s = await shrinkRun(runFileOf(SCENARIO, PROBE.name, r), { maxRuns: 300 });
    expect(s.complete).toBe(true);
    expect(s.before.decisions).toBeGreaterThan(20);
    expect(s.after.decisions).toBe(1);
    expect(s.after.violation.message).toMatch(/^ping \d+ never arrived \(got \d+\)$/);
    expect(s.runFile.tape.overrides.length).toBeGreaterThan(0);
    expect(s.runFile.tape.overrides.every(([, v]) => v === 0)).toBe(true);
    expect(s.after.nodes).toBe(2);
    const again = await simulateRunFile(s.runFile);
    expect(again.traceHash).toBe(s.runFile.traceHash);
    expect(again.violations[0]!.message).toBe(s.after.violation.message);
  });
});
