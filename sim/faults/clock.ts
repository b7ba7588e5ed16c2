// Clock faults: a jump (NTP step, VM migration) and a drift (a fast or slow oscillator).
import type { FaultKind } from './kind.ts';
import { after, nodeOf } from './kind.ts';

export const clockJump: FaultKind = {
  name: 'clock-jump',
  description: "Step a node's local clock by deltaUs (negative jumps back).",
  requires: ['deltaUs'],
  optional: [],
  target: 'node',
  atPoint: true,
  apply(w, f) {
    const n = nodeOf(f);
    w.clock(n).jump(f.deltaUs ?? 0);
    return { nodes: [n], detail: `${f.deltaUs} µs` };
  },
};

export const clockDrift: FaultKind = {
  name: 'clock-drift',
  description: "Make a node's local clock run fast or slow by ppm parts per million (timers stretch too).",
  requires: ['ppm'],
  optional: ['durationUs'],
  target: 'node',
  atPoint: true,
  apply(w, f) {
    const n = nodeOf(f);
    w.clock(n).setDrift(w.nowUs, f.ppm ?? 0);
    after(w, f, 'undrift', () => w.clock(n).setDrift(w.nowUs, 0));
    return { nodes: [n], detail: `${f.ppm} ppm` };
  },
};
