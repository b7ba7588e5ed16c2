// always 'dlm-completion': every accepted request, conversion and unlock completes exactly once, with
// a status its kind allows; a cancel adds no completion of its own (a no-op cancel changes nothing).
// At the end, every operation of an owner still alive (same incarnation, not reset) has completed.
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { Status, statusName } from '../flags.ts';
import { asDlm } from '../observations.ts';
import type { ObsOpKind } from '../observations.ts';

const ALLOWED: Readonly<Record<ObsOpKind, readonly number[]>> = {
  request: [Status.OK, Status.EAGAIN, Status.ECANCEL, Status.ENOTCONN],
  convert: [Status.OK, Status.EAGAIN, Status.EDEADLK, Status.ECANCEL, Status.ENOTCONN],
  unlock: [Status.EUNLOCK, Status.ENOTCONN],
};

interface Op {
  node: NodeId;
  inc: number;
  kind: ObsOpKind;
  lkid: number;
  done: number;
  atUs: number;
}

export function completionChecker(): WorldChecker {
  const ops = new Map<string, Op>();
  const key = (node: NodeId, inc: number, ls: string, opId: number): string => `${node}/${inc}/${ls}/${opId}`;
  return {
    name: 'dlm-completion',
    kind: 'always',
    description: 'Every accepted request, convert and unlock completes exactly once with a legal status (cancels add none).',
    observes: ['dlm-op', 'dlm-complete', 'crash'],
    onObservation(obs, w) {
      const inc = w.incarnation(obs.node);
      if (obs.kind === 'crash') {
        for (const [k, o] of ops) if (o.node === obs.node) ops.delete(k); // excused: the owner died
        return;
      }
      const o = asDlm(obs);
      if (o?.kind === 'dlm-op') {
        const d = o.data;
        ops.set(key(o.node, inc, d.ls, d.opId), { node: o.node, inc, kind: d.op, lkid: d.lkid, done: 0, atUs: o.atUs });
        return;
      }
      if (o?.kind !== 'dlm-complete') return;
      const d = o.data;
      const op = ops.get(key(o.node, inc, d.ls, d.opId));
      if (op === undefined) {
        w.violate(`node ${o.node} got a completion (${statusName(d.status)}) for lock ${d.lkid} op ${d.opId}, which was never accepted`);
        return;
      }
      op.done++;
      if (op.done > 1) w.violate(`node ${o.node} ${op.kind} op ${d.opId} on lock ${op.lkid} completed ${op.done} times (latest ${statusName(d.status)})`);
      else if (!ALLOWED[op.kind].includes(d.status)) w.violate(`node ${o.node} ${op.kind} op ${d.opId} on lock ${op.lkid} completed with ${statusName(d.status)}, not a status a ${op.kind} can have`);
    },
    onEnd(w) {
      for (const o of ops.values()) {
        if (o.done > 0 || !w.isUp(o.node) || w.incarnation(o.node) !== o.inc) continue;
        w.violate(`node ${o.node} ${o.kind} on lock ${o.lkid} accepted at ${(o.atUs / 1e6).toFixed(3)} s never completed`);
        return;
      }
    },
    metrics() {
      let done = 0;
      for (const o of ops.values()) if (o.done > 0) done++;
      return { dlmOpsCompleted: done };
    },
  };
}
