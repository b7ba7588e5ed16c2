// defineProtocol() checks a protocol definition up front; simulate() takes a definition directly
// and refuses checker names the protocol does not declare; the registry refuses a taken name.
import { describe, expect, it } from 'vitest';
import {
  PROTOCOLS, ProtocolClashError, ProtocolDefinitionError, UnknownCheckerError, defineProtocol, registerProtocol, simulate,
} from '../../index.ts';
import type { Module, Scenario, WorldChecker } from '../../index.ts';

class Idle implements Module {
  readonly name = 'idle';
}

function held(name: string): WorldChecker {
  return { name, kind: 'always', description: `${name} holds.` };
}

const spec = {
  name: 'idle-test',
  description: 'Test only: nodes that do nothing.',
  checkers: [{ name: 'idle-ok', kind: 'always' as const, description: 'Always holds.' }],
  variants: [{ name: 'flawed', flaw: 'Nothing, really.', caughtBy: ['idle-ok'] }],
  build: () => ({ stack: () => [new Idle()], checkers: [held('idle-ok')] }),
};

const scenario: Scenario = { name: 'idle', description: 'Idle nodes.', nodes: 2, durationUs: 100_000, faults: {} };

describe('defineProtocol', () => {
  it('refuses a variant caught by an undeclared checker, naming the field and the known ones', () => {
    expect(() => defineProtocol({ ...spec, variants: [{ name: 'x', flaw: 'f', caughtBy: ['idle-okk'] }] }))
      .toThrow(/protocol 'idle-test': variants\[0\]\.caughtBy: expected names of declared checkers \(idle-ok\), got "idle-okk"/);
  });

  it('refuses duplicate checker and variant names, bad names and a missing build', () => {
    expect(() => defineProtocol({ ...spec, checkers: [...spec.checkers, ...spec.checkers] })).toThrow(/checkers\[1\]\.name: expected a name not declared before/);
    expect(() => defineProtocol({ ...spec, variants: [...spec.variants, ...spec.variants] })).toThrow(/variants\[1\]\.name: expected a name not used by another variant/);
    expect(() => defineProtocol({ ...spec, name: 'Idle/Test' })).toThrow(ProtocolDefinitionError);
    expect(() => defineProtocol({ ...spec, checkers: [{ name: 'c', kind: 'often' as never, description: '' }] })).toThrow(/checkers\[0\]\.kind: expected always \| eventually \| sometimes/);
    expect(() => defineProtocol({ ...spec, build: undefined as never })).toThrow(/build: expected a function/);
  });

  it('a build that returns an undeclared checker is refused when it runs', async () => {
    const def = defineProtocol({ ...spec, build: () => ({ stack: () => [new Idle()], checkers: [held('idle-ok'), held('sneaky')] }) });
    await expect(simulate(scenario, { seed: 1, protocol: def })).rejects.toThrow(/build: expected checkers declared in 'checkers' \(idle-ok\), got "sneaky \[always\]"/);
  });

  it('passes the parsed options to build', async () => {
    let seen: unknown;
    const def = defineProtocol({
      ...spec,
      options: (cluster, nodes) => ({ period: Number(cluster.period ?? 5), nodes }),
      build: (input) => {
        seen = input.options;
        return { stack: () => [new Idle()], checkers: [held('idle-ok')] };
      },
    });
    await simulate({ ...scenario, cluster: { period: 7 } }, { seed: 1, protocol: def });
    expect(seen).toEqual({ period: 7, nodes: 2 });
  });
});

describe('simulate with a ProtocolDef', () => {
  const def = defineProtocol(spec);

  it('runs an unregistered definition, with a variant', async () => {
    expect(PROTOCOLS.includes(def)).toBe(false);
    const r = await simulate(scenario, { seed: 3, protocol: def, variant: 'flawed' });
    expect(r.protocol).toBe('idle-test/flawed');
    expect(r.ok).toBe(true);
    await expect(simulate(scenario, { seed: 3, protocol: def, variant: 'nope' })).rejects.toThrow(/unknown variant 'nope' of protocol 'idle-test' \(known: flawed\)/);
  });

  it('throws on an unknown checker name in the scenario instead of running zero checkers', async () => {
    const typo = { ...scenario, checkers: ['idle-okk'] };
    await expect(simulate(typo, { seed: 1, protocol: def })).rejects.toThrow(UnknownCheckerError);
    await expect(simulate(typo, { seed: 1, protocol: def })).rejects.toThrow(/scenario idle: checkers: expected names of idle-test's checkers \(idle-ok\), got 'idle-okk'/);
    const gossipTypo: Scenario = { ...scenario, checkers: ['gossip-monotonik'] };
    await expect(simulate(gossipTypo, { seed: 1, protocol: 'gossip' })).rejects.toThrow(/gossip-monotonic, gossip-converges/);
  });

  it('registers by name once; a name clash with a built-in is an error', async () => {
    registerProtocol(def);
    registerProtocol(def);
    expect(PROTOCOLS.filter((p) => p.name === 'idle-test')).toHaveLength(1);
    expect((await simulate(scenario, { seed: 1, protocol: 'idle-test/flawed' })).protocol).toBe('idle-test/flawed');
    expect(() => registerProtocol(defineProtocol({ ...spec, name: 'lease' }))).toThrow(ProtocolClashError);
    expect(() => registerProtocol(defineProtocol({ ...spec, name: 'lease' }))).toThrow(/'lease': the name is taken by a built-in protocol/);
  });

  it('every built-in protocol declares the checkers its build returns', () => {
    for (const p of PROTOCOLS.filter((d) => d.name !== 'idle-test')) {
      expect(p.checkers.length, p.name).toBeGreaterThan(0);
      for (const v of p.variants) for (const c of v.caughtBy) expect(p.checkers.map((x) => x.name), `${p.name}/${v.name}`).toContain(c);
    }
  });
});
