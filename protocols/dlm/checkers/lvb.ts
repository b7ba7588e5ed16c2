// always 'dlm-lvb': every VALBLK read returns the last PW/EX writer's value and seq, or carries
// VALNOTVALID; after a PW/EX holder with a value block dies (its lockspace recovers without it),
// reads carry VALNOTVALID until a PW/EX holder writes (reference §5.4). The one reset allowed is a
// forgotten resource: a master creating it afresh while no live member holds a VALBLK lock on it.
import type { WorldChecker } from '../../../sim/world.ts';
import type { CheckerWorld, NodeId, Observation } from '../../../sim/types.ts';
import { Mode } from '../modes.ts';
import { SBF, Status } from '../flags.ts';
import { seqAtLeast } from '../lvb.ts';
import { Copies, COPY_KINDS } from './copies.ts';
import type { Copy } from './copies.ts';

/** A departed copy that surely held PW/EX with a value block at its master (not possibly demoted by CONVDEADLK). */
function mustInvalidate(c: Copy): boolean {
  return c.valblk && c.mode >= Mode.PW && !c.mayBeDemoted;
}

interface Expect {
  lvb: string | undefined;
  seq: number;
  mustBeInvalid: boolean;
  /** A new master restarted the seq from a survivor's copy holding the same value: the next write may reuse a seq. */
  rolledBack?: boolean;
  /** VALNOTVALID was set since the last write: the seq may restart (it did not go back silently). */
  invalidated?: boolean;
}

