// crash: the host stops; volatile state, timers and held messages are lost. With a duration, it restarts after.
import type { FaultKind } from './kind.ts';
import { after, nodeOf } from './kind.ts';

export const crash: FaultKind = {
  name: 'crash',
  description: 'Crash a node (volatile state lost); with durationUs it restarts as a new incarnation afterwards.',
  requires: [],
  optional: ['durationUs'],
  target: 'node',
  atPoint: true,
  apply(w, f) {
    const node = nodeOf(f);
    if (!w.crash(node)) return null;
    after(w, f, 'restart', () => w.restart(node));
    return { nodes: [node] };
  },
};
