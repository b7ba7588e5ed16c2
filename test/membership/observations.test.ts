// Typed observations: the data a real run emits has exactly the fields the layers' observation types
// declare (the key lists below are checked against the types by the compiler), so a field renamed at an
// emit site fails here instead of silently blinding a checker.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenarios/simulate.ts';
import type { MembershipObservations } from '../../protocols/membership/observations.ts';
import type { OwnershipObservations } from '../../protocols/ownership/observations.ts';
import { loadScenario } from './helpers.ts';

type Keys<T> = readonly (keyof T)[];
const M = <K extends keyof MembershipObservations>(k: K, keys: Keys<MembershipObservations[K]>) => [k, keys] as const;
const O = <K extends keyof OwnershipObservations>(k: K, keys: Keys<OwnershipObservations[K]>) => [k, keys] as const;

const DECLARED = new Map<string, readonly (string | number | symbol)[]>([
  M('view', ['epoch', 'members', 'byAge', 'incarnations', 'quorate', 'master']),
  M('sm-start', ['group', 'level', 'eventId', 'type', 'members', 'previous', 'failed', 'epoch']),
  M('sm-finish', ['group', 'level', 'eventId', 'members', 'incarnations']),
  M('sm-stop', ['group', 'level', 'eventId']),
  M('sm-start-done', ['group', 'level', 'eventId']),
  M('fence-request', ['victim', 'epoch', 'eventId', 'failedInc']),
  M('fence-result', ['victim', 'ok']),
  O('owner-begin', ['resource', 'epoch', 'token']),
  O('owner-ready', ['resource', 'epoch']),
  O('owner-end', ['resource', 'epoch', 'token', 'why']),
  O('owner-serve', ['resource', 'epoch', 'op', 'wrote']),
  O('client-request', ['id', 'resource', 'op', 'chunk', 'allocId']),
  O('client-ack', ['id', 'resource', 'op', 'chunk', 'allocId', 'versions', 'version', 'full']),
]);

describe('observations carry the fields their types declare', () => {
  it('membership and ownership kinds on a run with a partition', async () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    await simulate(loadScenario('ownership-minority-partition'), {
      seed: 1, protocol: 'oldest-member',
      trace: (r) => {
        const keys = DECLARED.get(r.k);
        if (keys === undefined) return;
        seen.add(r.k);
        const { i: _i, t: _t, k: _k, node: _n, ...data } = r as Record<string, unknown>;
        const got = Object.keys(data).sort().join(',');
        const want = [...keys].map(String).sort().join(',');
        if (got !== want && bad.length < 5) bad.push(`${r.k}: got ${got}, declared ${want}`);
      },
    });
    expect(bad).toEqual([]);
    expect([...seen].sort()).toEqual([...DECLARED.keys()].sort());
  });
});
