// The library entry: `import { simulate, scenarios, arbitraries } from 'lockstep'`.
export { simulate, plan } from './scenarios/simulate.ts';
export type { SimulateOptions, SimulateResult } from './scenarios/simulate.ts';
export type { Scenario } from './scenarios/types.ts';
export { World } from './sim/world.ts';
export type * from './sim/types.ts';
export type { FaultSpec } from './sim/faults/spec.ts';
export { PROTOCOLS, resolveProtocol } from './protocols/index.ts';
export { arbitraries } from './scenarios/arbitraries.ts';
export type { FaultScheduleOptions, ScenarioArbitraryOptions } from './scenarios/arbitraries.ts';
export { shrinkRun, shrinkRun as shrink, simulateRunFile, NotReproducedError } from './scenarios/shrink.ts';
export type { ShrinkOptions, ShrinkResult, ShrinkProgress, RunSize } from './scenarios/shrink.ts';
export type { RunFile } from './scenarios/runfile.ts';
export * as scenarios from './scenarios/load.ts';
