// A fault as the engine takes it: one entry of a fault script, with times in true microseconds.
import type { NodeId } from '../types.ts';

export type PartitionShape = 'isolate' | 'halves' | 'bridge' | 'one-way' | 'groups';

export interface FaultSpec {
  kind: string;
  atUs: number;
  /** How long until the fault is undone (resume, heal, release …); absent = until the healed phase. */
  durationUs?: number;
  node?: NodeId;
  nodes?: NodeId[];
  /** Partition: explicit groups (shape 'groups'), or derived from shape + node. */
  shape?: PartitionShape;
  groups?: NodeId[][];
  /** Clock jump size (may be negative). */
  deltaUs?: number;
  /** Clock drift in parts per million. */
  ppm?: number;
  /** Message-type filter. */
  messageType?: string;
  /** Loss probability for a flaky-network burst. */
  loss?: number;
  /** Extra latency for a slow fence device. */
  extraUs?: number;
}

/** What a fault actually did when it fired (null from apply = it did not fire, e.g. crash of a down node). */
export interface Fired {
  nodes: NodeId[];
  detail?: string;
}
