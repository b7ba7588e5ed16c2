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
