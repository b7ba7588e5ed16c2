// partition: cut the network into groups. Shapes as operators name them: isolate one node, split in
// halves, a bridge (two halves and one node that sees both), one-way (a node that can hear but not
// speak), or explicit groups. With a duration, the links this fault cut are restored afterwards.
import type { FaultKind } from './kind.ts';
import { after, nodeOf } from './kind.ts';
import type { FaultSpec } from './spec.ts';
import type { World } from '../world.ts';
import type { NodeId } from '../types.ts';

/** The pairs (src, dst) this partition blocks. */
export function partitionPairs(w: World, f: FaultSpec): { pairs: [NodeId, NodeId][]; detail: string } {
  const nodes = w.nodes;
  const pairs: [NodeId, NodeId][] = [];
  const cut = (a: readonly NodeId[], b: readonly NodeId[]): void => {
    for (const x of a) for (const y of b) if (x !== y) pairs.push([x, y], [y, x]);
  };
  const shape = f.shape ?? (f.groups ? 'groups' : 'isolate');
  switch (shape) {
    case 'isolate': {
      const n = nodeOf(f);
      cut([n], nodes.filter((x) => x !== n));
      return { pairs, detail: `isolate ${n}` };
    }
    case 'one-way': {
      const n = nodeOf(f);
      for (const y of nodes) if (y !== n) pairs.push([n, y]);
      return { pairs, detail: `${n} cannot send` };
    }
    case 'groups': {
      const groups = f.groups ?? [];
      for (let i = 0; i < groups.length; i++) for (let j = i + 1; j < groups.length; j++) cut(groups[i]!, groups[j]!);
      return { pairs, detail: groups.map((g) => g.join(',')).join(' | ') };
    }
    case 'halves':
    case 'bridge': {
      const shuffled = f.nodes ?? shuffle(w, nodes);
      const half = Math.floor(shuffled.length / 2);
      if (shape === 'halves') {
        const a = shuffled.slice(0, half);
        const b = shuffled.slice(half);
        cut(a, b);
        return { pairs, detail: `${a.join(',')} | ${b.join(',')}` };
      }
      const bridge = shuffled[half]!;
      const a = shuffled.slice(0, half);
      const b = shuffled.slice(half + 1);
      cut(a, b);
      return { pairs, detail: `${a.join(',')} | ${b.join(',')} bridged by ${bridge}` };
    }
  }
}

function shuffle(w: World, nodes: readonly NodeId[]): NodeId[] {
  const out = [...nodes];
  for (let i = out.length - 1; i > 0; i--) {
    const j = w.faultRng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const partition: FaultKind = {
  name: 'partition',
  description: 'Partition the network: shape isolate | halves | bridge | one-way | groups; healed after durationUs.',
  requires: [],
  apply(w, f) {
    const { pairs, detail } = partitionPairs(w, f);
    if (pairs.length === 0) return null;
    for (const [a, b] of pairs) w.network.block(a, b, true);
    const generation = w.network.healGeneration;
    after(w, f, 'unpartition', () => {
      if (w.network.healGeneration !== generation) return; // a heal already lifted it
      for (const [a, b] of pairs) w.network.block(a, b, false);
    });
    const nodes = [...new Set(pairs.map((p) => p[0]))].sort((a, b) => a - b);
    return { nodes, detail };
  },
};
