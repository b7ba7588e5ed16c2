// Checker 'liveness-after-heal' (eventually): by the deadline after heal, every live node has
// installed one and the same view whose members are exactly the live nodes, and every service
// group on every node has finished its recovery (state 'running').
import type { WorldChecker } from '../../../sim/world.ts';
import type { Cman } from '../cman.ts';

export function livenessChecker(): WorldChecker {
  return {
    name: 'liveness-after-heal',
    kind: 'eventually',
    description: 'Within the deadline after heal, all live nodes converge to one view of exactly themselves and finish recovery.',
    observes: [],
    onDeadline(w) {
      const live = w.nodes.filter((n) => w.isUp(n) && !w.isPaused(n));
      const problems: string[] = [];
      const epochs = new Set<number>();
      for (const n of live) {
        const c = w.module<Cman>(n, 'cman');
        const v = c?.view();
        if (c === undefined || v === undefined) {
          problems.push(`node ${n} has no view`);
          continue;
        }
        epochs.add(v.epoch);
        if (v.members.join(',') !== live.join(',')) problems.push(`node ${n} is in epoch ${v.epoch} with members ${v.members.join(',')} (live: ${live.join(',')})`);
        for (const g of c.sm.snapshot()) {
          if (g.state !== 'running') problems.push(`node ${n} group ${g.name} is ${g.state}`);
        }
      }
      if (epochs.size > 1) problems.unshift(`live nodes are in ${epochs.size} different epochs (${[...epochs].join(', ')})`);
      if (problems.length > 0) w.violate(`at the deadline: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? ` … (${problems.length} problems)` : ''}`);
    },
  };
}
