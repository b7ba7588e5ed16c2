// The membership layer's API for the modules above it (fenced, dlm, ownership protocols).
// Modelled on cman + the service manager (SM): see ../shared/reference/dlm-semantics.md §4.
// Implementations: module 'cman' (protocols/membership/cman.ts) implements ClusterApi; groups are
// joined through it. Module 'fenced' (fenced.ts) is the level-0 service. Build a stack with
// `membershipStack()` from protocols/membership/index.ts and put your modules after it.
//
// Usage from a module above (e.g. the DLM):
//   const cman = ctx.module<ClusterApi & Module>('cman');
//   const g = cman.joinGroup('dlm:ls1', LEVEL_DLM, {
//     stop() { block locking },
//     start(members, eventId, type, info) { recover; later: ctx.defer(() => g.startDone(eventId)) },
//     finish(eventId) { unblock locking },
//   });
//   await g.whenRunning();        // promise form (inside ctx.spawn coroutines)
//
// Observation kinds emitted (ctx.observe; `node` is the emitting node):
//   'view'         {epoch, members, byAge, incarnations, quorate, master}      a view was installed
//   'quorum'       {quorate, votes, expectedVotes, quorum, epoch}             quorate flag changed
//   'cman-kill'    {reason, epoch}        this node kills itself (expelled/merge loser/fenced): it reboots
//   'sm-join'      {group, level}          joinGroup called;  'sm-leave' {group, level}: leave() called
//   'sm-stop'      {group, level, eventId} stop() delivered (eventId = the event it belongs to, or the
//                                          superseded/current one for a local stop; -1 if none)
//   'sm-start'     {group, level, eventId, type, members, previous, failed, epoch}  start() delivered
//   'sm-start-done'{group, level, eventId} the service answered start_done
//   'sm-finish'    {group, level, eventId, members, incarnations}  finish() delivered
//   'sm-left'      {group, level}          the group has been left
//   'fence-request'{victim, epoch, eventId, failedInc}   fenced (the fencer) is about to fence victim
//   'fence-result' {victim, ok}            a fence attempt completed (ok=false → retry in 5 s)
//   'fence-drop'   {victim, why}           a victim was dropped (it rejoined as a new incarnation)
//   'fence-watchdog' {before?}             this node found its own disk registration gone: reboots
//                                          (periodically, or just before fencing others: lost the race)
// (The engine itself observes 'fence' (node = victim, {by, ok}), 'unfence', 'crash', 'restart',
//  'self-reboot' {reason} …)
// fenced's watchdog writes its incarnation to disk key `fenced/check/<node>` every fenceCheckUs:
// ownership checkers that look at 'disk-write' should ignore keys starting with FENCE_CHECK_PREFIX.
//
// Ordering: put membershipStack() first in a host's stack (groups are joined through 'cman'); a node
// joins a level-L group only once its own lower-level groups run (so a DLM joins after fencing).
// Killed nodes (expelled, merge losers, fenced) reboot through ctx.reboot: volatile state is lost.
import type { NodeId } from '../../sim/types.ts';

/** Service levels as in the old cman service manager: level N recovers on every node before N+1 starts. */
export const LEVEL_FENCE = 0;
export const LEVEL_DLM = 1;
export const LEVEL_APP = 2;

