// Argument checks made at the caller before anything is sent, as fs/dlm makes them [LOCK]:
// set_lock_args (flag combinations of dlm_lock), validate_lock_args (the QUECVT table for
// conversions) and set_unlock_args. A refused call completes with -EINVAL at once: no message, no
// master involved, so one node's bad call can never throw inside another node's DLM.
import { Mode } from './modes.ts';
import { LKF } from './flags.ts';

/**
 * fs/dlm's __quecvt_compat_matrix: which conversions QUECVT may be used on (granted row, requested
 * column, NL..EX). Only up-conversions, plus PR→CW; never a same-mode or down-conversion.
 */
const QUECVT_OK: readonly (readonly number[])[] = [
  /* NL */ [0, 1, 1, 1, 1, 1],
  /* CR */ [0, 0, 1, 1, 1, 1],
  /* CW */ [0, 0, 0, 1, 1, 1],
  /* PR */ [0, 0, 1, 0, 1, 1],
  /* PW */ [0, 0, 0, 0, 0, 1],
  /* EX */ [0, 0, 0, 0, 0, 0],
];

/** May a conversion from `gr` to `rq` carry QUECVT (fs/dlm validate_lock_args)? */
export function quecvtAllowed(gr: Mode, rq: Mode): boolean {
  if (gr === Mode.IV || rq === Mode.IV) return false;
  return QUECVT_OK[gr]![rq] === 1;
}

/** A dlm_lock call: a new request (no granted mode) or a conversion of a lock granted `grmode`. */
export type LockCall =
  | { kind: 'request'; mode: Mode; flags: number }
  | { kind: 'convert'; grmode: Mode; mode: Mode; flags: number };

const has = (flags: number, f: number): boolean => (flags & f) !== 0;

/**
 * Why fs/dlm would refuse this call with -EINVAL, or undefined when it accepts it. The rules, in
 * set_lock_args' order, then validate_lock_args' QUECVT table.
 */
export function lockCallRefusal(call: LockCall): string | undefined {
  const f = call.flags;
  const convert = call.kind === 'convert';
  if (call.mode < Mode.NL || call.mode > Mode.EX) return `mode ${call.mode} is not NL..EX`;
  if (has(f, LKF.CANCEL)) return 'CANCEL is an unlock flag';
  if (has(f, LKF.QUECVT) && !convert) return 'QUECVT on a new request';
  if (has(f, LKF.CONVDEADLK) && !convert) return 'CONVDEADLK on a new request';
  if (has(f, LKF.CONVDEADLK) && has(f, LKF.NOQUEUE)) return 'CONVDEADLK with NOQUEUE';
  if (has(f, LKF.EXPEDITE) && convert) return 'EXPEDITE on a conversion';
  if (has(f, LKF.EXPEDITE) && has(f, LKF.QUECVT)) return 'EXPEDITE with QUECVT';
  if (has(f, LKF.EXPEDITE) && has(f, LKF.NOQUEUE)) return 'EXPEDITE with NOQUEUE';
  if (has(f, LKF.EXPEDITE) && call.mode !== Mode.NL) return 'EXPEDITE on a mode other than NL';
  if (call.kind === 'convert' && has(f, LKF.QUECVT) && !quecvtAllowed(call.grmode, call.mode)) {
    return 'QUECVT on a conversion the QUECVT table refuses';
  }
  return undefined;
}

const UNLOCK_FLAGS = LKF.CANCEL | LKF.VALBLK | LKF.IVVALBLK | LKF.FORCEUNLOCK;

/** Why fs/dlm's set_unlock_args would refuse these dlm_unlock flags with -EINVAL, or undefined. */
export function unlockCallRefusal(flags: number): string | undefined {
  if ((flags & ~UNLOCK_FLAGS) !== 0) return 'a flag dlm_unlock does not take';
  if (has(flags, LKF.CANCEL) && has(flags, LKF.FORCEUNLOCK)) return 'CANCEL with FORCEUNLOCK';
  return undefined;
}
