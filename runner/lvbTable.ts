// Phillips' first question answered from runs: "what happens when the owner of a LVB dies, what is
// the value of the LVB then?" Every crash schedule of a small DLM configuration within a bound is
// enumerated by `check`; each run where the last PW/EX value-block holder of a resource dies is
// classified by how it died — alone or with the resource's master, during a recovery or not, with a
// value-carrying down-conversion (or release) in flight or not, with other value-block holders
// surviving or not — and by what the next value-block read was granted once the survivors have
// recovered from the death: the flag, the sequence number and whose bytes. (Before that recovery a
// CR reader next to a PW holder is legitimately granted the last written value.)
import { check, parseBound } from './check.ts';
import type { Deviation } from './check.ts';
import { simulate } from '../scenarios/simulate.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { TraceRecord } from '../sim/world.ts';

/** VMS/Linux mode numbers: PW and EX write the value block; LKF_VALBLK. */
const PW = 4;
const VALBLK = 0x8;

/** How the last PW/EX value-block holder died: the row of the table. */
export interface LvbDeath {
  /** The resource's master died too: the holder was the master, or the master crashed before recovery. */
  withMaster: boolean;
  /** Another recovery was running when the holder died. */
  duringRecovery: boolean;
  /** A value-carrying down-conversion (or release) the holder had sent was not yet applied by the master. */
  inFlight: 'down-conversion' | 'release' | undefined;
  /** Other nodes' value-block locks (any mode, NL included) were held when the survivors' recovery began. */
  othersSurvive: boolean;
}

/** One outcome: what the next reader was granted, and the absolute seqs seen with it. */
export interface LvbOutcome {
  got: string;
  runs: number;
  /** Smallest and largest absolute sequence number read with this outcome. */
  seqMin: number;
  seqMax: number;
}

export interface LvbCase {
  /** How the last PW/EX holder died, in words (the row's key). */
  how: string;
  death: LvbDeath;
  runs: number;
  outcomes: LvbOutcome[];
  /** The first schedule of this case, re-run in full (its run-file is written by the caller). */
  example: { deviations: Deviation[]; result: SimulateResult };
}

export interface LvbTableResult {
  scenario: string;
  protocol: string;
  bound: string;
  schedules: number;
  complete: boolean;
  /** Schedules in which no PW/EX value-block holder died, or no read followed the survivors' recovery. */
  unclassified: number;
  cases: LvbCase[];
}

/** The row's words: who died with the holder, what was under way, whether other holders survive. */
export function howText(d: LvbDeath): string {
  const parts = [d.withMaster ? 'holder with the master' : 'holder alone'];
  if (d.duringRecovery) parts.push('during a recovery');
  if (d.inFlight !== undefined) parts.push(`${d.inFlight} in flight`);
  return `${parts.join(', ')}; ${d.othersSurvive ? 'other value-block holders survive' : 'no other value-block holder'}`;
}

interface Held {
  node: number;
  mode: number;
  valblk: boolean;
  res: string;
}

interface Death {
  node: number;
  res: string;
  master: number | undefined;
  withMaster: boolean;
  duringRecovery: boolean;
  inFlight: { kind: 'down-conversion' | 'release'; lvb: string } | undefined;
  /** The last write the master had applied when the holder died. */
  lastWrite: { seq: number; lvb: string };
  othersSurvive: boolean;
  /** With the master dead: whether the new master rebuilt other nodes' value-block locks (false if nothing was rebuilt). */
  rebuiltOthers: boolean;
  /** Nodes whose recovery began after the death (one of them completing it ends the wait). */
  startedAfter: Set<number>;
  recovered: boolean;
}

/** Text of a value block as the table names it, against what had been written before the death. */
function valueText(lvb: string, d: Death, earlier: ReadonlySet<string>): string {
  if (/^0*$/.test(lvb)) return 'zeroes';
  if (d.inFlight !== undefined && lvb === d.inFlight.lvb && lvb !== d.lastWrite.lvb) return `the dead holder's in-flight ${d.inFlight.kind} value`;
  if (lvb === d.lastWrite.lvb) return 'bytes of the last applied write';
  if (earlier.has(lvb)) return "an earlier write's bytes";
  return 'bytes never applied';
}

function seqText(seq: number, d: Death): string {
  const last = d.lastWrite.seq;
  if (last === 0 && seq === 0) return 'seq 0 (nothing written yet)';
  if (seq === last) return 'seq of the last applied write';
  if (seq === 0) return 'seq 0';
  if (seq === last + 1) return 'seq of the last applied write + 1';
  return seq < last ? 'a seq older than the last applied write' : 'a seq newer than the last applied write';
}

/**
 * Follows one run's trace and classifies its first death of a PW/EX value-block holder. Locks are
 * tracked as the master granted them (dlm-grant, dlm-lvb-write, unlock completions): a PW/EX lock stops
 * being a writer when the master applies its release or down-conversion, not when the requester's
 * down-conversion completes at once. A dead node's locks are gone from then on (recovery purges them).
 */
