// clog: hold every message to and from a node (or between groups) and release them, in order, later —
// the "slow link that comes back" case that reorders a protocol's view of time.
import type { FaultKind } from './kind.ts';
import { after, nodeOf } from './kind.ts';

export const clog: FaultKind = {
  name: 'clog',
  description: 'Hold all messages to and from a node for durationUs, then deliver them late and in order.',
  requires: ['node'],
  apply(w, f) {
    const n = nodeOf(f);
    const others = w.nodes.filter((x) => x !== n);
    for (const y of others) {
      w.network.clog(n, y, true);
      w.network.clog(y, n, true);
    }
    const generation = w.network.healGeneration;
    after(w, f, 'unclog', () => {
      if (w.network.healGeneration !== generation) return; // a heal already released it
      for (const y of others) {
        w.network.clog(n, y, false);
        w.network.clog(y, n, false);
      }
      w.releaseHeld();
    });
    return { nodes: [n] };
  },
};
