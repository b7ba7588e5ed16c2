// Swarm testing: draw a whole fault schedule and the network knobs from the seed, so every seed
// explores a different mix (TigerBeetle's options_swarm). The draw uses its own stream ('swarm'),
// and the result is printed with the run and stored in run-files, so it can be shrunk as a script.
import type { FaultSpec, PartitionShape, RoleTarget } from './spec.ts';
import type { SeedTree } from '../rng.ts';
import type { NodeId } from '../types.ts';

export interface SwarmProfile {
  name: string;
  description: string;
  /** How many faults to draw (inclusive range). */
  faults: { min: number; max: number };
  /** Relative weight of each fault kind; kinds absent or 0 are never drawn. */
  weights: Readonly<Record<string, number>>;
  /** Duration of faults that have one. */
  durationUs: { min: number; max: number };
  /** Upper bounds for the network knobs drawn per seed. */
  network?: { lossMax?: number; duplicateMax?: number; latencyMaxUs?: { min: number; max: number } };
  /** With probability `chance`, a node-targeted fault aims at one of these roles instead of a node id. */
  roles?: { chance: number; targets: readonly RoleTarget[] };
  /** With probability `chance`, a crash, pause or fast reboot fires at the hit-th hit (1..hitMax) of a point. */
  points?: { chance: number; names: readonly string[]; hitMax: number };
  /** With probability `chance`, a partition or clog acts on directed links between two drawn node sets. */
  links?: { chance: number };
}

export interface SwarmDraw {
  faults: FaultSpec[];
  /** The drawn knobs, printed before the run. */
  knobs: Record<string, number | string>;
  network: { loss: number; duplicate: number; latencyMaxUs?: number };
}

const SHAPES: readonly PartitionShape[] = ['isolate', 'halves', 'bridge', 'one-way'];

/** Draw a fault schedule for `nodes` within [startUs, endUs). */
export function drawSwarm(profile: SwarmProfile, seeds: SeedTree, nodes: readonly NodeId[], startUs: number, endUs: number): SwarmDraw {
  const rng = seeds.stream('swarm');
  const kinds = Object.keys(profile.weights).filter((k) => (profile.weights[k] ?? 0) > 0).sort();
  const total = kinds.reduce((s, k) => s + profile.weights[k]!, 0);
  const count = kinds.length === 0 ? 0 : rng.int(profile.faults.min, profile.faults.max);
  const faults: FaultSpec[] = [];
  const span = Math.max(1, endUs - startUs);
  for (let i = 0; i < count; i++) {
    let r = rng.next() * total;
    let kind = kinds[kinds.length - 1]!;
    for (const k of kinds) {
      r -= profile.weights[k]!;
      if (r < 0) {
        kind = k;
        break;
      }
    }
    const atUs = startUs + Math.floor(rng.next() * span);
    const durationUs = Math.min(rng.int(profile.durationUs.min, profile.durationUs.max), Math.max(1, endUs - atUs));
    faults.push(target(profile, drawOne(kind, atUs, durationUs, nodes, rng), nodes, rng));
  }
  faults.sort((a, b) => a.atUs - b.atUs);
  const net = profile.network ?? {};
  const loss = net.lossMax ? Math.round(rng.next() * net.lossMax * 1000) / 1000 : 0;
  const duplicate = net.duplicateMax ? Math.round(rng.next() * net.duplicateMax * 1000) / 1000 : 0;
  const latencyMaxUs = net.latencyMaxUs ? rng.int(net.latencyMaxUs.min, net.latencyMaxUs.max) : undefined;
  const knobs: Record<string, number | string> = { profile: profile.name, faults: faults.length, loss, duplicate };
  if (latencyMaxUs !== undefined) knobs.latencyMaxUs = latencyMaxUs;
  return { faults, knobs, network: { loss, duplicate, ...(latencyMaxUs !== undefined ? { latencyMaxUs } : {}) } };
}

type SwarmRng = ReturnType<SeedTree['stream']>;

/** Kinds whose node a swarm may replace by a role or a fault point. */
const BY_ROLE = new Set(['crash', 'pause', 'clog', 'clock-jump', 'clock-drift', 'fast-reboot']);
const AT_POINT = new Set(['crash', 'pause', 'fast-reboot']);

/**
 * Retarget a drawn fault by the profile's roles, points and links. Draws nothing for a profile
 * without them, so existing profiles draw the schedules they always drew.
 */
function target(profile: SwarmProfile, f: FaultSpec, nodes: readonly NodeId[], rng: SwarmRng): FaultSpec {
  if (profile.links !== undefined && (f.kind === 'clog' || f.kind === 'partition') && rng.chance(profile.links.chance)) {
    return withLinks(f, nodes, rng);
  }
  if (profile.points !== undefined && AT_POINT.has(f.kind) && rng.chance(profile.points.chance)) {
    const { node: _n, ...rest } = f;
    return { ...rest, point: rng.pick(profile.points.names), hit: rng.int(1, profile.points.hitMax) };
  }
  const shapeOk = f.kind !== 'partition' || f.shape === 'isolate' || f.shape === 'one-way';
  if (profile.roles !== undefined && (BY_ROLE.has(f.kind) || (f.kind === 'partition' && shapeOk)) && f.node !== undefined &&
    rng.chance(profile.roles.chance)) {
    const { node: _n, ...rest } = f;
    return { ...rest, role: rng.pick(profile.roles.targets) };
  }
  return f;
}

/** The fault on directed links: a non-empty sender set to the other nodes, one way or both. */
function withLinks(f: FaultSpec, nodes: readonly NodeId[], rng: SwarmRng): FaultSpec {
  const { node: _n, nodes: _ns, shape: _s, ...rest } = f;
  const from = nodes.filter(() => rng.chance(0.4));
  if (from.length === 0 || from.length === nodes.length) from.splice(0, from.length, rng.pick(nodes));
  const to = nodes.filter((n) => !from.includes(n));
  const direction = rng.chance(0.5) ? 'one-way' : 'both';
  return { ...rest, ...(f.kind === 'partition' ? { shape: 'links' as const } : {}), from, to, direction };
}

function drawOne(kind: string, atUs: number, durationUs: number, nodes: readonly NodeId[], rng: ReturnType<SeedTree['stream']>): FaultSpec {
  const node = rng.pick(nodes);
  switch (kind) {
    case 'crash': return { kind, atUs, node, durationUs };
    case 'restart': return { kind, atUs, node };
    case 'pause': return { kind, atUs, node, durationUs };
    case 'partition': {
      const shape = rng.pick(SHAPES);
      return shape === 'isolate' || shape === 'one-way' ? { kind, atUs, shape, node, durationUs } : { kind, atUs, shape, durationUs };
    }
    case 'clog': return { kind, atUs, node, durationUs };
    case 'clock-jump': return { kind, atUs, node, deltaUs: rng.int(-5_000_000, 5_000_000) };
    case 'clock-drift': return { kind, atUs, node, ppm: rng.int(-500, 500), durationUs };
    case 'fence-failure': return { kind, atUs, durationUs };
    case 'fence-slow': return { kind, atUs, durationUs, extraUs: rng.int(100_000, 5_000_000) };
    case 'fast-reboot': return { kind, atUs, node, durationUs: rng.int(10_000, 500_000) };
    case 'flaky-network': return { kind, atUs, loss: Math.round(rng.next() * 500) / 1000, durationUs };
    case 'heal': return { kind, atUs };
    default: return { kind, atUs, node, durationUs };
  }
}
