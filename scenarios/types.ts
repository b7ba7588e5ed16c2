// The scenario: a declarative description of one experiment (cluster, protocol, workload, faults,
// phases, checkers). This is the normalized form the validator produces from a JSON file.
import type { FaultSpec } from '../sim/faults/spec.ts';
import type { LinkConfig } from '../sim/network.ts';
import type { DiskConfig } from '../sim/disk.ts';
import type { NodeId } from '../sim/types.ts';
import type { ChoiceConfig } from '../sim/choice.ts';

import type { WorkloadSpec } from '../protocols/registry.ts';

export type { WorkloadSpec };

export interface Scenario {
  name: string;
  description: string;
  /** Cluster size; node ids are 1..nodes. */
  nodes: number;
  /** Default protocol (`name` or `name/variant`) when the CLI does not choose one. */
  protocol?: string;
  /** Cluster/protocol options (e.g. twoNode, autoTieBreaker, expectedVotes, tokenTimeoutUs). */
  cluster?: Record<string, unknown>;
  workload?: WorkloadSpec;
  durationUs: number;
  /** End of the fault phase; default: when the last scripted fault ends, or 2/3 of the run for a swarm. */
  healAtUs?: number;
  /** Liveness deadline after heal. */
  deadlineUs?: number;
  network?: Partial<LinkConfig>;
  disk?: Partial<DiskConfig>;
  faults: {
    script?: FaultSpec[];
    /** A named swarm profile: the schedule is drawn from the seed. */
    swarm?: string;
  };
  /** Checker names to run (default: all the protocol's). */
  checkers?: string[];
  /** Event budget; hitting it is a named budget violation. */
  maxEvents?: number;
  /** Events allowed in a row at one simulated instant (a livelock bound). */
  maxEventsPerInstant?: number;
  /** Events allowed pending at once (a memory bound the engine counts itself). */
  maxPendingEvents?: number;
  /** Heap a run may grow by, in MB (the runner's memory ceiling; default 70% of Node's heap limit). */
  maxHeapMb?: number;
  bootAtUs?: number[];
  restartCrashedAtHeal?: boolean;
  /** Nodes that take part in a workload as clients (default: all). */
  clients?: NodeId[];
  /** Systematic search (`lockstep check`): which decisions are choice points, and the default bound. */
  check?: CheckSettings;
}

export interface CheckSettings {
  choices: ChoiceConfig;
  /** Default bound, e.g. "faults=2,delays=2" (the CLI's --bound replaces it). */
  bound?: string;
}
