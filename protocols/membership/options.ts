// Membership options: defaults and parsing from a scenario's `cluster` block (twoNode, votes …).
import type { MembershipOptions } from './api.ts';

export const DEFAULT_TOKEN_TIMEOUT_US = 1_000_000;

/**
 * Build options from a scenario's `cluster` record; unknown keys are left to other layers.
 * `objectVotesIgnored` plants the parsing flaw of variant `misread-votes`: `votes` given as an object
 * keyed by node id is ignored (every node gets one vote).
 */
export function parseMembershipOptions(cluster: Record<string, unknown> | undefined, nodes: number, objectVotesIgnored = false): MembershipOptions {
  const c = cluster ?? {};
  const num = (k: string): number | undefined => {
    const v = c[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`cluster.${k} must be a non-negative number, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (k: string): boolean => {
    const v = c[k];
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw new Error(`cluster.${k} must be a boolean, got ${JSON.stringify(v)}`);
    return v;
  };
  const tokenTimeoutUs = num('tokenTimeoutUs') ?? DEFAULT_TOKEN_TIMEOUT_US;
  const votes: Record<number, number> = {};
  const given = c.votes;
  for (let n = 1; n <= nodes; n++) {
    const byId = objectVotesIgnored ? undefined : (given as Record<string, unknown> | undefined);
    const v = Array.isArray(given) ? given[n - 1] : byId?.[String(n)];
    votes[n] = typeof v === 'number' ? v : 1;
  }
  const twoNode = bool('twoNode');
  const fenceCheckUs = num('fenceCheckUs') ?? 1_000_000;
  if (twoNode && nodes !== 2) throw new Error(`cluster.twoNode needs exactly 2 nodes, got ${nodes}`);
  return {
    tokenTimeoutUs,
    heartbeatUs: num('heartbeatUs') ?? Math.floor(tokenTimeoutUs / 4),
    joinWaitUs: num('joinWaitUs') ?? 2 * tokenTimeoutUs,
    votes,
    expectedVotes: num('expectedVotes'),
    twoNode,
    waitForAll: twoNode || bool('waitForAll'),
    autoTieBreaker: bool('autoTieBreaker'),
    allowQuorumDecrease: bool('allowQuorumDecrease'),
    postFailDelayUs: num('postFailDelayUs') ?? 0,
    fenceRetryUs: num('fenceRetryUs') ?? 5_000_000,
    fenceCheckUs,
    fenceDelayUs: num('fenceDelayUs') ?? (twoNode ? 3 * fenceCheckUs : 0),
    rebootDelayUs: num('rebootDelayUs') ?? 2_000_000,
    source: { cluster, nodes },
  };
}
