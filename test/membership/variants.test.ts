// Negative tests: every membership checker catches a variant with a planted flaw, on a scripted
// scenario where the flaw must show — and the correct configuration passes the same scenario.
import { describe, expect, it } from 'vitest';
import { fired, loadScenario, run } from './helpers.ts';
import { MEMBERSHIP_VARIANTS } from '../../protocols/membership/index.ts';
import { resolveProtocol } from '../../protocols/index.ts';
import { MEMBERSHIP_NEGATIVE_CASES as CASES } from './negativeCases.ts';


describe('membership variants are caught', () => {
  it('the protocol registry lists every variant with the checker that catches it', () => {
    const def = resolveProtocol('cman').def;
    expect(def.variants.map((v) => v.name)).toEqual(MEMBERSHIP_VARIANTS.map((v) => v.name));
    for (const c of CASES) expect(def.variants.find((v) => v.name === c.variant)!.caughtBy).toContain(c.checker);
  });

  for (const c of CASES) {
    it(`${c.variant} on ${c.scenario} is caught by ${c.checker}`, async () => {
      const sc = { ...loadScenario(c.scenario), ...(c.cluster !== undefined ? { cluster: c.cluster } : {}) };
      const bad = await run(sc, `cman/${c.variant}`);
      expect(fired(bad.result)).toContain(c.checker);
      const v = bad.result.violations.find((x) => x.checker === c.checker)!;
      expect(v.message.length).toBeGreaterThan(20);
      const good = await run(sc, 'cman');
      expect(fired(good.result)).toEqual([]);
    });
  }

  it('no-quorum: the minority of a 3/2 split fences the majority', async () => {
    const r = await run(loadScenario('membership-partition-3-2'), 'cman/no-quorum');
    expect(r.of('fence-request').some((o) => o.node === 4 && [1, 2, 3].includes(o.victim as number))).toBe(true);
  });

  it('a startDone from inside start fails the run with the reason', async () => {
    const { Cman } = await import('../../protocols/membership/cman.ts');
    const { parseMembershipOptions } = await import('../../protocols/membership/options.ts');
    const { NO_FLAWS } = await import('../../protocols/membership/variants.ts');
    const { World } = await import('../../sim/world.ts');
    const opts = parseMembershipOptions({}, 3);
    const eager = {
      name: 'eager',
      onStart(ctx: import('../../sim/types.ts').Context) {
        const g = ctx.module<InstanceType<typeof Cman>>('cman').joinGroup('eager', 2, {
          stop() {}, finish() {},
          start(_m, eventId) { g.startDone(eventId); },
        });
      },
    };
    const w = new World({ scenario: 't', protocol: 't', seed: 1, nodes: 3, durationUs: 5_000_000, deadlineUs: 1, stack: () => [new Cman(opts, NO_FLAWS), eager] });
    const res = await w.run();
    expect(res.violations[0]!.kind).toBe('exception');
    expect(res.violations[0]!.message).toMatch(/from inside start/);
  });
});
