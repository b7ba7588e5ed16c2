// Checker 'fence-before-recovery' (always): when a group above level 0 starts without a member of
// its last completed event (one that did not leave), that node's failed incarnation must be gone —
// fenced now, by a fence operation that completed at a time ≥ its failure (the first view that
// dropped it; dlm_controld's rule) or by a fence still in force since before it, or restarted (§5.6).
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { isKind } from '../observations.ts';

export function fenceBeforeRecoveryChecker(): WorldChecker {
  type Members = { members: readonly NodeId[]; incarnations: Readonly<Record<number, number>> };
  const lastView = new Map<NodeId, Members>();
  const failedAt = new Map<string, number>();
  const completed = new Map<string, Members & { eventId: number }>();
  const leavers = new Map<string, Set<NodeId>>();
  const lastFenceOkUs = new Map<NodeId, number>();
  return {
    name: 'fence-before-recovery',
    kind: 'always',
    description: 'Recovery above level 0 starts only after each failed member is fenced (fence time ≥ failure time) or restarted.',
    observes: ['view', 'crash', 'fence', 'sm-finish', 'sm-leave', 'sm-start'],
    onObservation(obs, w) {
      if (obs.kind === 'crash') return void lastView.delete(obs.node);
      if (isKind(obs, 'fence')) {
        if (obs.data.ok) lastFenceOkUs.set(obs.node, obs.atUs);
        return;
      }
      if (isKind(obs, 'view')) {
        const v = obs.data;
        const prev = lastView.get(obs.node);
        if (prev !== undefined) {
          for (const m of prev.members) {
            const k = `${m}@${prev.incarnations[m]}`;
            const gone = !v.members.includes(m) || v.incarnations[m] !== prev.incarnations[m];
            if (gone && !failedAt.has(k)) failedAt.set(k, obs.atUs);
          }
        }
        lastView.set(obs.node, v);
        return;
      }
      if (isKind(obs, 'sm-leave')) {
        const s = leavers.get(obs.data.group) ?? new Set<NodeId>();
        leavers.set(obs.data.group, s.add(obs.node));
        return;
      }
      if (isKind(obs, 'sm-finish')) {
        const d = obs.data;
        const c = completed.get(d.group);
        if (c === undefined || d.eventId > c.eventId) {
          completed.set(d.group, { eventId: d.eventId, members: d.members, incarnations: d.incarnations });
        }
        return;
      }
      if (!isKind(obs, 'sm-start') || obs.data.level < 1) return;
      const d = obs.data;
      const c = completed.get(d.group);
      if (c === undefined) return;
      const left = leavers.get(d.group);
      for (const f of c.members) {
        if (d.members.includes(f) || left?.has(f)) continue;
        const inc = c.incarnations[f]!;
        if (w.incarnation(f) > inc) continue;
        const failure = failedAt.get(`${f}@${inc}`) ?? 0;
        const at = Math.max(w.fencedAtUs(f), lastFenceOkUs.get(f) ?? -1);
        if (!w.isFenced(f) || at < failure) {
          return w.violate(`node ${obs.node} started ${d.group} event ${d.eventId} without node ${f} (incarnation ${inc}, failed at ${failure} µs), which is ${w.isFenced(f) ? `fenced only since ${at} µs` : 'not fenced'}${w.isUp(f) ? ' and still running' : ''}`);
        }
      }
    },
  };
}
