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

// Writing your own protocol (docs/plugins.md): define it, register it or pass it to simulate().
export { defineProtocol, describeCheckers, ProtocolDefinitionError } from './protocols/registry.ts';
export type {
  ProtocolDef, ProtocolSpec, ProtocolInput, ProtocolVariant, BuildInput, Built, CheckerInfo, WorkloadSpec,
} from './protocols/registry.ts';
export {
  registerProtocol, resolveProtocolRef, UnknownProtocolError, UnknownCheckerError, ProtocolClashError,
} from './protocols/index.ts';
export type { ResolvedProtocol } from './protocols/index.ts';
export type { WorldChecker, Observer, TraceRecord } from './sim/world.ts';
// The DLM to build on: a module for the host stack, its lockspace and lock handles, modes and flags.
export {
  dlmModule, dlmCheckers, Dlm, DlmLock, LockspaceHandle, Status, statusName, DEFAULT_LVB_SIZE, DLM_VARIANTS,
} from './protocols/dlm/index.ts';
export type {
  DlmOptions, LockResult, LockOptions, UnlockOptions, AstOptions, ResultFlags, ModeName, LockFlags,
} from './protocols/dlm/index.ts';
// Membership to build on: cman + fenced modules, service groups, views, and their checkers.
export {
  membershipStack, membershipCheckers, membershipOptionsFor, parseMembershipOptions, LEVEL_FENCE, LEVEL_DLM,
  LEVEL_APP, FENCE_GROUP, MEMBERSHIP_VARIANTS,
} from './protocols/membership/index.ts';
export type {
  MembershipOptions, ClusterApi, ServiceCallbacks, ServiceGroup, StartInfo, StartType, View, GroupState, FullView,
} from './protocols/membership/index.ts';
// Assertions for property tests: fail with the checker's sentence and write the run-file.
export { assertRun, expectHolds, PropertyViolation } from './testing.ts';
export type { RunContext } from './testing.ts';
