// Which protocol a command runs, and which checkers that protocol applies to a scenario.
import { buildInputOf } from '../scenarios/simulate.ts';
import { PROTOCOLS, UnknownCheckerError, UnknownProtocolError, resolveProtocol, selectCheckers } from '../protocols/index.ts';
import type { ResolvedProtocol } from '../protocols/index.ts';
import type { Scenario } from '../scenarios/types.ts';
import { InputError } from './errors.ts';
import type { CheckerInfo } from '../protocols/registry.ts';

export type { CheckerInfo } from '../protocols/registry.ts';

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

/** Check the scenario's `checkers` names against the protocol's declarations, without building it. */
export function checkCheckerNames(scenario: Scenario, resolved: ResolvedProtocol, source: string = scenario.name): void {
  try {
    selectCheckers(resolved, scenario.checkers, source);
  } catch (e) {
    if (e instanceof UnknownCheckerError) throw new InputError(e.message);
    throw e;
  }
}

/** The checkers a run of `scenario` under `resolved` applies (the scenario's `checkers` must name real ones). */
export function checkersFor(scenario: Scenario, resolved: ResolvedProtocol, healAtUs: number, source: string = scenario.name): CheckerInfo[] {
  let keep: string[];
  try {
    keep = selectCheckers(resolved, scenario.checkers, source);
  } catch (e) {
    if (e instanceof UnknownCheckerError) throw new InputError(e.message);
    throw e;
  }
  const built = resolved.def.build(buildInputOf(scenario, resolved.variant?.name, healAtUs));
  return built.checkers
    .filter((c) => keep.includes(c.name))
    .map((c) => ({ name: c.name, kind: c.kind, description: c.description }));
}
