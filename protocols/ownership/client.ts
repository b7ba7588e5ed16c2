// The client checker (always): what clients were told stays true. No chunk is allocated to two live
// allocations; an accepted metadata write never drops a chunk whose allocation was acknowledged (lost
// update); a passwd read is never torn (blocks of different versions) or stale (older than a write
// acknowledged before the read was sent); two acknowledged passwd writes never share a version.
import type { CheckerWorld, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { CLIENT_ACK, CLIENT_REQUEST } from '../workloads/options.ts';
import type { SnapshotRecord } from '../workloads/snapshot.ts';
import { resourceOfKey } from './effect.ts';

export const CLIENT_CHECKER = 'ownership-client';

interface ChunkState {
  allocId: string;
  ackedAtUs: number;
  freeing: boolean;
}

/** One resource's acknowledged chunks, indexed by chunk number, with a count of those not being freed. */
interface ChunkTable {
  states: (ChunkState | undefined)[];
  active: number;
  /** Per-chunk stamp of the last write checked (counts each chunk of a record once). */
  seen: number[];
  stamp: number;
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
    if (t === undefined) chunks.set(r, (t = { states: [], active: 0, seen: [], stamp: 0 }));
    return t;
  };
  const put = (t: ChunkTable, c: number, s: ChunkState | undefined): void => {
    const old = t.states[c];
    if (old !== undefined && !old.freeing) t.active--;
    if (s !== undefined && !s.freeing) t.active++;
    t.states[c] = s;
  };
  const onRequest = (obs: Observation): void => {
    const d = obs.data;
    if (d.op === 'pread') readFloor.set(d.id as string, passwdAcked);
    if (d.op === 'free') {
      const t = table(d.resource as string);
      const s = t.states[d.chunk as number];
      if (s !== undefined && s.allocId === d.allocId && !s.freeing) put(t, d.chunk as number, { ...s, freeing: true });
    }
  };
  const onAck = (obs: Observation, w: CheckerWorld): void => {
    acks++;
    const d = obs.data;
    const r = d.resource as string;
    if (d.op === 'alloc' && d.chunk !== null) {
      const t = table(r);
      const c = d.chunk as number;
      const s = t.states[c];
      if (s !== undefined && s.allocId !== d.allocId && !s.freeing) {
        w.violate(`chunk ${c} of ${r} allocated twice: to request ${s.allocId} (acknowledged at ${s.ackedAtUs} µs) and to request ${d.id as string} (client n${obs.node})`);
      }
      put(t, c, { allocId: d.allocId as string, ackedAtUs: obs.atUs, freeing: false });
    } else if (d.op === 'free') {
      const t = table(r);
      const s = t.states[d.chunk as number];
      if (s !== undefined && s.allocId === d.allocId) put(t, d.chunk as number, undefined);
    } else if (d.op === 'pwrite') onPasswdWrite(obs, w);
    else if (d.op === 'pread') onPasswdRead(obs, w);
  };
  const onPasswdWrite = (obs: Observation, w: CheckerWorld): void => {
    const version = obs.data.version as number;
    const other = passwdVersions.get(version);
    if (other !== undefined) w.violate(`lost passwd update: writes ${other} and ${obs.data.id as string} were both acknowledged as version ${version}`);
    passwdVersions.set(version, obs.data.id as string);
    passwdAcked = Math.max(passwdAcked, version);
  };
  const onPasswdRead = (obs: Observation, w: CheckerWorld): void => {
    const id = obs.data.id as string;
    const versions = obs.data.versions as number[];
    const floor = readFloor.get(id) ?? 0;
    readFloor.delete(id);
    if (versions.some((v) => v !== versions[0])) {
      w.violate(`torn passwd read by n${obs.node} (request ${id}): blocks at versions ${versions.join(', ')}`);
    } else if ((versions[0] ?? 0) < floor) {
      w.violate(`stale passwd read by n${obs.node} (request ${id}): got version ${versions[0]}, but version ${floor} was acknowledged before the read was sent`);
    }
  };
  // Every acknowledged chunk not being freed must be in an accepted write with its allocation id.
  // Counted in one pass over the record (a write runs this, so no allocation); the slow path only
  // names the dropped chunk.
  const onWrite = (obs: Observation, w: CheckerWorld): void => {
    if (obs.data.ok !== true) return;
    const key = obs.data.key as string;
    const r = resourceOfKey(key);
    if (r === undefined || r === 'passwd' || key.length !== 5 + r.length) return; // meta/<r> only
    const t = chunks.get(r);
    if (t === undefined || t.active === 0) return;
    const rec = obs.data.value as SnapshotRecord;
    const used = rec.used;
    const stamp = ++t.stamp;
    let matched = 0;
    for (let i = 0; i < used.length; i++) {
      const e = used[i]!;
      const c = e[0];
      const s = t.states[c];
      if (s === undefined || s.freeing || s.allocId !== e[1] || t.seen[c] === stamp) continue;
      t.seen[c] = stamp;
      matched++;
    }
    if (matched === t.active) return;
    t.states.forEach((s, c) => {
      if (s === undefined || s.freeing || allocIdOf(used, c) === s.allocId || matched === t.active) return;
      matched = t.active; // report the first one only
      w.violate(`lost update: n${obs.node}'s accepted write of ${key} (epoch ${rec.epoch}, seq ${rec.seq}) drops chunk ${c}, whose allocation ${s.allocId} was acknowledged at ${s.ackedAtUs} µs`);
    });
  };
  return {
    name: CLIENT_CHECKER,
    kind: 'always',
    description: 'No chunk allocated twice, no lost update, no stale or torn passwd read.',
    observes: [CLIENT_REQUEST, CLIENT_ACK, 'disk-write'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (obs.kind === CLIENT_REQUEST) onRequest(obs);
      else if (obs.kind === CLIENT_ACK) onAck(obs, w);
      else onWrite(obs, w);
    },
    metrics() {
      return { clientAcks: acks };
    },
  };
}


/** The allocation id holding chunk `c` in a record's `used` list (ascending by chunk), by binary search. */
function allocIdOf(used: SnapshotRecord['used'], c: number): string | undefined {
  let lo = 0;
  let hi = used.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = used[mid]![0];
    if (at === c) return used[mid]![1];
    if (at < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
