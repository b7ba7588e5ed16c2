// partition: cut the network into groups. Shapes as operators name them: isolate one node, split in
// halves, a bridge (two halves and one node that sees both), one-way (a node that can hear but not
// speak), explicit groups, or directed links from a set of nodes to a set of nodes (one way or both).
// With a duration, the links this fault cut are restored afterwards.
import type { FaultKind, KindFields } from './kind.ts';
import { after, nodeOf } from './kind.ts';
import type { FaultSpec, PartitionShape } from './spec.ts';
import { linkPairs, linkText } from './links.ts';
import type { World } from '../world.ts';
import type { NodeId } from '../types.ts';

/** The pairs (src, dst) this partition blocks. */
export function partitionPairs(w: World, f: FaultSpec): { pairs: [NodeId, NodeId][]; detail: string } {
  const nodes = w.nodes;
  const pairs: [NodeId, NodeId][] = [];
  const cut = (a: readonly NodeId[], b: readonly NodeId[]): void => {
    for (const x of a) for (const y of b) if (x !== y) pairs.push([x, y], [y, x]);
  };
  const shape = partitionShape(f);
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
    case 'links': {
      pairs.push(...linkPairs(f));
      return { pairs, detail: linkText(f) };
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

/** The fields of each shape: a field another shape takes is an error here, never ignored. */
export const PARTITION_SHAPES: Readonly<Record<PartitionShape, KindFields & { description: string }>> = {
  isolate: { description: 'cut one node off from every other, both ways', requires: [], optional: ['durationUs'], target: 'node', atPoint: true },
  'one-way': { description: 'one node can hear every other but not speak to them', requires: [], optional: ['durationUs'], target: 'node', atPoint: true },
  halves: { description: 'split in two halves (nodes: the order to split, default shuffled by the seed)', requires: [], optional: ['nodes', 'durationUs'], target: 'none', atPoint: false },
  bridge: { description: 'two halves and one node between them that sees both', requires: [], optional: ['nodes', 'durationUs'], target: 'none', atPoint: false },
  groups: { description: 'explicit groups that cannot talk to each other', requires: ['groups'], optional: ['durationUs'], target: 'none', atPoint: false },
  links: { description: 'cut the links from → to (both ways unless direction is one-way)', requires: ['from', 'to'], optional: ['direction', 'durationUs'], target: 'links', atPoint: false },
};

export const partition: FaultKind = {
  name: 'partition',
  description: 'Partition the network: shape isolate | halves | bridge | one-way | groups | links; healed after durationUs.',
  requires: [],
  optional: ['shape', 'durationUs'],
  target: 'none',
  atPoint: false,
  shapes: PARTITION_SHAPES,
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

/** The shape a partition takes: as written, else groups or links when given, else isolate. */
export function partitionShape(f: Pick<FaultSpec, 'shape' | 'groups' | 'from'>): PartitionShape {
  return f.shape ?? (f.groups !== undefined ? 'groups' : f.from !== undefined ? 'links' : 'isolate');
}
