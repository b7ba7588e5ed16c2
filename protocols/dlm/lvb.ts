// Lock value block rules (reference §2, [LOCK] dlm_lvb_operations, set_lvb_lock/unlock, [REC] recover_lvb).
// An LVB is held as a lower-case hex string of exactly 2 × lvbSize characters (immutable, easy to compare).
import { Mode } from './modes.ts';

export type LvbOp = 'read' | 'write' | 'none';

// Linux dlm_lvb_operations, rows = granted mode (IV = new request), columns = requested mode NL..EX.
// 1 read, 0 write, -1 nothing.
const TABLE: readonly (readonly number[])[] = [
  /* IV */ [1, 1, 1, 1, 1, 1],
  /* NL */ [1, 1, 1, 1, 1, 1],
  /* CR */ [-1, 1, 1, 1, 1, 1],
  /* CW */ [-1, -1, 1, 1, 1, 1],
  /* PR */ [-1, -1, -1, 1, 1, 1],
  /* PW */ [0, 0, 0, 0, 0, 1],
  /* EX */ [0, 0, 0, 0, 0, 0],
];

/** What a grant from `gr` (IV for a new lock) to `rq` does to the value block. */
export function lvbOpOnGrant(gr: Mode, rq: Mode): LvbOp {
  if (rq === Mode.IV) throw new Error('lvbOpOnGrant: requested mode IV');
  const v = TABLE[gr + 1]![rq]!;
  return v === 1 ? 'read' : v === 0 ? 'write' : 'none';
}

/** Unlock writes only from PW or EX. */
export function lvbOpOnUnlock(gr: Mode): LvbOp {
  return gr >= Mode.PW ? 'write' : 'none';
}

/** Wrap-safe "a is at least as new as b" for 32-bit sequence numbers ((int)(a - b) >= 0). */
export function seqAtLeast(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** The next sequence number, wrapping at 2^32. */
export function nextSeq(s: number): number {
  return (s + 1) >>> 0;
}

export function zeroLvb(sizeBytes: number): string {
  return '0'.repeat(sizeBytes * 2);
}

export function assertLvbSize(sizeBytes: number): void {
  if (!Number.isInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % 8 !== 0) {
    throw new Error(`LVB size must be a positive multiple of 8 bytes, got ${sizeBytes}`);
  }
}

export function lvbToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Caller bytes → LVB, padded with zeros or rejected when longer than the lockspace's size. */
export function lvbFromBytes(bytes: Uint8Array, sizeBytes: number): string {
  if (bytes.length > sizeBytes) throw new Error(`value block of ${bytes.length} bytes exceeds the lockspace LVB size ${sizeBytes}`);
  let s = '';
  for (let i = 0; i < sizeBytes; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

/** A lock as recover_lvb sees it on a new master. */
export interface LvbCandidate {
  grmode: Mode;
  valblk: boolean;
  lvb: string;
  lvbseq: number;
}

export interface RecoveredLvb {
  lvb: string;
  seq: number;
  valNotValid: boolean;
}

/**
 * recover_lvb on a NEW master, scanning the rebuilt granted then converting locks: a VALBLK lock
 * granted above CR gives a valid LVB; only NL/CR gives the highest-seq LVB (wrap-safe) flagged
 * VALNOTVALID; none → undefined (nothing: the LVB is forgotten).
 */
export function recoverLvbNewMaster(locks: readonly LvbCandidate[], sizeBytes: number): RecoveredLvb | undefined {
  let high: LvbCandidate | undefined;
  let highSeq = 0;
  let any = false;
  for (const l of locks) {
    if (!l.valblk) continue;
    any = true;
    if (l.grmode > Mode.CR) return { lvb: l.lvb, seq: l.lvbseq, valNotValid: false };
    if (seqAtLeast(l.lvbseq, highSeq)) {
      high = l;
      highSeq = l.lvbseq;
    }
  }
  if (!any) return undefined;
  return high !== undefined ? { lvb: high.lvb, seq: high.lvbseq, valNotValid: true } : { lvb: zeroLvb(sizeBytes), seq: 0, valNotValid: true };
}
