// eventually 'dlm-copies': once nothing is in flight, every process copy's granted mode equals its
// master copy's (reference §5.12) — after CONVDEADLK demotions, down-conversions completed at the
// requester, cancels, and recovery rebuilding a lock on a new master. Judged at the liveness deadline
// after heal, over live members whose lockspaces are not recovering, for copies with no operation
// pending and no message still unacknowledged between owner and master.
import type { WorldChecker } from '../../../sim/world.ts';
import type { CheckerWorld, NodeId } from '../../../sim/types.ts';
import { Mode, modeName } from '../modes.ts';
import type { Lockspace } from '../lockspace.ts';
import type { Lkb } from '../resource.ts';
import { dlmOf } from './inspect.ts';

/** The live lockspaces named `name`, by node (ascending), that are not recovering. */
function settled(w: CheckerWorld, name: string): Map<NodeId, Lockspace> {
  const out = new Map<NodeId, Lockspace>();
  for (const n of w.nodes) {
    const ls = w.isUp(n) ? dlmOf(w, n)?.lockspaces.get(name) : undefined;
    if (ls !== undefined && !ls.recovering) out.set(n, ls);
  }
  return out;
}

function masterCopy(spaces: Map<NodeId, Lockspace>, lkid: number): { node: NodeId; lkb: Lkb } | undefined {
  for (const [node, ls] of spaces) {
    const e = ls.lkbs.get(lkid);
    if (e !== undefined) return { node, lkb: e.lkb };
  }
  return undefined;
}

export function copyAgreementChecker(): WorldChecker {
  return {
    name: 'dlm-copies',
    kind: 'eventually',
    description: "Once nothing is in flight, every process copy's granted mode equals its master copy's.",
    observes: [],
    onDeadline(w) {
      const names = new Set<string>();
      for (const n of w.nodes) for (const name of (w.isUp(n) ? dlmOf(w, n)?.lockspaces.keys() : undefined) ?? []) names.add(name);
      for (const name of [...names].sort()) {
        const spaces = settled(w, name);
        for (const [node, ls] of spaces) {
          for (const l of ls.locks.values()) {
            if (l.op !== undefined || l.gone || l.grmode === Mode.IV) continue;
            const m = masterCopy(spaces, l.id);
            if (m === undefined) continue; // no master copy among live members: dlm-masters' concern
            if (!ls.channel.idleWith(m.node) || !spaces.get(m.node)!.channel.idleWith(node)) continue;
            if (m.lkb.grmode === l.grmode && m.lkb.rqmode === Mode.IV) continue;
            const rq = m.lkb.rqmode !== Mode.IV ? ` converting to ${modeName(m.lkb.rqmode)}` : '';
            w.violate(`node ${node} lock ${l.id} on ${name}/${l.res} believes it holds ${modeName(l.grmode)} with nothing in flight, but its master node ${m.node} holds it at ${modeName(m.lkb.grmode)}${rq}`);
            return;
          }
        }
      }
    },
  };
}
