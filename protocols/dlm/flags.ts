// Request flags (DLM_LKF_*), status-block flags (DLM_SBF_*) and completion statuses, with the
// numeric values of include/uapi/linux/dlmconstants.h and errno (reference §1).

export const LKF = {
  NOQUEUE: 0x1,
  CANCEL: 0x2,
  CONVERT: 0x4,
  VALBLK: 0x8,
  QUECVT: 0x10,
  IVVALBLK: 0x20,
  CONVDEADLK: 0x40,
  NODLCKWT: 0x100,
  EXPEDITE: 0x400,
  NOQUEUEBAST: 0x800,
  NOORDER: 0x2000,
  ALTPR: 0x8000,
  ALTCW: 0x10000,
  FORCEUNLOCK: 0x20000,
} as const;

export const SBF = { DEMOTED: 0x01, VALNOTVALID: 0x02, ALTMODE: 0x04 } as const;

/** Completion statuses (sb_status). */
export const Status = {
  OK: 0,
  EAGAIN: -11,
  EBUSY: -16,
  EINVAL: -22,
  EDEADLK: -35,
  /** Not in fs/dlm: this node's lockspace state was discarded (it was removed while cut off; the real system reboots it). */
  ENOTCONN: -107,
  ECANCEL: -0x10001,
  EUNLOCK: -0x10002,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

export function statusName(s: number): string {
  for (const [k, v] of Object.entries(Status)) if (v === s) return k === 'ECANCEL' || k === 'EUNLOCK' ? `DLM_${k}` : k;
  return String(s);
}

/** Named flags as the API takes them; each maps to one LKF bit. */
export interface LockFlags {
  noQueue?: boolean;
  noQueueBast?: boolean;
  quecvt?: boolean;
  convDeadlk?: boolean;
  noDlckWt?: boolean;
  expedite?: boolean;
  noOrder?: boolean;
  altPr?: boolean;
  altCw?: boolean;
  /** Mark the value block invalid instead of writing it (on a writing conversion or unlock). */
  ivValBlk?: boolean;
}

const FLAG_BITS: Readonly<Record<keyof LockFlags, number>> = {
  noQueue: LKF.NOQUEUE,
  noQueueBast: LKF.NOQUEUEBAST,
  quecvt: LKF.QUECVT,
  convDeadlk: LKF.CONVDEADLK,
  noDlckWt: LKF.NODLCKWT,
  expedite: LKF.EXPEDITE,
  noOrder: LKF.NOORDER,
  altPr: LKF.ALTPR,
  altCw: LKF.ALTCW,
  ivValBlk: LKF.IVVALBLK,
};

export function flagBits(f: LockFlags | undefined): number {
  let bits = 0;
  if (f === undefined) return 0;
  // Needed: Object.keys returns string[]; FLAG_BITS is a Record over exactly LockFlags' keys.
  for (const k of Object.keys(FLAG_BITS) as (keyof LockFlags)[]) if (f[k] === true) bits |= FLAG_BITS[k];
  return bits;
}
