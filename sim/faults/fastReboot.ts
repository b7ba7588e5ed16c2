// fast-reboot: crash and come back (as a new incarnation) before the cluster notices the failure.
import type { FaultKind } from './kind.ts';
import { nodeOf } from './kind.ts';

export const FAST_REBOOT_DEFAULT_US = 200_000;

export const fastReboot: FaultKind = {
  name: 'fast-reboot',
  description: 'Crash a node and restart it after durationUs (default 200 ms), before its failure is detected.',
  requires: [],
  optional: ['durationUs'],
  target: 'node',
  atPoint: true,
  apply(w, f) {
    const n = nodeOf(f);
    if (!w.crash(n)) return null;
    w.engineFn(w.nowUs + (f.durationUs ?? FAST_REBOOT_DEFAULT_US), () => w.restart(n), 'fast-reboot-up');
    return { nodes: [n] };
  },
};
