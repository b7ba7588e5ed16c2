// simulate(): one run of a scenario under a protocol and a seed. Composes the scenario, the
// protocol's stack and checkers, and the engine. Deterministic: same inputs, same trace hash.
import { World } from '../sim/world.ts';
import type { TraceRecord } from '../sim/world.ts';
import type { RunResult } from '../sim/types.ts';
import type { FaultSpec } from '../sim/faults/spec.ts';
import type { TapeOverrides } from '../sim/tape.ts';
import { drawSwarm } from '../sim/faults/swarm.ts';
import { SeedTree } from '../sim/rng.ts';
import { resolveProtocolRef, selectCheckers } from '../protocols/index.ts';
import type { BuildInput, ProtocolDef } from '../protocols/registry.ts';
import type { Scenario } from './types.ts';
import { swarmProfile } from './profiles.ts';

export interface SimulateOptions {
  seed: number;
  /**
   * A registered protocol's name (`name` or `name/variant`) or a definition from defineProtocol();
   * defaults to the scenario's protocol.
   */
  protocol?: string | ProtocolDef;
  /** A variant of `protocol` (with a definition, or a name without `/variant`). */
  variant?: string;
  /** An explicit fault schedule replacing the scenario's script or swarm draw (replay, shrink, fast-check). */
  faults?: FaultSpec[];
  /** Overrides of the swarm-drawn network knobs (replay and shrink keep them fixed). */
  network?: { loss?: number; duplicate?: number; latencyMaxUs?: number };
  tapeOverrides?: TapeOverrides;
  trace?: (rec: TraceRecord) => void;
  stopOnViolation?: boolean;
  /** Asked every few thousand events; a sentence ends the run with a budget violation (heap ceiling). */
  probe?: () => string | undefined;
  /** Also return the indices of non-default tape decisions (shrink uses them). */
  collectDecisions?: boolean;
  /** Called with the world before it runs (systematic search installs its tape observer here). */
  onWorld?: (world: World) => void;
}

export interface SimulateResult extends RunResult {
  /** The knobs drawn from the seed (swarm) or taken from the scenario, printed before the run. */
  knobs: Record<string, number | string>;
  /** The concrete fault schedule that ran. */
  faults: FaultSpec[];
  /** The healed phase began here. */
  healAtUs: number;
  /** With `collectDecisions`: indices of tape decisions that were not the benign default 0. */
  nonDefaultDecisions?: number[];
}

export const DEFAULT_SWARM_START_US = 2_000_000;

/** What a protocol is built from for a run of `scenario`: its shape, not the scenario itself. */
export function buildInputOf(scenario: Scenario, variant: string | undefined, healAtUs: number): BuildInput {
  return {
    nodes: scenario.nodes,
    cluster: scenario.cluster ?? {},
    workload: scenario.workload,
    clients: scenario.clients,
    variant,
    healAtUs,
    deadlineUs: scenario.deadlineUs,
    durationUs: scenario.durationUs,
  };
}

/** Resolve the concrete fault schedule and network knobs for a seed, without running. */
export function plan(scenario: Scenario, opts: Pick<SimulateOptions, 'seed' | 'faults' | 'network'>): {
  faults: FaultSpec[]; healAtUs: number; knobs: Record<string, number | string>; network: Record<string, number>;
} {
  const nodes = Array.from({ length: scenario.nodes }, (_, i) => i + 1);
  let faults = scenario.faults.script ?? [];
  let knobs: Record<string, number | string> = {};
  let network: Record<string, number> = {};
  let healAtUs = scenario.healAtUs;
  if (scenario.faults.swarm !== undefined) {
    const profile = swarmProfile(scenario.faults.swarm);
    if (profile === undefined) throw new Error(`scenario ${scenario.name}: unknown swarm profile '${scenario.faults.swarm}'`);
    healAtUs ??= Math.floor((scenario.durationUs * 2) / 3);
    const draw = drawSwarm(profile, new SeedTree(opts.seed), nodes, Math.min(DEFAULT_SWARM_START_US, healAtUs), healAtUs);
    faults = draw.faults;
    knobs = draw.knobs;
    network = { loss: draw.network.loss, duplicate: draw.network.duplicate };
    if (draw.network.latencyMaxUs !== undefined) network.latencyMaxUs = draw.network.latencyMaxUs;
  }
  if (opts.faults !== undefined) faults = opts.faults;
  if (opts.network !== undefined) network = { ...network, ...(opts.network as Record<string, number>) };
  // A fault at a fault point fires at a time nobody knows in advance: it does not set the heal.
  healAtUs ??= faults.reduce((m, f) => (f.point !== undefined ? m : Math.max(m, f.atUs + (f.durationUs ?? 0))), 0);
  return { faults, healAtUs, knobs, network };
}

export async function simulate(scenario: Scenario, opts: SimulateOptions): Promise<SimulateResult> {
  const resolved = resolveProtocolRef(opts.protocol ?? scenario.protocol ?? 'gossip', opts.variant);
  const keep = selectCheckers(resolved, scenario.checkers, `scenario ${scenario.name}`);
  const { faults, healAtUs, knobs, network } = plan(scenario, opts);
  const built = resolved.def.build(buildInputOf(scenario, resolved.variant?.name, healAtUs));
  const checkers = built.checkers.filter((c) => keep.includes(c.name));
  const world = new World({
    scenario: scenario.name,
    protocol: resolved.name,
    seed: opts.seed,
    nodes: scenario.nodes,
    stack: built.stack,
    checkers,
    observers: built.observers ?? [],
    roles: built.roles ?? [],
    ...(resolved.def.faultPoints !== undefined ? { faultPoints: resolved.def.faultPoints.map((p) => p.name) } : {}),
    faults,
    durationUs: scenario.durationUs,
    healAtUs,
    ...(scenario.deadlineUs !== undefined ? { deadlineUs: scenario.deadlineUs } : {}),
    ...(scenario.restartCrashedAtHeal !== undefined ? { restartCrashedAtHeal: scenario.restartCrashedAtHeal } : {}),
    network: {
      ...scenario.network,
      ...(network.loss !== undefined ? { loss: network.loss } : {}),
      ...(network.duplicate !== undefined ? { duplicate: network.duplicate } : {}),
      ...(network.latencyMaxUs !== undefined ? { latencyMaxUs: network.latencyMaxUs } : {}),
    },
    ...(scenario.disk ? { disk: scenario.disk } : {}),
    ...(scenario.bootAtUs ? { bootAtUs: scenario.bootAtUs } : {}),
    ...(scenario.maxEvents !== undefined ? { maxEvents: scenario.maxEvents } : {}),
    ...(scenario.maxEventsPerInstant !== undefined ? { maxEventsPerInstant: scenario.maxEventsPerInstant } : {}),
    ...(scenario.maxPendingEvents !== undefined ? { maxPendingEvents: scenario.maxPendingEvents } : {}),
    ...(opts.probe !== undefined ? { probe: opts.probe } : {}),
    ...(opts.stopOnViolation !== undefined ? { stopOnViolation: opts.stopOnViolation } : {}),
    ...(opts.tapeOverrides ? { tapeOverrides: opts.tapeOverrides } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
    ...(scenario.check ? { choices: scenario.check.choices } : {}),
  });
  opts.onWorld?.(world);
  const result = await world.run();
  return { ...result, knobs, faults, healAtUs, ...(opts.collectDecisions === true ? { nonDefaultDecisions: world.tape.nonDefault() } : {}) };
}
