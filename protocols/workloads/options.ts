// Workload options, read from a scenario's `workload` field with defaults, and the observation kinds
// the workload emits for the client-level checkers.
import { assertWorkloadKind } from './kinds.ts';
import type { BuildInput, JsonSchema } from '../registry.ts';
import type { NodeId } from '../../sim/types.ts';

export interface WorkloadOptions {
  /** Number of snapshot-metadata resources (`snap0` …); 0 disables the snapshot workload. */
  snapshots: number;
  /** Chunks per snapshot store. */
  chunks: number;
  /** Run the cluster-wide passwd workload too. */
  passwd: boolean;
  /** Blocks the passwd file spans (a multi-block write can tear). */
  passwdBlocks: number;
  /** Mean think time between a client's requests. */
  thinkUs: number;
  /** A request without an answer is re-sent (to a freshly looked-up owner) after this long. */
  requestTimeoutUs: number;
  /** Back-off before re-sending after a redirect or an unknown owner. */
  retryUs: number;
  /** Nodes that run a client (default: all). */
  clients: readonly NodeId[] | undefined;
}

export const OWNERSHIP_KINDS: readonly string[] = ['snapshot-metadata', 'passwd', 'ownership-mix'];

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  snapshots: 2,
  chunks: 64,
  passwd: true,
  passwdBlocks: 3,
  // One request per ≈200 ms per client: on the standard swarm the flawed variants are caught on as
  // many seeds as at 50 ms, for a quarter of the requests (bench/README.md, "Workload shape").
  thinkUs: 200_000,
  requestTimeoutUs: 300_000,
  retryUs: 30_000,
  clients: undefined,
};

/**
 * Options from the scenario: kind 'snapshot-metadata', 'passwd' or 'ownership-mix' (both); 'none' keeps
 * the mix's resources, owned as usual, with no client. Any other kind (or no workload given) belongs to
 * another layer's experiments (e.g. 'dlm-random'): the ownership protocols then run their default mix,
 * so every library scenario can be explored under every protocol.
 */
export function workloadOptions(input: Pick<BuildInput, 'workload' | 'clients'>): WorkloadOptions {
  const given = input.workload;
  if (given !== undefined) assertWorkloadKind(given.kind);
  const w = given !== undefined && (OWNERSHIP_KINDS.includes(given.kind) || given.kind === 'none') ? given : { kind: 'ownership-mix' };
  const num = (k: string, d: number): number => {
    const v = w[k];
    return typeof v === 'number' ? v : d;
  };
  const kind = w.kind;
  return {
    snapshots: kind === 'passwd' ? 0 : num('snapshots', DEFAULT_WORKLOAD.snapshots),
    chunks: num('chunks', DEFAULT_WORKLOAD.chunks),
    passwd: kind !== 'snapshot-metadata',
    passwdBlocks: num('passwdBlocks', DEFAULT_WORKLOAD.passwdBlocks),
    thinkUs: num('thinkUs', DEFAULT_WORKLOAD.thinkUs),
    requestTimeoutUs: num('requestTimeoutUs', DEFAULT_WORKLOAD.requestTimeoutUs),
    retryUs: num('retryUs', DEFAULT_WORKLOAD.retryUs),
    // 'none': the resources exist and the protocol keeps owning them, but no node is a client.
    clients: kind === 'none' ? [] : input.clients,
  };
}

/** Client observation kinds. */
export const CLIENT_REQUEST = 'client-request';
export const CLIENT_ACK = 'client-ack';

export type OpKind = 'alloc' | 'free' | 'pread' | 'pwrite';

/** A client operation on one resource. */
export interface Op {
  kind: OpKind;
  resource: string;
  /** free: the chunk and the id of the allocation being undone. */
  chunk?: number;
  allocId?: string;
}

/** What an owner (or a locked passwd access) returns. */
export interface OpResult {
  chunk?: number;
  /** pread: the version of each block read; pwrite: the version written. */
  versions?: number[];
  version?: number;
  full?: boolean;
}

const int = (min: number, max: number, description: string): JsonSchema => ({ type: 'integer', minimum: min, maximum: max, description });

/** Options of the ownership workloads (each ownership kind takes the same ones). */
const OWNERSHIP_WORKLOAD_OPTIONS: Readonly<Record<string, JsonSchema>> = {
  snapshots: int(0, 1_000, 'snapshot-metadata resources (0–1000)'),
  chunks: int(1, 100_000, 'chunks per snapshot store'),
  passwdBlocks: int(1, 64, 'blocks the passwd file spans (at least 1)'),
  thinkUs: int(1_000, 3_600_000_000, "mean think time between a client's requests (at least 1 ms)"),
  requestTimeoutUs: int(1_000, 3_600_000_000, 'request timeout before a re-send (at least 1 ms)'),
  retryUs: int(1_000, 3_600_000_000, 'back-off before a re-send (at least 1 ms)'),
};

/** The workload part of an ownership protocol's options schema. */
export const OWNERSHIP_WORKLOAD_SCHEMA: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>> = Object.fromEntries(
  OWNERSHIP_KINDS.map((k) => [k, OWNERSHIP_WORKLOAD_OPTIONS]),
);
