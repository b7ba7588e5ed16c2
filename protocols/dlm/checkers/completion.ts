// always 'dlm-completion': every accepted request, conversion and unlock completes exactly once, with
// a status its kind allows; a cancel adds no completion of its own (a no-op cancel changes nothing).
// At the end, every operation of an owner still alive (same incarnation, not reset) has completed.
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { Status, statusName } from '../flags.ts';

const ALLOWED: Readonly<Record<string, readonly number[]>> = {
  request: [Status.OK, Status.EAGAIN, Status.ECANCEL, Status.ENOTCONN],
  convert: [Status.OK, Status.EAGAIN, Status.EDEADLK, Status.ECANCEL, Status.ENOTCONN],
  unlock: [Status.EUNLOCK, Status.ENOTCONN],
};

interface Op {
  node: NodeId;
  inc: number;
  kind: string;
  lkid: number;
  done: number;
  atUs: number;
}

export function completionChecker(): WorldChecker {
  const ops = new Map<string, Op>();
  const key = (node: NodeId, inc: number, ls: unknown, opId: unknown): string => `${node}/${inc}/${ls}/${opId}`;
  return {
    name: 'dlm-completion',
    kind: 'always',
    description: 'Every accepted request, convert and unlock completes exactly once with a legal status (cancels add none).',
    observes: ['dlm-op', 'dlm-complete', 'dlm-reset', 'crash'],
    onObservation(obs, w) {
      const d = obs.data;
      const inc = w.incarnation(obs.node);
      if (obs.kind === 'crash') {
        for (const [k, o] of ops) if (o.node === obs.node) ops.delete(k); // excused: the owner died
        return;
      }
      if (obs.kind === 'dlm-reset') return;
      if (obs.kind === 'dlm-op') {
        if (d.op === 'cancel') return;
        ops.set(key(obs.node, inc, d.ls, d.opId), { node: obs.node, inc, kind: d.op as string, lkid: d.lkid as number, done: 0, atUs: obs.atUs });
        return;
      }
      const op = ops.get(key(obs.node, inc, d.ls, d.opId));
      const status = d.status as number;
      if (op === undefined) {
        w.violate(`node ${obs.node} got a completion (${statusName(status)}) for lock ${d.lkid} op ${d.opId}, which was never accepted`);
        return;
      }
      op.done++;
      if (op.done > 1) w.violate(`node ${obs.node} ${op.kind} op ${d.opId} on lock ${op.lkid} completed ${op.done} times (latest ${statusName(status)})`);
      else if (!ALLOWED[op.kind]!.includes(status)) w.violate(`node ${obs.node} ${op.kind} op ${d.opId} on lock ${op.lkid} completed with ${statusName(status)}, not a status a ${op.kind} can have`);
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
