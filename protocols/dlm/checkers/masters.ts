// always 'dlm-masters': when every member has completed a lockspace recovery (and at the end of the
// run), no resource has two masters and every node holding a granted lock points at the node that
// really masters its resource (reference §3: all nodes agree who masters each resource).
import type { WorldChecker } from '../../../sim/world.ts';
import type { CheckerWorld, NodeId } from '../../../sim/types.ts';
import { Mode } from '../modes.ts';
import { dlmOf } from './inspect.ts';
import { asDlm } from '../observations.ts';

export function masterAgreementChecker(): WorldChecker {
  const done = new Map<string, Set<NodeId>>();
  return {
    name: 'dlm-masters',
    kind: 'always',
    description: 'After each recovery all members agree who masters each resource: one master, and holders point at it.',
    observes: ['dlm-recovered'],
    onObservation(obs, w) {
      const o = asDlm(obs);
      if (o?.kind !== 'dlm-recovered') return;
      const k = `${o.data.ls}#${o.data.gen}`;
      let s = done.get(k);
      if (s === undefined) done.set(k, (s = new Set()));
      s.add(o.node);
      if (o.data.members.every((m) => s.has(m))) {
        done.delete(k);
        check(w, o.data.ls, o.data.members);
      }
    },
    onEnd(w) {
      const lss = new Set<string>();
      for (const n of w.nodes) for (const name of dlmOf(w, n)?.lockspaces.keys() ?? []) lss.add(name);
      for (const ls of [...lss].sort()) {
        const members = w.nodes.filter((n) => w.isUp(n) && dlmOf(w, n)?.lockspaces.get(ls)?.recovering === false);
        check(w, ls, members);
      }
    },
  };
}

function check(w: CheckerWorld, ls: string, members: readonly NodeId[]): void {
  const masterOf = new Map<string, NodeId>();
  for (const n of members) {
    const space = dlmOf(w, n)?.lockspaces.get(ls);
    if (space === undefined) continue;
    for (const res of space.rsbs.keys()) {
      const other = masterOf.get(res);
      if (other !== undefined) {
        w.violate(`${ls}/${res} has two masters after recovery: nodes ${other} and ${n}`);
        return;
      }
      masterOf.set(res, n);
    }
  }
  for (const n of members) {
    const space = dlmOf(w, n)?.lockspaces.get(ls);
    if (space === undefined || space.recovering) continue;
    for (const l of space.locks.values()) {
      if (l.grmode === Mode.IV) continue;
      const thinks = space.masters.get(l.res);
      const real = masterOf.get(l.res);
      if (thinks !== real) {
        w.violate(`node ${n} holds lock ${l.id} on ${ls}/${l.res} believing node ${thinks} masters it, but the master is ${real ?? 'nobody'}`);
        return;
      }
    }
  }
}
