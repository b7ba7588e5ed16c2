// Checker 'incarnation-on-rejoin' (always): a restarted node rejoins only as a new incarnation after
// leaving the view, and as the youngest: on each node, consecutive views keep each carried-over
// member's incarnation and longevity order, and place joiners after every carried-over member; an
// incarnation removed from a node's view never comes back into it.
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { isKind } from '../observations.ts';

interface Installed {
  members: readonly NodeId[];
  byAge: readonly NodeId[];
  incarnations: Readonly<Record<number, number>>;
}

export function incarnationChecker(): WorldChecker {
  const last = new Map<NodeId, Installed>();
  const removed = new Map<NodeId, Set<string>>();
  return {
    name: 'incarnation-on-rejoin',
    kind: 'always',
    description: 'A restarted node counts as failed and rejoins as a new incarnation, youngest in longevity order.',
    observes: ['view', 'restart'],
    onObservation(obs, w) {
      if (obs.kind === 'restart') {
        last.delete(obs.node);
        removed.delete(obs.node);
        return;
      }
      if (!isKind(obs, 'view')) return;
      const v = obs.data;
      const gone = removed.get(obs.node) ?? new Set<string>();
      removed.set(obs.node, gone);
      for (const m of v.members) {
        if (gone.has(`${m}@${v.incarnations[m]}`)) {
          return w.violate(`node ${obs.node} installed epoch ${v.epoch} with node ${m} incarnation ${v.incarnations[m]}, which had already left its view: a rejoin must be a new incarnation`);
        }
      }
      const prev = last.get(obs.node);
      last.set(obs.node, v);
      if (prev === undefined) return;
      for (const m of prev.members) {
        if (!v.members.includes(m) || v.incarnations[m] !== prev.incarnations[m]) gone.add(`${m}@${prev.incarnations[m]}`);
      }
      const carried = v.byAge.filter((m) => prev.members.includes(m) && prev.incarnations[m] === v.incarnations[m]);
      for (const m of v.members) {
        if (prev.members.includes(m) && prev.incarnations[m] !== v.incarnations[m]) {
          return w.violate(`node ${obs.node}: node ${m} went from incarnation ${prev.incarnations[m]} to ${v.incarnations[m]} between consecutive views (epoch ${v.epoch}) without failing first`);
        }
      }
      const expected = prev.byAge.filter((m) => carried.includes(m));
      if (carried.join(',') !== expected.join(',') || v.byAge.slice(0, carried.length).join(',') !== carried.join(',')) {
        w.violate(`node ${obs.node}: epoch ${v.epoch} longevity order ${v.byAge.join(',')} does not keep the surviving order ${expected.join(',')} with joiners last`);
      }
    },
  };
}
