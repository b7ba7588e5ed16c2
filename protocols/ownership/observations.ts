// The ownership layer's observations as types: each kind (unchanged strings, see api.ts and
// workloads/options.ts) and its data, a typed emit and a narrowing reader, so the ownership checkers
// read fields the compiler knows.
import type { Context, NodeId, Observation } from '../../sim/types.ts';
import type { MembershipObservations, EngineObservations } from '../membership/observations.ts';

/** Kind → data of every observation the ownership protocols and the workload emit. */
export type OwnershipObservations = {
  'owner-begin': { resource: string; epoch: number; token: number | null };
  'owner-ready': { resource: string; epoch: number };
  'owner-end': { resource: string; epoch: number; token: number | null; why: string };
  'owner-serve': { resource: string; epoch: number; op: string; wrote: boolean };
  'valnotvalid-read': { resource: string; by: string; lvbOwner?: NodeId; lvbEpoch?: number };
  'ex-held': { resource: string; held: boolean };
  'client-request': { id: string; resource: string; op: string; chunk: number | null; allocId: string | null };
  'client-ack': {
    id: string; resource: string; op: string; chunk: number | null; allocId: string | null;
    versions: readonly number[] | null; version: number | null; full: boolean;
  };
};

export type OwnershipKind = keyof OwnershipObservations;
type Known = OwnershipObservations & Pick<MembershipObservations, 'view'> & EngineObservations;

/** Emit an ownership observation with data the compiler checks. */
export function observeOwnership<K extends OwnershipKind>(ctx: Context, kind: K, data: OwnershipObservations[K]): void {
  ctx.observe(kind, data);
}

/** An observation of a known kind, its data typed. */
export type Typed<K extends keyof Known> = Observation & { readonly kind: K; readonly data: Known[K] };

/** Narrow `obs` to kind `kind`. */
export function isKind<K extends keyof Known>(obs: Observation, kind: K): obs is Typed<K> {
  return obs.kind === kind;
}
