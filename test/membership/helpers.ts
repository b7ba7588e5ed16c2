// Test helpers for the membership layer: load a library scenario and run it, keeping the
// protocol-level observations (views, sm events, fencing, kills) for assertions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../scenarios/simulate.ts';
import type { SimulateResult } from '../../scenarios/simulate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { TraceRecord } from '../../sim/world.ts';

const LIBRARY = join(import.meta.dirname, '..', '..', 'scenarios', 'library');

export function loadScenario(name: string): Scenario {
  return JSON.parse(readFileSync(join(LIBRARY, `${name}.json`), 'utf8')) as Scenario;
}

const KEPT = new Set([
  'view', 'quorum', 'cman-kill', 'sm-start', 'sm-stop', 'sm-start-done', 'sm-finish', 'fence-request', 'fence-result',
  'fence-drop', 'fence-watchdog', 'fence', 'unfence', 'crash', 'restart', 'heal', 'pause', 'resume', 'self-reboot',
]);

export interface Run {
  result: SimulateResult;
  obs: TraceRecord[];
  /** Observations of one kind, optionally at one node. */
  of(kind: string, node?: number): TraceRecord[];
  /** Views installed by `node`, in order. */
  views(node: number): { epoch: number; members: number[]; byAge: number[]; incarnations: Record<number, number>; quorate: boolean; t: number }[];
}

export async function run(scenario: Scenario, protocol?: string, seed = 1): Promise<Run> {
  const obs: TraceRecord[] = [];
  const result = await simulate(scenario, { seed, ...(protocol !== undefined ? { protocol } : {}), trace: (r) => { if (KEPT.has(r.k)) obs.push(r); } });
  const of = (kind: string, node?: number): TraceRecord[] => obs.filter((o) => o.k === kind && (node === undefined || o.node === node));
  const views = (node: number) => of('view', node).map((o) => ({
    epoch: o.epoch as number, members: o.members as number[], byAge: o.byAge as number[],
    incarnations: o.incarnations as Record<number, number>, quorate: o.quorate as boolean, t: o.t,
  }));
  return { result, obs, of, views };
}

/** The checkers a run violated, sorted. */
export function fired(r: SimulateResult): string[] {
  return [...new Set(r.violations.map((v) => v.checker))].sort();
}
