// Argument validation at the caller, as fs/dlm's set_lock_args, validate_lock_args (the QUECVT table)
// and set_unlock_args: every refused combination completes with -EINVAL at once, sends nothing
// (no message, no accepted operation) and throws on no node; the accepted neighbours still work.
import { describe, expect, it } from 'vitest';
import { runCluster } from './harness.ts';
import type { World } from '../../sim/world.ts';
import { Status } from '../../protocols/dlm/index.ts';
import type { LockFlags, LockspaceHandle, ModeName } from '../../protocols/dlm/index.ts';
import { Mode, MODE_NAMES } from '../../protocols/dlm/modes.ts';
import { LKF } from '../../protocols/dlm/flags.ts';
import { lockCallRefusal, quecvtAllowed, unlockCallRefusal } from '../../protocols/dlm/validate.ts';

const { NL, CR, CW, PR, PW, EX } = Mode;

/** Every new-request combination set_lock_args refuses (mode, flags). */
const REFUSED_REQUESTS: [ModeName, LockFlags, string][] = [
  ['PR', { quecvt: true }, 'QUECVT on a new request'],
  ['NL', { quecvt: true }, 'QUECVT on a new request'],
  ['CW', { convDeadlk: true }, 'CONVDEADLK on a new request'],
  ['NL', { convDeadlk: true, noQueue: true }, 'CONVDEADLK on a new request'],
  ['PR', { expedite: true }, 'EXPEDITE on a mode other than NL'],
  ['EX', { expedite: true }, 'EXPEDITE on a mode other than NL'],
  ['NL', { expedite: true, noQueue: true }, 'EXPEDITE with NOQUEUE'],
];

/** Conversions set_lock_args refuses whatever the modes (granted mode, target, flags). */
const REFUSED_FLAG_CONVERSIONS: [ModeName, ModeName, LockFlags, string][] = [
  ['PR', 'EX', { convDeadlk: true, noQueue: true }, 'CONVDEADLK with NOQUEUE'],
  ['NL', 'NL', { expedite: true }, 'EXPEDITE on a conversion'],
  ['CR', 'NL', { expedite: true }, 'EXPEDITE on a conversion'],
  ['NL', 'EX', { expedite: true, quecvt: true }, 'EXPEDITE on a conversion'],
];

/** Every (granted, requested) pair of fs/dlm's QUECVT table, NL..EX; 1 = accepted. */
const QUECVT_TABLE: readonly (readonly number[])[] = [
  [0, 1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1, 1],
  [0, 0, 0, 1, 1, 1],
  [0, 0, 1, 0, 1, 1],
  [0, 0, 0, 0, 0, 1],
  [0, 0, 0, 0, 0, 0],
];

describe('the argument rules (pure)', () => {
  it('QUECVT is accepted exactly on the up-conversions and PR→CW', () => {
    for (let g = NL; g <= EX; g++) {
      for (let r = NL; r <= EX; r++) expect(quecvtAllowed(g as Mode, r as Mode), `${g}->${r}`).toBe(QUECVT_TABLE[g]![r] === 1);
    }
    expect(quecvtAllowed(PW, PW)).toBe(false);
    expect(quecvtAllowed(PW, PR)).toBe(false);
    expect(quecvtAllowed(EX, NL)).toBe(false);
    expect(quecvtAllowed(PR, CW)).toBe(true);
  });

  it('names the rule a refused call breaks, and accepts the legal neighbours', () => {
    expect(lockCallRefusal({ kind: 'request', mode: PR, flags: LKF.QUECVT })).toBe('QUECVT on a new request');
    expect(lockCallRefusal({ kind: 'request', mode: NL, flags: LKF.EXPEDITE })).toBeUndefined();
    expect(lockCallRefusal({ kind: 'request', mode: EX, flags: LKF.NOQUEUE | LKF.NOQUEUEBAST })).toBeUndefined();
    expect(lockCallRefusal({ kind: 'convert', grmode: CW, mode: PW, flags: LKF.CONVDEADLK | LKF.QUECVT })).toBeUndefined();
    expect(lockCallRefusal({ kind: 'convert', grmode: PW, mode: PW, flags: LKF.QUECVT })).toMatch(/QUECVT table/);
    expect(lockCallRefusal({ kind: 'convert', grmode: PR, mode: CR, flags: LKF.NOQUEUE })).toBeUndefined();
    expect(unlockCallRefusal(LKF.VALBLK | LKF.IVVALBLK)).toBeUndefined();
    expect(unlockCallRefusal(LKF.CANCEL | LKF.FORCEUNLOCK)).toBe('CANCEL with FORCEUNLOCK');
    expect(unlockCallRefusal(LKF.QUECVT)).toBe('a flag dlm_unlock does not take');
  });
});

interface Seen {
  status: number;
  sent: number;
  accepted: boolean;
}

/**
 * Node 2 makes each call on a resource node 1 masters: `call` returns the status; the count of network
 * messages sent by the call itself and whether the DLM accepted an operation ('dlm-op') are recorded.
 */
type Call = (ls: LockspaceHandle, res: string, sent: () => number) => Promise<{ status: number; sent: number }>;

/** The refused or accepted call alone, counted. */
const single = (f: (ls: LockspaceHandle, res: string) => Promise<number>): Call => async (ls, res, sent) => {
  const before = sent();
  const status = await f(ls, res);
  return { status, sent: sent() - before };
};

