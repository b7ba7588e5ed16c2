// always 'dlm-lvb': every value-block read agrees with a small model of what the resource's value
// block may be (reference §2 and §5.4). The model holds, per resource, the last PW/EX write (value and
// seq; zeros before any), whether the value was lost since (a PW/EX value-block holder departed), and
// whether its seq may repeat once. Each observation applies one of the named RULES below; a violation
// names the rule it breaks. The lost-value signal is VALNOTVALID (fs/dlm, the default) or zeroed
// bytes (o2dlm), per lockspace, as the scenario configured it.
import type { WorldChecker } from '../../../sim/world.ts';
import type { CheckerWorld, NodeId, Observation } from '../../../sim/types.ts';
import { Mode } from '../modes.ts';
import { SBF, Status } from '../flags.ts';
import { seqAtLeast } from '../lvb.ts';
import { asDlm } from '../observations.ts';
import type { DlmObservationData } from '../observations.ts';
import type { LostLvbSignal } from '../lockspace.ts';
import { Copies, COPY_KINDS } from './copies.ts';
import type { Copy } from './copies.ts';

/** The model's rules, by name; each violation message starts with the rule it breaks. */
export const LVB_RULES = {
  numberForward: 'a write is numbered after the last one, unless its seq may repeat (a loss was signalled, or a new master renumbered the value)',
  readLastWrite: "a read without the loss signal returns the last PW/EX write's value and seq (zeros and 0 before any write)",
  lossSignalled: 'after a PW/EX value-block holder departs, reads signal the loss (VALNOTVALID, or zeroed bytes where the lockspace zeroes) until a PW/EX holder writes',
  forgetOnlyUnheld: 'a master starts a resource with a fresh zero block only when no member holds a value-block lock on it',
  adoptOnlyOffers: "a new master adopts a value under an older seq only if some holder has it outstanding as its own unanswered PW/EX offer",
  renumberedSurvivor: "a new master adopting the last value from a survivor's copy under another seq renumbers it: the next write may reuse a seq",
  staleMaster: 'a node outside the generation rebuilding a resource, still acting as its master, is not the lockspace\'s history until that generation completes',
  memberMaster: 'a read is made by a master that is a member of the lockspace',
} as const;
export type LvbRule = keyof typeof LVB_RULES;

/** What a resource's value block may be read as. */
interface ValueState {
  /** The last write's value; undefined = zeros (never written, forgotten, or zeroed on loss). */
  lvb: string | undefined;
  seq: number;
  /** A PW/EX value-block holder departed since the last write: reads must signal the loss. */
  lost: boolean;
  /** The next write may reuse a seq (renumbered by adoption, or the seq restarts after a loss). */
  seqMayRepeat: boolean;
}

const fresh = (): ValueState => ({ lvb: undefined, seq: 0, lost: false, seqMayRepeat: false });
const isZeros = (lvb: string | undefined): boolean => lvb === undefined || /^0*$/.test(lvb);

/** A departed copy that surely held PW/EX with a value block at its master (not possibly demoted by CONVDEADLK). */
function heldWriteMode(c: Copy): boolean {
  return c.valblk && c.mode >= Mode.PW && !c.mayBeDemoted;
}

export interface LvbCheckerOptions {
  /** Lost-value-block signal per lockspace name (default 'valnotvalid'). */
  lostLvb?: Readonly<Record<string, LostLvbSignal>>;
}

