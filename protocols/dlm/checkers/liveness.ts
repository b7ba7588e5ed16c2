// eventually 'dlm-liveness': by the deadline after heal, every live node's lockspaces have finished
// recovery and every accepted operation has completed (reference §5.10).
import type { WorldChecker } from '../../../sim/world.ts';
import { modeName } from '../modes.ts';
import { dlmOf } from './inspect.ts';

export function livenessChecker(): WorldChecker {
  return {
    name: 'dlm-liveness',
    kind: 'eventually',
    description: 'Within the deadline after heal, every lockspace has recovered and every pending request has completed.',
    observes: [],
    onDeadline(w) {
      for (const n of w.nodes) {
        if (!w.isUp(n)) continue;
        const dlm = dlmOf(w, n);
        if (dlm === undefined) continue;
        for (const [name, ls] of dlm.lockspaces) {
          if (ls.recovering) {
            w.violate(`node ${n} lockspace ${name} is still recovering at the deadline (generation ${ls.gen}, ${ls.savedCount} messages waiting)`);
            return;
          }
          for (const l of ls.locks.values()) {
            if (l.op === undefined) continue;
            w.violate(`node ${n} lock ${l.id} on ${name}/${l.res}: its ${l.op.kind} to ${modeName(l.op.mode)} (op ${l.op.opId}) is still pending at the deadline (master ${ls.masters.get(l.res) ?? 'unknown'})`);
            return;
          }
        }
      }
    },
  };
}
