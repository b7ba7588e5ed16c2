// Model-based test (fast-check commands) of one resource's lock table against a small reference
// model of the grant rules (conversions first, head of queue, NOQUEUE, conversion deadlock → -EDEADLK)
// and the LVB rules (read on grant/up-conversion, write from PW/EX down or on unlock, seq + 1).
// Also the callback queue's ordering, bast de-duplication and holding.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Mode, compatible } from '../../protocols/dlm/modes.ts';
import { LKF, Status } from '../../protocols/dlm/flags.ts';
import { Resource, newLkb } from '../../protocols/dlm/resource.ts';
import type { Effect, Lkb } from '../../protocols/dlm/resource.ts';
import { lvbOpOnGrant } from '../../protocols/dlm/lvb.ts';
import { CallbackQueue } from '../../protocols/dlm/callbacks.ts';

const SIZE = 8;
const val = (n: number): string => (n & 0xff).toString(16).padStart(2, '0').repeat(SIZE);

interface MLock { id: number; gr: Mode; rq: Mode; q: 'grant' | 'convert' | 'wait'; lvb: string; seq: number; wlvb: string }
interface Model { locks: MLock[]; lvb: string; seq: number; casts: [number, number, string?, number?][]; nextVal: number }
interface Real { r: Resource; lkbs: Map<number, Lkb>; casts: [number, number, string?, number?][]; nextId: number }

const q = (m: Model, name: MLock['q']): MLock[] => m.locks.filter((l) => l.q === name);
function conflictsOthers(m: Model, l: MLock, mode: Mode): boolean {
  return m.locks.some((o) => o !== l && (o.q === 'grant' || o.q === 'convert') && !compatible(o.gr, mode));
}
function grantModel(m: Model, l: MLock): void {
  const op = lvbOpOnGrant(l.gr, l.rq);
  l.gr = l.rq;
  l.rq = Mode.IV;
  m.locks.splice(m.locks.indexOf(l), 1);
  l.q = 'grant';
  m.locks.push(l);
  if (op === 'read') {
    l.lvb = m.lvb;
    l.seq = m.seq;
    m.casts.push([l.id, 0, m.lvb, m.seq]);
  } else {
    if (op === 'write') {
      m.lvb = l.wlvb;
      m.seq++;
      l.seq = m.seq;
    }
    m.casts.push([l.id, 0]);
  }
}
function grantPassModel(m: Model): void {
  for (;;) {
    const head = q(m, 'convert')[0];
    if (head !== undefined && !conflictsOthers(m, head, head.rq)) {
      grantModel(m, head);
      continue;
    }
    const w = q(m, 'wait')[0];
    if (q(m, 'convert').length === 0 && w !== undefined && !conflictsOthers(m, w, w.rq)) {
      grantModel(m, w);
      continue;
    }
    return;
  }
}
// fs/dlm conversion_deadlock_detect: a conversion ahead of l that l's granted mode blocks, or one
// behind it blocked both ways.
function deadlockModel(m: Model, l: MLock, rq: Mode): boolean {
  const conv = q(m, 'convert');
  const at = conv.indexOf(l);
  return conv.some((o, i) => o !== l && !compatible(l.gr, o.rq) && (at < 0 || i < at || !compatible(o.gr, rq)));
}

function castsOf(e: Effect[]): [number, number, string?, number?][] {
  return e.filter((x): x is Extract<Effect, { kind: 'cast' }> => x.kind === 'cast')
    .map((c) => (c.read ? [c.lkb.id, c.status, c.lvb, c.lvbseq] : [c.lkb.id, c.status]));
}

type Cmd = fc.Command<Model, Real>;
const mode = fc.integer({ min: 0, max: 5 }) as fc.Arbitrary<Mode>;

class RequestCmd implements Cmd {
  constructor(readonly mode: Mode, readonly noQueue: boolean) {}
  check(): boolean { return true; }
  run(m: Model, r: Real): void {
    const id = r.nextId++;
    const l: MLock = { id, gr: Mode.IV, rq: this.mode, q: 'wait', lvb: val(0), seq: 0, wlvb: val(0) };
    const canNow = q(m, 'convert').length === 0 && q(m, 'wait').length === 0 && !conflictsOthers(m, l, this.mode);
    if (canNow) {
      m.locks.push(l);
      grantModel(m, l);
    } else if (this.noQueue) m.casts.push([id, Status.EAGAIN]);
    else m.locks.push(l);
    const lkb = newLkb(id, 1, this.mode, LKF.VALBLK | (this.noQueue ? LKF.NOQUEUE : 0), SIZE);
    r.lkbs.set(id, lkb);
    r.r.request(lkb);
    r.casts.push(...castsOf(r.r.drain()));
  }
  toString(): string { return `request(${this.mode}${this.noQueue ? ',NOQUEUE' : ''})`; }
}

class ConvertCmd implements Cmd {
  constructor(readonly pick: number, readonly mode: Mode) {}
  check(m: Model): boolean { return q(m, 'grant').length > 0; }
  run(m: Model, r: Real): void {
    const g = q(m, 'grant');
    const l = g[this.pick % g.length]!;
    const v = m.nextVal++;
    l.wlvb = val(v);
    l.rq = this.mode;
    if (!conflictsOthers(m, l, this.mode)) {
      grantModel(m, l);
      grantPassModel(m);
    } else if (deadlockModel(m, l, this.mode)) {
      l.rq = Mode.IV;
      m.casts.push([l.id, Status.EDEADLK]);
    } else {
      m.locks.splice(m.locks.indexOf(l), 1);
      l.q = 'convert';
      m.locks.push(l);
    }
    r.r.convert(r.lkbs.get(l.id)!, this.mode, LKF.VALBLK, val(v));
    r.casts.push(...castsOf(r.r.drain()));
  }
  toString(): string { return `convert(#${this.pick}→${this.mode})`; }
}

