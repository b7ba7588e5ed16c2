// The snapshot-metadata workload's record: one chunk-allocation record per snapshot store on the
// shared disk, changed by read-modify-write (Phillips' cluster snapshot server). Allocation is
// idempotent per request id, and a free names the allocation it undoes, so client retries are safe.
import type { DiskKey } from '../../sim/types.ts';
import type { Op, OpResult } from './options.ts';
import type { OpEnv } from './opEnv.ts';
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

/** The disk key of a snapshot store's record. */
export function snapshotKey(resource: string): DiskKey<SnapshotRecord> {
  return metaKey(resource);
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
 * The most recent `used` lists this workload built, each with the list it was built from and the one
 * entry it changed, so a checker can follow a record from the one chunk a write changed instead of
 * rescanning it. A small ring searched by identity, newest first: no field on the disk value, no
 * hashing, and nothing kept beyond the last RECENT lists (a list built from is read back from the disk,
 * so its own write was observed already; a list that fell out of the ring is rescanned by the checker).
 */
const RECENT = 16;
const recentUsed: (SnapshotRecord['used'] | undefined)[] = new Array<SnapshotRecord['used'] | undefined>(RECENT).fill(undefined);
const recentChange: (UsedChange | undefined)[] = new Array<UsedChange | undefined>(RECENT).fill(undefined);
let recentNext = 0;

/** The change that made `used` from another list, if this workload built it recently by one alloc or free. */
export function usedChangeOf(used: SnapshotRecord['used']): UsedChange | undefined {
  for (let k = 1; k <= RECENT; k++) {
    const i = (recentNext - k) & (RECENT - 1);
    if (recentUsed[i] === used) return recentChange[i];
  }
  return undefined;
}

const EMPTY: SnapshotRecord = { epoch: null, owner: 0, seq: 0, used: [] };

/** A record `cur` with `op` applied, stamped with the writer's epoch and node, and what the client is told. */
export function snapshotNext(cur: SnapshotRecord | undefined, op: Op, reqId: string, chunks: number, stamp: OpEnv['stamp']): { rec: SnapshotRecord; result: OpResult } {
  const base = cur ?? EMPTY;
  const { used, result } = apply(base, op, reqId, chunks);
  return { rec: { epoch: stamp.epoch, owner: stamp.owner, seq: base.seq + 1, used }, result };
}

/** Note that `next` was made from `base` by adding or removing one entry. */
function derive(next: SnapshotRecord['used'], base: SnapshotRecord['used'], chunk: number, allocId: string, added: boolean): void {
  const i = recentNext;
  recentNext = (i + 1) & (RECENT - 1);
  recentUsed[i] = next;
  recentChange[i] = { base, chunk, allocId, added };
}

// Index loops, not find/filter/sort with callbacks: this runs once per metadata request.
function apply(cur: SnapshotRecord, op: Op, reqId: string, chunks: number): { used: SnapshotRecord['used']; result: OpResult } {
  const used = cur.used;
  if (op.kind === 'alloc') {
    // A retry of a request that already allocated gets the same chunk. Ids are compared by their last
    // character first: distinct ids of equal length would otherwise be compared character by character.
    const last = reqId.charCodeAt(reqId.length - 1);
    for (let i = 0; i < used.length; i++) {
      const id = used[i]![1];
      if (id.charCodeAt(id.length - 1) === last && id === reqId) return { used, result: { chunk: used[i]![0] } };
    }
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
    derive(next, used, want, reqId, true);
    return { used: next, result: { chunk: want } };
  }
  if (op.kind === 'free') {
    const next: (readonly [number, string])[] = [];
    for (let i = 0; i < used.length; i++) {
      const e = used[i]!;
      if (!(e[0] === op.chunk && e[1] === op.allocId)) next.push(e);
    }
    derive(next, used, op.chunk!, op.allocId!, false);
    return { used: next, result: { chunk: op.chunk! } };
  }
  throw new Error(`snapshot store asked to run a ${op.kind} operation`);
}

/** The chunks a record holds (for checkers). */
export function usedChunks(rec: SnapshotRecord | undefined): Map<number, string> {
  return new Map((rec?.used ?? []).map(([c, id]) => [c, id]));
}
