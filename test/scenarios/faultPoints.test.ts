// Fault points cannot go stale: every ctx.faultPoint('…') in protocol code is declared, every
// declared point is in the code, and every point a protocol declares is reached by a library run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, resolveProtocol } from '../../protocols/index.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { loadScenario } from '../../scenarios/load.ts';

const ROOT = new URL('../../protocols/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const used = new Set(sources(ROOT).flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/faultPoint\('([^']+)'\)/g)].map((m) => m[1]!)));
const declared = new Set(PROTOCOLS.flatMap((p) => (p.faultPoints ?? []).map((x) => x.name)));

describe('fault points', () => {
  it('every point in the code is declared, and every declared point is in the code', () => {
    expect([...used].sort()).toEqual([...declared].sort());
  });

  it('the DLM, membership and each ownership protocol have points (claim, publish, hand-over …)', () => {
    for (const prefix of ['dlm.', 'cman.', 'sm.', 'fence.', 'dlm-lvb.', 'oldest-member.', 'lease.']) {
      expect([...declared].some((n) => n.startsWith(prefix)), prefix).toBe(true);
    }
  });

  it.each([
    ['cman', ['membership-partition-3-2']],
    ['dlm', ['dlm-master-loss']],
    ['dlm-lvb', ['ownership-owner-crash']],
    ['oldest-member', ['ownership-owner-crash', 'ownership-rejoin-rebalance']],
    ['lease', ['ownership-paused-owner-by-role']],
  ] as const)('every point %s declares is reached by %j', async (protocol, scenarios) => {
    const hit = new Set<string>();
    for (const s of scenarios) {
      const r = await simulate(loadScenario(s).scenario, { seed: 1, protocol });
      for (const p of r.faultPoints) if (p.hits > 0) hit.add(p.name);
    }
    const missing = resolveProtocol(protocol).def.faultPoints!.map((p) => p.name).filter((n) => !hit.has(n));
    expect(missing).toEqual([]);
  });
});
