// Checker 'failure-recovered' (always), reference §5.13: every failed incarnation is recovered — named
// failed by a start of each group it belonged to — before its locks or resources move, even when the
// node rebooted and rejoined before its failure was noticed (a fast reboot). The case
// 'fence-before-recovery' cannot see: the node is back in the new start's members, so nothing is
// "missing", yet its old incarnation's locks, journal and owned resources still need recovery and its
// fence (or proof of reboot: fenced's drop of a rejoined victim) was never asked for.
//
// What it expects comes from the observations only (§5.15): each node's own last completed event of
// a group (its 'sm-finish'), the incarnations of the view it installed for the start's epoch, the
// engine's 'crash' times, and the `failed` lists of starts cluster-wide. Never the SM's `previous`.
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { isKind } from '../observations.ts';

type Incs = Readonly<Record<number, number>>;

export function failureRecoveredChecker(): WorldChecker {
  /** Per node: the incarnations of each view epoch it installed (only the latest few are needed). */
  const views = new Map<NodeId, Map<number, Incs>>();
  /** Per node and group: its own last completed event's members and incarnations. */
  const completed = new Map<string, { members: readonly NodeId[]; incarnations: Incs }>();
  /** When each incarnation ended (engine crash), `node@inc`. */
  const crashedAt = new Map<string, number>();
  /** Per group and node: times at which some start named the node failed. */
  const namedFailed = new Map<string, number[]>();
  const key = (n: NodeId, g: string): string => `${n}|${g}`;
  return {
    name: 'failure-recovered',
    kind: 'always',
    description: 'A node back at a new incarnation in a group\'s start had its old incarnation named failed (and so fenced or proven rebooted) by some start at or after that incarnation died (§5.13).',
    observes: ['view', 'crash', 'sm-finish', 'sm-left', 'sm-start'],
    onObservation(obs, w) {
      if (isKind(obs, 'crash')) {
        crashedAt.set(`${obs.node}@${obs.data.incarnation}`, obs.atUs);
        views.delete(obs.node);
        for (const k of [...completed.keys()]) if (k.startsWith(`${obs.node}|`)) completed.delete(k);
        return;
      }
      if (isKind(obs, 'view')) {
        let m = views.get(obs.node);
        if (m === undefined) views.set(obs.node, (m = new Map()));
        m.set(obs.data.epoch, obs.data.incarnations);
        if (m.size > 8) m.delete(m.keys().next().value!);
        return;
      }
      if (isKind(obs, 'sm-finish')) {
        completed.set(key(obs.node, obs.data.group), { members: obs.data.members, incarnations: obs.data.incarnations });
        return;
      }
      if (isKind(obs, 'sm-left')) return void completed.delete(key(obs.node, obs.data.group));
      if (!isKind(obs, 'sm-start')) return;
      const d = obs.data;
      for (const f of d.failed) {
        const k = `${d.group}|${f}`;
        const a = namedFailed.get(k);
        if (a === undefined) namedFailed.set(k, [obs.atUs]);
        else a.push(obs.atUs);
      }
      const c = completed.get(key(obs.node, d.group));
      const incs = views.get(obs.node)?.get(d.epoch);
      if (c === undefined || incs === undefined) return;
      for (const m of c.members) {
        if (m === obs.node || !d.members.includes(m)) continue;
        const old = c.incarnations[m]!;
        const now = incs[m];
        if (now === undefined || now === old) continue;
        // Incarnation `old` of m is gone (the engine numbers boots; a higher one means it ended).
        const diedAt = crashedAt.get(`${m}@${old}`) ?? 0;
        if ((namedFailed.get(`${d.group}|${m}`) ?? []).some((t) => t >= diedAt)) continue;
        return w.violate(`node ${obs.node} started ${d.group} (level ${d.level}) event ${d.eventId} with node ${m} back as incarnation ${now}, but incarnation ${old} — a member of this node's last completed event, dead since ${diedAt} µs — was never named failed by any start: its fence or proof of reboot was never asked for and its locks and resources move unrecovered`);
      }
    },
  };
}
