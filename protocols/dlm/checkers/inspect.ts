// Checker access to a live node's DLM state (read-only), for properties that are about the master.
import type { CheckerWorld, NodeId } from '../../../sim/types.ts';
import type { Dlm } from '../dlm.ts';
import type { Resource } from '../resource.ts';

export function dlmOf(w: CheckerWorld, node: NodeId): Dlm | undefined {
  return w.module<Dlm>(node, 'dlm');
}

export function masterRsb(w: CheckerWorld, node: NodeId, ls: string, res: string): Resource | undefined {
  return dlmOf(w, node)?.lockspaces.get(ls)?.rsbs.get(res);
}
