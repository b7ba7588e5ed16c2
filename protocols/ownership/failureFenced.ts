// Checker 'ownership-failure-fenced' (always), the ownership half of reference §5.13: when a
// resource's ownership, or the EX lock that guards it, goes to another node (or to a new incarnation
// of the same node), every incarnation that owned it or held that lock and then failed must have been
// dealt with by the fence domain after it failed, even when the node rebooted and rejoined before its
// failure was noticed (a fast reboot: nobody is "missing" from the new view). Dealt with means one of:
// - fenced at the device when it died (a fence still in force: it was cut off, then killed itself);
// - fenced by a successful fence operation at a time ≥ its death;
// - proven rebooted: fenced dropped it as rejoined, or a start of the fence domain (level 0) at or
//   after its death named the node failed with the node back among its members as a newer
//   incarnation, and that event completed (a domain that regained quorum fences only non-members).
//   A start superseded before it completed proves nothing: its victims were never dealt with. A
//   domain formed afresh (its first start names no previous members) proves every member rebooted:
//   fenced fences the configured non-members at startup, and a member runs a newer incarnation.
//
// A claim taken by a node whose fence is in force is not a move: a deposed holder that resumes after
// its successor died still believes it holds EX, but it can reach no shared storage.
//
// What it expects comes from raw observations only (§5.15): 'owner-begin'/'owner-end' and 'ex-held'
// say who holds what; the engine's 'crash' says which incarnation failed and when; the engine's
// 'fence' (victim, ok), the fence domain's 'sm-start' and fenced's 'fence-drop' say when a failed
// incarnation was dealt with. Incarnations and the fence state are the engine's (`w.incarnation`,
// `w.isFenced`), never a protocol's parsed view.
//
// Only designs that promise recovery through fencing run it (dlm-lvb, oldest-member); disk leases
// hand over by expiry and fencing tokens, which 'ownership-effect' judges.
import type { CheckerWorld, NodeId } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import { isKind } from './observations.ts';
import { isKind as isEngineKind } from '../membership/observations.ts';

export const FAILURE_FENCED_CHECKER = 'ownership-failure-fenced';

type Claim = 'owner' | 'EX';
interface Holder { node: NodeId; inc: number; claim: Claim; resource: string }
/** A claim whose holder's incarnation failed: pending until that incarnation is fenced or dropped. */
interface DeadClaim extends Holder { diedAtUs: number }

export function failureFencedChecker(): WorldChecker {
  /** `claim|resource` → the incarnation holding it now. */
  const holders = new Map<string, Holder>();
  /** Claims of failed incarnations not yet fenced or proven rebooted. */
  let dead: DeadClaim[] = [];
  /** Fence-domain events that named members failed: when they started, and those members' incarnations then. */
  const proofs = new Map<number, { atUs: number; nodes: { node: NodeId; inc: number }[] }>();
  const key = (c: Claim, r: string): string => `${c}|${r}`;

  function take(c: Claim, r: string, node: NodeId, atUs: number, w: CheckerWorld): string | undefined {
    const inc = w.incarnation(node);
    holders.set(key(c, r), { node, inc, claim: c, resource: r });
    // A taker cut off at the device acts on nothing: a stale holder resuming behind its fence (its
    // process copy still says EX) is not the resource moving on. Its claim dies settled (see 'crash').
    if (w.isFenced(node)) return undefined;
    const open = dead.find((d) => d.resource === r);
    if (open === undefined) return undefined;
    const what = c === 'owner' ? `took ownership of ${r}` : `was granted EX on ${r}`;
    return `n${node} (incarnation ${inc}) ${what} at ${atUs} µs, but n${open.node} incarnation ${open.inc}, ` +
      `which ${open.claim === 'owner' ? 'owned' : 'held EX on'} ${r} and failed at ${open.diedAtUs} µs, ` +
      `was neither fenced at or after its failure nor proven rebooted by the fence domain: its ${open.claim === 'owner' ? 'resource' : 'lock'} moved without recovery (§5.13)`;
  }

  function release(c: Claim, r: string, node: NodeId, w: CheckerWorld): void {
    const h = holders.get(key(c, r));
    if (h !== undefined && h.node === node && h.inc === w.incarnation(node)) holders.delete(key(c, r));
  }

  return {
    name: FAILURE_FENCED_CHECKER,
    kind: 'always',
    description: 'A resource or its EX lock moves on only after every failed incarnation that held it was fenced at or after its failure, or dropped by fenced as rebooted, fast reboots included (§5.13).',
    observes: ['owner-begin', 'owner-end', 'ex-held', 'crash', 'fence', 'fence-drop', 'sm-start', 'sm-finish'],
    onObservation(obs, w) {
      if (isKind(obs, 'owner-begin')) {
        const why = take('owner', obs.data.resource, obs.node, obs.atUs, w);
        return why === undefined ? undefined : w.violate(why);
      }
      if (isKind(obs, 'owner-end')) return release('owner', obs.data.resource, obs.node, w);
      if (isKind(obs, 'ex-held')) {
        if (!obs.data.held) return release('EX', obs.data.resource, obs.node, w);
        const why = take('EX', obs.data.resource, obs.node, obs.atUs, w);
        return why === undefined ? undefined : w.violate(why);
      }
      if (isEngineKind(obs, 'crash')) {
        // Already cut off at the device when it died: its claims are settled as they die.
        const cutOff = w.isFenced(obs.node);
        for (const [k, h] of [...holders]) {
          if (h.node !== obs.node || h.inc !== obs.data.incarnation) continue;
          holders.delete(k);
          if (!cutOff) dead.push({ ...h, diedAtUs: obs.atUs });
        }
        return;
      }
      if (isEngineKind(obs, 'sm-start')) {
        // The fence domain names members failed: those back at a newer incarnation, once the event completes.
        const d = obs.data;
        if (d.level !== 0 || proofs.has(d.eventId)) return;
        // A domain formed afresh (no previous members: the whole cluster rebooted or was killed at a
        // merge) fences every configured non-member at startup; its members run a newer incarnation,
        // so each of their earlier incarnations is gone.
        const back = d.previous.length === 0 ? [...d.members] : d.failed.filter((n) => d.members.includes(n));
        if (back.length > 0) proofs.set(d.eventId, { atUs: obs.atUs, nodes: back.map((n) => ({ node: n, inc: w.incarnation(n) })) });
        return;
      }
      if (isEngineKind(obs, 'sm-finish')) {
        const p = obs.data.level === 0 ? proofs.get(obs.data.eventId) : undefined;
        if (p === undefined) return;
        proofs.delete(obs.data.eventId);
        dead = dead.filter((d) => !p.nodes.some((b) => b.node === d.node && b.inc > d.inc) || d.diedAtUs > p.atUs);
        return;
      }
      if (isEngineKind(obs, 'fence')) {
        // `node` is the victim: a successful fence settles every failure of it up to now.
        if (obs.data.ok) dead = dead.filter((d) => d.node !== obs.node);
        return;
      }
      if (isEngineKind(obs, 'fence-drop')) {
        // fenced skipped the victim because it is back: proof of reboot for the incarnations before.
        const v = obs.data.victim;
        const now = w.incarnation(v);
        dead = dead.filter((d) => d.node !== v || d.inc >= now || d.diedAtUs > obs.atUs);
      }
    },
  };
}