export function lvbChecker(): WorldChecker {
  const copies = new Copies();
  const expect = new Map<string, Expect>();
  /**
   * Resources a recovering generation has already rebuilt (recovered or forgotten): the members it is
   * forming, and when. Until that generation completes, a node outside it that still acts as master
   * (cut off, not yet told) is stale: its grants, reads and writes are not the lockspace's history
   * (seed 235 of swarm-partitions: a cut-off master kept writing a resource the others had forgotten).
   */
  const forming = new Map<string, { members: Set<NodeId>; at: number }>();
  const stale = (node: NodeId, k: string): boolean => {
    const f = forming.get(k);
    return f !== undefined && !f.members.has(node);
  };
  /** A departed copy obliges VALNOTVALID unless a stale master granted it after the rebuild. */
  const obliges = (c: Copy): boolean => mustInvalidate(c) && !(c.grantedSeq > (forming.get(`${c.ls}/${c.res}`)?.at ?? Infinity));
  /** What the master handed a lock when it read the LVB: checked when the completion arrives. */
  const reads = new Map<number, { exp: Expect; valNotValid: boolean }>();
  let sawInvalidRead = 0;
  const get = (k: string): Expect => {
    let e = expect.get(k);
    if (e === undefined) expect.set(k, (e = { lvb: undefined, seq: 0, mustBeInvalid: false }));
    return e;
  };
  return {
    name: 'dlm-lvb',
    kind: 'always',
    description: "A VALBLK read returns the last PW/EX writer's value and seq or carries VALNOTVALID; after a PW/EX holder dies reads carry VALNOTVALID until the next write.",
    observes: [...COPY_KINDS, 'dlm-lvb-write', 'dlm-lvb-read', 'dlm-lvb-fresh', 'dlm-lvb-recovered', 'dlm-lvb-invalid'],
    onObservation(obs, w) {
      const d = obs.data;
      const k = `${d.ls}/${d.res}`;
      switch (obs.kind) {
        case 'dlm-lvb-write': {
          const e = get(k);
          const seq = d.seq as number;
          if (!counted(obs, w, k)) return; // a master cut off from the lockspace: not part of its history
          if (e.lvb !== undefined && !seqAtLeast(seq, e.seq + 1) && e.rolledBack !== true && e.invalidated !== true) w.violate(`${k}: a write at master node ${obs.node} produced seq ${seq}, not after the last write's seq ${e.seq}`);
          expect.set(k, { lvb: d.lvb as string, seq, mustBeInvalid: false });
          return;
        }
        case 'dlm-lvb-fresh': return onFresh(obs, k, w);
        case 'dlm-lvb-invalid':
          get(k).invalidated = true;
          return;
        case 'dlm-lvb-recovered': {
          const e = get(k);
          if (d.members !== undefined) forming.set(k, { members: new Set(d.members as NodeId[]), at: obs.seq });
          if (d.valNotValid === true) e.invalidated = true;
          if (d.valNotValid !== true && d.pendingWrite === true) {
            // A new master adopted a holder's own write, under the seq it had read (fs/dlm keeps no other):
            // the seq may repeat, but only a value some holder really wrote and was not answered for.
            if (![...copies.offers.values()].some((o) => o.ls === d.ls && o.res === d.res && o.lvb === d.lvb)) {
              w.violate(`master node ${obs.node} recovered ${k} as a holder's pending write (seq ${d.seq}), but no holder has such a write outstanding`);
              return;
            }
            expect.set(k, { lvb: d.lvb as string, seq: d.seq as number, mustBeInvalid: false, rolledBack: true });
            return;
          }
          if (d.valNotValid !== true && d.lvb === e.lvb && d.seq !== e.seq) {
            e.seq = d.seq as number; // the same value, renumbered from a survivor's copy (its write is redone)
            e.rolledBack = true;
          }
          return;
        }
        case 'dlm-lvb-read':
          if (!counted(obs, w, k)) return;
          reads.set(d.lkid as number, { exp: { ...get(k) }, valNotValid: d.valNotValid === true });
          return;
        case 'dlm-recovered': {
          const before = copies.members.get(d.ls as string);
          copies.feed(obs, w);
          const m = copies.members.get(d.ls as string)!;
          for (const c of [...copies.byLock.values()]) {
            if (c.ls !== d.ls || m.members.has(c.node)) continue;
            if (obliges(c)) get(`${c.ls}/${c.res}`).mustBeInvalid = true;
            copies.byLock.delete(c.lkid); // cut off and purged: counted once, never again
          }
          const dead = copies.departedHolders.filter((c) => c.ls === d.ls && (!m.members.has(c.node) || w.incarnation(c.node) !== c.inc));
          for (const c of dead) if (obliges(c)) get(`${c.ls}/${c.res}`).mustBeInvalid = true;
          copies.departedHolders.splice(0, copies.departedHolders.length, ...copies.departedHolders.filter((c) => !dead.includes(c)));
          // A generation completed (the recorded membership moved on and now says who is in): nothing of
          // this lockspace is "forming" any more — including what an aborted recovery had rebuilt.
          if (m !== before) for (const fk of [...forming.keys()]) if (fk.startsWith(`${d.ls as string}/`)) forming.delete(fk);
          return;
        }
        case 'dlm-complete': {
          copies.feed(obs, w);
          if (d.read !== true || d.status !== Status.OK) return;
          const r = reads.get(d.lkid as number);
          reads.delete(d.lkid as number);
          const flagged = ((d.sbflags as number) & SBF.VALNOTVALID) !== 0;
          if (flagged) {
            sawInvalidRead++;
            return;
          }
          if (r === undefined) {
            if (counted(obs, w, k)) w.violate(`node ${obs.node} lock ${d.lkid} on ${k} completed a value-block read no member master made`);
            return;
          }
          if (r.exp.mustBeInvalid) {
            w.violate(`node ${obs.node} read ${k} (seq ${d.lvbseq}) without VALNOTVALID after a PW/EX holder of its value block died and nobody wrote since`);
            return;
          }
          const want = r.exp.lvb;
          const okValue = want === undefined ? /^0*$/.test(String(d.lvb)) : d.lvb === want;
          if (!okValue || d.lvbseq !== r.exp.seq) {
            w.violate(`node ${obs.node} read ${k} as seq ${d.lvbseq} value ${String(d.lvb).slice(0, 16)}…, but the last PW/EX write was seq ${r.exp.seq} value ${(want ?? 'zeros (never written)').slice(0, 16)}… (and no VALNOTVALID)`);
          }
          return;
        }
        default:
          copies.feed(obs, w);
      }
    },
    metrics() {
      return { dlmValNotValidReads: sawInvalidRead };
    },
  };

  function inLockspace(obs: Observation, w: CheckerWorld): boolean {
    const m = copies.members.get(obs.data.ls as string);
    return w.isUp(obs.node) && (m === undefined || m.members.has(obs.node));
  }

  /** Is this node's action on resource `k` part of the lockspace's history (a member, and not stale for k)? */
  function counted(obs: Observation, w: CheckerWorld, k: string): boolean {
    return inLockspace(obs, w) && !stale(obs.node, k);
  }

  function onFresh(obs: Observation, k: string, w: CheckerWorld): void {
    if (!inLockspace(obs, w)) return;
    // In a recovery, the members of the generation being formed are the ones whose copies matter.
    const formingMembers = obs.data.members as number[] | undefined;
    const holders = copies.on(obs.data.ls as string, obs.data.res as string, w)
      .filter((c) => c.valblk && c.mode !== Mode.IV && (formingMembers === undefined || formingMembers.includes(c.node)));
    if (holders.length > 0) {
      w.violate(`master node ${obs.node} started ${k} with a fresh value block while node ${holders[0]!.node} holds VALBLK lock ${holders[0]!.lkid} on it`);
      return;
    }
    // Forgotten with it: whatever departed holders wrote (they can no longer invalidate anything).
    const ls = obs.data.ls;
    const res = obs.data.res;
    copies.departedHolders.splice(0, copies.departedHolders.length, ...copies.departedHolders.filter((c) => c.ls !== ls || c.res !== res));
    for (const c of [...copies.byLock.values()]) {
      if (c.ls === ls && c.res === res && (!copies.counts(c, w) || (formingMembers !== undefined && !formingMembers.includes(c.node)))) copies.byLock.delete(c.lkid);
    }
    expect.set(k, { lvb: undefined, seq: 0, mustBeInvalid: false });
    if (formingMembers !== undefined) forming.set(k, { members: new Set(formingMembers), at: obs.seq });
  }
}
