// Fence-device faults: the device fails every operation, or answers slowly, for a while.
import type { FaultKind } from './kind.ts';

export const fenceFailure: FaultKind = {
  name: 'fence-failure',
  description: 'The I/O fence device fails every fence/unfence for durationUs (fenced must retry).',
  requires: ['durationUs'],
  optional: [],
  target: 'none',
  atPoint: false,
  apply(w, f) {
    w.disk.failedUntilUs = Math.max(w.disk.failedUntilUs, w.nowUs + (f.durationUs ?? 0));
    return { nodes: [] };
  },
};

export const fenceSlow: FaultKind = {
  name: 'fence-slow',
  description: 'Fence operations take extraUs longer for durationUs.',
  requires: ['durationUs', 'extraUs'],
  optional: [],
  target: 'none',
  atPoint: false,
  apply(w, f) {
    // Overlapping slow periods compose: the slowest wins until the last one ends.
    const active = w.nowUs < w.disk.slowUntilUs;
    w.disk.slowExtraUs = active ? Math.max(w.disk.slowExtraUs, f.extraUs ?? 0) : (f.extraUs ?? 0);
    w.disk.slowUntilUs = Math.max(w.disk.slowUntilUs, w.nowUs + (f.durationUs ?? 0));
    return { nodes: [], detail: `+${f.extraUs} µs` };
  },
};
