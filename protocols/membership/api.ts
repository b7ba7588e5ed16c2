// The membership layer's API for the modules above it (fenced, dlm, ownership protocols).
// Modelled on cman + the service manager (SM): see ../shared/reference/dlm-semantics.md §4.
// Implementations: module 'cman' implements ClusterApi; groups are joined through it.
import type { NodeId } from '../../sim/types.ts';

/** An agreed membership view. Every member that installs epoch E installs the same members. */
export interface View {
  /** Generation number; increases with every installed transition. */
  epoch: number;
  /** Members, ascending node id. */
  members: NodeId[];
  /** Members in stable longevity order, oldest first (join order; a restarted node rejoins youngest). */
  byAge: NodeId[];
  /** Incarnation of each member as known to this view. */
  incarnations: Record<number, number>;
  /** Whether this partition has quorum under the configured votes. */
  quorate: boolean;
}

export type StartType = 'FAILED' | 'JOIN' | 'LEAVE';

/** What a service (a member of a service group) implements; SM calls these. */
export interface ServiceCallbacks {
  /** Suspend: a membership change is coming. */
  stop(): void;
  /** Recover for the new group membership; answer later with group.startDone(eventId), never from inside start. */
  start(members: readonly NodeId[], eventId: number, type: StartType): void;
  /** Every member has called startDone(eventId): resume normal operation. */
  finish(eventId: number): void;
}

export interface ServiceGroup {
  readonly name: string;
  /** 0 = fence, 1 = dlm, 2+ = applications. */
  readonly level: number;
  startDone(eventId: number): void;
  /** Members of the last started event, in longevity order (oldest first). */
  members(): readonly NodeId[];
  leave(): void;
}

/** Implemented by the module named 'cman' on every host. */
export interface ClusterApi {
  view(): View | undefined;
  quorate(): boolean;
  /** Subscribe to view installations; returns an unsubscribe function. */
  onView(cb: (v: View) => void): () => void;
  joinGroup(name: string, level: number, cb: ServiceCallbacks): ServiceGroup;
}
