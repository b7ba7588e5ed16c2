// Shrinking: minimise a failing run-file while the same checker keeps failing — fewer faults (ddmin),
// shorter and milder faults, fewer nodes and clients, a shorter run, a benign network and fewer
// non-default tape decisions. Pure and deterministic: the budget is counted in runs; the caller may
// add a `shouldStop` callback (the CLI's wall-clock budget).
import type { FaultSpec } from '../sim/faults/spec.ts';
import type { NodeId, Violation } from '../sim/types.ts';
import { DEFAULT_LINK } from '../sim/network.ts';
import { DEFAULT_DISK } from '../sim/disk.ts';
import { DEFAULT_DEADLINE_US } from '../sim/world.ts';
import type { RunFile } from './runfile.ts';
import type { Scenario } from './types.ts';
import { plan, simulate } from './simulate.ts';
import type { SimulateOptions, SimulateResult } from './simulate.ts';
import { ddmin } from './ddmin.ts';
import { validateScenario } from './validate.ts';

export interface ShrinkOptions {
  /** Most simulation runs to spend (default 1000). Counting runs, not time, keeps shrinking deterministic. */
  maxRuns?: number;
  /** Polled before every run; return true to stop and keep the smallest failing run found so far. */
  shouldStop?: () => boolean;
  /** Called when a phase starts and whenever a smaller failing run is found. */
  onProgress?: (p: ShrinkProgress) => void;
  /** The checker that must keep failing (default: the first violation of the run-file). */
  checker?: string;
}

/** The size of one run, as `lockstep shrink` prints it before and after. */
export interface RunSize {
  faults: number;
  events: number;
  nodes: number;
  clients: number;
  /** Simulated time the run covered. */
  simTimeUs: number;
  healAtUs: number;
  /** Tape decisions that were not the benign default (drops, duplicates, extra delays …). */
  decisions: number;
  violation: Violation;
}

export interface ShrinkProgress {
  phase: string;
  runs: number;
  best: RunSize;
}

export interface ShrinkResult {
  runFile: RunFile;
  before: RunSize;
  after: RunSize;
  /** Simulation runs spent. */
  runs: number;
  checker: string;
  /** False when the budget (maxRuns or shouldStop) ended shrinking before every phase finished. */
  complete: boolean;
}

/** The run-file does not fail the way it says (or not at all) on this code. */
export class NotReproducedError extends Error {}

type NetworkKnobs = RunFile['network'];

/** One point in the search: everything shrinking may change. */
interface Candidate {
  scenario: Scenario;
  faults: FaultSpec[];
  network: NetworkKnobs;
  overrides: [number, number][];
}

export const DEFAULT_SHRINK_RUNS = 1000;

/** Re-run a run-file exactly as `lockstep replay` does. */
export function simulateRunFile(rf: RunFile, extra: Partial<SimulateOptions> = {}): Promise<SimulateResult> {
  return simulate(rf.scenario, {
    seed: rf.seed,
    protocol: rf.protocol,
    faults: rf.faults,
    network: rf.network,
    tapeOverrides: rf.tape.overrides,
    ...extra,
  });
}

/** Minimise `rf` while the same checker keeps failing; returns the smallest failing run-file found. */
export async function shrinkRun(rf: RunFile, opts: ShrinkOptions = {}): Promise<ShrinkResult> {
  const original = await simulateRunFile(rf, { collectDecisions: true });
  const checker = opts.checker ?? rf.violations[0]?.checker ?? original.violations[0]?.checker;
  if (checker === undefined) throw new NotReproducedError('the run-file records no violation and the run passes: nothing to shrink');
  if (!original.violations.some((v) => v.checker === checker)) {
    throw new NotReproducedError(`the run does not violate '${checker}' on this code (violations now: ${original.violations.map((v) => v.checker).join(', ') || 'none'})`);
  }
  const kind = original.violations.find((v) => v.checker === checker)!.kind;
  const s = new Shrinker(rf, checker, kind, new Set(original.violations.map((v) => v.checker)), opts);
  const before = summarize(s.normalize(original), original, checker);
  await s.run(original);
  const after = summarize(s.best, s.bestResult, checker);
  return { runFile: s.toRunFile(), before, after, runs: s.runs, checker, complete: !s.stopped };
}

function summarize(c: Candidate, r: SimulateResult, checker: string): RunSize {
  return {
    faults: c.faults.length,
    events: r.events,
    nodes: c.scenario.nodes,
    clients: c.scenario.clients?.length ?? c.scenario.nodes,
    simTimeUs: r.simTimeUs,
    healAtUs: r.healAtUs,
    decisions: r.nonDefaultDecisions?.length ?? 0,
    violation: r.violations.find((v) => v.checker === checker)!,
  };
}

