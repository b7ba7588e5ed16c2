// The ownership-module contract: which node believes it owns which metadata resource, with what
// epoch and fencing token. Every ownership protocol (lease, dlm-lvb, oldest-member) implements it;
// workloads and checkers depend only on this file.
import type { DiskKey, DiskWriteOptions, Message, Module, NodeId } from '../../sim/types.ts';

/** Name of the ownership module on every host. */
export const OWNERSHIP_MODULE = 'ownership';

/** Observation kinds (data: {resource, epoch, token}). */
export const OWNER_BEGIN = 'owner-begin';
export const OWNER_END = 'owner-end';
/** The owner finished recovery and may serve (data: {resource, epoch}). */
export const OWNER_READY = 'owner-ready';
/** An owner completed a client request after its write was accepted (data: {resource, epoch, op}). */
export const OWNER_SERVE = 'owner-serve';
/** A node read an ownership record that the DLM flagged VALNOTVALID (data: {resource}). */
export const VALNOTVALID_READ = 'valnotvalid-read';
/** A node died (or was found dead) while it held EX on an ownership lock (data: {resource}). */
export const EX_HOLDER = 'ex-held';

/** What a node holds while it believes it owns `resource`. */
export interface OwnerGrant {
  readonly resource: string;
  /** Ownership generation; strictly greater for every new owner of the resource. */
  readonly epoch: number;
  /** Fencing token the storage checks, when the protocol has one. */
  readonly token: number | undefined;
  /** Recovery is done: the owner may serve requests. */
  readonly ready: boolean;
}

export type GrantListener = (resource: string, grant: OwnerGrant | undefined) => void;

/** Implemented by the module named 'ownership' on every host. */
/** An ownership protocol's module; `M` and `T` are its own messages and timer tags (see Module). */
export interface Ownership<M extends Message = Message, T = unknown> extends Module<M, T> {
  readonly resources: readonly string[];
  /** This node's grant on `resource` if it believes it owns it right now (checked at call time). */
  grant(resource: string): OwnerGrant | undefined;
  /** Who this node thinks owns `resource` (maybe stale; undefined = unknown yet). */
  ownerHint(resource: string): NodeId | undefined;
  /** A client timed out or was redirected: look the owner up again. */
  rediscover(resource: string): void;
  /** Options for the owner's writes under `grant` (token and scope where the protocol has one). */
  writeOptions(grant: OwnerGrant): DiskWriteOptions | undefined;
  /** The storage refused a write made under `grant` (fenced, stale token): the grant is lost. */
  writeRefused(grant: OwnerGrant, reason: string): void;
  /** Hear about grant changes on this host (ready grants and losses). */
  onGrant(cb: GrantListener): void;
  /** Optional shared/exclusive lock service (the DLM provides one; others serve through the owner). */
  readonly locks?: LockService;
}

/** Tweedie's model for passwd: lock for read (PR), read, unlock; writers take EX. */
export interface LockService {
  /** Resolves when granted. Rejects if the lock cannot be had. */
  acquire(resource: string, mode: 'shared' | 'exclusive'): Promise<HeldLock>;
}

/** A granted shared/exclusive lock. */
export interface HeldLock {
  release(): void;
  /**
   * As far as this node can tell, the lock has been held without a break since its grant (no
   * membership change stopped the lock service meanwhile). A read counts only if this is still true
   * when it completes: I/O fencing refuses a fenced node's writes, not its reads (SCSI-3 "write
   * exclusive, registrants only"), so a holder paused mid-read and evicted can resume and read blocks
   * its successor wrote (finding F16).
   */
  heldThroughout(): boolean;
}

/** The disk key of a metadata resource (a snapshot record; passwd's blocks and claims live under it). */
export function metaKey(resource: string): string {
  return `meta/${resource}`;
}

/** A new owner's claim write: it raises the storage fence and records the epoch it took. */
export interface ClaimRecord {
  epoch: number;
  owner: NodeId;
}

/** The disk key of a resource's claim record (under its metadata prefix, so the effect checker sees it). */
export function claimKey(resource: string): DiskKey<ClaimRecord> {
  return `${metaKey(resource)}/claim`;
}

/** The fencing-token scope of a resource. */
export function tokenScope(resource: string): string {
  return `res/${resource}`;
}

/** Metadata resource names for a workload: `snap0`, `snap1`, … plus `passwd` when asked. */
export function resourceNames(snapshots: number, passwd: boolean): string[] {
  const out = Array.from({ length: snapshots }, (_, i) => `snap${i}`);
  if (passwd) out.push('passwd');
  return out;
}
