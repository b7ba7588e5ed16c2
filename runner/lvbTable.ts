// Phillips' first question answered from runs: "what happens when the owner of a LVB dies, what is
// the value of the LVB then?" Every crash schedule of a small DLM configuration within a bound is
// enumerated by `check`; each run where a PW/EX holder dies is classified by how it died (alone,
// with the master, with or without other value-block holders surviving, during a recovery, with a
// down-conversion in flight) and by what the next value-block read was granted once the survivors
// have recovered (before that, a CR reader next to a PW holder is legitimately granted the value).
import { check, parseBound } from './check.ts';
import type { Deviation } from './check.ts';
import { simulate } from '../scenarios/simulate.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { TraceRecord } from '../sim/world.ts';

/** VMS/Linux mode numbers: PW and EX write the value block. */
const PW = 4;

export interface LvbCase {
  /** How the last PW/EX holder died. */
  how: string;
  runs: number;
  /** What the next value-block read was granted, with counts. */
  outcomes: Record<string, number>;
  /** The first schedule of this case, re-run in full (its run-file is written by the caller). */
  example: { deviations: Deviation[]; result: SimulateResult };
}

interface Held {
  node: number;
  mode: number;
}

/**
 * Follows one run's trace and returns the case and outcome of its first PW/EX-holder death. Locks
 * are tracked as the master granted them; a PW/EX lock stops being a writer when the master applies
 * its value-block write (release or down-conversion) or its holder sees a lower mode complete.
 */
class Classifier {
  private readonly held = new Map<number, Held>();
  private readonly downConverting = new Set<number>();
  private master = 0;
  private recovering = 0;
  private lastWriteSeq = 0;
  private died: { how: string; atSeq: number } | undefined;
  private dead = new Set<number>();
  /** The survivors have recovered since the death (the next reader is the first after that). */
  private recovered = false;
  outcome: { how: string; got: string } | undefined;

  on(r: TraceRecord): void {
    if (this.outcome !== undefined) return;
    const d = r as unknown as Record<string, unknown>;
    switch (r.k) {
      case 'dlm-master': this.master = r.node; break;
      case 'dlm-recovery-start': this.recovering++; break;
      case 'dlm-recovered':
        this.recovering = Math.max(0, this.recovering - 1);
        if (this.died !== undefined && this.recovering === 0) this.recovered = true;
        break;
      case 'dlm-lvb-write':
        // The master applied a PW/EX holder's write as it released or down-converted: no longer a writer.
        this.lastWriteSeq = d.seq as number;
        this.held.delete(d.lkid as number);
        this.downConverting.delete(d.lkid as number);
        break;
      case 'dlm-grant': this.held.set(d.lkid as number, { node: d.owner as number, mode: d.mode as number }); break;
      case 'dlm-op':
        if (d.op === 'convert' && (d.grmode as number) >= PW && (d.mode as number) < PW) this.downConverting.add(d.lkid as number);
        break;
      case 'dlm-complete': {
        const lkid = d.lkid as number;
        this.downConverting.delete(lkid);
        const h = this.held.get(lkid);
        if ((d.mode as number) < 0) this.held.delete(lkid);
        else if (h !== undefined && (d.mode as number) < h.mode) h.mode = d.mode as number;
        break;
      }
      case 'crash': this.crash(r.node); break;
      case 'dlm-lvb-read':
        if (this.died !== undefined && this.recovered && !this.dead.has(d.owner as number)) {
          const got = d.valNotValid === true ? 'VALNOTVALID'
            : (d.seq as number) >= this.died.atSeq ? 'the last written value and seq' : 'an older value (stale seq)';
          this.outcome = { how: this.died.how, got };
        }
    }
  }

  private crash(node: number): void {
    this.dead.add(node);
    const mine = [...this.held.entries()].filter(([, h]) => h.node === node);
    const wasWriter = mine.some(([, h]) => h.mode >= PW);
    const converting = mine.some(([id]) => this.downConverting.has(id));
    for (const [id] of mine) this.held.delete(id);
    if (this.died !== undefined) {
      if (node === this.master) this.died.how += ' + master';
      else this.died.how += wasWriter ? ' + another writer' : ' + a bystander';
      return;
    }
    if (!wasWriter && !converting) return;
    const others = [...this.held.values()].some((h) => h.node !== node && h.mode >= 1);
    const parts = [
      node === this.master ? 'holder, which is the master' : 'holder alone',
      others ? 'other value-block holders survive' : 'no other holder',
      ...(this.recovering > 0 ? ['during recovery'] : []),
      ...(converting ? ['down-conversion in flight'] : []),
    ];
    this.died = { how: parts.join(', '), atSeq: this.lastWriteSeq };
  }
}

/** The table: every crash schedule within `bound` (no delays), classified. */
export async function lvbTable(scenario: Scenario, protocol: string, bound = 'faults=2,delays=0'):
  Promise<{ schedules: number; complete: boolean; cases: LvbCase[] }> {
  const schedules: Deviation[][] = [];
  const r = await check({ scenario, protocol, seed: 1, bound: parseBound(bound), prune: false, all: true, onSchedule: (d) => schedules.push([...d]) });
  const cases = new Map<string, LvbCase>();
  for (const devs of schedules) {
    const c = new Classifier();
    const result = await simulate(scenario, { seed: 1, protocol, tapeOverrides: devs.map(([i, v]) => [i, v] as const), trace: (rec) => c.on(rec) });
    if (c.outcome === undefined) continue;
    let row = cases.get(c.outcome.how);
    if (row === undefined) cases.set(c.outcome.how, (row = { how: c.outcome.how, runs: 0, outcomes: {}, example: { deviations: devs, result } }));
    row.runs++;
    row.outcomes[c.outcome.got] = (row.outcomes[c.outcome.got] ?? 0) + 1;
  }
  const sorted = [...cases.values()].sort((a, b) => (a.how < b.how ? -1 : a.how > b.how ? 1 : 0));
  return { schedules: r.schedules, complete: r.complete, cases: sorted };
}
