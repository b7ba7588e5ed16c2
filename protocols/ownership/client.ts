// The client checker (always): what clients were told stays true. No chunk is allocated to two live
// allocations; an accepted metadata write never drops a chunk whose allocation was acknowledged (lost
// update); a passwd read is never torn (blocks of different versions) or stale (older than a write
// acknowledged before the read was sent); two acknowledged passwd writes never share a version.
import type { CheckerWorld, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { CLIENT_ACK, CLIENT_REQUEST } from '../workloads/options.ts';
import { isSnapshotRecord, usedChangeOf } from '../workloads/snapshot.ts';
import type { SnapshotRecord } from '../workloads/snapshot.ts';
import { resourceOfKey } from './effect.ts';
import { isKind } from './observations.ts';
import type { Typed } from './observations.ts';

export const CLIENT_CHECKER = 'ownership-client';

interface ChunkState {
  allocId: string;
  ackedAtUs: number;
  freeing: boolean;
}

/**
 * One resource's acknowledged chunks, indexed by chunk number, and a mirror of the last accepted
 * metadata record's `used` list (chunk → allocation id(s)), kept incrementally: `active` counts the
 * acknowledged chunks not being freed, `matched` those of them the mirror holds with their allocation
 * id. A write is checked by `matched === active`, after updating the mirror from the one chunk the
 * write changed (a full rebuild only when the record was not made from the last accepted one).
 */
interface ChunkTable {
  states: (ChunkState | undefined)[];
  active: number;
  /** Allocation id(s) of each chunk in the last accepted record (an array only if a record listed a chunk twice). */
  mirror: (string | string[] | undefined)[];
  /** The `used` list the mirror is of. */
  mirrorUsed: SnapshotRecord['used'] | undefined;
  matched: number;
}

const holds = (m: string | string[] | undefined, id: string): boolean =>
  m === id || (Array.isArray(m) && m.includes(id));

/** Is chunk c acknowledged, not being freed, and in the mirrored record with its allocation id? */
const isMatched = (t: ChunkTable, c: number): boolean => {
  const s = t.states[c];
  return s !== undefined && !s.freeing && holds(t.mirror[c], s.allocId);
};

/** Change the mirror's entry for chunk c, keeping `matched`. */
const setMirror = (t: ChunkTable, c: number, m: string | string[] | undefined): void => {
  if (isMatched(t, c)) t.matched--;
  t.mirror[c] = m;
  if (isMatched(t, c)) t.matched++;
};

const withId = (m: string | string[] | undefined, id: string): string | string[] =>
  m === undefined ? id : Array.isArray(m) ? [...m, id] : [m, id];

/** Mirror the record `used` (from scratch, or from the one change that made it from the mirrored list). */
function mirrorRecord(t: ChunkTable, used: SnapshotRecord['used']): void {
  if (used === t.mirrorUsed) return;
  const change = usedChangeOf(used);
  if (change !== undefined && change.base === t.mirrorUsed) {
    const c = change.chunk;
    const m = t.mirror[c];
    if (change.added) setMirror(t, c, withId(m, change.allocId));
    else if (m === change.allocId) setMirror(t, c, undefined);
    else if (Array.isArray(m)) {
      const rest = m.filter((id) => id !== change.allocId);
      setMirror(t, c, rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest);
    }
  } else {
    const old = t.mirrorUsed ?? [];
    for (let i = 0; i < old.length; i++) setMirror(t, old[i]![0], undefined);
    for (let i = 0; i < used.length; i++) {
      const e = used[i]!;
      setMirror(t, e[0], withId(t.mirror[e[0]], e[1]));
    }
  }
  t.mirrorUsed = used;
}

export function clientChecker(): WorldChecker {
  const chunks = new Map<string, ChunkTable>();
  /** passwd: highest acknowledged write version, and when. */
  let passwdAcked = 0;
  const passwdVersions = new Map<number, string>();
  /** pread request id → highest acknowledged version when it was first sent. */
  const readFloor = new Map<string, number>();
  let acks = 0;
  const table = (r: string): ChunkTable => {
    let t = chunks.get(r);
    if (t === undefined) chunks.set(r, (t = { states: [], active: 0, mirror: [], mirrorUsed: undefined, matched: 0 }));
    return t;
  };
  const put = (t: ChunkTable, c: number, s: ChunkState | undefined): void => {
    const old = t.states[c];
    if (old !== undefined && !old.freeing) t.active--;
    if (isMatched(t, c)) t.matched--;
    if (s !== undefined && !s.freeing) t.active++;
    t.states[c] = s;
    if (isMatched(t, c)) t.matched++;
  };
  const onRequest = (obs: Typed<'client-request'>): void => {
    const d = obs.data;
    if (d.op === 'pread') readFloor.set(d.id, passwdAcked);
    if (d.op === 'free' && d.chunk !== null) {
      const t = table(d.resource);
      const s = t.states[d.chunk];
      if (s !== undefined && s.allocId === d.allocId && !s.freeing) put(t, d.chunk, { ...s, freeing: true });
    }
  };
  const onAck = (obs: Typed<'client-ack'>, w: CheckerWorld): void => {
    acks++;
    const d = obs.data;
    const r = d.resource;
    if (d.op === 'alloc' && d.chunk !== null && d.allocId !== null) {
      const t = table(r);
      const c = d.chunk;
      const s = t.states[c];
      if (s !== undefined && s.allocId !== d.allocId && !s.freeing) {
        w.violate(`chunk ${c} of ${r} allocated twice: to request ${s.allocId} (acknowledged at ${s.ackedAtUs} µs) and to request ${d.id} (client n${obs.node})`);
      }
      put(t, c, { allocId: d.allocId, ackedAtUs: obs.atUs, freeing: false });
    } else if (d.op === 'free' && d.chunk !== null) {
      const t = table(r);
      const s = t.states[d.chunk];
      if (s !== undefined && s.allocId === d.allocId) put(t, d.chunk, undefined);
    } else if (d.op === 'pwrite') onPasswdWrite(obs, w);
    else if (d.op === 'pread') onPasswdRead(obs, w);
  };
  const onPasswdWrite = (obs: Typed<'client-ack'>, w: CheckerWorld): void => {
    const { id, version } = obs.data;
    if (version === null) return w.violate(`passwd write ${id} acknowledged without a version`);
    const other = passwdVersions.get(version);
    if (other !== undefined) w.violate(`lost passwd update: writes ${other} and ${id} were both acknowledged as version ${version}`);
    passwdVersions.set(version, id);
    passwdAcked = Math.max(passwdAcked, version);
  };
  const onPasswdRead = (obs: Typed<'client-ack'>, w: CheckerWorld): void => {
    const { id, versions } = obs.data;
    if (versions === null) return w.violate(`passwd read ${id} acknowledged without block versions`);
    const floor = readFloor.get(id) ?? 0;
    readFloor.delete(id);
    if (versions.some((v) => v !== versions[0])) {
      w.violate(`torn passwd read by n${obs.node} (request ${id}): blocks at versions ${versions.join(', ')}`);
    } else if ((versions[0] ?? 0) < floor) {
      w.violate(`stale passwd read by n${obs.node} (request ${id}): got version ${versions[0]}, but version ${floor} was acknowledged before the read was sent`);
    }
  };
  // Every acknowledged chunk not being freed must be in an accepted write with its allocation id: the
  // mirror of the accepted record follows each write from the one chunk it changed, and the counts
  // compare in O(1); the slow path only names the dropped chunk.
  const onWrite = (obs: Typed<'disk-write'>, w: CheckerWorld): void => {
    if (obs.data.ok !== true) return;
    const key = obs.data.key;
    const r = resourceOfKey(key);
    if (r === undefined || r === 'passwd' || key.length !== 5 + r.length) return; // meta/<r> only
    const rec = obs.data.value;
    if (!isSnapshotRecord(rec)) return w.violate(`n${obs.node}'s accepted write of ${key} is not a metadata record`);
    const t = table(r);
    mirrorRecord(t, rec.used);
    if (t.matched === t.active) return;
    for (let c = 0; c < t.states.length; c++) {
      const s = t.states[c];
      if (s === undefined || s.freeing || holds(t.mirror[c], s.allocId)) continue;
      w.violate(`lost update: n${obs.node}'s accepted write of ${key} (epoch ${rec.epoch}, seq ${rec.seq}) drops chunk ${c}, whose allocation ${s.allocId} was acknowledged at ${s.ackedAtUs} µs`);
      return; // the first one only
    }
  };
  return {
    name: CLIENT_CHECKER,
    kind: 'always',
    description: 'No chunk allocated twice, no lost update, no stale or torn passwd read.',
    observes: [CLIENT_REQUEST, CLIENT_ACK, 'disk-write'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (isKind(obs, CLIENT_REQUEST)) onRequest(obs);
      else if (isKind(obs, CLIENT_ACK)) onAck(obs, w);
      else if (isKind(obs, 'disk-write')) onWrite(obs, w);
    },
    metrics() {
      return { clientAcks: acks };
    },
  };
}

