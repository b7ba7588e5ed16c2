// pause: freeze a host (GC pause, SIGSTOP); its timers and deliveries wait, and on resume it carries on
// believing nothing happened.
import type { FaultKind } from './kind.ts';
import { after, nodeOf } from './kind.ts';

export const pause: FaultKind = {
  name: 'pause',
  description: 'Freeze a node (GC pause / SIGSTOP) for durationUs; its timers and messages wait and it resumes unaware.',
  requires: [],
  optional: ['durationUs'],
  target: 'node',
  atPoint: true,
  apply(w, f) {
    const node = nodeOf(f);
    if (!w.pause(node)) return null;
    after(w, f, 'resume', () => w.resume(node));
    return { nodes: [node], detail: f.durationUs !== undefined ? `for ${f.durationUs} µs` : 'until heal' };
  },
};

export const resume: FaultKind = {
  name: 'resume',
  description: 'Resume a paused node.',
  requires: [],
  optional: [],
  target: 'node',
  atPoint: false,
  apply(w, f) {
    const node = nodeOf(f);
    return w.resume(node) ? { nodes: [node] } : null;
  },
};
