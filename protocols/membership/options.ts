// Membership options: defaults and parsing from a scenario's `cluster` block (twoNode, votes …).
import type { MembershipOptions } from './api.ts';
import type { JsonSchema, OptionsSchema } from '../registry.ts';

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
    const byId = !objectVotesIgnored && typeof given === 'object' && given !== null ? given : undefined;
    const v = Array.isArray(given) ? given[n - 1] : byId && Object.entries(byId).find(([k]) => k === String(n))?.[1];
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

const HOUR_US = 3_600_000_000;
/** A time option in µs: at least `min`, at most an hour. */
export function timeUs(min: number, description: string): JsonSchema {
  return { type: 'integer', minimum: min, maximum: HOUR_US, description };
}
const flag = (description: string): JsonSchema => ({ type: 'boolean', description });
const VOTE: JsonSchema = { type: 'integer', minimum: 0, maximum: 1000 };

/** The cman options every membership-based protocol reads from `cluster`. */
export const MEMBERSHIP_OPTIONS_SCHEMA: OptionsSchema = {
  cluster: {
    tokenTimeoutUs: timeUs(1_000, 'token timeout: a member silent this long is declared dead (at least 1 ms)'),
    heartbeatUs: timeUs(250, 'heartbeat period (default tokenTimeoutUs / 4)'),
    joinWaitUs: timeUs(0, 'how long a joining node waits for an existing cluster'),
    votes: {
      description: 'votes per node: an array (index 0 = node 1) or an object keyed by node id, each 0–1000',
      anyOf: [
        { type: 'array', items: VOTE },
        { type: 'object', propertyNames: { pattern: '^[1-9][0-9]*$' }, additionalProperties: VOTE },
      ],
    },
    expectedVotes: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'expected votes (at least 1)' },
    twoNode: flag('two-node mode (needs exactly 2 nodes)'),
    waitForAll: flag('wait for all nodes before the first quorum'),
    autoTieBreaker: flag('the lowest node id wins an even split'),
    allowQuorumDecrease: flag('allow expected votes to decrease'),
    postFailDelayUs: timeUs(0, 'delay after a failure before fencing'),
    fenceRetryUs: timeUs(1_000, 'fence retry period'),
    fenceCheckUs: timeUs(1_000, 'fence check period'),
    fenceDelayUs: timeUs(0, 'delay before fencing (two-node races)'),
    rebootDelayUs: timeUs(0, 'how long a fenced node takes to reboot'),
  },
  rules: [{
    if: { properties: { cluster: { properties: { twoNode: { const: true } }, required: ['twoNode'] } }, required: ['cluster'] },
    then: { properties: { nodes: { const: 2, description: 'exactly 2 nodes: cluster.twoNode is set' } } },
  }],
};
