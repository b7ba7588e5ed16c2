// The effect checker (always): the shared storage never accepts interleaved writes from two owners —
// per resource, accepted writes stamped with owner epochs never go back to an older epoch, one epoch
// has one writer, and fencing tokens never decrease. Reads the engine's 'disk-write' observations.
// To explain a violation it also follows the membership views (lineage.ts): two epochs begun in views
// neither of which descends from the other come from independent lineages, which is a different story
// from a deposed owner writing after its successor.
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { describeView, LINEAGE_KINDS, ViewLineage } from './lineage.ts';
import { isKind } from './observations.ts';

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

/** Why two owners' writes of `r` interleaved: independent lineages, when the views say so. */
function strangers(lineage: ViewLineage, r: string, a: { node: NodeId; epoch: number }, b: { node: NodeId; epoch: number }): string | undefined {
  const va = lineage.beganIn(a.node, r, a.epoch);
  const vb = lineage.beganIn(b.node, r, b.epoch);
  if (va === undefined || vb === undefined || !lineage.independent(va.epoch, vb.epoch)) return undefined;
  return `epochs from independent lineages: n${a.node} began owning ${r} in ${describeView(va)} and n${b.node} in ${describeView(vb)}, and neither view descends from the other: partitions (or clusters re-formed from scratch) numbered these epochs on their own, so their order says nothing about which owner came last`;
}

/** The owner stamp of a written value (`{epoch, owner}`), if it carries a numeric epoch. */
function stampOf(value: unknown): { epoch: number } | undefined {
  if (value === null || typeof value !== 'object' || !('epoch' in value)) return undefined;
  return typeof value.epoch === 'number' ? { epoch: value.epoch } : undefined;
}

export function effectChecker(): WorldChecker {
  const last = new Map<string, Last>();
  const lineage = new ViewLineage();
  let accepted = 0;
  return {
    name: EFFECT_CHECKER,
    kind: 'always',
    description: 'Storage never accepts interleaved writes from two owners: per resource, write epochs and tokens only grow, one writer per epoch.',
    observes: ['disk-write', ...LINEAGE_KINDS],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (!isKind(obs, 'disk-write')) return lineage.apply(obs);
      if (!obs.data.ok) return;
      const key = obs.data.key;
      const r = resourceOfKey(key);
      const v = stampOf(obs.data.value);
      if (r === undefined || v === undefined) return;
      accepted++;
      const token = obs.data.token ?? -1;
      const prev = last.get(r);
      if (prev !== undefined) {
        const story = (): string | undefined => strangers(lineage, r, { node: obs.node, epoch: v.epoch }, { node: prev.owner, epoch: prev.epoch });
        if (v.epoch < prev.epoch) {
          const why = story() ?? "a deposed owner's write interleaved with its successor's";
          w.violate(`storage accepted n${obs.node}'s write of ${key} stamped epoch ${v.epoch} after n${prev.owner} had written ${prev.key} in epoch ${prev.epoch} at ${prev.atUs} µs: ${why}`);
        } else if (v.epoch === prev.epoch && obs.node !== prev.owner) {
          const why = story();
          w.violate(`storage accepted writes of ${r} in epoch ${v.epoch} from two owners: n${prev.owner} (${prev.key} at ${prev.atUs} µs) and n${obs.node} (${key})${why === undefined ? '' : `: ${why}`}`);
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