class UnlockCmd implements Cmd {
  constructor(readonly pick: number) {}
  check(m: Model): boolean { return q(m, 'grant').length > 0; }
  run(m: Model, r: Real): void {
    const g = q(m, 'grant');
    const l = g[this.pick % g.length]!;
    const v = m.nextVal++;
    if (l.gr >= Mode.PW) {
      m.lvb = val(v);
      m.seq++;
    }
    m.locks.splice(m.locks.indexOf(l), 1);
    m.casts.push([l.id, Status.EUNLOCK]);
    grantPassModel(m);
    r.r.unlock(r.lkbs.get(l.id)!, LKF.VALBLK, val(v));
    r.casts.push(...castsOf(r.r.drain()));
  }
  toString(): string { return `unlock(#${this.pick})`; }
}

class CancelCmd implements Cmd {
  constructor(readonly pick: number) {}
  check(m: Model): boolean { return m.locks.some((l) => l.q !== 'grant'); }
  run(m: Model, r: Real): void {
    const pending = m.locks.filter((l) => l.q !== 'grant');
    const l = pending[this.pick % pending.length]!;
    m.locks.splice(m.locks.indexOf(l), 1);
    if (l.q === 'convert') {
      l.rq = Mode.IV;
      l.q = 'grant';
      m.locks.push(l);
    }
    m.casts.push([l.id, Status.ECANCEL]);
    grantPassModel(m);
    r.r.cancel(r.lkbs.get(l.id)!);
    r.casts.push(...castsOf(r.r.drain()));
  }
  toString(): string { return `cancel(#${this.pick})`; }
}

function compare(m: Model, r: Real): void {
  const show = (ls: { id: number; grmode?: Mode; gr?: Mode }[]) => ls.map((l) => `${l.id}:${l.grmode ?? l.gr}`);
  expect(show(r.r.grantQueue)).toEqual(show(q(m, 'grant')));
  expect(r.r.convertQueue.map((l) => `${l.id}:${l.rqmode}`)).toEqual(q(m, 'convert').map((l) => `${l.id}:${l.rq}`));
  expect(r.r.waitQueue.map((l) => l.id)).toEqual(q(m, 'wait').map((l) => l.id));
  expect(r.casts).toEqual(m.casts);
  expect([r.r.lvb, r.r.lvbseq]).toEqual([m.lvb, m.seq]);
}

describe('lock table vs reference model', () => {
  it('agrees on queues, completions and the LVB for random operation sequences', () => {
    const request = fc.tuple(mode, fc.nat(9)).map(([md, nq]) => new RequestCmd(md, nq === 0) as Cmd);
    const cmds = [
      request, request, request,
      fc.tuple(fc.nat(7), mode).map(([p, md]) => new ConvertCmd(p, md) as Cmd),
      fc.tuple(fc.nat(7), mode).map(([p, md]) => new ConvertCmd(p, md) as Cmd),
      fc.nat(7).map((p) => new UnlockCmd(p) as Cmd),
      fc.nat(7).map((p) => new CancelCmd(p) as Cmd),
    ];
    fc.assert(fc.property(fc.commands(cmds, { maxCommands: 60, size: 'large' }), (seq) => {
      const setup = (): { model: Model; real: Real } => ({
        model: { locks: [], lvb: val(0), seq: 0, casts: [], nextVal: 1 },
        real: { r: new Resource('m', SIZE), lkbs: new Map(), casts: [], nextId: 1 },
      });
      fc.modelRun(setup, [...seq].map((c) => wrapCompare(c)));
    }), { numRuns: 300, seed: 42 });
  });
});

function wrapCompare(c: Cmd): Cmd {
  return {
    check: (m) => c.check(m),
    run: (m, r) => {
      c.run(m, r);
      compare(m, r);
    },
    toString: () => c.toString(),
  };
}

describe('callback queue', () => {
  const cast = (mode: Mode, opId: number) => ({ kind: 'cast' as const, status: 0, sbflags: 0, mode, lvb: undefined, lvbseq: 0, opId });
  it('delivers in order, drops a bast compatible with the latest completion or repeating the one before it', () => {
    const qd = new CallbackQueue();
    qd.push(cast(Mode.PR, 1));
    expect(qd.push({ kind: 'bast', mode: Mode.CR })).toBe(false); // CR is compatible with PR
    expect(qd.push({ kind: 'bast', mode: Mode.EX })).toBe(true);
    expect(qd.push({ kind: 'bast', mode: Mode.EX })).toBe(false); // repeats the one before
    qd.push(cast(Mode.NL, 2));
    expect(qd.push({ kind: 'bast', mode: Mode.EX })).toBe(false); // compatible with NL now
    const out: string[] = [];
    qd.flush((cb) => out.push(cb.kind === 'cast' ? `cast${cb.opId}` : `bast${cb.mode}`));
    expect(out).toEqual(['cast1', 'bast5', 'cast2']);
    expect(qd.dropped).toBe(3);
  });
  it('holds callbacks until flushed (recovery holds them back, never loses them)', () => {
    const qd = new CallbackQueue();
    qd.push(cast(Mode.EX, 1));
    qd.push({ kind: 'bast', mode: Mode.PR });
    expect(qd.length).toBe(2);
    const out: number[] = [];
    qd.flush((cb) => out.push(cb.kind === 'cast' ? cb.opId : -1));
    expect(out).toEqual([1, -1]);
    expect(qd.length).toBe(0);
  });
});
