// Flaky network: a burst of datagram loss on every link (a flapping switch), and message-type filters
// (by sender, or on directed links from a set of nodes to a set of nodes).
import type { FaultKind } from './kind.ts';
import { after } from './kind.ts';
import type { FaultSpec } from './spec.ts';
import type { Filter } from '../network.ts';
import { linkPairs, linkText } from './links.ts';

export const flaky: FaultKind = {
  name: 'flaky-network',
  description: 'Lose datagrams with probability loss on every link for durationUs (FIFO channels unaffected).',
  requires: ['loss'],
  optional: ['durationUs'],
  target: 'none',
  atPoint: false,
  apply(w, f) {
    const burst = w.network.addLossBurst(f.loss ?? 0);
    after(w, f, 'steady-network', () => w.network.endLossBurst(burst));
    return { nodes: [], detail: `loss ${f.loss}` };
  },
};

export const dropMessages: FaultKind = {
  name: 'drop-messages',
  description: 'Drop every message of messageType (only from node, or on the links from → to, when given) for durationUs.',
  requires: ['messageType'],
  optional: ['node', 'from', 'to', 'direction', 'durationUs'],
  target: 'none',
  atPoint: false,
  apply(w, f) {
    const filter = filterOf(f);
    w.network.addFilter(filter);
    // removeFilter is by identity, so an undo after a heal (which drops every filter) is harmless.
    after(w, f, 'unfilter', () => w.network.removeFilter(filter));
    const nodes = f.node !== undefined ? [f.node] : [...(f.from ?? [])];
    const where = f.from !== undefined ? ` on ${linkText(f)}` : '';
    return { nodes, detail: `${f.messageType}${where}` };
  },
};

/** The network filter of a drop-messages fault: by sender (`node`), or by directed links. */
function filterOf(f: FaultSpec): Filter {
  if (f.from === undefined) return { type: f.messageType, ...(f.node !== undefined ? { from: [f.node] } : {}) };
  return { type: f.messageType, pairs: linkPairs(f) };
}
