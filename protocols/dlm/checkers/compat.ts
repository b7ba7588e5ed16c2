// always 'dlm-compat': granted modes on a resource are pairwise compatible, at the master (grant and
// convert queues, converting locks by their granted mode) and across every process copy that
// believes itself granted (reference §5.1).
import type { WorldChecker } from '../../../sim/world.ts';
import type { CheckerWorld, NodeId } from '../../../sim/types.ts';
import { Mode, compatible, modeName } from '../modes.ts';
import { LKF } from '../flags.ts';
import { Copies, COPY_KINDS } from './copies.ts';
import { masterRsb } from './inspect.ts';
import { asDlm } from '../observations.ts';
import type { DlmObservationData } from '../observations.ts';

export function compatChecker(): WorldChecker {
  const copies = new Copies();
  return {
    name: 'dlm-compat',
    kind: 'always',
    description: 'Granted modes on a resource are pairwise compatible at the master and across all process copies.',
    observes: [...COPY_KINDS, 'dlm-grant', 'dlm-rebuilt'],
    onObservation(obs, w) {
      const o = asDlm(obs);
      if (o?.kind === 'dlm-grant') return checkMaster(o.node, o.data, w);
      if (o?.kind === 'dlm-rebuilt') return checkRebuilt(o.node, o.data, w);
      const c = copies.feed(obs, w);
      if (c === undefined || !copies.counts(c, w)) return;
      for (const o of copies.on(c.ls, c.res, w)) {
        if (o === c) continue;
        if (Copies.conflict(c, o)) {
          w.violate(`process copies conflict on ${c.ls}/${c.res}: node ${c.node} lock ${c.lkid} was granted ${modeName(c.mode)} while node ${o.node} lock ${o.lkid} believes it holds ${Copies.possible(o).map(modeName).join(' or ')}`);
        }
      }
    },
  };
}

function checkMaster(node: NodeId, d: DlmObservationData['dlm-grant'], w: CheckerWorld): void {
  const rsb = masterRsb(w, node, d.ls, d.res);
  if (rsb === undefined) return;
  const mode = d.mode;
  if ((d.flags & LKF.EXPEDITE) !== 0) return;
  for (const o of [...rsb.grantQueue, ...rsb.convertQueue]) {
    if (o.id === d.lkid) continue;
    if (!compatible(o.grmode, mode)) {
      w.violate(`master node ${node} granted ${modeName(mode)} to lock ${d.lkid} on ${d.ls}/${d.res} while lock ${o.id} of node ${o.node} holds ${modeName(o.grmode)} (${o.queue} queue)`);
      return;
    }
  }
}

/** A new master's rebuilt queues: every two granted modes (converting locks' included) compatible. */
function checkRebuilt(node: NodeId, d: DlmObservationData['dlm-rebuilt'], w: CheckerWorld): void {
  const locks = d.locks.filter((l) => l.grmode !== Mode.IV);
  for (let i = 0; i < locks.length; i++) {
    for (let j = i + 1; j < locks.length; j++) {
      const a = locks[i]!;
      const b = locks[j]!;
      if (compatible(a.grmode, b.grmode)) continue;
      w.violate(`new master node ${node} rebuilt ${d.ls}/${d.res} with lock ${a.lkid} of node ${a.node} holding ${modeName(a.grmode)} (${a.queue} queue) and lock ${b.lkid} of node ${b.node} holding ${modeName(b.grmode)} (${b.queue} queue)`);
      return;
    }
  }
}
