// clog: hold every message to and from a node (or on directed links from → to) and release them, in
// order, later — the "slow link that comes back" case that reorders a protocol's view of time.
import type { FaultKind } from './kind.ts';
import { after } from './kind.ts';
import type { FaultSpec } from './spec.ts';
import type { World } from '../world.ts';
import type { NodeId } from '../types.ts';
import { linkPairs, linkText } from './links.ts';

export const clog: FaultKind = {
  name: 'clog',
  description: 'Hold all messages to and from a node (or on the links from → to) for durationUs, then deliver them late and in order.',
  requires: [],
  optional: ['durationUs'],
  target: 'node-or-links',
  atPoint: true,
  apply(w, f) {
    const { pairs, detail, nodes } = clogPairs(w, f);
    for (const [a, b] of pairs) w.network.clog(a, b, true);
    const generation = w.network.healGeneration;
    after(w, f, 'unclog', () => {
      if (w.network.healGeneration !== generation) return; // a heal already released it
      for (const [a, b] of pairs) w.network.clog(a, b, false);
      w.releaseHeld();
    });
    return { nodes, ...(detail !== undefined ? { detail } : {}) };
  },
};

/** The pairs a clog holds: a node's links both ways, or the directed links from → to. */
function clogPairs(w: World, f: FaultSpec): { pairs: [NodeId, NodeId][]; detail?: string; nodes: NodeId[] } {
  if (f.from !== undefined) return { pairs: linkPairs(f), detail: linkText(f), nodes: [...f.from] };
  const n = f.node;
  if (n === undefined) throw new Error(`clog at ${f.atUs} µs needs a node or links`);
  const pairs: [NodeId, NodeId][] = [];
  for (const y of w.nodes) if (y !== n) pairs.push([n, y], [y, n]);
  return { pairs, nodes: [n] };
}