export class LvbClassifier {
  private readonly held = new Map<number, Held>();
  /** Value-carrying down-conversions and releases sent from PW/EX, not yet applied by the master. */
  private readonly inFlight = new Map<number, { kind: 'down-conversion' | 'release'; lvb: string }>();
  private readonly masters = new Map<string, number>();
  private readonly recovering = new Set<number>();
  private readonly dead = new Set<number>();
  private readonly written = new Set<string>();
  private readonly lastWrite = new Map<string, { seq: number; lvb: string }>();
  private death: Death | undefined;
  outcome: { death: LvbDeath; got: string; seq: number } | undefined;

  on(r: TraceRecord): void {
    if (this.outcome !== undefined) return;
    switch (r.k) {
      case 'crash': return this.crash(r.node);
      case 'boot':
      case 'restart':
        this.dead.delete(r.node);
        return;
      case 'dlm-master':
        this.masters.set(r.res as string, r.node);
        return;
      case 'dlm-recovery-start': return this.recoveryStart(r.node);
      case 'dlm-recovered':
        this.recovering.delete(r.node);
        if (this.death?.startedAfter.has(r.node) === true) this.death.recovered = true;
        return;
      case 'dlm-grant': {
        const lkid = r.lkid as number;
        const mode = r.mode as number;
        this.held.set(lkid, { node: r.owner as number, mode, valblk: ((r.flags as number) & VALBLK) !== 0, res: r.res as string });
        if (mode < PW) this.inFlight.delete(lkid);
        return;
      }
      case 'dlm-lvb-write': {
        const lkid = r.lkid as number;
        this.written.add(r.lvb as string);
        this.lastWrite.set(r.res as string, { seq: r.seq as number, lvb: r.lvb as string });
        this.inFlight.delete(lkid);
        if ((this.held.get(lkid)?.mode ?? 0) >= PW) this.held.delete(lkid); // a release applied
        return;
      }
      case 'dlm-op': return this.op(r);
      case 'dlm-rebuilt': return this.rebuilt(r);
      case 'dlm-complete':
        if ((r.mode as number) < 0) {
          this.held.delete(r.lkid as number);
          this.inFlight.delete(r.lkid as number);
        }
        return;
      case 'dlm-lvb-read': return this.read(r);
    }
  }

  private op(r: TraceRecord): void {
    const gr = r.grmode as number;
    if (gr < PW || ((r.flags as number) & VALBLK) === 0 || typeof r.lvb !== 'string') return;
    if (r.op === 'convert' && (r.mode as number) < PW) this.inFlight.set(r.lkid as number, { kind: 'down-conversion', lvb: r.lvb });
    else if (r.op === 'unlock') this.inFlight.set(r.lkid as number, { kind: 'release', lvb: r.lvb });
  }

  private recoveryStart(node: number): void {
    this.recovering.add(node);
    const d = this.death;
    if (d === undefined || d.recovered) return;
    d.startedAfter.add(node);
    // What the survivors' recovery will see: the locks they hold now (releases wait for recovery's end).
    d.othersSurvive = this.othersHolding(d.res, d.node);
  }

  /** A new master rebuilt the resource from the survivors' copies: exactly what recover_lvb scans. */
  private rebuilt(r: TraceRecord): void {
    const d = this.death;
    if (d === undefined || d.recovered || r.res !== d.res || d.startedAfter.size === 0) return;
    const locks = r.locks as { lkid: number; node: number; grmode: number }[];
    // recover_lvb scans the granted and converting locks (grmode NL or above), not waiting requests.
    d.rebuiltOthers = locks.some((l) => l.node !== d.node && l.grmode >= 0 && (this.held.get(l.lkid)?.valblk ?? true));
  }

  private othersHolding(res: string, deadNode: number): boolean {
    return [...this.held.values()].some((h) => h.res === res && h.valblk && h.node !== deadNode && !this.dead.has(h.node));
  }

  private crash(node: number): void {
    this.dead.add(node);
    this.recovering.delete(node);
    const d = this.death;
    if (d !== undefined) {
      if (!d.recovered && node === d.master) d.withMaster = true;
    } else {
      const writer = [...this.held.entries()].find(([, h]) => h.node === node && h.valblk && h.mode >= PW);
      if (writer !== undefined) {
        const [lkid, h] = writer;
        const master = this.masters.get(h.res);
        this.death = {
          node, res: h.res, master,
          withMaster: master === undefined || master === node || this.dead.has(master),
          duringRecovery: [...this.recovering].some((n) => n !== node),
          inFlight: this.inFlight.get(lkid),
          lastWrite: this.lastWrite.get(h.res) ?? { seq: 0, lvb: '' },
          othersSurvive: this.othersHolding(h.res, node),
          rebuiltOthers: false,
          startedAfter: new Set(),
          recovered: false,
        };
      }
    }
    for (const [id, h] of [...this.held]) if (h.node === node) this.held.delete(id);
    for (const [res, m] of [...this.masters]) if (m === node) this.masters.delete(res);
  }

