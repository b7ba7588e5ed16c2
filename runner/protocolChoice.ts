// Which protocol a command runs, and which checkers that protocol applies to a scenario.
import { buildInputOf } from '../scenarios/simulate.ts';
import { PROTOCOLS, UnknownProtocolError, resolveProtocol } from '../protocols/index.ts';
import type { ResolvedProtocol } from '../protocols/index.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { PropertyKind } from '../sim/types.ts';
import { InputError } from './errors.ts';

export interface CheckerInfo {
  name: string;
  kind: PropertyKind;
  description: string;
}

/** The protocol used when neither --protocol nor the scenario names one. */
export function defaultProtocolName(): string {
  const dlm = PROTOCOLS.find((p) => p.name === 'dlm-lvb');
  const first = dlm ?? PROTOCOLS[0];
  if (first === undefined) throw new Error('no protocol is registered in protocols/index.ts');
  return first.name;
}

/** --protocol wins over the scenario's own protocol, which wins over the default. */
export function chooseProtocol(flag: string | undefined, scenario: Scenario, source: string = scenario.name): ResolvedProtocol {
  const name = flag ?? scenario.protocol ?? defaultProtocolName();
  try {
    return resolveProtocol(name);
  } catch (e) {
    if (e instanceof UnknownProtocolError) throw new InputError(`${flag !== undefined ? '--protocol' : `${source}: protocol`}: ${e.message}`);
    throw e;
  }
}

/** The checkers a run of `scenario` under `resolved` applies (the scenario's `checkers` must name real ones). */
export function checkersFor(scenario: Scenario, resolved: ResolvedProtocol, healAtUs: number, source: string = scenario.name): CheckerInfo[] {
  const built = resolved.def.build(buildInputOf(scenario, resolved.variant?.name, healAtUs));
  const all = built.checkers.map((c) => ({ name: c.name, kind: c.kind, description: c.description }));
  if (scenario.checkers === undefined) return all;
  const unknown = scenario.checkers.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) {
    throw new InputError(`${source}: checkers: expected names of ${resolved.name}'s checkers (${all.map((c) => c.name).join(', ')}), got ${unknown.map((n) => `'${n}'`).join(', ')}`);
  }
  return all.filter((c) => scenario.checkers!.includes(c.name));
}
