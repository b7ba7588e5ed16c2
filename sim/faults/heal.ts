// heal: restore every link: partitions, clogs, filters and loss bursts; held messages are released in order.
import type { FaultKind } from './kind.ts';

export const heal: FaultKind = {
  name: 'heal',
  description: 'Heal the whole network: lift partitions, clogs, message filters and loss bursts.',
  requires: [],
  optional: [],
  target: 'none',
  atPoint: false,
  apply(w) {
    if (w.network.isHealed()) return null;
    w.healNetwork();
    return { nodes: [] };
  },
};
