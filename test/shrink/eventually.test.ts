// Shrinking an `eventually` failure keeps the liveness deadline: a deadline too short to recover in
// would make the property fail for a different reason (slippage), so only the rest shrinks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../protocols/index.ts';
import { defineProtocol, describeCheckers } from '../../protocols/registry.ts';
import type { Context, Module } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { shrinkRun, simulateRunFile } from '../../scenarios/shrink.ts';
import { simulate } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { runFileOf } from './fixtures.ts';

/** A node that never comes back "ready" once it has been restarted (a liveness bug). */
class Sticky implements Module {
  readonly name = 'sticky';
  ready = false;
  onStart(ctx: Context): void {
    ctx.setTimer(50_000, 'ready');
  }
  onRecover(): void {
    // the bug: no timer, never ready again
  }
  onTimer(): void {
    this.ready = true;
  }
}

/** eventually: by the deadline every live node is ready. */
function allReady(): WorldChecker {
  return {
    name: 'all-ready', kind: 'eventually', description: 'Every live node is ready by the deadline.', observes: [],
    onDeadline(w) {
      const stuck = w.nodes.filter((n) => w.isUp(n) && w.module<Sticky>(n, 'sticky')?.ready !== true);
      if (stuck.length > 0) w.violate(`nodes ${stuck.join(',')} not ready at the deadline`);
    },
  };
}

const PROBE = defineProtocol({
  name: 'test-sticky', description: 'Test only: a node restarted never becomes ready.', checkers: describeCheckers([allReady()]),
  build: () => ({ stack: () => [new Sticky()], checkers: [allReady()] }),
});

const SCENARIO: Scenario = {
  name: 'sticky', description: 'Crashes and pauses on a sticky protocol.', nodes: 4, durationUs: 10_000_000, healAtUs: 4_000_000,
  deadlineUs: 2_000_000,
  faults: { script: [
    { kind: 'pause', atUs: 500_000, node: 2, durationUs: 300_000 },
    { kind: 'crash', atUs: 1_000_000, node: 3, durationUs: 200_000 },
    { kind: 'clog', atUs: 2_000_000, node: 4, durationUs: 500_000 },
  ] },
};

describe('shrinkRun on an eventually property', () => {
  beforeAll(() => { PROTOCOLS.push(PROBE); });
  afterAll(() => { PROTOCOLS.splice(PROTOCOLS.indexOf(PROBE), 1); });

  it('keeps the deadline and shrinks to the one crash that breaks liveness', async () => {
    const r = await simulate(SCENARIO, { seed: 1, protocol: PROBE.name });
    expect(r.violations.map((v) => v.checker)).toEqual(['all-ready']);
    const s = await shrinkRun(runFileOf(SCENARIO, PROBE.name, r), { maxRuns: 200 });
    expect(s.runFile.scenario.deadlineUs).toBe(2_000_000);
    expect(s.runFile.faults).toHaveLength(1);
    expect(s.runFile.faults[0]!.kind).toBe('crash');
    expect(s.after.nodes).toBe(1);
    expect((await simulateRunFile(s.runFile)).violations.map((v) => v.checker)).toEqual(['all-ready']);
  });
});
