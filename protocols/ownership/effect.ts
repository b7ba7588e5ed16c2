// The effect checker (always): the shared storage never accepts interleaved writes from two owners —
// per resource, accepted writes stamped with owner epochs never go back to an older epoch, one epoch
// has one writer, and fencing tokens never decrease. Reads the engine's 'disk-write' observations.
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';

export const EFFECT_CHECKER = 'ownership-effect';

interface Last {
  epoch: number;
  owner: NodeId;
  key: string;
  atUs: number;
  token: number;
}

/** The resource a disk key belongs to (`meta/<resource>[/…]`), or undefined for other keys. */
export function resourceOfKey(key: string): string | undefined {
  if (!key.startsWith('meta/')) return undefined;
  const slash = key.indexOf('/', 5);
  return slash < 0 ? key.slice(5) : key.slice(5, slash);
}

export function effectChecker(): WorldChecker {
  const last = new Map<string, Last>();
  let accepted = 0;
  return {
    name: EFFECT_CHECKER,
    kind: 'always',
    description: 'Storage never accepts interleaved writes from two owners: per resource, write epochs and tokens only grow, one writer per epoch.',
    observes: ['disk-write'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (obs.data.ok !== true) return;
      const key = obs.data.key as string;
      const r = resourceOfKey(key);
      const v = obs.data.value as { epoch?: number | null; owner?: NodeId } | undefined;
      if (r === undefined || v === undefined || v.epoch === null || v.epoch === undefined) return;
      accepted++;
      const token = (obs.data.token as number | undefined) ?? -1;
      const prev = last.get(r);
      if (prev !== undefined) {
        if (v.epoch < prev.epoch) {
          w.violate(`storage accepted n${obs.node}'s write of ${key} stamped epoch ${v.epoch} after n${prev.owner} had written ${prev.key} in epoch ${prev.epoch} at ${prev.atUs} µs: a deposed owner's write interleaved with its successor's`);
        } else if (v.epoch === prev.epoch && obs.node !== prev.owner) {
          w.violate(`storage accepted writes of ${r} in epoch ${v.epoch} from two owners: n${prev.owner} (${prev.key} at ${prev.atUs} µs) and n${obs.node} (${key})`);
        }
        if (token >= 0 && prev.token >= 0 && token < prev.token) {
          w.violate(`storage accepted token ${token} for ${key} after token ${prev.token}: fencing tokens went backwards`);
        }
      }
      if (prev === undefined || v.epoch >= prev.epoch) last.set(r, { epoch: v.epoch, owner: obs.node, key, atUs: obs.atUs, token: Math.max(token, prev?.token ?? -1) });
    },
    metrics() {
      return { ownerWritesAccepted: accepted };
    },
  };
}
