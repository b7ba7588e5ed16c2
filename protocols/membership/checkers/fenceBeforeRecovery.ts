// Checker 'fence-before-recovery' (always): when a group above level 0 starts without a member of
// its last completed event (one that did not leave), that node's failed incarnation must be gone —
// fenced now, by a fence operation that completed at a time ≥ its failure (the first view that
// dropped it; dlm_controld's rule) or by a fence still in force since before it, or restarted (§5.6).
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';

export function fenceBeforeRecoveryChecker(): WorldChecker {
  const lastView = new Map<NodeId, { members: NodeId[]; incarnations: Record<number, number> }>();
  const failedAt = new Map<string, number>();
  const completed = new Map<string, { eventId: number; members: NodeId[]; incarnations: Record<number, number> }>();
  const leavers = new Map<string, Set<NodeId>>();
  const lastFenceOkUs = new Map<NodeId, number>();
  return {
    name: 'fence-before-recovery',
    kind: 'always',
    description: 'Recovery above level 0 starts only after each failed member is fenced (fence time ≥ failure time) or restarted.',
    observes: ['view', 'crash', 'fence', 'sm-finish', 'sm-leave', 'sm-start'],
    onObservation(obs, w) {
      const d = obs.data as Record<string, unknown>;
      switch (obs.kind) {
        case 'crash': return void lastView.delete(obs.node);
        case 'fence':
          if (d.ok === true) lastFenceOkUs.set(obs.node, obs.atUs);
          return;
        case 'view': {
          const v = d as { members: NodeId[]; incarnations: Record<number, number> };
          const prev = lastView.get(obs.node);
          if (prev !== undefined) {
            for (const m of prev.members) {
              const k = `${m}@${prev.incarnations[m]}`;
              if ((!v.members.includes(m) || v.incarnations[m] !== prev.incarnations[m]) && !failedAt.has(k)) failedAt.set(k, obs.atUs);
            }
          }
          lastView.set(obs.node, v);
          return;
        }
        case 'sm-leave': {
          const s = leavers.get(d.group as string) ?? new Set<NodeId>();
          leavers.set(d.group as string, s.add(obs.node));
          return;
        }
        case 'sm-finish': {
          const c = completed.get(d.group as string);
          if (c === undefined || (d.eventId as number) > c.eventId) {
            completed.set(d.group as string, { eventId: d.eventId as number, members: d.members as NodeId[], incarnations: d.incarnations as Record<number, number> });
          }
          return;
        }
        case 'sm-start': {
          if ((d.level as number) < 1) return;
          const c = completed.get(d.group as string);
          if (c === undefined) return;
          const members = d.members as NodeId[];
          const left = leavers.get(d.group as string);
          for (const f of c.members) {
            if (members.includes(f) || left?.has(f)) continue;
            const inc = c.incarnations[f]!;
            if (w.incarnation(f) > inc) continue;
            const failure = failedAt.get(`${f}@${inc}`) ?? 0;
            const at = Math.max(w.fencedAtUs(f), lastFenceOkUs.get(f) ?? -1);
            if (!w.isFenced(f) || at < failure) {
              return w.violate(`node ${obs.node} started ${d.group as string} event ${d.eventId as number} without node ${f} (incarnation ${inc}, failed at ${failure} µs), which is ${w.isFenced(f) ? `fenced only since ${at} µs` : 'not fenced'}${w.isUp(f) ? ' and still running' : ''}`);
            }
          }
          return;
        }
      }
    },
  };
}
