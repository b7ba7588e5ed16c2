// Composable variants: own flaws with the membership and DLM flaws of the layers a protocol is built
// on; canonical names; unknown, repeated and incompatible parts are errors; caughtBy joins the parts.
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, resolveProtocol } from '../../protocols/index.ts';
import { INCOMPATIBLE, LAYERS_OF, selectableVariants } from '../../protocols/variants.ts';
import { MEMBERSHIP_VARIANTS } from '../../protocols/membership/variants.ts';
import { DLM_VARIANTS } from '../../protocols/dlm/index.ts';
import type { MembershipFlaws } from '../../protocols/membership/variants.ts';
import type { DlmBugs } from '../../protocols/dlm/lockspace.ts';

describe('composable variants', () => {
  it('membership flaws are selectable under every protocol built on membership, DLM flaws under dlm-lvb', () => {
    for (const p of ['dlm-lvb', 'oldest-member', 'dlm']) {
      for (const v of MEMBERSHIP_VARIANTS) expect(resolveProtocol(`${p}/${v.name}`).name).toBe(`${p}/${v.name}`);
    }
    for (const v of DLM_VARIANTS) expect(resolveProtocol(`dlm-lvb/${v.name}`).variant!.caughtBy).toEqual(v.caughtBy);
  });

  it('a composition is canonical (declaration order) and joins flaws and caughtBy', () => {
    const r = resolveProtocol('oldest-member/no-quorum+no-fencing');
    expect(r.name).toBe('oldest-member/no-fencing+no-quorum');
    expect(resolveProtocol('oldest-member/no-fencing+no-quorum').name).toBe(r.name);
    expect(r.variant!.caughtBy).toEqual(expect.arrayContaining(['quorum-gating', 'fence-before-recovery']));
    expect(r.variant!.flaw).toContain(' AND ');
    expect(resolveProtocol('dlm-lvb/no-incarnation+no-lvb-invalidate+plain-passwd').name).toBe('dlm-lvb/plain-passwd+no-incarnation+no-lvb-invalidate');
  });

  it.each([
    ['lease/no-quorum', /unknown variant 'no-quorum' of protocol 'lease'/],
    ['cman/no-quorum+no-quorum', /given twice/],
    ['dlm-lvb/ignore-valnotvalid+new-ex-request', /do not compose/],
    ['dlm-lvb/no-fencing+', /unknown variant ''/],
    ['cman/no-lvb-invalidate', /unknown variant/],
  ])('%s is an error', (name, msg) => {
    expect(() => resolveProtocol(name)).toThrow(msg);
  });

  it('every layer table and incompatibility names real protocols and variants', () => {
    for (const name of Object.keys(LAYERS_OF)) expect(PROTOCOLS.map((p) => p.name)).toContain(name);
    for (const c of INCOMPATIBLE) {
      const def = PROTOCOLS.find((p) => p.name === c.protocol)!;
      for (const part of c.parts) expect(selectableVariants(def).map((v) => v.name)).toContain(part);
    }
  });

  it('builds the composed stack: membership and DLM flaws are planted under dlm-lvb', () => {
    const r = resolveProtocol('dlm-lvb/no-incarnation+no-lvb-invalidate');
    const input = {
      nodes: 3, cluster: {}, workload: { kind: 'snapshot-metadata' }, clients: undefined, variant: r.variant!.name,
      healAtUs: 1_000_000, deadlineUs: undefined, durationUs: 2_000_000,
    };
    const mods = r.def.build(input).stack(1) as unknown as { name: string; flaws?: MembershipFlaws; opts?: { bugs?: DlmBugs } }[];
    expect(mods.find((m) => m.name === 'cman')!.flaws).toMatchObject({ noIncarnation: true, noQuorum: false });
    expect(mods.find((m) => m.name === 'dlm')!.opts!.bugs).toEqual({ noLvbInvalidate: true });
    const plain = resolveProtocol('dlm-lvb/ignore-valnotvalid').def.build({ ...input, variant: 'ignore-valnotvalid' }).stack(1) as unknown as typeof mods;
    expect(plain.find((m) => m.name === 'dlm')!.opts!.bugs).toEqual({});
  });
});