/**
 * The search. Candidates are tested in a fast mode (only the target checker, and the run stops at
 * its violation when it is an `always` property); at the end of every phase the best candidate is
 * re-run in full, and the phase is undone if the full run fails a checker the original did not.
 */
class Shrinker {
  runs = 0;
  stopped = false;
  best!: Candidate;
  /** The run of `best`: a fast-mode run until verified. */
  bestResult!: SimulateResult;
  /** The last candidate whose full run passed the rules, with that run. */
  private verified!: { c: Candidate; r: SimulateResult };
  private phase = 'start';
  private readonly maxRuns: number;

  constructor(
    private readonly rf: RunFile,
    private readonly checker: string,
    private readonly kind: Violation['kind'],
    /** Checkers the original run violated: a shrunk run may not fail any other. */
    private readonly allowed: ReadonlySet<string>,
    private readonly opts: ShrinkOptions,
  ) {
    this.maxRuns = opts.maxRuns ?? DEFAULT_SHRINK_RUNS;
  }

  /** Pin everything the seed drew (fault script, heal time, network knobs) so it can be edited. */
  normalize(original: SimulateResult): Candidate {
    const planned = plan(this.rf.scenario, { seed: this.rf.seed, faults: this.rf.faults, network: this.rf.network });
    const { swarm: _swarm, ...faultsRest } = this.rf.scenario.faults;
    this.best = {
      scenario: { ...this.rf.scenario, faults: { ...faultsRest, script: planned.faults }, healAtUs: original.healAtUs },
      faults: planned.faults.map((f) => ({ ...f })),
      network: { ...planned.network },
      overrides: this.rf.tape.overrides.map(([i, v]) => [i, v]),
    };
    this.bestResult = original;
    return this.best;
  }

  async run(original: SimulateResult): Promise<void> {
    this.runs++;
    const pinned = await this.fullRun(this.best);
    if (pinned?.traceHash !== original.traceHash) {
      throw new Error(`shrink: pinning the drawn schedule changed the run (hash ${original.traceHash} → ${pinned?.traceHash}); this is a bug`);
    }
    this.verified = { c: this.best, r: pinned };
    this.bestResult = pinned;
    const passes = [
      () => this.faultsPass(), () => this.networkPass(), () => this.diskPass(), () => this.faultParamsPass(),
      () => this.nodesPass(), () => this.clientsPass(), () => this.lengthPass(),
    ];
    for (let round = 0; round < 4 && !this.stopped; round++) {
      const size = this.size();
      for (const pass of passes) {
        await pass();
        await this.verify();
      }
      if (this.size() === size) break;
    }
    await this.tapePass();
    await this.verify();
  }

  /** Re-run `best` in full; keep it if it passes the rules, else go back to the last verified one. */
  private async verify(): Promise<void> {
    if (this.best === this.verified.c) return;
    this.runs++; // always allowed: test() keeps one run in reserve for this
    const r = await this.fullRun(this.best);
    if (r !== null && this.passes(r)) {
      this.verified = { c: this.best, r };
      this.bestResult = r;
      return;
    }
    this.best = this.verified.c;
    this.bestResult = this.verified.r;
    this.progress('undone: the full run failed differently');
  }

  private async fullRun(c: Candidate): Promise<SimulateResult | null> {
    try {
      return await simulate(c.scenario, {
        seed: this.rf.seed, protocol: this.rf.protocol, faults: c.faults, network: c.network,
        tapeOverrides: c.overrides, collectDecisions: true,
      });
    } catch {
      return null; // e.g. a configuration the protocol rejects
    }
  }

  /** The target checker fails and no checker fails that the original run did not fail. */
  private passes(r: SimulateResult): boolean {
    return r.violations.some((v) => v.checker === this.checker) && r.violations.every((v) => this.allowed.has(v.checker));
  }

  toRunFile(): RunFile {
    const c = this.best;
    const r = this.bestResult;
    return {
      ...this.rf,
      scenario: c.scenario,
      knobs: { ...this.rf.knobs, faults: c.faults.length },
      network: c.network,
      faults: c.faults,
      // Overrides past the end of the tape are never consulted: drop them.
      tape: { length: r.tapeLength, overrides: c.overrides.filter(([i]) => i < r.tapeLength) },
      violations: r.violations,
      traceHash: r.traceHash,
      events: r.events,
      simTimeUs: r.simTimeUs,
      createdBy: 'shrink',
    };
  }

