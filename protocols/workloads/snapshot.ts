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

const EMPTY: SnapshotRecord = { epoch: null, owner: 0, seq: 0, used: [] };

/** Read the record, apply `op`, write it back; `done` gets the result or why the storage refused. */
export function runSnapshotOp(env: OpEnv, op: Op, reqId: string, chunks: number, done: (o: OpOutcome) => void): void {
  const key = metaKey(op.resource);
  env.ctx.disk.read(key, (r) => {
    const cur = (r.value as SnapshotRecord | undefined) ?? EMPTY;
    const { next, result } = apply(cur, op, reqId, chunks);
    const rec: SnapshotRecord = { ...next, epoch: env.stamp.epoch, owner: env.stamp.owner, seq: cur.seq + 1 };
    env.ctx.disk.write(key, rec, (w) => done(w.ok ? { ok: true, result } : { ok: false, reason: w.reason ?? 'refused' }), env.writeOpts);
  });
}

function apply(cur: SnapshotRecord, op: Op, reqId: string, chunks: number): { next: SnapshotRecord; result: OpResult } {
  if (op.kind === 'alloc') {
    const mine = cur.used.find(([, id]) => id === reqId);
    if (mine !== undefined) return { next: cur, result: { chunk: mine[0] } };
    const chunk = lowestFree(cur.used, chunks);
    if (chunk < 0) return { next: cur, result: { full: true } };
    const used = [...cur.used, [chunk, reqId] as const].sort((a, b) => a[0] - b[0]);
    return { next: { ...cur, used }, result: { chunk } };
  }
  if (op.kind === 'free') {
    const used = cur.used.filter(([c, id]) => !(c === op.chunk && id === op.allocId));
    return { next: { ...cur, used }, result: { chunk: op.chunk! } };
  }
  throw new Error(`snapshot store asked to run a ${op.kind} operation`);
}

function lowestFree(used: readonly (readonly [number, string])[], chunks: number): number {
  let want = 0;
  for (const [c] of used) {
    if (c > want) break;
    if (c === want) want++;
  }
  return want < chunks ? want : -1;
}

/** The chunks a record holds (for checkers). */
export function usedChunks(rec: SnapshotRecord | undefined): Map<number, string> {
  return new Map((rec?.used ?? []).map(([c, id]) => [c, id]));
}
