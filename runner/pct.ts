// PCT for configurations too big to enumerate (`lockstep check --strategy pct --depth d --runs N`):
// each run takes a seed (its random base priorities: the drawn latencies) and d−1 priority change
// points chosen uniformly among the run's k delivery choice points; at a change point the delivery
// is demoted to the end of its latency window. Per run, a given depth-d ordering bug is hit with
// probability ≥ 1/(n·k^(d−1)) (PCT; PCTCP for message passing, OOPSLA 2018), n = nodes.
import { simulate } from '../scenarios/simulate.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import { SeedTree } from '../sim/rng.ts';
import { DecisionKind } from '../sim/tape.ts';
import type { Violation } from '../sim/types.ts';
import { classify } from './check.ts';
import type { Bound, ChoiceClass } from './check.ts';

export interface PctOptions {
  scenario: Scenario;
  protocol: string;
  /** First seed; run r uses seed + r. */
  seed: number;
  depth: number;
  runs: number;
  shouldStop?: () => boolean;
  all?: boolean;
}

export interface PctCounterexample {
  seed: number;
  run: number;
  overrides: [number, number][];
  violations: Violation[];
  result: SimulateResult;
}

export interface PctResult {
  scenario: string;
  protocol: string;
  depth: number;
  runs: number;
  /** Most delivery choice points in one run (k). */
  k: number;
  nodes: number;
  /** 1/(n·k^(d−1)): the per-run chance of hitting a given depth-d bug, at least. */
  perRunBound: number;
  counterexamples: PctCounterexample[];
}

/** Delivery choice points of a run: delay decisions of chosen modules inside the choice window. */
async function runWithChangePoints(o: PctOptions, seed: number, changeAt: ReadonlySet<number>):
  Promise<{ result: SimulateResult; k: number; overrides: [number, number][] }> {
  const cfg = o.scenario.check?.choices ?? {};
  let k = 0;
  const overrides: [number, number][] = [];
  const result = await simulate(o.scenario, {
    seed, protocol: o.protocol, stopOnViolation: true,
    onWorld: (w) => {
      w.tape.observer = (index, kind) => {
        if (kind !== DecisionKind.delayUs) return undefined;
        const s = w.sending;
        if (w.nowUs < (cfg.fromUs ?? 0) || w.nowUs >= (cfg.toUs ?? w.healAtUs)) return undefined;
        if (cfg.modules !== undefined && !cfg.modules.includes(s.module)) return undefined;
        if (cfg.skipTypes?.includes(s.type) === true) return undefined;
        const link = w.network.link(s.src, s.dst);
        const ordinal = k++;
        if (!changeAt.has(ordinal)) return undefined;
        const late = link.latencyMaxUs - link.latencyMinUs;
        overrides.push([index, late]);
        return late;
      };
    },
  });
  return { result, k, overrides };
}

export async function pct(o: PctOptions): Promise<PctResult> {
  const rng = new SeedTree(o.seed).stream('pct');
  const first = await runWithChangePoints(o, o.seed, new Set());
  let k = Math.max(1, first.k);
  const r: PctResult = {
    scenario: o.scenario.name, protocol: o.protocol, depth: o.depth, runs: 0, k, nodes: o.scenario.nodes,
    perRunBound: 0, counterexamples: [],
  };
  for (let run = 0; run < o.runs; run++) {
    if (o.shouldStop?.() === true) break;
    if (r.counterexamples.length > 0 && o.all !== true) break;
    const seed = (o.seed + run) >>> 0;
    const changeAt = new Set<number>();
    for (let i = 0; i < o.depth - 1; i++) changeAt.add(rng.int(0, k - 1));
    const x = await runWithChangePoints(o, seed, changeAt);
    r.runs++;
    k = Math.max(k, x.k);
    if (x.result.violations.length > 0) {
      const full = await simulate(o.scenario, { seed, protocol: o.protocol, tapeOverrides: x.overrides });
      r.counterexamples.push({ seed, run: run + 1, overrides: x.overrides, violations: x.result.violations, result: full });
    }
  }
  r.k = k;
  r.perRunBound = 1 / (o.scenario.nodes * Math.pow(k, o.depth - 1));
  return r;
}

export interface RandomWalkResult {
  runs: number;
  /** 1-based run of the first counterexample, if any. */
  firstFailure?: number;
  checker?: string;
}

/**
 * The random baseline for `check`: each run (seed + r) deviates at each choice point with a
 * probability that spends about the bound over the run (`expected` deviations among `k` points),
 * never past a budget. What random testing of the same choice space finds, run for run.
 */
export async function randomWalk(o: PctOptions & { bound: Bound }): Promise<RandomWalkResult> {
  const cfg = o.scenario.check?.choices ?? {};
  const rng = new SeedTree(o.seed).stream('random-walk');
  let k = 8;
  for (let run = 0; run < o.runs; run++) {
    if (o.shouldStop?.() === true) return { runs: run };
    const seed = (o.seed + run) >>> 0;
    let points = 0;
    const spent = new Map<ChoiceClass, number>();
    let faults = 0;
    const p = Math.min(1, (o.bound.delays + o.bound.faults) / k);
    const result = await simulate(o.scenario, {
      seed, protocol: o.protocol, stopOnViolation: true,
      onWorld: (w) => {
        w.tape.observer = (_index, kind, drawn) => {
          const alts = classify(w, cfg, kind, drawn);
          if (alts === undefined || alts.length === 0) return undefined;
          points++;
          if (!rng.chance(p)) return undefined;
          const a = rng.pick(alts);
          const used = spent.get(a.cls) ?? 0;
          const cap = a.cls === 'delay' ? o.bound.delays : (o.bound.perKind[a.cls] ?? o.bound.faults);
          if (used >= cap || (a.cls !== 'delay' && faults >= o.bound.faults)) return undefined;
          spent.set(a.cls, used + 1);
          if (a.cls !== 'delay') faults++;
          return a.value;
        };
      },
    });
    k = Math.max(k, points);
    if (result.violations.length > 0) return { runs: run + 1, firstFailure: run + 1, checker: result.violations[0]!.checker };
  }
  return { runs: o.runs };
}
