// OpEnv: what a server-side operation needs: the host context, the stamp it puts on every record it
// writes (owner epoch and node) and the write options (fencing token) of the grant it runs under.
import type { Context, DiskWriteOptions, NodeId } from '../../sim/types.ts';
import type { OpResult } from './options.ts';

export interface OpEnv {
  ctx: Context;
  /** Epoch is null when no owner is involved (passwd under DLM locks). */
  stamp: { epoch: number | null; owner: NodeId };
  writeOpts: DiskWriteOptions | undefined;
}

export type OpOutcome = { ok: true; result: OpResult } | { ok: false; reason: string };
