// restart: boot a crashed node as a new incarnation (durable state kept).
import type { FaultKind } from './kind.ts';
import { nodeOf } from './kind.ts';

export const restart: FaultKind = {
  name: 'restart',
  description: 'Restart a crashed node as a new incarnation; it keeps only its durable state.',
  requires: [],
  optional: [],
  target: 'node',
  atPoint: false,
  apply(w, f) {
    const node = nodeOf(f);
    return w.restart(node) ? { nodes: [node] } : null;
  },
};