  /** A rough size for "did this round help": faults, then nodes, then events. */
  private size(): string {
    return `${this.best.faults.length}/${this.best.scenario.nodes}/${this.bestResult.events}/${JSON.stringify(this.best.faults)}`;
  }

  // ---- testing a candidate --------------------------------------------------------------------

  /** Run `c`; keep it as the new best when the target checker still fails and nothing new does. */
  private async accept(c: Candidate, what: string, full = false): Promise<boolean> {
    const r = await this.test(c, full);
    if (r === null) return false;
    this.best = c;
    this.bestResult = r;
    this.progress(what);
    return true;
  }

  /**
   * A run of `c`, or null when it does not fail the target checker (or may not run). Fast mode
   * (`full` false) runs only the target checker and stops at its violation.
   */
  private async test(c: Candidate, full: boolean): Promise<SimulateResult | null> {
    // One run stays in reserve for the final verification.
    if (this.stopped || this.runs >= this.maxRuns - 1 || this.opts.shouldStop?.() === true) {
      this.stopped = true;
      return null;
    }
    if (!validateScenario(c.scenario, 'shrink candidate').ok) return null; // a run-file must stay loadable
    this.runs++;
    if (full) {
      const r = await this.fullRun(c);
      return r !== null && this.passes(r) ? r : null;
    }
    // Engine-level failures ('exception', 'budget') are not checkers a scenario can select.
    const engineLevel = this.checker === 'exception' || this.checker === 'budget';
    let r: SimulateResult;
    try {
      r = await simulate(engineLevel ? c.scenario : { ...c.scenario, checkers: [this.checker] }, {
        seed: this.rf.seed, protocol: this.rf.protocol, faults: c.faults, network: c.network,
        tapeOverrides: c.overrides, collectDecisions: true, stopOnViolation: !engineLevel,
      });
    } catch {
      return null;
    }
    return this.passes(r) ? r : null;
  }

  private progress(what: string): void {
    this.opts.onProgress?.({ phase: `${this.phase}: ${what}`, runs: this.runs, best: summarize(this.best, this.bestResult, this.checker) });
  }

  private startPhase(name: string): void {
    this.phase = name;
    this.opts.onProgress?.({ phase: name, runs: this.runs, best: summarize(this.best, this.bestResult, this.checker) });
  }

  private with(patch: Partial<Candidate>): Candidate {
    const c = { ...this.best, ...patch };
    if (patch.faults !== undefined) c.scenario = { ...c.scenario, faults: { ...c.scenario.faults, script: patch.faults } };
    return c;
  }

  // ---- passes ---------------------------------------------------------------------------------

  /** Delta debugging over the fault script: the fewest faults that still fail. */
  private async faultsPass(): Promise<void> {
    if (this.best.faults.length === 0) return;
    this.startPhase('faults');
    const indexed = this.best.faults.map((f, i) => [i, f] as const);
    await ddmin(indexed, async (keep) => this.accept(this.with({ faults: keep.map(([, f]) => f) }), `${keep.length} faults`), () => this.stopped);
  }

  /** No random loss or duplication, fixed minimum latency: the tape then holds no network noise. */
  private async networkPass(): Promise<void> {
    const n = this.best.network;
    const minUs = this.best.scenario.network?.latencyMinUs ?? DEFAULT_LINK.latencyMinUs;
    const maxUs = n.latencyMaxUs ?? this.best.scenario.network?.latencyMaxUs ?? DEFAULT_LINK.latencyMaxUs;
    const loss = n.loss ?? this.best.scenario.network?.loss ?? 0;
    const duplicate = n.duplicate ?? this.best.scenario.network?.duplicate ?? 0;
    if (loss === 0 && duplicate === 0 && maxUs <= minUs) return;
    this.startPhase('network');
    const calm = { ...n, loss: 0, duplicate: 0, latencyMaxUs: minUs };
    if (await this.accept(this.with({ network: calm }), 'calm network')) return;
    if (loss > 0) await this.accept(this.with({ network: { ...this.best.network, loss: 0 } }), 'no loss');
    if (duplicate > 0) await this.accept(this.with({ network: { ...this.best.network, duplicate: 0 } }), 'no duplicates');
    if (maxUs > minUs) {
      await shrinkInt(maxUs, minUs, (x) => this.accept(this.with({ network: { ...this.best.network, latencyMaxUs: x } }), `latency ≤ ${x} µs`));
    }
  }

