// Bounded systematic search (`lockstep check`): depth-first over the choice points of the decision
// tape, re-executing each schedule from the start (stateless, like CHESS). A schedule is the seed's
// run plus deviations — tape overrides — within a bound (delays, faults per kind, depth); a run is cut
// at an event boundary whose state was already seen with at least as much budget left.
import { simulate } from '../scenarios/simulate.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { TraceRecord, World } from '../sim/world.ts';
import { DecisionKind } from '../sim/tape.ts';
import { StateHasher } from '../sim/choice.ts';
import type { ChoiceConfig } from '../sim/choice.ts';
import type { Violation } from '../sim/types.ts';

/** What a deviation spends: a delay, or a fault of one kind. */
export type ChoiceClass = 'delay' | 'drop' | 'crash' | 'pause' | 'isolate' | 'restart';
export const FAULT_CLASSES: readonly ChoiceClass[] = ['drop', 'crash', 'pause', 'isolate', 'restart'];

export interface Bound {
  delays: number;
  /** Faults of every kind together. */
  faults: number;
  /** Optional per-kind caps within `faults`. */
  perKind: Partial<Record<ChoiceClass, number>>;
  /** Choice points considered per run (later ones stay at their default). */
  depth: number;
}

export const DEFAULT_BOUND: Bound = { delays: 2, faults: 2, perKind: {}, depth: 100_000 };

/** "faults=2,delays=2[,crash=1][,depth=500]" → a Bound; a clear error naming the bad part. */
export function parseBound(text: string, base: Bound = DEFAULT_BOUND): Bound {
  const b: Bound = { ...base, perKind: { ...base.perKind } };
  for (const part of text.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const m = /^([a-z]+)=(\d+)$/.exec(part);
    if (m === null) throw new Error(`--bound: '${part}' is not name=count (e.g. faults=2,delays=2)`);
    const [, name, v] = m as unknown as [string, string, string];
    const n = Number(v);
    if (name === 'delays') b.delays = n;
    else if (name === 'faults') b.faults = n;
    else if (name === 'depth') b.depth = n;
    else if ((FAULT_CLASSES as readonly string[]).includes(name)) b.perKind[name as ChoiceClass] = n;
    else throw new Error(`--bound: unknown budget '${name}' (known: delays, faults, depth, ${FAULT_CLASSES.join(', ')})`);
  }
  return b;
}

export function formatBound(b: Bound): string {
  const kinds = FAULT_CLASSES.filter((k) => b.perKind[k] !== undefined).map((k) => `${k}=${b.perKind[k]}`);
  return [`faults=${b.faults}`, `delays=${b.delays}`, ...kinds].join(',');
}

/** One deviation from the seed's run: tape index, value, what it spends. */
export type Deviation = readonly [index: number, value: number, cls: ChoiceClass];

interface Point {
  index: number;
  alts: { value: number; cls: ChoiceClass }[];
}

export interface CheckOptions {
  scenario: Scenario;
  protocol: string;
  seed: number;
  bound: Bound;
  /** Prune with the state hash (default true). */
  prune?: boolean;
  maxSchedules?: number;
  maxStates?: number;
  /** Polled between schedules (the CLI's wall-clock budget); true = stop, reason 'time'. */
  shouldStop?: () => boolean;
  /** Polled between schedules: another part of the same search found a counterexample (stop, reason 'counterexample'). */
  foundElsewhere?: () => boolean;
  /** Keep searching after the first counterexample (default: stop at it). */
  all?: boolean;
  /**
   * Search order (same set of schedules, each run once): 'bfs' (the default) runs every schedule with
   * 0 deviations, then every one with exactly 1, then exactly 2, … (iterative deviation bounding, as
   * CHESS's iterative context bounding), and within a level the schedules with fewer delays first
   * (faults before delays); 'dfs' goes depth-first in tape order.
   */
  order?: SearchOrder;
  /** Only the root's children with index % of === k (a shard or a worker's part). */
  part?: { k: number; of: number };
  onProgress?: (p: CheckProgress) => void;
  /** Sees every schedule in order (tests: two searches explore the same schedules). */
  onSchedule?: (devs: readonly Deviation[]) => void;
  /** A trace sink for each schedule's run (a classifier over its records; tracing costs time). */
  trace?: (devs: readonly Deviation[]) => (rec: TraceRecord) => void;
  /** Called after each schedule's run, with its result (stopped at the first violation). */
  onRun?: (devs: readonly Deviation[], result: SimulateResult) => void;
}

