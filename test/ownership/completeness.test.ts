// Completeness of the negative tables: every `always` and `eventually` checker that the ownership
// protocols, the membership layer ('cman') and the demo ('gossip') run has at least one flawed variant
// that catches it, listed in a negative table that the suites run. Adding a checker without a
// negative case fails here.
import { describe, expect, it } from 'vitest';
import { resolveProtocol } from '../../protocols/index.ts';
import { buildInputOf } from '../../scenarios/simulate.ts';
import { NEGATIVE_CASES } from './negativeCases.ts';
import { MEMBERSHIP_NEGATIVE_CASES } from '../membership/negativeCases.ts';
import { libraryScenario } from './library.ts';

/** The verdict-giving checkers (not coverage) a protocol builds for the standard scenario. */
function judges(protocol: string): string[] {
  const def = resolveProtocol(protocol).def;
  const built = def.build(buildInputOf(libraryScenario('standard'), undefined, 30_000_000));
  return built.checkers.filter((c) => c.kind !== 'sometimes').map((c) => c.name);
}

describe('every ownership, membership and demo checker has a negative case', () => {
  const membership = new Set(judges('cman'));

  it('membership checkers: a cman variant in the membership table', () => {
    const covered = new Set(MEMBERSHIP_NEGATIVE_CASES.map((c) => c.checker));
    const missing = [...membership].filter((n) => !covered.has(n));
    expect(missing, 'membership checkers without a negative case').toEqual([]);
    const variants = resolveProtocol('cman').def.variants;
    for (const c of MEMBERSHIP_NEGATIVE_CASES) {
      expect(variants.find((v) => v.name === c.variant)?.caughtBy, c.variant).toContain(c.checker);
    }
  });

  for (const protocol of ['lease', 'oldest-member', 'dlm-lvb', 'gossip']) {
    it(`${protocol}: every checker of its own has a row in the ownership/demo table`, () => {
      const own = judges(protocol).filter((n) => !membership.has(n));
      expect(own.length).toBeGreaterThan(0);
      const covered = new Set(NEGATIVE_CASES.map((c) => c.checker));
      expect(own.filter((n) => !covered.has(n)), `${protocol} checkers without a negative case`).toEqual([]);
    });
  }

  it('the membership checkers the ownership protocols stack are the ones the membership table covers', () => {
    for (const protocol of ['oldest-member', 'dlm-lvb']) {
      const mem = judges(protocol).filter((n) => membership.has(n));
      expect(mem.length, protocol).toBeGreaterThan(0);
    }
  });
});