  /** Fixed minimum disk and fence latencies: no random I/O delays on the tape. */
  private async diskPass(): Promise<void> {
    const d = { ...DEFAULT_DISK, ...this.best.scenario.disk };
    if (d.ioLatencyMaxUs <= d.ioLatencyMinUs && d.fenceLatencyMaxUs <= d.fenceLatencyMinUs) return;
    this.startPhase('disk');
    const disk = { ...this.best.scenario.disk, ioLatencyMaxUs: d.ioLatencyMinUs, fenceLatencyMaxUs: d.fenceLatencyMinUs };
    await this.accept({ ...this.best, scenario: { ...this.best.scenario, disk } }, 'fixed I/O latency');
  }

  /** Each fault shorter, milder and earlier; partitions as a single isolated node. */
  private async faultParamsPass(): Promise<void> {
    if (this.best.faults.length === 0) return;
    this.startPhase('fault parameters');
    for (let i = 0; i < this.best.faults.length && !this.stopped; i++) {
      await this.simplifyPartition(i);
      await this.lowerNode(i);
      await this.shrinkField(i, 'durationUs', 1, 1);
      await this.shrinkField(i, 'deltaUs', 0, 1);
      await this.shrinkField(i, 'ppm', 0, 1);
      await this.shrinkField(i, 'extraUs', 0, 1);
      await this.shrinkField(i, 'loss', 0, 1000);
      await this.shrinkField(i, 'atUs', 0, 1);
    }
    // Faults moved earlier are put back in time order (same-time faults keep their order: the run is the same).
    if (this.best.faults.some((f, i) => i > 0 && f.atUs < this.best.faults[i - 1]!.atUs)) this.best = this.with({ faults: sortByTime(this.best.faults) });
  }

  private async simplifyPartition(i: number): Promise<void> {
    const f = this.best.faults[i]!;
    if (f.kind !== 'partition' || (f.shape ?? (f.groups ? 'groups' : 'isolate')) === 'isolate') return;
    for (let node = 1; node <= this.best.scenario.nodes && !this.stopped; node++) {
      const { nodes: _n, groups: _g, ...rest } = f;
      if (await this.accept(this.withFault(i, { ...rest, shape: 'isolate', node }), `partition ${i} isolates node ${node}`)) return;
    }
  }

  /** Move a fault to the lowest node id that still fails, so higher nodes can be dropped. */
  private async lowerNode(i: number): Promise<void> {
    const node = this.best.faults[i]!.node;
    if (node === undefined) return;
    for (let n = 1; n < node && !this.stopped; n++) {
      if (await this.accept(this.withFault(i, { ...this.best.faults[i]!, node: n }), `fault ${i} on node ${n}`)) return;
    }
  }

  /** Shrink |f[field]| towards `lo`, keeping its sign; `scale` turns fractions into integers. */
  private async shrinkField(i: number, field: 'durationUs' | 'deltaUs' | 'ppm' | 'extraUs' | 'loss' | 'atUs', lo: number, scale: number): Promise<void> {
    const v = this.best.faults[i]![field];
    if (typeof v !== 'number' || v === 0) return;
    const sign = v < 0 ? -1 : 1;
    const top = Math.round(Math.abs(v) * scale);
    await shrinkInt(top, lo, (x) => this.accept(this.withFault(i, { ...this.best.faults[i]!, [field]: (sign * x) / scale }), `fault ${i} ${field} ${(sign * x) / scale}`));
  }

  private withFault(i: number, f: FaultSpec): Candidate {
    return this.with({ faults: this.best.faults.map((g, j) => (j === i ? f : g)) });
  }

  /** Drop nodes no fault names (highest id first), renumbering the ids above. */
  private async nodesPass(): Promise<void> {
    if (this.best.scenario.nodes <= 1) return;
    this.startPhase('nodes');
    for (let k = this.best.scenario.nodes; k >= 1 && this.best.scenario.nodes > 1 && !this.stopped; k--) {
      const c = withoutNode(this.best, k);
      if (c !== null) await this.accept(c, `without node ${k} (${c.scenario.nodes} nodes)`);
    }
  }

  /** Fewer workload clients (at least one). */
  private async clientsPass(): Promise<void> {
    const sc = this.best.scenario;
    if (sc.workload === undefined && sc.clients === undefined) return;
    const all = sc.clients ?? Array.from({ length: sc.nodes }, (_, i) => i + 1);
    if (all.length <= 1) return;
    this.startPhase('clients');
    await ddmin(all, async (keep) => keep.length > 0 && this.accept({ ...this.best, scenario: { ...this.best.scenario, clients: keep } }, `clients ${keep.join(',')}`), () => this.stopped);
  }

