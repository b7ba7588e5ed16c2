// The DLM's observations as typed data: one entry per kind the DLM reports, a typed `emit` for the
// protocol side and a typed `asDlm` narrowing for checkers, so a renamed or retyped field is a compile
// error in every checker that reads it instead of a checker that silently stops seeing it.
import type { Context, NodeId, Observation } from '../../sim/types.ts';
import type { Mode } from './modes.ts';

/** What the operation observations call an operation. */
export type ObsOpKind = 'request' | 'convert' | 'unlock';

/** Fields every observation about one resource carries. */
type OnRes = { ls: string; res: string };

/** A lock on a new master's rebuilt queues. */
export type RebuiltLockObs = { lkid: number; node: NodeId; grmode: Mode; rqmode: Mode; queue: string };

/** The data of each DLM observation kind. */
export type DlmObservationData = {
  /** The lockspace was stopped for recovery. */
  'dlm-stop': { ls: string };
  'dlm-recovery-start': { ls: string; ev: number; members: NodeId[] };
  /** This node completed a recovery: generation `gen` with `members`. */
  'dlm-recovered': { ls: string; gen: number; ev: number; members: NodeId[] };
  /** This node discarded its lockspace state (cut off and removed; a rebooted node would). */
  'dlm-reset': { ls: string };
  /** An operation accepted at the owner (a conversion or unlock with a value block names its offer). */
  'dlm-op': OnRes & { lkid: number; opId: number; op: ObsOpKind; mode: Mode; flags: number; grmode: Mode; lvb?: string };
  'dlm-cancel': OnRes & { lkid: number; opId: number };
  /** A call refused at the caller with -EINVAL (fs/dlm's argument checks): nothing was sent. */
  'dlm-refused': OnRes & { lkid: number; op: ObsOpKind; status: number; why: string };
  /** A completion delivered to the owner. */
  'dlm-complete': OnRes & {
    lkid: number; opId: number; status: number; mode: Mode; sbflags: number;
    lvb: string | undefined; lvbseq: number; read: boolean; valblk: boolean;
  };
  /** The owner learned that CONVDEADLK demoted its queued conversion: the copy holds NL. */
  'dlm-demoted': OnRes & { lkid: number; opId: number; mode: Mode };
  'dlm-bast': OnRes & { lkid: number; mode: Mode; grmode: Mode };
  /** This node became a resource's master (first lookup, or chosen in recovery). */
  'dlm-master': OnRes & { recovered?: boolean };
  /** A grant at the master, reported before it is applied. */
  'dlm-grant': OnRes & { lkid: number; owner: NodeId; from: 'new' | 'convert-now' | 'convert' | 'wait'; mode: Mode; recovery: boolean; flags: number };
  /** A new master's rebuilt queues. */
  'dlm-rebuilt': OnRes & { locks: RebuiltLockObs[] };
  'dlm-dir-conflict': OnRes & { masters: NodeId[] };
  /** A master starts the resource with a zero value block (created, or forgotten in recovery). */
  'dlm-lvb-fresh': OnRes & { recovered?: boolean; members?: NodeId[] };
  'dlm-lvb-write': OnRes & { seq: number; lvb: string; lkid: number };
  'dlm-lvb-read': OnRes & { lkid: number; owner: NodeId; seq: number; lvb: string; valNotValid: boolean };
  /** The value block was marked lost (VALNOTVALID), or zeroed where the lockspace signals loss so. */
  'dlm-lvb-invalid': OnRes & { why: string; zeroed: boolean };
  /** A new master recovered the value block from the rebuilt copies (recover_lvb). */
  'dlm-lvb-recovered': OnRes & { seq: number; lvb: string; valNotValid: boolean; pendingWrite: boolean; zeroed: boolean; members: NodeId[] };
  /** The glock-cache workload trusted its cached metadata (generation `cacheGen`) on the value block's word. */
  'glock-trust': { ls: string; cacheGen: number; lvbGen: number };
  /** The glock-cache workload re-read the metadata from the disk. */
  'glock-refresh': { ls: string; gen: number; lvbGen: number; lost: boolean };
};

export type DlmObsKind = keyof DlmObservationData;

export const DLM_OBS_KINDS = [
  'dlm-stop', 'dlm-recovery-start', 'dlm-recovered', 'dlm-reset', 'dlm-op', 'dlm-cancel', 'dlm-refused',
  'dlm-complete', 'dlm-demoted', 'dlm-bast', 'dlm-master', 'dlm-grant', 'dlm-rebuilt', 'dlm-dir-conflict',
  'dlm-lvb-fresh', 'dlm-lvb-write', 'dlm-lvb-read', 'dlm-lvb-invalid', 'dlm-lvb-recovered',
  'glock-trust', 'glock-refresh',
] as const satisfies readonly DlmObsKind[];

// Every kind is listed (a missing one is a compile error here).
const allListed: Exclude<DlmObsKind, (typeof DLM_OBS_KINDS)[number]> extends never ? true : never = true;
void allListed;

/** A DLM observation as a checker sees it: the kind narrows the data. */
export type DlmObservation = {
  [K in DlmObsKind]: { readonly seq: number; readonly atUs: number; readonly node: NodeId; readonly kind: K; readonly data: DlmObservationData[K] };
}[DlmObsKind];

const KINDS: ReadonlySet<string> = new Set<string>(DLM_OBS_KINDS);

/** Report a DLM observation; the data must have the fields its kind declares. */
export function emit<K extends DlmObsKind>(ctx: Context, kind: K, data: DlmObservationData[K]): void {
  ctx.observe(kind, data);
}

/** The observation as a typed DLM observation, or undefined for another layer's kinds. */
export function asDlm(obs: Observation): DlmObservation | undefined {
  // Needed (the one cast): the engine's Observation is untyped; `emit` is the only producer of these kinds, with the declared data.
  return KINDS.has(obs.kind) ? (obs as unknown as DlmObservation) : undefined;
}

/** The engine's crash observation, which DLM checkers read to excuse a dead owner. */
export function isCrash(obs: Observation): boolean {
  return obs.kind === 'crash';
}