export type SearchOrder = 'dfs' | 'bfs';
export const SEARCH_ORDERS: readonly SearchOrder[] = ['dfs', 'bfs'];
export const DEFAULT_ORDER: SearchOrder = 'bfs';

export interface CheckProgress {
  schedules: number;
  states: number;
  depth: number;
  frontier: number;
  cuts: number;
}

export interface Counterexample {
  deviations: Deviation[];
  /** 1-based: how many schedules had run when this one failed. */
  schedule: number;
  violations: Violation[];
  /** The schedule re-run in full (no stop at the violation): what its run-file records. */
  result: SimulateResult;
}

export type Incomplete = 'time' | 'schedules' | 'states' | 'counterexample' | 'depth';

export interface CheckResult {
  scenario: string;
  protocol: string;
  seed: number;
  bound: string;
  complete: boolean;
  /** Why the search stopped before every schedule within the bound was explored. */
  reason?: Incomplete;
  schedules: number;
  /** Distinct states recorded at event boundaries. */
  states: number;
  /** Runs cut because their state had been seen with at least as much budget. */
  cuts: number;
  /** Events the cut runs did not have to execute (their suffix), as an estimate of the reduction. */
  prunedEvents: number;
  events: number;
  /** Most deviations in one schedule, and most choice points in one run. */
  maxDepth: number;
  maxChoicePoints: number;
  /** Choice points past the depth bound, left at their default (0 when the depth covered every run). */
  beyondDepth: number;
  counterexamples: Counterexample[];
  prune: boolean;
  order: SearchOrder;
}

/** The class and alternatives of a decision, or undefined when it is not a choice point. */
export function classify(world: World, cfg: ChoiceConfig, kind: number, drawn: number): Point['alts'] | undefined {
  const now = world.nowUs;
  if (now < (cfg.fromUs ?? 0) || now >= (cfg.toUs ?? world.healAtUs)) return undefined;
  if (kind === DecisionKind.fault) {
    return world.pointOptionList.map((o, i) => ({ value: i + 1, cls: o.kind }));
  }
  const s = world.sending;
  if (kind === DecisionKind.drop) {
    if (cfg.drops !== true || drawn !== 0 || !sendChosen(cfg, s)) return undefined;
    return [{ value: 1, cls: 'drop' }];
  }
  if (kind !== DecisionKind.delayUs || !sendChosen(cfg, s)) return undefined;
  const link = world.network.link(s.src, s.dst);
  const span = link.latencyMaxUs - link.latencyMinUs;
  if (span <= 0) return undefined;
  return [0, span].filter((v) => v !== drawn).map((value) => ({ value, cls: 'delay' as const }));
}

function sendChosen(cfg: ChoiceConfig, s: World['sending']): boolean {
  if (cfg.modules !== undefined && !cfg.modules.includes(s.module)) return false;
  return cfg.skipTypes === undefined || !cfg.skipTypes.includes(s.type);
}

type Budget = number[];
const SLOTS: readonly ChoiceClass[] = ['delay', 'drop', 'crash', 'pause', 'isolate', 'restart'];

function budgetOf(bound: Bound, devs: readonly Deviation[]): { left: Budget; faultsLeft: number } {
  const left = SLOTS.map((c) => (c === 'delay' ? bound.delays : (bound.perKind[c] ?? bound.faults)));
  let faultsLeft = bound.faults;
  for (const [, , cls] of devs) {
    left[SLOTS.indexOf(cls)]!--;
    if (cls !== 'delay') faultsLeft--;
  }
  return { left, faultsLeft };
}

function allows(b: { left: Budget; faultsLeft: number }, cls: ChoiceClass): boolean {
  return b.left[SLOTS.indexOf(cls)]! > 0 && (cls === 'delay' || b.faultsLeft > 0);
}

/** Remaining budget packed for the visited table: per slot, then the fault total. */
function packed(b: { left: Budget; faultsLeft: number }): number[] {
  return [...b.left, b.faultsLeft];
}

function dominates(seen: readonly number[], now: readonly number[]): boolean {
  return seen.every((x, i) => x >= now[i]!);
}