  /** An earlier heal, a shorter liveness deadline and a shorter run (heal first: a short deadline pins it). */
  private async lengthPass(): Promise<void> {
    this.startPhase('run length');
    const sc = (): Scenario => this.best.scenario;
    const lastFaultAtUs = this.best.faults.reduce((m, f) => Math.max(m, f.atUs), 0);
    await shrinkInt(this.bestResult.healAtUs, lastFaultAtUs, (x) => this.accept({ ...this.best, scenario: { ...sc(), healAtUs: x } }, `heal at ${x} µs`, true));
    // An `eventually` property fails trivially with a deadline too short to recover in: keep it.
    if (this.kind !== 'eventually') {
      const deadlineUs = sc().deadlineUs ?? DEFAULT_DEADLINE_US;
      await shrinkInt(deadlineUs, 1, (x) => this.accept({ ...this.best, scenario: { ...sc(), deadlineUs: x } }, `deadline ${x} µs`, true));
    }
    // The scenario's own rules: heal and boots within the run, faults before its end.
    const minDurationUs = Math.max(1, sc().healAtUs ?? 0, lastFaultAtUs + 1, ...(sc().bootAtUs ?? []).map((b) => b + 1));
    await shrinkInt(sc().durationUs, minDurationUs, (x) => this.accept({ ...this.best, scenario: { ...sc(), durationUs: x } }, `duration ${x} µs`, true));
  }

  /**
   * Delta debugging over the tape: override decisions to the benign default 0, keeping the fewest.
   * Overrides are positional and a changed decision can shift the ones after it (a kept message
   * draws a delay a dropped one did not), so it repeats on the new run's decisions while that helps.
   */
  private async tapePass(): Promise<void> {
    this.startPhase('tape');
    for (let round = 0; round < 8 && !this.stopped; round++) {
      const nonDefault = this.bestResult.nonDefaultDecisions ?? [];
      if (nonDefault.length === 0) return;
      const base = this.best.overrides;
      const zeroAllBut = (keep: readonly number[]): [number, number][] => {
        const kept = new Set(keep);
        const merged = new Map<number, number>(base);
        for (const i of nonDefault) if (!kept.has(i)) merged.set(i, 0);
        return [...merged.entries()].sort((a, b) => a[0] - b[0]);
      };
      // Full mode: decisions after the violation count too (the run-file keeps them).
      await ddmin(nonDefault, async (keep) => this.accept({ ...this.best, overrides: zeroAllBut(keep) }, `${keep.length} decisions kept`, true), () => this.stopped);
      if ((this.bestResult.nonDefaultDecisions ?? []).length >= nonDefault.length) return;
    }
  }
}

/** The candidate without node k (ids above k move down by one), or null when a fault or the last client needs it. */
function withoutNode(c: Candidate, k: NodeId): Candidate | null {
  const named = (f: FaultSpec): boolean => f.node === k || f.nodes?.includes(k) === true || f.groups?.some((g) => g.includes(k)) === true;
  if (c.faults.some(named)) return null;
  const clients = c.scenario.clients?.filter((n) => n !== k);
  if (clients !== undefined && clients.length === 0) return null;
  const id = (n: NodeId): NodeId => (n > k ? n - 1 : n);
  const faults = c.faults.map((f) => ({
    ...f,
    ...(f.node !== undefined ? { node: id(f.node) } : {}),
    ...(f.nodes !== undefined ? { nodes: f.nodes.map(id) } : {}),
    ...(f.groups !== undefined ? { groups: f.groups.map((g) => g.map(id)) } : {}),
  }));
  const sc = c.scenario;
  const scenario: Scenario = {
    ...sc,
    nodes: sc.nodes - 1,
    faults: { ...sc.faults, script: faults },
    ...(clients !== undefined ? { clients: clients.map(id) } : {}),
    ...(sc.bootAtUs !== undefined ? { bootAtUs: sc.bootAtUs.filter((_, i) => i !== k - 1) } : {}),
  };
  return { ...c, scenario, faults };
}

function sortByTime(faults: FaultSpec[]): FaultSpec[] {
  return faults.map((f, i) => [f, i] as const).sort((a, b) => a[0].atUs - b[0].atUs || a[1] - b[1]).map(([f]) => f);
}

/**
 * The smallest x in [lo, v] for which `fails(x)` holds, by bisection (v is known to fail). Stops
 * once the step is under 1/32 of the value, so a long duration costs about six runs.
 */
export async function shrinkInt(v: number, lo: number, fails: (x: number) => Promise<boolean>): Promise<number> {
  if (v <= lo) return v;
  if (await fails(lo)) return lo;
  let pass = lo;
  let fail = v;
  while (fail - pass > Math.max(1, Math.floor(fail / 32))) {
    const mid = Math.floor((pass + fail) / 2);
    if (await fails(mid)) fail = mid;
    else pass = mid;
  }
  return fail;
}
