// The exclusive-belief checker (always), for designs that promise exclusion through fencing
// (dlm-lvb, oldest-member): at no instant do two nodes that could act hold a serving (ready) belief
// that they own one resource, whatever their epochs — epochs of two partitions are not comparable.
//
// Who counts (the window between losing ownership and learning it):
// - crashed: no — the 'crash' observation ends every belief of that incarnation;
// - fenced at the I/O fence device: no — its writes bounce, whatever it still believes (it learns
//   it at its next write or its watchdog probe); it counts again if the fence is lifted;
// - paused: no while paused — it cannot act; it counts again the instant it resumes, before any of
//   its held events run, so a paused owner that resumes unfenced next to a successor is caught then;
// - stopped (service group stopped, quorum lost): yes — a stopped owner is live and unfenced, and
//   a design that leans on fencing must have fenced it before anyone else serves its resource.
// Only ready beliefs count: between owner-begin and owner-ready a new owner recovers under the
// design's own exclusion (its EX lock; the service-group barrier, during which the old owner of a
// live hand-over gives the resource up), and serves only once ready.
// Checked whenever a counted belief can appear: owner-ready, resume, unfence. Also measures how long
// such a split brain lasted (`splitBrainUs` total, `splitBrainUsMax` longest episode).
import type { CheckerWorld, NodeId, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';
import type { Belief } from './believers.ts';
import { Believers, BELIEF_KINDS, isBeliefKind } from './believers.ts';
import { isKind } from './observations.ts';

export const EXCLUSIVE_CHECKER = 'ownership-exclusive';

/** A live, unfenced, unpaused node: one that can act on shared storage right now. */
function canAct(w: CheckerWorld, n: NodeId): boolean {
  return w.isUp(n) && !w.isFenced(n) && !w.isPaused(n);
}

/** The ready beliefs on `resource` held by nodes that can act, in node id order. */
function actingOwners(b: Believers, resource: string, w: CheckerWorld): Belief[] {
  const out: Belief[] = [];
  for (const belief of b.of(resource).values()) if (belief.ready && canAct(w, belief.node)) out.push(belief);
  return out.sort((x, y) => x.node - y.node);
}

function describe(b: Belief): string {
  return `n${b.node} (epoch ${b.epoch}, believing since ${b.sinceUs} µs)`;
}

export function exclusiveBeliefChecker(): WorldChecker {
  const believers = new Believers();
  let totalUs = 0;
  let maxUs = 0;
  let fromUs = -1;
  /** Resources with two acting owners now. */
  const splitNow = (w: CheckerWorld): string | undefined => {
    for (const r of believers.byResource.keys()) if (actingOwners(believers, r, w).length > 1) return r;
    return undefined;
  };
  const report = (obs: Observation, w: CheckerWorld, resources: readonly string[]): void => {
    for (const r of resources) {
      const owners = actingOwners(believers, r, w);
      if (owners.length < 2) continue;
      const cause = obs.kind === 'owner-ready' ? `n${obs.node} became ready to serve ${r}` : `n${obs.node} ${obs.kind === 'resume' ? 'resumed' : 'was unfenced'}`;
      w.violate(`${cause} while ${owners.length} live, unfenced, running nodes believe they own ${r}: ${owners.map(describe).join(' and ')}`);
      return;
    }
  };
  const track = (atUs: number, w: CheckerWorld): void => {
    const split = splitNow(w) !== undefined;
    if (split && fromUs < 0) fromUs = atUs;
    if (!split && fromUs >= 0) {
      totalUs += atUs - fromUs;
      maxUs = Math.max(maxUs, atUs - fromUs);
      fromUs = -1;
    }
  };
  return {
    name: EXCLUSIVE_CHECKER,
    kind: 'always',
    description: 'At no instant do two live, unfenced, running nodes believe they own one resource (any epochs).',
    observes: [...BELIEF_KINDS, 'fence', 'unfence', 'pause', 'resume'],
    onObservation(obs: Observation, w: CheckerWorld) {
      if (isBeliefKind(obs.kind)) believers.apply(obs);
      if (isKind(obs, 'owner-ready')) report(obs, w, [obs.data.resource]);
      else if (obs.kind === 'resume' || obs.kind === 'unfence') report(obs, w, heldBy(believers, obs.node));
      track(obs.atUs, w);
    },
    metrics(w: CheckerWorld) {
      const open = fromUs >= 0 ? w.nowUs - fromUs : 0;
      return { splitBrainUs: totalUs + open, splitBrainUsMax: Math.max(maxUs, open) };
    },
  };
}

/** Resources `node` holds a ready belief on. */
function heldBy(b: Believers, node: NodeId): string[] {
  const out: string[] = [];
  for (const [r, m] of b.byResource) if (m.get(node)?.ready === true) out.push(r);
  return out;
}
