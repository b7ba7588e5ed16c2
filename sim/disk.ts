// Shared storage: the disk the cluster's metadata lives on, with an I/O fence device
// (SCSI-3-reservation-like: once a node is fenced its writes are rejected until it re-registers).
// Pure state; the world schedules when operations take effect and when completions arrive.
import type { NodeId, DiskResult, DiskWriteOptions } from './types.ts';

export interface DiskConfig {
  ioLatencyMinUs: number;
  ioLatencyMaxUs: number;
  fenceLatencyMinUs: number;
  fenceLatencyMaxUs: number;
}

export const DEFAULT_DISK: DiskConfig = {
  ioLatencyMinUs: 200,
  ioLatencyMaxUs: 2_000,
  fenceLatencyMinUs: 1_000,
  fenceLatencyMaxUs: 20_000,
};

interface DiskRecord {
  value: unknown;
  version: number;
  writer: NodeId;
  token: number;
}

const EMPTY: DiskRecord = { value: undefined, version: 0, writer: 0, token: 0 };

export class SharedDisk {
  private readonly records = new Map<string, DiskRecord>();
  private readonly tokens = new Map<string, number>();
  private readonly fenced = new Map<NodeId, number>();
  /** The fence device fails every operation while true time < failedUntilUs. */
  failedUntilUs = 0;
  /** Fence operations take this much extra time while slowUntilUs is in the future. */
  slowExtraUs = 0;
  slowUntilUs = 0;
  writesAccepted = 0;
  writesRejected = 0;

  constructor(readonly config: DiskConfig) {}

  read(key: string): DiskResult {
    const r = this.records.get(key) ?? EMPTY;
    return { ok: true, value: r.value, version: r.version, writer: r.writer, token: r.token };
  }

  write(node: NodeId, key: string, value: unknown, opts: DiskWriteOptions | undefined): DiskResult {
    const cur = this.records.get(key) ?? EMPTY;
    if (this.fenced.has(node)) return this.reject(cur, 'fenced');
    if (opts?.expectVersion !== undefined && opts.expectVersion !== cur.version) return this.reject(cur, 'version-conflict');
    let token = 0;
    if (opts?.token !== undefined) {
      const scope = opts.tokenScope ?? key;
      const high = this.tokens.get(scope) ?? 0;
      if (opts.token < high) return this.reject(cur, 'stale-token');
      this.tokens.set(scope, opts.token);
      token = opts.token;
    }
    const next: DiskRecord = { value, version: cur.version + 1, writer: node, token };
    this.records.set(key, next);
    this.writesAccepted++;
    return { ok: true, value, version: next.version, writer: node, token };
  }

  /** A refused write: the record as it stands. (A method, not a closure made on every write.) */
  private reject(cur: DiskRecord, reason: string): DiskResult {
    this.writesRejected++;
    return { ok: false, reason, value: cur.value, version: cur.version, writer: cur.writer, token: cur.token };
  }

  deviceFailed(nowUs: number): boolean {
    return nowUs < this.failedUntilUs;
  }

  /** Fence `victim` (the caller has decided, through the tape, that the device works). */
  fence(victim: NodeId, nowUs: number): void {
    if (!this.fenced.has(victim)) this.fenced.set(victim, nowUs);
  }

  /** Re-register `node` (the caller has decided that the device works). */
  unfence(node: NodeId): void {
    this.fenced.delete(node);
  }

  isFenced(node: NodeId): boolean {
    return this.fenced.has(node);
  }

  fencedAtUs(node: NodeId): number {
    return this.fenced.get(node) ?? -1;
  }

  /** Keys in insertion order (deterministic), for checkers and reports. */
  keys(): string[] {
    return [...this.records.keys()];
  }
}
