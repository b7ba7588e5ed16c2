// CONVDEADLK demotion reaches the lock's owner (fs/dlm's convert reply with DEMOTED; munge_demoted),
// so a master rebuilt after the old one dies holds compatible granted modes. The minimal case from
// differential testing: 3 nodes, 'r' mastered on node 1; node 1 NL; node 2 CW (A) and NL (B);
// B NL→PR queued behind A; A CW→PW with CONVDEADLK and QUECVT: the master demotes A to NL, grants
// B PR and queues A as NL→PW; then node 1 dies.
import { describe, expect, it } from 'vitest';
import { runCluster } from './harness.ts';
import type { AppCtx } from './harness.ts';
import type { LockResult } from '../../protocols/dlm/index.ts';
import { Status } from '../../protocols/dlm/index.ts';

const BASE_US = 3_000_000;
const CRASH_US = BASE_US + 2_000_000;

async function at(a: AppCtx, us: number): Promise<void> {
  await a.ready();
  const now = a.ctx.now();
  if (BASE_US + us > now) await a.sleep(BASE_US + us - now);
}

interface Outcome {
  log: string[];
  checkers: string[];
  messages: string[];
}

async function minimalCase(variant?: string): Promise<Outcome> {
  const log: string[] = [];
  const { result } = await runCluster({
    nodes: 3,
    durationUs: 20_000_000,
    ...(variant !== undefined ? { variant } : {}),
    faults: [{ kind: 'crash', atUs: CRASH_US, node: 1, durationUs: 30_000_000 }],
    scripts: {
      1: async (a) => {
        await at(a, 500_000);
        await a.ls.lock('r', 'NL'); // node 1 masters 'r'
        await a.sleep(60_000_000);
      },
      2: async (a) => {
        await at(a, 700_000);
        const A = await a.ls.lock('r', 'CW');
        const B = await a.ls.lock('r', 'NL');
        const pb = B.convert('PR'); // queued behind A's CW
        await a.sleep(100_000);
        log.push(`A ${A.mode}`);
        const pa = A.convert('PW', { flags: { convDeadlk: true, quecvt: true } });
        const b: LockResult = await pb;
        log.push(`B ${b.status} ${b.mode}`);
        await a.sleep(100_000);
        log.push(`A before crash ${A.mode} busy ${A.busy}`);
        await a.sleep(CRASH_US + 4_000_000 - a.ctx.now()); // the master is gone, recovery done
        await B.unlock();
        const r = await pa;
        log.push(`A ${r.status} ${r.mode} demoted ${r.flags.demoted}`);
        if (r.status === Status.OK) await A.unlock();
      },
    },
  });
  return { log, checkers: result.violations.map((v) => v.checker), messages: result.violations.map((v) => v.message) };
}

describe('CONVDEADLK demotion after the master dies', () => {
  it('with the demote reply: the copy takes NL, the rebuilt master is consistent, A completes DEMOTED', async () => {
    const o = await minimalCase();
    expect(o.messages).toEqual([]);
    expect(o.log).toEqual(['A CW', 'B 0 PR', 'A before crash NL busy true', 'A 0 PW demoted true']);
  });

  it('dlm/no-demote-reply (the old behaviour): the rebuilt master holds CW and PR, and dlm-compat fires', async () => {
    const o = await minimalCase('no-demote-reply');
    expect(o.checkers).toContain('dlm-compat');
    expect(o.messages.find((m) => m.includes('rebuilt'))).toMatch(/rebuilt t\/r with lock \d+ of node 2 holding (CW|PR)/);
  });
});
