// Scripted DLM cases shared by the regression and negative tests: each runs the correct DLM or a
// flawed variant on the same script and reports what happened and which checkers fired.
import { runCluster, bytes } from './harness.ts';
import type { AppCtx } from './harness.ts';
import { Status } from '../../protocols/dlm/index.ts';
import type { LockResult, LostLvbSignal } from '../../protocols/dlm/index.ts';

export const BASE_US = 3_000_000;

/**
 * Wait until the node is a member and the time is `us`: below BASE_US it counts from BASE_US (the
 * cluster has formed by then), from BASE_US on it is absolute.
 */
export async function at(a: AppCtx, us: number): Promise<void> {
  await a.ready();
  const target = us < BASE_US ? BASE_US + us : us;
  if (target > a.ctx.now()) await a.sleep(target - a.ctx.now());
}

export interface Outcome {
  log: string[];
  checkers: string[];
  messages: string[];
}

async function outcome(log: string[], run: ReturnType<typeof runCluster>): Promise<Outcome> {
  const { result } = await run;
  return { log, checkers: result.violations.map((v) => v.checker), messages: result.violations.map((v) => v.message) };
}

export const CRASH_US = BASE_US + 2_000_000;

/**
 * The CONVDEADLK minimal case: 3 nodes, 'r' mastered on node 1; node 1 NL; node 2 CW (A) and NL (B);
 * B NL→PR queued behind A; A CW→PW with CONVDEADLK and QUECVT (the master demotes A to NL, grants
 * B PR, queues A as NL→PW); node 1 dies; then B unlocks and A completes.
 */
export function convDeadlkMasterDies(variant?: string): Promise<Outcome> {
  const log: string[] = [];
  return outcome(log, runCluster({
    nodes: 3,
    durationUs: 20_000_000,
    ...(variant !== undefined ? { variant } : {}),
    faults: [{ kind: 'crash', atUs: CRASH_US, node: 1, durationUs: 30_000_000 }],
    scripts: {
      1: async (a) => {
        if (a.ctx.incarnation > 1) return;
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
  }));
}

/** Node 2 converts EX→EX with IVVALBLK (a write that invalidates); node 3 reads afterwards. */
export function ivValBlkConversion(variant?: string): Promise<Outcome> {
  const log: string[] = [];
  return outcome(log, runCluster({
    ...(variant !== undefined ? { variant } : {}),
    scripts: {
      1: async (a) => {
        await at(a, 500_000);
        await a.ls.lock('v', 'NL');
      },
      2: async (a) => {
        await at(a, 700_000);
        const lk = await a.ls.lock('v', 'EX', { valueBlock: true });
        lk.valueBlock = bytes(4);
        const c = await lk.convert('EX', { flags: { ivValBlk: true } });
        log.push(`own ${c.status} vnv ${c.flags.valNotValid}`);
        await lk.convert('PR', { valueBlock: false }); // a down-conversion that writes nothing
        await a.sleep(300_000);
        await lk.unlock();
      },
      3: async (a) => {
        await at(a, 1_500_000);
        const r = await a.ls.lock('v', 'PR', { valueBlock: true });
        log.push(`later read vnv ${r.flags.valNotValid}`);
        await r.unlock();
      },
    },
  }));
}

/**
 * Node 2 asks for EX with ALTPR while node 3 holds PR: granted PR with ALTMODE. It converts PR→NL
 * (at once) and NL→CR (an ordinary conversion, whose completion must carry no ALTMODE).
 */
export function altModeThenConvert(variant?: string): Promise<Outcome> {
  const log: string[] = [];
  return outcome(log, runCluster({
    ...(variant !== undefined ? { variant } : {}),
    scripts: {
      1: async (a) => {
        await at(a, 500_000);
        await a.ls.lock('m', 'NL'); // node 1 masters 'm'
      },
      3: async (a) => {
        await at(a, 600_000);
        const pr = await a.ls.lock('m', 'PR');
        await a.sleep(2_000_000);
        await pr.unlock();
      },
      2: async (a) => {
        await at(a, 800_000);
        const lk = await a.ls.lock('m', 'EX', { flags: { altPr: true } });
        log.push(`alt ${lk.status} ${lk.mode} altMode ${lk.flags.altMode}`);
        await lk.convert('NL');
        const c = await lk.convert('CR');
        log.push(`convert ${c.status} ${c.mode} altMode ${c.flags.altMode}`);
        await lk.unlock();
      },
    },
  }));
}

/** Node 2 holds EX (mastered on node 1) and converts down to NL, then holds it to the end. */
export function downConversionHeld(variant?: string): Promise<Outcome> {
  const log: string[] = [];
  return outcome(log, runCluster({
    ...(variant !== undefined ? { variant } : {}),
    scripts: {
      1: async (a) => {
        await at(a, 500_000);
        await a.ls.lock('d', 'NL');
        await a.sleep(60_000_000);
      },
      2: async (a) => {
        await at(a, 700_000);
        const lk = await a.ls.lock('d', 'EX');
        const c = await lk.convert('NL');
        log.push(`down ${c.status} ${c.mode}`);
        await a.sleep(60_000_000);
      },
    },
  }));
}

/** Node 3, an EX value-block holder of 'v' (mastered on node 1), writes 5 and dies; 4 reads, 5 writes 9. */
export async function holderDies(lostLvb: LostLvbSignal, variant?: string): Promise<{ log: string[]; checkers: string[] }> {
  const log: string[] = [];
  const { result } = await runCluster({
    lostLvb,
    ...(variant !== undefined ? { variant } : {}),
    faults: [{ kind: 'crash', atUs: CRASH_US, node: 3, durationUs: 20_000_000 }],
    scripts: {
      1: async (a) => {
        await at(a, 1_000_000);
        await a.ls.lock('v', 'NL');
      },
      3: async (a) => {
        if (a.ctx.incarnation > 1) return;
        await at(a, 1_200_000);
        const lk = await a.ls.lock('v', 'EX', { valueBlock: true });
        lk.valueBlock = bytes(5);
        await lk.convert('PW');
        await lk.convert('EX');
        await a.sleep(60_000_000);
      },
      4: async (a) => {
        await at(a, 1_500_000);
        const r = await a.ls.lock('v', 'PR', { valueBlock: true });
        log.push(`read1 vnv=${r.flags.valNotValid} v=${r.valueBlock![0]} seq=${r.lvbSeq}`);
        await r.unlock();
        await at(a, BASE_US + 6_000_000);
        const r2 = await a.ls.lock('v', 'PR', { valueBlock: true });
        log.push(`read2 vnv=${r2.flags.valNotValid} v=${r2.valueBlock![0]} seq=${r2.lvbSeq}`);
        await r2.unlock();
      },
      5: async (a) => {
        await at(a, BASE_US + 5_000_000);
        const w = await a.ls.lock('v', 'EX', { valueBlock: true });
        log.push(`writer vnv=${w.flags.valNotValid} v=${w.valueBlock![0]}`);
        w.valueBlock = bytes(9);
        await w.unlock();
      },
    },
  });
  return { log, checkers: result.violations.map((v) => v.checker) };
}
