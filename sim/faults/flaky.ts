// Flaky network: a burst of datagram loss on every link (a flapping switch), and message-type filters.
import type { FaultKind } from './kind.ts';
import { after } from './kind.ts';

export const flaky: FaultKind = {
  name: 'flaky-network',
  description: 'Lose datagrams with probability loss on every link for durationUs (FIFO channels unaffected).',
  requires: ['loss'],
  apply(w, f) {
    const burst = w.network.addLossBurst(f.loss ?? 0);
    after(w, f, 'steady-network', () => w.network.endLossBurst(burst));
    return { nodes: [], detail: `loss ${f.loss}` };
  },
};

export const dropMessages: FaultKind = {
  name: 'drop-messages',
  description: 'Drop every message of messageType (optionally only from node) for durationUs.',
  requires: ['messageType'],
  apply(w, f) {
    const filter = { type: f.messageType, ...(f.node !== undefined ? { from: f.node } : {}) };
    w.network.addFilter(filter);
    // removeFilter is by identity, so an undo after a heal (which drops every filter) is harmless.
    after(w, f, 'unfilter', () => w.network.removeFilter(filter));
    return { nodes: f.node !== undefined ? [f.node] : [], detail: f.messageType };
  },
};
