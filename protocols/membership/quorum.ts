// Quorum arithmetic (cman/votequorum): quorum = max(⌊E/2⌋+1, ⌊V/2⌋+1), E = highest expected votes,
// V = votes present; two_node, wait_for_all and auto_tie_breaker. Pure: cman and the checkers share it.
import type { NodeId } from '../../sim/types.ts';
import type { MembershipOptions } from './api.ts';

export interface QuorumState {
  votes: number;
  expectedVotes: number;
  quorum: number;
  quorate: boolean;
}

export type QuorumOptions = Pick<MembershipOptions, 'votes' | 'expectedVotes' | 'twoNode' | 'waitForAll' | 'autoTieBreaker' | 'allowQuorumDecrease'>;

export function totalVotes(opts: QuorumOptions): number {
  return Object.values(opts.votes).reduce((s, v) => s + v, 0);
}

/**
 * Quorum of a member set. `prevExpected`/`prevQuorum` carry the high-water marks of the lineage
 * (expected votes and quorum never drop unless allowQuorumDecrease); `seenAll` is wait_for_all's
 * "all nodes were in one view at once" flag of the lineage.
 */
export function computeQuorum(opts: QuorumOptions, members: readonly NodeId[], allNodes: readonly NodeId[], prevExpected = 0, prevQuorum = 0, seenAll = true): QuorumState {
  const votes = members.reduce((s, m) => s + (opts.votes[m] ?? 1), 0);
  const configured = opts.expectedVotes ?? totalVotes(opts);
  const expectedVotes = opts.allowQuorumDecrease ? Math.max(configured, votes) : Math.max(configured, prevExpected, votes);
  let quorum = opts.twoNode ? 1 : Math.max(Math.floor(expectedVotes / 2) + 1, Math.floor(votes / 2) + 1);
  if (!opts.allowQuorumDecrease && !opts.twoNode) quorum = Math.max(quorum, prevQuorum);
  let quorate = votes >= quorum;
  if (!quorate && opts.autoTieBreaker && votes * 2 === expectedVotes && allNodes.length > 0) {
    quorate = members.includes(Math.min(...allNodes));
  }
  if (opts.waitForAll && !seenAll) quorate = false;
  return { votes, expectedVotes, quorum, quorate };
}

/** True when the member set holds every configured node's vote (wait_for_all's condition). */
export function holdsAll(opts: QuorumOptions, members: readonly NodeId[]): boolean {
  return members.reduce((s, m) => s + (opts.votes[m] ?? 1), 0) >= totalVotes(opts);
}
