// always 'dlm-flags': status-block flags on a completion describe only the operation it completes
// (reference §5.11): DEMOTED only on a CONVDEADLK conversion; ALTMODE only on a grant of an
// ALTPR/ALTCW operation in its alternate mode; VALNOTVALID only on a grant with a value block that
// did not write it (a write clears the flag; an IVVALBLK write sets it for later operations only).
// A later, ordinary completion of the same lock never repeats them.
import type { WorldChecker } from '../../../sim/world.ts';
import type { NodeId } from '../../../sim/types.ts';
import { Mode, modeName } from '../modes.ts';
import { LKF, SBF, Status, statusName } from '../flags.ts';
import { lvbOpOnGrant } from '../lvb.ts';
import { asDlm } from '../observations.ts';
import type { ObsOpKind } from '../observations.ts';

interface Op {
  kind: ObsOpKind;
  mode: Mode;
  flags: number;
  grmode: Mode;
}

const has = (flags: number, f: number): boolean => (flags & f) !== 0;

/** Why `sbflags` cannot belong to this completion of `op`, or undefined when they can. */
export function flagsProblem(op: Op, status: number, mode: Mode, sbflags: number): string | undefined {
  const granted = status === Status.OK && op.kind !== 'unlock';
  if (has(sbflags, SBF.DEMOTED) && !(op.kind === 'convert' && has(op.flags, LKF.CONVDEADLK))) {
    return 'DEMOTED on an operation without CONVDEADLK';
  }
  if (has(sbflags, SBF.ALTMODE)) {
    const alt = has(op.flags, LKF.ALTPR) ? Mode.PR : has(op.flags, LKF.ALTCW) ? Mode.CW : Mode.IV;
    if (!granted || alt === Mode.IV || mode !== alt) return `ALTMODE on a completion that did not grant the alternate mode (${modeName(mode)})`;
  }
  if (has(sbflags, SBF.VALNOTVALID)) {
    if (!granted || !has(op.flags, LKF.VALBLK)) return 'VALNOTVALID on a completion that is not a grant with a value block';
    if (op.kind === 'convert' && lvbOpOnGrant(op.grmode, op.mode) === 'write') {
      return `VALNOTVALID on a ${modeName(op.grmode)}→${modeName(op.mode)} conversion that wrote${has(op.flags, LKF.IVVALBLK) ? ' (invalidated)' : ''} the value block itself`;
    }
  }
  return undefined;
}

export function flagsChecker(): WorldChecker {
  const ops = new Map<string, Op>();
  const key = (node: NodeId, ls: string, opId: number): string => `${node}/${ls}/${opId}`;
  return {
    name: 'dlm-flags',
    kind: 'always',
    description: 'Completion flags (DEMOTED, ALTMODE, VALNOTVALID) describe only the operation they complete.',
    observes: ['dlm-op', 'dlm-complete', 'crash'],
    onObservation(obs, w) {
      if (obs.kind === 'crash') {
        for (const k of [...ops.keys()]) if (k.startsWith(`${obs.node}/`)) ops.delete(k);
        return;
      }
      const o = asDlm(obs);
      if (o?.kind === 'dlm-op') {
        const d = o.data;
        ops.set(key(o.node, d.ls, d.opId), { kind: d.op, mode: d.mode, flags: d.flags, grmode: d.grmode });
        return;
      }
      if (o?.kind !== 'dlm-complete') return;
      const d = o.data;
      const k = key(o.node, d.ls, d.opId);
      const op = ops.get(k);
      ops.delete(k);
      if (op === undefined) return; // dlm-completion judges completions of nothing
      const why = flagsProblem(op, d.status, d.mode, d.sbflags);
      if (why !== undefined) w.violate(`node ${o.node} lock ${d.lkid} on ${d.ls}/${d.res}: ${op.kind} op ${d.opId} completed ${statusName(d.status)} with ${why}`);
    },
  };
}