async function throughApi(calls: { name: string; call: Call }[]): Promise<{ seen: Map<string, Seen>; violations: string[]; refused: string[] }> {
  let world: World | undefined;
  const seen = new Map<string, Seen>();
  const ops: string[] = [];
  const refused: string[] = [];
  const { result } = await runCluster({
    onWorld: (w) => void (world = w),
    trace: (r) => {
      if (r.k === 'dlm-op' && r.node === 2) ops.push(String(r.res));
      if (r.k === 'dlm-refused') refused.push(`${r.op}: ${r.why}`);
    },
    scripts: {
      1: async (a) => {
        await a.ready();
        await a.sleep(500_000);
        for (const c of calls) await a.ls.lock(c.name, 'NL'); // node 1 masters every resource
        await a.sleep(60_000_000);
      },
      2: async (a) => {
        await a.ready();
        await a.sleep(1_500_000);
        for (const c of calls) {
          const opsBefore = ops.length;
          const { status, sent } = await c.call(a.ls, c.name, () => world!.messagesSent);
          seen.set(c.name, { status, sent, accepted: ops.slice(opsBefore).includes(c.name) });
          await a.sleep(50_000);
        }
      },
    },
  });
  return { seen, violations: result.violations.map((v) => `${v.checker}: ${v.message}`), refused };
}

describe('refused calls through the API: -EINVAL, nothing sent, nothing thrown anywhere', () => {
  it('new requests set_lock_args refuses (and the EXPEDITE NL request it accepts)', async () => {
    const calls = REFUSED_REQUESTS.map(([mode, flags], i) => ({
      name: `q${i}`,
      call: single(async (ls, res) => (await ls.lock(res, mode, { flags })).status),
    }));
    calls.push({ name: 'ok-expedite', call: single(async (ls, res) => {
      const lk = await ls.lock(res, 'NL', { flags: { expedite: true } });
      const status = lk.status;
      await lk.unlock();
      return status;
    }) });
    const { seen, violations, refused } = await throughApi(calls);
    expect(violations).toEqual([]);
    REFUSED_REQUESTS.forEach(([, , why], i) => {
      expect(seen.get(`q${i}`), `q${i}`).toEqual({ status: Status.EINVAL, sent: 0, accepted: false });
      expect(refused[i]).toBe(`request: ${why}`);
    });
    expect(seen.get('ok-expedite')).toMatchObject({ status: 0, accepted: true });
  });

  /** Take `gr`, then convert to `rq` with `flags`; unlock whatever is held. Returns the convert status. */
  const conversion = (gr: ModeName, rq: ModeName, flags: LockFlags): Call => async (ls, res, sent) => {
    const lk = await ls.lock(res, gr);
    const before = sent();
    const r = await lk.convert(rq, { flags });
    const n = sent() - before;
    if (lk.mode !== null) await lk.unlock();
    return { status: r.status, sent: n };
  };

  it('every conversion the QUECVT table refuses, and every one it accepts', async () => {
    const calls: { name: string; call: Call; ok: boolean }[] = [];
    for (let g = NL; g <= EX; g++) {
      for (let r = NL; r <= EX; r++) {
        calls.push({ name: `${MODE_NAMES[g]}-${MODE_NAMES[r]}`, call: conversion(MODE_NAMES[g]!, MODE_NAMES[r]!, { quecvt: true }), ok: QUECVT_TABLE[g]![r] === 1 });
      }
    }
    const { seen, violations } = await throughApi(calls);
    expect(violations).toEqual([]);
    for (const c of calls) {
      const s = seen.get(c.name)!;
      // The accepted ones are granted (nobody else holds these resources); the convert op was accepted.
      if (c.ok) expect(s.status, c.name).toBe(0);
      else expect({ status: s.status, sent: s.sent }, c.name).toEqual({ status: Status.EINVAL, sent: 0 });
    }
    expect(calls.filter((c) => !c.ok).length).toBe(36 - 16);
  });

  it('conversions set_lock_args refuses whatever the modes', async () => {
    const calls = REFUSED_FLAG_CONVERSIONS.map(([g, r, flags], i) => ({ name: `c${i}`, call: conversion(g, r, flags) }));
    calls.push({ name: 'ok-convdeadlk', call: conversion('PR', 'EX', { convDeadlk: true }) });
    const { seen, violations, refused } = await throughApi(calls);
    expect(violations).toEqual([]);
    REFUSED_FLAG_CONVERSIONS.forEach(([, , , why], i) => {
      expect(seen.get(`c${i}`)!.status, `c${i}`).toBe(Status.EINVAL);
      expect(seen.get(`c${i}`)!.sent, `c${i}`).toBe(0);
      expect(refused).toContain(`convert: ${why}`);
    });
    expect(seen.get('ok-convdeadlk')!.status).toBe(0);
  });

  it('the AST form refuses at once too: the handle carries -EINVAL and no AST fires', async () => {
    const asts: number[] = [];
    const { seen, violations } = await throughApi([{
      name: 'ast',
      call: single(async (ls, res) => ls.lockAst(res, 'PW', { flags: { expedite: true }, ast: (r) => void asts.push(r.status) }).status),
    }]);
    expect(violations).toEqual([]);
    expect(seen.get('ast')).toEqual({ status: Status.EINVAL, sent: 0, accepted: false });
    expect(asts).toEqual([]);
  });
});
