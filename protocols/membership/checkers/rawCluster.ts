// The checkers' own reading of a scenario's raw `cluster` block (reference §5.15, independent judges):
// the quorum settings parsed here, apart from the protocol's options.ts, so a flaw in the protocol's
// parsing shows up as a disagreement instead of being shared by protocol and checker alike.
import type { QuorumOptions } from '../quorum.ts';

/** The raw input a membership stack was configured from: the scenario's `cluster` block and node count. */
export interface RawCluster {
  readonly cluster: Readonly<Record<string, unknown>> | undefined;
  readonly nodes: number;
}

function flag(c: Readonly<Record<string, unknown>>, key: string): boolean {
  const v = c[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new Error(`cluster.${key}: expected a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** Votes per node id 1..nodes: `votes` as an array (index 0 = node 1) or an object keyed by node id. */
function votesOf(given: unknown, nodes: number): Record<number, number> {
  const out: Record<number, number> = {};
  for (let n = 1; n <= nodes; n++) {
    let v: unknown;
    if (Array.isArray(given)) v = given[n - 1];
    else if (given !== null && typeof given === 'object') v = Object.entries(given).find(([k]) => k === String(n))?.[1];
    else if (given !== undefined) throw new Error(`cluster.votes: expected an array or an object, got ${JSON.stringify(given)}`);
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw new Error(`cluster.votes[${n}]: expected a non-negative integer, got ${JSON.stringify(v)}`);
    }
    out[n] = v ?? 1;
  }
  return out;
}

/** Quorum settings from the raw block; defaults as votequorum's (one vote each, expected = sum). */
export function quorumFromRaw(raw: RawCluster): QuorumOptions {
  const c = raw.cluster ?? {};
  const expected = c.expectedVotes;
  if (expected !== undefined && (typeof expected !== 'number' || expected < 0)) {
    throw new Error(`cluster.expectedVotes: expected a non-negative number, got ${JSON.stringify(expected)}`);
  }
  const twoNode = flag(c, 'twoNode');
  return {
    votes: votesOf(c.votes, raw.nodes),
    expectedVotes: expected,
    twoNode,
    waitForAll: twoNode || flag(c, 'waitForAll'),
    autoTieBreaker: flag(c, 'autoTieBreaker'),
    allowQuorumDecrease: flag(c, 'allowQuorumDecrease'),
  };
}