/** An agreed membership view. Every member that installs epoch E installs the same members. */
export interface View {
  /**
   * Generation number; increases with every installed transition. Unique cluster-wide:
   * epoch = generation × 1000 + id of the transition master (like a corosync ring id), so two
   * partitions never install the same epoch with different members.
   */
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

/** Extra facts about a start (additive 4th argument of `start`; ignore it if you do not need it). */
export interface StartInfo {
  /** Epoch of the view this event belongs to. */
  epoch: number;
  /** Members of the group's last *completed* event, ascending (empty for a brand-new group). */
  previous: readonly NodeId[];
  /** Incarnations of `previous` members at that completed event. */
  previousIncarnations: Readonly<Record<number, number>>;
  /** Incarnations of the new members. */
  incarnations: Readonly<Record<number, number>>;
  /** Previous members gone without leaving (crashed, expelled, restarted): the recovery targets. */
  failed: readonly NodeId[];
  /** Members that left voluntarily (leave()). */
  left: readonly NodeId[];
  /** New members. */
  joined: readonly NodeId[];
}

/** What a service (a member of a service group) implements; SM calls these. */
export interface ServiceCallbacks {
  /** Suspend: a membership change is coming. */
  stop(): void;
  /**
   * Recover for the new group membership (members in longevity order, oldest first); answer later
   * with group.startDone(eventId), never from inside start (use ctx.defer). A later stop supersedes
   * this start: its startDone is then ignored and it never reaches finish.
   */
  start(members: readonly NodeId[], eventId: number, type: StartType, info: StartInfo): void;
  /** Every member has called startDone(eventId): resume normal operation. */
  finish(eventId: number): void;
}

/** Local state of a group member. */
export type GroupState = 'joining' | 'stopped' | 'starting' | 'started' | 'running' | 'left';

export interface ServiceGroup {
  readonly name: string;
  /** 0 = fence, 1 = dlm, 2+ = applications. */
  readonly level: number;
  startDone(eventId: number): void;
  /** Members of the last started event, in longevity order (oldest first). */
  members(): readonly NodeId[];
  leave(): void;
  /** joining → (stopped → starting → started → running)* → left. */
  state(): GroupState;
  /** The event currently started (or last finished); undefined before the first start. */
  eventId(): number | undefined;
  /** Resolves at the next finish (at once if running now). For coroutines (ctx.spawn). */
  whenRunning(): Promise<number>;
}

/** Implemented by the module named 'cman' on every host. */
export interface ClusterApi {
  view(): View | undefined;
  quorate(): boolean;
  /** Subscribe to view installations; returns an unsubscribe function. */
  onView(cb: (v: View) => void): () => void;
  joinGroup(name: string, level: number, cb: ServiceCallbacks): ServiceGroup;
  /** Oldest member of the current view (first of byAge), or undefined before the first view. */
  oldest(): NodeId | undefined;
  /** Resolves with the first installed view (now or later) that satisfies `pred` (default: any newer view). */
  nextView(pred?: (v: View) => boolean): Promise<View>;
}

/** Options of the membership layer; parsed from scenario.cluster by `parseMembershipOptions`. */
export interface MembershipOptions {
  /** Failure detection: a node not heard for this long is considered failed (corosync token). Default 1 s. */
  tokenTimeoutUs: number;
  /** Heartbeat period. Default tokenTimeoutUs / 4. */
  heartbeatUs: number;
  /** A fresh node waits this long to hear a cluster before forming one alone. Default 2 × token. */
  joinWaitUs: number;
  /** Votes per node id (default 1 each). */
  votes: Record<number, number>;
  /** Configured expected votes (default: sum of all votes). */
  expectedVotes: number | undefined;
  /** cman two_node: quorum is 1 (with exactly two nodes); implies waitForAll. */
  twoNode: boolean;
  /** votequorum wait_for_all: the first quorum only after all nodes were seen in one view. */
  waitForAll: boolean;
  /** votequorum auto_tie_breaker: on an exact 50/50 split the half with the lowest node id is quorate. */
  autoTieBreaker: boolean;
  /** Allow the quorum to go down when expected votes are lowered (never, by default). */
  allowQuorumDecrease: boolean;
  /** fenced post_fail_delay. Default 0. */
  postFailDelayUs: number;
  /** Extra wait before fencing for every fencer but the lowest configured node id (a fence device's
   *  `delay`), so a two-node fence race has one winner. Default: 3 × fenceCheckUs with twoNode, else 0. */
  fenceDelayUs: number;
  /** fenced retry period after a failed fence. Default 5 s. */
  fenceRetryUs: number;
  /** fence_scsi_check-style watchdog period: a node that finds itself fenced reboots. Default 1 s. */
  fenceCheckUs: number;
  /** How long a killed node stays down before it boots again. Default 2 s. */
  rebootDelayUs: number;
  /** The raw input these options were parsed from; checkers re-parse it on their own (§5.15). */
  source?: { readonly cluster: Readonly<Record<string, unknown>> | undefined; readonly nodes: number };
}
