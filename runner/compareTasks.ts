// Compare's work besides the seeds — the bounded-check claims, the LVB table, the report's diagrams —
// as pool tasks that run on the same warm workers while the seeds run: a ledger of what the workers
// still owe (the rounds' estimate counts it) and the diagrams started as soon as their run is known.
import type { TaskDone } from './pool.ts';
import type { DiagramTask } from './poolTasks.ts';
import type { RunView } from './runView.ts';
import type { SeedOutcome } from './runSeed.ts';
import { readRunFile } from './runFiles.ts';
import { diagramPicks } from './diagram.ts';
import type { DiagramCandidate } from './diagram.ts';
import { resolveProtocol } from '../protocols/index.ts';

/**
 * Pool priority of compare's tasks: after the flawed variants' first seeds (0), before the correct
 * designs' rounds (1), so they start in the first seconds and the rounds' estimate sees them finish.
 */
export const TASK_PRIORITY = 0.5;
/** What one claim's search owes the workers before it has run: 3–9 CPU-s at 2,000 schedules (docs/reports.md). */
export const CLAIM_ESTIMATE_MS = 6_000;
/** What the LVB table owes the workers before it has run: ~2.5–5 CPU-s measured (docs/reports.md). */
export const LVB_TABLE_ESTIMATE_MS = 5_000;

/** What a diagram owes the workers: its replay with a trace and view, ~1 s per 100 k events warm. */
export function diagramEstimateMs(events: number): number {
  return Math.max(300, events / 100);
}

interface Owed {
  estimateMs: number;
  since: number;
}

/** The worker time compare's tasks still owe, and the worker time each kind of task took. */
export class TaskLedger {
  private readonly owed = new Set<Owed>();
  private readonly took = new Map<string, number>();
  private readonly cpu = new Map<string, number>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Follow `task` of `kind`, estimated at `estimateMs` of worker time; resolves with its value. */
  track<T>(kind: string, task: Promise<TaskDone<T>>, estimateMs: number): Promise<T> {
    const o: Owed = { estimateMs, since: this.clock() };
    this.owed.add(o);
    this.took.set(kind, this.took.get(kind) ?? 0);
    return task.then((d) => {
      this.owed.delete(o);
      this.took.set(kind, (this.took.get(kind) ?? 0) + d.ms);
      if (d.cpuMs !== undefined) this.cpu.set(kind, (this.cpu.get(kind) ?? 0) + d.cpuMs);
      return d.value;
    }, (e: unknown) => {
      this.owed.delete(o);
      throw e;
    });
  }

  /** Worker-ms still owed: each unfinished task's estimate less the time since it was submitted. */
  owedMs(): number {
    const now = this.clock();
    let ms = 0;
    for (const o of this.owed) ms += Math.max(0, o.estimateMs - (now - o.since));
    return ms;
  }

  /** Worker-ms the finished tasks of `kind` took (0 when none ran). */
  workerMs(kind: string): number {
    return Math.round(this.took.get(kind) ?? 0);
  }

  /** CPU ms of their worker threads (0 when none ran or the platform has no thread clock). */
  cpuMs(kind: string): number {
    return Math.round(this.cpu.get(kind) ?? 0);
  }
}

/** Draws one diagram on the pool; `events` sizes its estimate. */
export type DrawDiagram = (arg: DiagramTask, events: number) => Promise<RunView>;

interface Known {
  outcome: SeedOutcome;
  path: string;
}

/**
 * The report's diagrams, started while the seeds run: each protocol's smallest failing run so far is
 * drawn as soon as it would be among the report's picks (diagramPicks: correct designs first, at most
 * `max`), so the flawed variants' counterexamples, found in the first seconds, are drawn while the
 * rounds go on. `final` draws what the results pick and was not started (or started for a run that
 * is no longer the smallest), and reuses the rest: the views are those a serial replay would give.
 */
export class DiagramPrefetch {
  private readonly smallest = new Map<string, Known>();
  private readonly started = new Map<string, Promise<RunView | undefined>>();

  constructor(private readonly max: number, private readonly protocols: readonly string[], private readonly draw: DrawDiagram,
    private readonly warn: (message: string) => void = () => undefined) {}

  /** A failing run of `protocol` whose run-file will be written at `path`. */
  failed(protocol: string, outcome: SeedOutcome, path: string): void {
    if (outcome.runFile === undefined) return;
    const cur = this.smallest.get(protocol);
    if (cur !== undefined && !smaller(outcome, cur.outcome)) return;
    this.smallest.set(protocol, { outcome, path });
    for (const pick of diagramPicks(this.candidates(), this.max)) {
      const k = this.smallest.get(pick.protocol)!;
      this.start(k.path, () => Promise.resolve(k.outcome.runFile!), k.outcome.record.events);
    }
  }

  /** The paths of the diagrams started so far (for tests and timings). */
  startedPaths(): string[] {
    return [...this.started.keys()];
  }

  /** The report's views for `results`' picks, in pick order (a failed replay is warned about and left out). */
  async final(results: { protocols: readonly (DiagramCandidate & { protocol: string })[] }): Promise<RunView[]> {
    const picks = diagramPicks(results.protocols, this.max);
    const views = await Promise.all(picks.map((p) => {
      const f = p.smallestFailure!;
      return this.start(f.runFile!, () => Promise.resolve(readRunFile(f.runFile!)), f.events);
    }));
    return views.filter((v): v is RunView => v !== undefined);
  }

  private candidates(): (DiagramCandidate & { protocol: string })[] {
    return this.protocols.map((protocol) => {
      const k = this.smallest.get(protocol);
      const variant = resolveProtocol(protocol).variant?.name;
      return {
        protocol,
        ...(variant !== undefined ? { variant } : {}),
        ...(k !== undefined ? { smallestFailure: { runFile: k.path, events: k.outcome.record.events } } : {}),
      };
    });
  }

  private start(path: string, run: () => Promise<NonNullable<SeedOutcome['runFile']>>, events: number): Promise<RunView | undefined> {
    let p = this.started.get(path);
    if (p === undefined) {
      p = run().then((rf) => this.draw({ run: rf, runFile: path }, events)).catch((e: unknown) => {
        this.warn(`could not draw ${path}: ${(e as Error).message}`);
        return undefined;
      });
      this.started.set(path, p);
    }
    return p;
  }
}

/** The order of summary.ts's smallest failing example: fewest events, then faults, then lowest seed. */
function smaller(a: SeedOutcome, b: SeedOutcome): boolean {
  const x = a.record;
  const y = b.record;
  return x.events < y.events || (x.events === y.events && (x.faultsFired < y.faultsFired || (x.faultsFired === y.faultsFired && x.seed < y.seed)));
}