  private read(r: TraceRecord): void {
    const d = this.death;
    if (d === undefined || !d.recovered || r.res !== d.res) return;
    const seq = r.seq as number;
    const flag = r.valNotValid === true ? 'VALNOTVALID' : 'valid';
    const got = `${flag}, ${seqText(seq, d)}, ${valueText(r.lvb as string, d, this.written)}`;
    // With the master dead, the survivors' value-block locks matter as the new master rebuilt them
    // (a release queued during the recovery may complete before the rebuild); otherwise as held when
    // the survivors' recovery began.
    const others = d.withMaster ? d.rebuiltOthers : d.othersSurvive;
    const death: LvbDeath = { withMaster: d.withMaster, duringRecovery: d.duringRecovery, inFlight: d.inFlight?.kind, othersSurvive: others };
    this.outcome = { death, got, seq };
  }
}

/** The table: every crash schedule within `bound` (no delays by default), classified. */
export async function lvbTable(scenario: Scenario, protocol: string, bound = 'faults=2,delays=0', seed = 1): Promise<LvbTableResult> {
  const cases = new Map<string, LvbCase & { devs: Deviation[] }>();
  let unclassified = 0;
  let current: LvbClassifier | undefined;
  const r = await check({
    scenario, protocol, seed, bound: parseBound(bound), prune: false, all: true,
    trace: () => {
      current = new LvbClassifier();
      const c = current;
      return (rec) => c.on(rec);
    },
    onRun: (devs) => {
      const o = current?.outcome;
      if (o === undefined) {
        unclassified++;
        return;
      }
      const how = howText(o.death);
      let row = cases.get(how);
      if (row === undefined) {
        row = { how, death: o.death, runs: 0, outcomes: [], devs: [...devs], example: undefined as never };
        cases.set(how, row);
      }
      row.runs++;
      let out = row.outcomes.find((x) => x.got === o.got);
      if (out === undefined) row.outcomes.push((out = { got: o.got, runs: 0, seqMin: o.seq, seqMax: o.seq }));
      out.runs++;
      out.seqMin = Math.min(out.seqMin, o.seq);
      out.seqMax = Math.max(out.seqMax, o.seq);
    },
  });
  const rows: LvbCase[] = [];
  for (const c of [...cases.values()].sort((a, b) => rowOrder(a.death) - rowOrder(b.death) || (a.how < b.how ? -1 : a.how > b.how ? 1 : 0))) {
    const result = await simulate(scenario, { seed, protocol, tapeOverrides: c.devs.map(([i, v]) => [i, v] as const) });
    c.outcomes.sort((a, b) => b.runs - a.runs || (a.got < b.got ? -1 : 1));
    rows.push({ how: c.how, death: c.death, runs: c.runs, outcomes: c.outcomes, example: { deviations: c.devs, result } });
  }
  return { scenario: scenario.name, protocol, bound, schedules: r.schedules, complete: r.complete, unclassified, cases: rows };
}

/** Rows in reading order: alone, with the master, during a recovery, in flight; without others first. */
function rowOrder(d: LvbDeath): number {
  return (d.inFlight !== undefined ? 8 : 0) + (d.duringRecovery ? 4 : 0) + (d.withMaster ? 2 : 0) + (d.othersSurvive ? 1 : 0);
}

/** The measured table as a report carries it: rows, counts, outcomes, each row's run-file, cost. */
export interface LvbTableSummary {
  scenario: string;
  protocol: string;
  bound: string;
  schedules: number;
  complete: boolean;
  unclassified: number;
  /** CPU time of the measurement (user + system) in this process, ms. */
  cpuMs: number;
  rows: { how: string; runs: number; outcomes: LvbOutcome[]; runFile: string }[];
}

/** The summary of a table whose first run-file per row is `files[i]`. */
export function summarizeLvbTable(t: LvbTableResult, files: readonly string[], cpuMs: number): LvbTableSummary {
  return {
    scenario: t.scenario, protocol: t.protocol, bound: t.bound, schedules: t.schedules, complete: t.complete,
    unclassified: t.unclassified, cpuMs,
    rows: t.cases.map((c, i) => ({ how: c.how, runs: c.runs, outcomes: c.outcomes, runFile: files[i] ?? '' })),
  };
}

/** "VALNOTVALID, … ×12 (seq 1–2)": one outcome in a table cell. */
export function outcomeText(o: LvbOutcome): string {
  const seqs = o.seqMin === o.seqMax ? `seq ${o.seqMin}` : `seq ${o.seqMin}–${o.seqMax}`;
  return `${o.got} ×${o.runs} (${seqs})`;
}
