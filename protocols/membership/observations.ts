// The membership layer's observations as types: each kind (unchanged strings, see api.ts) and its data,
// a typed emit and a narrowing reader, so checkers read fields the compiler knows. The engine's own
// kinds the membership checkers read ('crash', 'restart', 'fence', 'unfence') are typed here too.
import type { Context, NodeId, Observation } from '../../sim/types.ts';
import type { StartType } from './api.ts';

type Incarnations = Readonly<Record<number, number>>;
type Group = { group: string; level: number };

/** Kind → data of every observation the membership layer emits. */
export type MembershipObservations = {
  view: {
    epoch: number; members: readonly NodeId[]; byAge: readonly NodeId[];
    incarnations: Incarnations; quorate: boolean; master: NodeId;
  };
  quorum: { quorate: boolean; votes: number; expectedVotes: number; quorum: number; epoch: number };
  'cman-kill': { reason: string; epoch: number };
  'sm-join': Group;
  'sm-leave': Group;
  'sm-stop': Group & { eventId: number };
  'sm-start': Group & {
    eventId: number; type: StartType; members: readonly NodeId[];
    previous: readonly NodeId[]; failed: readonly NodeId[]; epoch: number;
  };
  'sm-start-done': Group & { eventId: number };
  'sm-finish': Group & { eventId: number; members: readonly NodeId[]; incarnations: Incarnations };
  'sm-left': Group;
  'fence-request': { victim: NodeId; epoch: number; eventId: number; failedInc: number };
  'fence-result': { victim: NodeId; ok: boolean };
  'fence-drop': { victim: NodeId; why: string };
  'fence-watchdog': { before?: string };
};

/** The engine's observations the membership and ownership checkers read. */
export type EngineObservations = {
  crash: { incarnation: number };
  restart: { incarnation: number };
  /** `node` is the victim. */
  fence: { by: NodeId; ok: boolean };
  unfence: Record<string, never>;
  'disk-write': { key: string; ok: boolean; reason?: string; version: number; token?: number; value: unknown };
  pause: Record<string, never>;
  resume: Record<string, never>;
};

export type MembershipKind = keyof MembershipObservations;
type Known = MembershipObservations & EngineObservations;

/** Emit a membership observation with data the compiler checks. */
export function observeMembership<K extends MembershipKind>(ctx: Context, kind: K, data: MembershipObservations[K]): void {
  ctx.observe(kind, data);
}

/** An observation of a known kind, its data typed. */
export type Typed<K extends keyof Known> = Observation & { readonly kind: K; readonly data: Known[K] };

/** Narrow `obs` to kind `kind` (the one place where the untyped engine record meets the types). */
export function isKind<K extends keyof Known>(obs: Observation, kind: K): obs is Typed<K> {
  return obs.kind === kind;
}
