// The ownership checkers and metrics every ownership protocol runs, assembled in one place, and the
// host-stack builder that puts a protocol's modules under the workload.
import type { Module, NodeId } from '../../sim/types.ts';
import type { Observer, WorldChecker } from '../../sim/world.ts';
import { DEFAULT_DEADLINE_US } from '../../sim/world.ts';
import type { BuildInput, Built } from '../registry.ts';
import { beliefChecker } from './belief.ts';
import { exclusiveBeliefChecker } from './exclusive.ts';
import { failureFencedChecker } from './failureFenced.ts';
import { effectChecker } from './effect.ts';
import { clientChecker } from './client.ts';
import { livenessChecker } from './liveness.ts';
import { handoverCoverage } from './coverage.ts';
import { ownershipMetrics } from './metrics.ts';
import { availabilityMetrics } from './availability.ts';
import { resourceNames } from './api.ts';
import type { WorkloadOptions } from '../workloads/options.ts';
import { workloadOptions } from '../workloads/options.ts';
import { Workload } from '../workloads/workload.ts';

/** The checkers every ownership protocol runs (protocols add their own coverage). */
export function ownershipCheckers(resources: readonly string[], deadlineUs: number): WorldChecker[] {
  return [
    beliefChecker(),
    effectChecker(),
    clientChecker(),
    livenessChecker({ resources, requestSlackUs: Math.max(5_000_000, Math.floor(deadlineUs / 3)) }),
    handoverCoverage(),
  ];
}

export interface OwnershipBuild {
  workload: WorkloadOptions;
  resources: string[];
}

/**
 * Build a protocol's run: `modules(node, ctx)` gives the host's lower modules and its 'ownership'
 * module; the workload goes on top. `extra` adds protocol-specific checkers and observers; `lockedPasswd`
 * says the protocol's LockService serves passwd, so passwd is not an owned resource; `exclusiveBelief`
 * declares that the design promises one acting owner per resource across epochs (through fencing),
 * which adds the `ownership-exclusive` checker and, since such a design recovers a failed owner by
 * fencing it, the `ownership-failure-fenced` checker (§5.13).
 */
export function buildOwnershipRun(
  input: BuildInput,
  modules: (node: NodeId, b: OwnershipBuild) => Module[],
  extra: { checkers?: WorldChecker[]; observers?: Observer[]; lockedPasswd?: boolean; exclusiveBelief?: boolean } = {},
): Built {
  const workload = workloadOptions(input);
  // With a lock service, passwd is not owned: every node locks it and does its own I/O.
  const resources = resourceNames(workload.snapshots, workload.passwd && extra.lockedPasswd !== true);
  const b: OwnershipBuild = { workload, resources };
  const deadlineUs = input.deadlineUs ?? DEFAULT_DEADLINE_US;
  return {
    stack: (node) => [...modules(node, b), new Workload(workload)],
    checkers: [
      ...ownershipCheckers(resources, deadlineUs),
      ...(extra.exclusiveBelief === true ? [exclusiveBeliefChecker(), failureFencedChecker()] : []),
      ...(extra.checkers ?? []),
    ],
    observers: [
      ownershipMetrics(resources),
      availabilityMetrics({ requestTimeoutUs: workload.requestTimeoutUs }),
      ...(extra.observers ?? []),
    ],
  };
}
