// Independent judges (reference §5.15): the quorum checkers parse the scenario's raw `cluster` block
// themselves, so a flaw in the protocol's own parsing is visible to them.
import { describe, expect, it } from 'vitest';
import { parseMembershipOptions } from '../../protocols/membership/index.ts';
import { quorumFromRaw } from '../../protocols/membership/checkers/rawCluster.ts';

describe('the checkers read the raw cluster block, not the protocol’s parsed options', () => {
  const cluster = { votes: { 4: 2, 5: 2 } };

  it('misread-votes parses votes wrong; the checkers’ own parse does not', () => {
    expect(parseMembershipOptions(cluster, 5, true).votes).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
    expect(parseMembershipOptions(cluster, 5).votes).toEqual({ 1: 1, 2: 1, 3: 1, 4: 2, 5: 2 });
    expect(quorumFromRaw({ cluster, nodes: 5 }).votes).toEqual({ 1: 1, 2: 1, 3: 1, 4: 2, 5: 2 });
  });

  it('the parsed options carry the raw block they came from, untouched', () => {
    expect(parseMembershipOptions(cluster, 5, true).source).toEqual({ cluster, nodes: 5 });
  });

  it('bad raw input is an error naming the field', () => {
    expect(() => quorumFromRaw({ cluster: { votes: { 2: 'two' } }, nodes: 3 })).toThrow(/cluster\.votes\[2\]/);
    expect(() => quorumFromRaw({ cluster: { twoNode: 'yes' }, nodes: 2 })).toThrow(/cluster\.twoNode/);
    expect(() => quorumFromRaw({ cluster: { expectedVotes: -1 }, nodes: 2 })).toThrow(/cluster\.expectedVotes/);
  });
});
