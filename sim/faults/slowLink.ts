// slow-link: add latency on directed links from a set of nodes to a set of nodes (a congested
// switch port, a saturated NIC) — messages still arrive, late, and FIFO channels stay in order.
import type { FaultKind } from './kind.ts';
import { after } from './kind.ts';
import { linkPairs, linkText } from './links.ts';

export const slowLink: FaultKind = {
  name: 'slow-link',
  description: 'Add extraUs of latency on the links from → to (both ways unless direction is one-way) for durationUs.',
  requires: ['from', 'to', 'extraUs'],
  optional: ['direction', 'durationUs'],
  target: 'links',
  atPoint: false,
  apply(w, f) {
    const pairs = linkPairs(f);
    const extraUs = f.extraUs ?? 0;
    for (const [a, b] of pairs) w.network.slow(a, b, extraUs);
    const generation = w.network.healGeneration;
    after(w, f, 'unslow', () => {
      if (w.network.healGeneration !== generation) return; // a heal already lifted it
      for (const [a, b] of pairs) w.network.slow(a, b, -extraUs);
    });
    return { nodes: [...(f.from ?? [])], detail: `+${extraUs} µs on ${linkText(f)}` };
  },
};
