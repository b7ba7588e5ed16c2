// The snapshot-metadata workload's server side: one chunk-allocation record per snapshot store on the
// shared disk, changed by read-modify-write (Phillips' cluster snapshot server). Allocation is
// idempotent per request id, and a free names the allocation it undoes, so client retries are safe.
import type { Op, OpResult } from './options.ts';
import type { OpEnv, OpOutcome } from './opEnv.ts';
import { metaKey } from '../ownership/api.ts';

/** The on-disk record. Values on the disk are never mutated: each write stores a new object. */
export interface SnapshotRecord {
  epoch: number | null;
  owner: number;
  /** Number of changes applied (detects a write based on a stale read). */
  seq: number;
  /** Allocated chunks, ascending, with the id of the request that allocated each. */
  used: readonly (readonly [number, string])[];
}

/** Is `v` (a value read back from the shared disk) a metadata record? */
export function isSnapshotRecord(v: unknown): v is SnapshotRecord {
  return typeof v === 'object' && v !== null && 'used' in v && Array.isArray(v.used) && 'seq' in v && typeof v.seq === 'number';
}

/** How a `used` list was made from another: one chunk added or removed (`added` false: every entry equal to it removed). */
export interface UsedChange {
  base: SnapshotRecord['used'];
  chunk: number;
  allocId: string;
  added: boolean;
}

/**
 * Each `used` list this workload builds → the list it was built from and the one entry it changed, so
 * a checker can follow a record from the one chunk a write changed instead of rescanning it. Keyed
 * weakly by the list itself (no field on the disk value, nothing kept alive, no order to depend on).
 */
const derived = new WeakMap<SnapshotRecord['used'], UsedChange>();

/** The change that made `used` from another list, if this workload built it by one alloc or free. */
export function usedChangeOf(used: SnapshotRecord['used']): UsedChange | undefined {
  return derived.get(used);
}

const EMPTY: SnapshotRecord = { epoch: null, owner: 0, seq: 0, used: [] };

/** Read the record, apply `op`, write it back; `done` gets the result or why the storage refused. */
export function runSnapshotOp(env: OpEnv, op: Op, reqId: string, chunks: number, done: (o: OpOutcome) => void): void {
  const key = metaKey(op.resource);
  env.ctx.disk.read(key, (r) => {
    const cur = (r.value as SnapshotRecord | undefined) ?? EMPTY;
    const { used, result } = apply(cur, op, reqId, chunks);
    const rec: SnapshotRecord = { epoch: env.stamp.epoch, owner: env.stamp.owner, seq: cur.seq + 1, used };
    env.ctx.disk.write(key, rec, (w) => done(w.ok ? { ok: true, result } : { ok: false, reason: w.reason ?? 'refused' }), env.writeOpts);
  });
}

// Index loops, not find/filter/sort with callbacks: this runs once per metadata request.
function apply(cur: SnapshotRecord, op: Op, reqId: string, chunks: number): { used: SnapshotRecord['used']; result: OpResult } {
  const used = cur.used;
  if (op.kind === 'alloc') {
    for (let i = 0; i < used.length; i++) if (used[i]![1] === reqId) return { used, result: { chunk: used[i]![0] } };
    // The lowest free chunk, and where it goes to keep `used` ascending.
    let want = 0;
    let at = used.length;
    for (let i = 0; i < used.length; i++) {
      const c = used[i]![0];
      if (c > want) {
        at = i;
        break;
      }
      if (c === want) want++;
    }
    if (want >= chunks) return { used, result: { full: true } };
    const next = used.slice(0, at);
    next.push([want, reqId]);
    for (let i = at; i < used.length; i++) next.push(used[i]!);
    derived.set(next, { base: used, chunk: want, allocId: reqId, added: true });
    return { used: next, result: { chunk: want } };
  }
  if (op.kind === 'free') {
    const next: (readonly [number, string])[] = [];
    for (let i = 0; i < used.length; i++) {
      const e = used[i]!;
      if (!(e[0] === op.chunk && e[1] === op.allocId)) next.push(e);
    }
    derived.set(next, { base: used, chunk: op.chunk!, allocId: op.allocId!, added: false });
    return { used: next, result: { chunk: op.chunk! } };
  }
  throw new Error(`snapshot store asked to run a ${op.kind} operation`);
}

/** The chunks a record holds (for checkers). */
export function usedChunks(rec: SnapshotRecord | undefined): Map<number, string> {
  return new Map((rec?.used ?? []).map(([c, id]) => [c, id]));
}
