// Checker 'barrier-order' (always): no member gets finish before every member has answered
// start_done; a start superseded by a stop never reaches finish; a node starts a level-N+1 group
// only when its lower-level groups are running (reference §5.8).
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { isKind } from '../observations.ts';

interface Local {
  level: number;
  event: number | undefined;
  running: boolean;
  superseded: Set<number>;
}

export function barrierOrderChecker(): WorldChecker {
  const members = new Map<string, readonly NodeId[]>();
  const done = new Map<string, Set<NodeId>>();
  const local = new Map<NodeId, Map<string, Local>>();
  const groupsOf = (n: NodeId): Map<string, Local> => {
    let m = local.get(n);
    if (m === undefined) local.set(n, (m = new Map()));
    return m;
  };
  return {
    name: 'barrier-order',
    kind: 'always',
    description: 'finish only after every member’s start_done; superseded starts never finish; level N runs before N+1 starts.',
    observes: ['crash', 'sm-stop', 'sm-start', 'sm-start-done', 'sm-finish', 'sm-left'],
    onObservation(obs, w) {
      if (obs.kind === 'crash') return void local.delete(obs.node);
      if (isKind(obs, 'sm-left')) return void groupsOf(obs.node).delete(obs.data.group);
      const stage = isKind(obs, 'sm-stop') || isKind(obs, 'sm-start') || isKind(obs, 'sm-start-done')
        || isKind(obs, 'sm-finish');
      if (!stage) return;
      const d = obs.data;
      const key = `${d.group}#${d.eventId}`;
      const gs = groupsOf(obs.node);
      const g = gs.get(d.group) ?? { level: d.level, event: undefined, running: false, superseded: new Set<number>() };
      gs.set(d.group, g);
      switch (obs.kind) {
        case 'sm-stop':
          if (g.event !== undefined && !g.running) g.superseded.add(g.event);
          g.running = false;
          return;
        case 'sm-start': {
          if (!members.has(key)) members.set(key, obs.data.members);
          for (const [name, h] of gs) {
            if (h.level < d.level && h.event !== undefined && !h.running) {
              return w.violate(`node ${obs.node} started ${d.group} (level ${d.level}) event ${d.eventId} while its level-${h.level} group ${name} (event ${h.event}) had not finished`);
            }
          }
          g.event = d.eventId;
          g.running = false;
          return;
        }
        case 'sm-start-done': {
          let s = done.get(key);
          if (s === undefined) done.set(key, (s = new Set()));
          s.add(obs.node);
          return;
        }
        case 'sm-finish': {
          if (g.superseded.has(d.eventId)) return w.violate(`node ${obs.node} got finish for ${d.group} event ${d.eventId}, which a stop had superseded`);
          const ms = members.get(key) ?? [];
          const s = done.get(key) ?? new Set<NodeId>();
          const missing = ms.filter((m) => !s.has(m));
          if (missing.length > 0) return w.violate(`node ${obs.node} got finish for ${d.group} event ${d.eventId} before start_done from ${missing.join(',')} (members ${ms.join(',')})`);
          g.running = true;
          return;
        }
      }
    },
  };
}
