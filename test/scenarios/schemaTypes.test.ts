// The Scenario type is checked against the JSON Schema: the compiler holds the key list to
// `keyof Scenario` (no missing, no extra key), and this test holds it to the schema's properties.
// The protocols' option schemas cover every option the cman parser reads.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../scenarios/types.ts';
import { SCENARIO_SCHEMA, optionsIssues } from '../../scenarios/schema.ts';
import { MEMBERSHIP_OPTIONS_SCHEMA, parseMembershipOptions } from '../../protocols/membership/options.ts';

const SCENARIO_KEYS = {
  name: true, description: true, nodes: true, protocol: true, cluster: true, workload: true, durationUs: true,
  healAtUs: true, deadlineUs: true, network: true, disk: true, faults: true, checkers: true, maxEvents: true,
  maxEventsPerInstant: true, maxPendingEvents: true, maxHeapMb: true, bootAtUs: true, restartCrashedAtHeal: true,
  clients: true, check: true,
} as const satisfies Record<keyof Scenario, true>;

describe('types against the schema', () => {
  it('the Scenario type has exactly the fields of scenario.schema.json', () => {
    const props = Object.keys(SCENARIO_SCHEMA.properties as object).filter((k) => k !== '$schema');
    expect(Object.keys(SCENARIO_KEYS).sort()).toEqual(props.sort());
  });

  it('every key of the cman option schema is one the cman parser reads (and the schema accepts its defaults)', () => {
    const keys = Object.keys(MEMBERSHIP_OPTIONS_SCHEMA.cluster!);
    const parsed = parseMembershipOptions({}, 3);
    for (const k of keys.filter((x) => x !== 'votes' && x !== 'expectedVotes')) expect(parsed, k).toHaveProperty(k);
    const defaults = Object.fromEntries(keys.filter((k) => k !== 'votes' && k !== 'expectedVotes' && k !== 'twoNode')
      .map((k) => [k, (parsed as unknown as Record<string, unknown>)[k]]));
    expect(optionsIssues({ nodes: 3, cluster: defaults })).toEqual([]);
  });

  it('cross-field rules: twoNode needs exactly 2 nodes', () => {
    expect(optionsIssues({ nodes: 2, cluster: { twoNode: true } })).toEqual([]);
    expect(optionsIssues({ nodes: 3, cluster: { twoNode: true } })).toEqual([
      { path: 'nodes', expected: 'exactly 2 nodes: cluster.twoNode is set', value: 3 },
    ]);
  });
});
