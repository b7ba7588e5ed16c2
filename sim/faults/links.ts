// Directed links: the (src, dst) pairs a fault acts on, from a set of senders to a set of receivers,
// one way or both. corosync's asymmetric view (A hears B, B and C hear each other, C does not hear A)
// is `from: [A], to: [C], direction: 'one-way'`.
import type { NodeId } from '../types.ts';
import type { FaultSpec } from './spec.ts';

/** Every pair from → to (and to → from unless one-way), without self-links or repeats, in order. */
export function linkPairs(f: Pick<FaultSpec, 'from' | 'to' | 'direction'>): [NodeId, NodeId][] {
  const from = f.from ?? [];
  const to = f.to ?? [];
  const seen = new Set<number>();
  const out: [NodeId, NodeId][] = [];
  const add = (a: NodeId, b: NodeId): void => {
    const key = a * 65_536 + b;
    if (a === b || seen.has(key)) return;
    seen.add(key);
    out.push([a, b]);
  };
  for (const a of from) for (const b of to) add(a, b);
  if (f.direction !== 'one-way') for (const a of from) for (const b of to) add(b, a);
  return out;
}

/** "1,2 → 3" or "1,2 ↔ 3", for fault details. */
export function linkText(f: Pick<FaultSpec, 'from' | 'to' | 'direction'>): string {
  const arrow = f.direction === 'one-way' ? '→' : '↔';
  return `${(f.from ?? []).join(',')} ${arrow} ${(f.to ?? []).join(',')}`;
}