interface Frame {
  devs: Deviation[];
  points: Point[];
  pi: number;
  ai: number;
}

/** The search. Deterministic: the same options explore the same schedules in the same order. */
export async function check(o: CheckOptions): Promise<CheckResult> {
  const cfg = o.scenario.check?.choices ?? {};
  const prune = o.prune !== false;
  const visited = new Map<string, number[]>();
  const r: CheckResult = {
    scenario: o.scenario.name, protocol: o.protocol, seed: o.seed, bound: formatBound(o.bound), complete: false,
    schedules: 0, states: 0, cuts: 0, prunedEvents: 0, events: 0, maxDepth: 0, maxChoicePoints: 0, beyondDepth: 0,
    counterexamples: [], prune, order: o.order ?? DEFAULT_ORDER,
  };
  let fullEvents = 0;

  const runOne = async (devs: Deviation[]): Promise<Point[]> => {
    o.onSchedule?.(devs);
    r.schedules++;
    r.maxDepth = Math.max(r.maxDepth, devs.length);
    const last = devs.length === 0 ? -1 : devs[devs.length - 1]![0];
    const budget = budgetOf(o.bound, devs);
    const key = packed(budget);
    const points: Point[] = [];
    let seenPoints = 0;
    let pending = false;
    let cut = false;
    let world!: World;
    const hasher = { h: undefined as StateHasher | undefined };
    const result = await simulate(o.scenario, {
      seed: o.seed, protocol: o.protocol, tapeOverrides: devs.map(([i, v]) => [i, v] as const), stopOnViolation: true,
      ...(o.trace !== undefined ? { trace: o.trace(devs) } : {}),
      onWorld: (w) => {
        world = w;
        hasher.h = new StateHasher(w.isEngineObject);
        w.tape.observer = (index, kind, drawn) => {
          if (cut || index <= last) return undefined;
          const alts = classify(w, cfg, kind, drawn);
          if (alts === undefined || alts.length === 0) return undefined;
          seenPoints++;
          if (seenPoints > o.bound.depth) {
            r.beyondDepth++;
            return undefined;
          }
          const usable = alts.filter((a) => allows(budget, a.cls));
          if (usable.length > 0) {
            points.push({ index, alts: usable });
            pending = prune;
          }
          return undefined;
        };
        if (prune) {
          w.beforeEvent = () => {
            if (!pending || cut) return;
            pending = false;
            const h = hasher.h!;
            h.reset();
            w.stateDigest(h);
            const k = h.hex();
            const seen = visited.get(k);
            if (seen !== undefined && dominates(seen, key)) {
              cut = true;
              r.cuts++;
              w.halt();
              return;
            }
            if (o.maxStates === undefined || visited.size < o.maxStates) visited.set(k, key);
          };
        }
      },
    });
    r.maxChoicePoints = Math.max(r.maxChoicePoints, seenPoints);
    r.events += result.events;
    if (cut) r.prunedEvents += Math.max(0, fullEvents - result.events);
    else fullEvents = Math.max(fullEvents, result.events);
    void world;
    o.onRun?.(devs, result);
    if (!cut && result.violations.length > 0) await record(devs, result);
    return points;
  };

  const record = async (devs: Deviation[], fast: SimulateResult): Promise<void> => {
    const full = await simulate(o.scenario, { seed: o.seed, protocol: o.protocol, tapeOverrides: devs.map(([i, v]) => [i, v] as const) });
    r.counterexamples.push({ deviations: devs, schedule: r.schedules, violations: fast.violations, result: full });
  };

  const stopReason = (): Incomplete | undefined => {
    if (r.counterexamples.length > 0 && o.all !== true) return 'counterexample';
    if (o.all !== true && o.foundElsewhere?.() === true) return 'counterexample';
    if (o.maxSchedules !== undefined && r.schedules >= o.maxSchedules) return 'schedules';
    if (o.maxStates !== undefined && visited.size >= o.maxStates) return 'states';
    if (o.shouldStop?.() === true) return 'time';
    return undefined;
  };

  const rootPoints = await runOne([]);
  let rootChild = 0;
  /** Is this child of the root outside our part (a shard or a worker's share)? Counts every root child. */
  const otherPart = (): boolean => o.part !== undefined && rootChild++ % o.part.of !== o.part.k;
  if (r.order === 'dfs') {
    const stack: Frame[] = [{ devs: [], points: rootPoints, pi: 0, ai: 0 }];
    while (stack.length > 0) {
      const reason = stopReason();
      if (reason !== undefined) {
        r.reason = reason;
        break;
      }
      const f = stack[stack.length - 1]!;
      const p = f.points[f.pi];
      if (p === undefined) {
        stack.pop();
        continue;
      }
      const alt = p.alts[f.ai]!;
      if (++f.ai >= p.alts.length) {
        f.pi++;
        f.ai = 0;
      }
      const devs: Deviation[] = [...f.devs, [p.index, alt.value, alt.cls]];
      if (!allows(budgetOf(o.bound, f.devs), alt.cls)) continue;
      if (stack.length === 1 && otherPart()) continue;
      stack.push({ devs, points: await runOne(devs), pi: 0, ai: 0 });
      if (o.onProgress !== undefined && r.schedules % 50 === 0) o.onProgress(progress(r, visited.size, stack));
    }
    r.states = visited.size;
    if (r.reason === undefined && r.beyondDepth > 0) r.reason = 'depth';
    r.complete = r.reason === undefined;
    o.onProgress?.(progress(r, visited.size, stack));
    return r;
  }
  // Breadth-first over the tree of deviations: level d holds the schedules with exactly d deviations,
  // each a child of a level-(d−1) schedule deviating at one of its choice points after its last
  // deviation. A level keeps each schedule's choice points (from its one run), not the run.
  let level: (Node | undefined)[] = rootPoints.length > 0 ? [{ devs: [], points: rootPoints }] : [];
  let frontier = alternatives(rootPoints);
  let depth = 0;
  const bfsProgress = (): CheckProgress => ({ schedules: r.schedules, states: visited.size, depth, frontier, cuts: r.cuts });
  search: while (level.length > 0) {
    depth++;
    const next: Node[] = [];
    // Within a level, fewest delays first: pass k runs the children with exactly k delays (all faults
    // before any delay), each pass in parent order and tape order. A fault at a fault point is where
    // the configurations aim; a delay is a reordering around it.
    const delaysOf = (devs: readonly Deviation[]): number => devs.reduce((n, d) => n + (d[2] === 'delay' ? 1 : 0), 0);
    const passes = o.bound.delays;
    for (let k = 0; k <= passes; k++) {
      for (let ni = 0; ni < level.length; ni++) {
        const parent = level[ni]!;
        if (k === passes) level[ni] = undefined;
        const pd = delaysOf(parent.devs);
        if (pd > k) continue;
        const budget = budgetOf(o.bound, parent.devs);
        for (const p of parent.points) {
          for (const alt of p.alts) {
            const childDelays = pd + (alt.cls === 'delay' ? 1 : 0);
            if (childDelays !== k && !(k === passes && childDelays > k)) continue;
            const reason = stopReason();
            if (reason !== undefined) {
              r.reason = reason;
              break search;
            }
            frontier--;
            if (!allows(budget, alt.cls)) continue;
            if (depth === 1 && otherPart()) continue;
            const devs: Deviation[] = [...parent.devs, [p.index, alt.value, alt.cls]];
            const points = await runOne(devs);
            if (points.length > 0) {
              next.push({ devs, points });
              frontier += alternatives(points);
            }
            if (o.onProgress !== undefined && r.schedules % 50 === 0) o.onProgress(bfsProgress());
          }
        }
      }
    }
    level = next;
  }
  if (r.reason === undefined && r.counterexamples.length > 0 && o.all !== true) r.reason = 'counterexample';
  r.states = visited.size;
  if (r.reason === undefined && r.beyondDepth > 0) r.reason = 'depth';
  r.complete = r.reason === undefined;
  o.onProgress?.(bfsProgress());
  return r;
}

interface Node {
  devs: Deviation[];
  points: Point[];
}

function alternatives(points: readonly Point[]): number {
  let n = 0;
  for (const p of points) n += p.alts.length;
  return n;
}

function progress(r: CheckResult, states: number, stack: readonly Frame[]): CheckProgress {
  let frontier = 0;
  for (const f of stack) for (let i = f.pi; i < f.points.length; i++) frontier += f.points[i]!.alts.length;
  return { schedules: r.schedules, states, depth: Math.max(0, stack.length - 1), frontier, cuts: r.cuts };
}