export function lvbChecker(opts: LvbCheckerOptions = {}): WorldChecker {
  const copies = new Copies();
  const state = new Map<string, ValueState>();
  /** Rule staleMaster: resources a recovering generation has rebuilt — its members, and when. */
  const forming = new Map<string, { members: Set<NodeId>; at: number }>();
  /** What the master handed a lock when it read the LVB: checked when the completion arrives. */
  const reads = new Map<number, ValueState>();
  let signalledReads = 0;
  const zeroes = (ls: string): boolean => opts.lostLvb?.[ls] === 'zero';
  const get = (k: string): ValueState => {
    let e = state.get(k);
    if (e === undefined) state.set(k, (e = fresh()));
    return e;
  };
  const stale = (node: NodeId, k: string): boolean => {
    const f = forming.get(k);
    return f !== undefined && !f.members.has(node);
  };
  /** A departed copy obliges the loss signal unless a stale master granted it after the rebuild. */
  const obliges = (c: Copy): boolean => heldWriteMode(c) && !(c.grantedSeq > (forming.get(`${c.ls}/${c.res}`)?.at ?? Infinity));

  return {
    name: 'dlm-lvb',
    kind: 'always',
    description: "Value-block reads follow the LVB model: the last PW/EX write, or the loss signalled after a PW/EX holder departs; named rules for renumbering, adoption, forgetting.",
    observes: [...COPY_KINDS, 'dlm-lvb-write', 'dlm-lvb-read', 'dlm-lvb-fresh', 'dlm-lvb-recovered', 'dlm-lvb-invalid'],
    onObservation(obs, w) {
      const o = asDlm(obs);
      if (o === undefined) {
        copies.feed(obs, w);
        return;
      }
      switch (o.kind) {
        case 'dlm-lvb-write': return onWrite(obs, o.data, w);
        case 'dlm-lvb-fresh': return onFresh(obs, o.data, w);
        case 'dlm-lvb-invalid': return onInvalid(o.data);
        case 'dlm-lvb-recovered': return onRecovered(obs, o.data, w);
        case 'dlm-lvb-read':
          if (counted(obs, w, `${o.data.ls}/${o.data.res}`)) reads.set(o.data.lkid, { ...get(`${o.data.ls}/${o.data.res}`) });
          return;
        case 'dlm-recovered': return onMembership(obs, o.data, w);
        case 'dlm-complete':
          copies.feed(obs, w);
          return onReadCompleted(obs, o.data, w);
        default:
          copies.feed(obs, w);
      }
    },
    metrics() {
      return { dlmValNotValidReads: signalledReads };
    },
  };

  function violate(w: CheckerWorld, rule: LvbRule, what: string): void {
    w.violate(`${what} [rule ${rule}: ${LVB_RULES[rule]}]`);
  }

  function inLockspace(obs: Observation, ls: string, w: CheckerWorld): boolean {
    const m = copies.members.get(ls);
    return w.isUp(obs.node) && (m === undefined || m.members.has(obs.node));
  }

  /** Rules memberMaster and staleMaster: is this node's action on `k` part of the lockspace's history? */
  function counted(obs: Observation, w: CheckerWorld, k: string): boolean {
    return inLockspace(obs, k.slice(0, k.indexOf('/')), w) && !stale(obs.node, k);
  }

  /** Rule numberForward. */
  function onWrite(obs: Observation, d: DlmObservationData['dlm-lvb-write'], w: CheckerWorld): void {
    const k = `${d.ls}/${d.res}`;
    const e = get(k);
    if (!counted(obs, w, k)) return;
    if (e.lvb !== undefined && !seqAtLeast(d.seq, e.seq + 1) && !e.seqMayRepeat) {
      violate(w, 'numberForward', `${k}: a write at master node ${obs.node} produced seq ${d.seq}, not after the last write's seq ${e.seq}`);
    }
    state.set(k, { lvb: d.lvb, seq: d.seq, lost: false, seqMayRepeat: false });
  }

  /** The value was marked lost (VALNOTVALID: its seq may restart) or zeroed (o2dlm: reads see zeros). */
  function onInvalid(d: DlmObservationData['dlm-lvb-invalid']): void {
    const e = get(`${d.ls}/${d.res}`);
    e.seqMayRepeat = true;
    if (d.zeroed) e.lvb = undefined;
  }

  /** Rules adoptOnlyOffers and renumberedSurvivor; a zeroed recovery reads as zeros from its seq. */
  function onRecovered(obs: Observation, d: DlmObservationData['dlm-lvb-recovered'], w: CheckerWorld): void {
    const k = `${d.ls}/${d.res}`;
    const e = get(k);
    forming.set(k, { members: new Set(d.members), at: obs.seq });
    if (d.valNotValid || d.zeroed) {
      e.seqMayRepeat = true;
      if (d.zeroed) Object.assign(e, { lvb: undefined, seq: d.seq });
      return;
    }
    if (d.pendingWrite) {
      if (![...copies.offers.values()].some((x) => x.ls === d.ls && x.res === d.res && x.lvb === d.lvb)) {
        violate(w, 'adoptOnlyOffers', `master node ${obs.node} recovered ${k} as a holder's pending write (seq ${d.seq}), but no holder has such a write outstanding`);
        return;
      }
      state.set(k, { lvb: d.lvb, seq: d.seq, lost: false, seqMayRepeat: true });
      return;
    }
    if (d.lvb === e.lvb && d.seq !== e.seq) {
      e.seq = d.seq;
      e.seqMayRepeat = true;
    }
  }

  /** Rule forgetOnlyUnheld: a master starts the resource afresh; departed holders' values go with it. */
  function onFresh(obs: Observation, d: DlmObservationData['dlm-lvb-fresh'], w: CheckerWorld): void {
    const k = `${d.ls}/${d.res}`;
    if (!inLockspace(obs, d.ls, w)) return;
    const formingMembers = d.members;
    const inForming = (c: Copy): boolean => formingMembers === undefined || formingMembers.includes(c.node);
    const holders = copies.on(d.ls, d.res, w).filter((c) => c.valblk && c.mode !== Mode.IV && inForming(c));
    if (holders.length > 0) {
      violate(w, 'forgetOnlyUnheld', `master node ${obs.node} started ${k} with a fresh value block while node ${holders[0]!.node} holds VALBLK lock ${holders[0]!.lkid} on it`);
      return;
    }
    const keep = copies.departedHolders.filter((c) => c.ls !== d.ls || c.res !== d.res);
    copies.departedHolders.splice(0, copies.departedHolders.length, ...keep);
    for (const c of [...copies.byLock.values()]) {
      if (c.ls === d.ls && c.res === d.res && (!copies.counts(c, w) || !inForming(c))) copies.byLock.delete(c.lkid);
    }
    state.set(k, fresh());
    if (formingMembers !== undefined) forming.set(k, { members: new Set(formingMembers), at: obs.seq });
  }

  /** Rule lossSignalled (who departed) and the end of staleMaster (a generation completed). */
  function onMembership(obs: Observation, d: DlmObservationData['dlm-recovered'], w: CheckerWorld): void {
    const before = copies.members.get(d.ls);
    copies.feed(obs, w);
    const m = copies.members.get(d.ls)!;
    for (const c of [...copies.byLock.values()]) {
      if (c.ls !== d.ls || m.members.has(c.node)) continue;
      if (obliges(c)) get(`${c.ls}/${c.res}`).lost = true;
      copies.byLock.delete(c.lkid); // cut off and purged: counted once, never again
    }
    const dead = copies.departedHolders.filter((c) => c.ls === d.ls && (!m.members.has(c.node) || w.incarnation(c.node) !== c.inc));
    for (const c of dead) if (obliges(c)) get(`${c.ls}/${c.res}`).lost = true;
    const keep = copies.departedHolders.filter((c) => !dead.includes(c));
    copies.departedHolders.splice(0, copies.departedHolders.length, ...keep);
    if (m !== before) for (const fk of [...forming.keys()]) if (fk.startsWith(`${d.ls}/`)) forming.delete(fk);
  }

  /** Rules readLastWrite, lossSignalled and memberMaster, judged at the reader's completion. */
  function onReadCompleted(obs: Observation, d: DlmObservationData['dlm-complete'], w: CheckerWorld): void {
    if (!d.read || d.status !== Status.OK) return;
    const k = `${d.ls}/${d.res}`;
    const r = reads.get(d.lkid);
    reads.delete(d.lkid);
    if ((d.sbflags & SBF.VALNOTVALID) !== 0) {
      signalledReads++;
      return;
    }
    if (r === undefined) {
      if (counted(obs, w, k)) violate(w, 'memberMaster', `node ${obs.node} lock ${d.lkid} on ${k} completed a value-block read no member master made`);
      return;
    }
    if (r.lost) {
      if (zeroes(d.ls) && isZeros(d.lvb)) {
        signalledReads++;
        return;
      }
      violate(w, 'lossSignalled', `node ${obs.node} read ${k} (seq ${d.lvbseq}) without ${zeroes(d.ls) ? 'zeroed bytes' : 'VALNOTVALID'} after a PW/EX holder of its value block died and nobody wrote since`);
      return;
    }
    const okValue = r.lvb === undefined ? isZeros(d.lvb) : d.lvb === r.lvb;
    if (!okValue || d.lvbseq !== r.seq) {
      const got = String(d.lvb).slice(0, 16);
      const want = (r.lvb ?? 'zeros').slice(0, 16);
      violate(w, 'readLastWrite', `node ${obs.node} read ${k} as seq ${d.lvbseq} value ${got}…, but the last PW/EX write was seq ${r.seq} value ${want}… (and no VALNOTVALID)`);
    }
  }
}
