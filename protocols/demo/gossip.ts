// A small demo protocol to exercise the engine: nodes gossip a growing counter (max wins), keep it
// durable across crashes, and must converge once the network heals.
// Durable: 'max'. Volatile: everything else.
import type { Context, Module, NodeId, Observation } from '../../sim/types.ts';
import type { WorldChecker } from '../../sim/world.ts';

/** The demo's one observation: a node's counter after it changed. */
type GossipValue = Observation & { readonly kind: 'gossip-value'; readonly data: { value: number } };
function observeValue(ctx: Context, value: number): void {
  ctx.observe('gossip-value', { value });
}
/** Narrow to 'gossip-value' (emitted only by observeValue, with a numeric value). */
function isGossipValue(obs: Observation): obs is GossipValue {
  return obs.kind === 'gossip-value' && typeof obs.data.value === 'number';
}

export interface GossipOptions {
  periodUs: number;
  /** Local increments stop at this local time, so the cluster can converge. */
  incrementUntilUs: number;
  /** Flaw: keep the counter only in volatile memory, so a restart forgets it. */
  forgetful: boolean;
  /** Flaw: stop gossiping when counting stops (at heal), so values that diverged never converge. */
  quietAfterHeal?: boolean;
}

/** The demo's message, timer and durable state: typed, so no handler needs a cast. */
type GossipMsg = { type: 'gossip'; value: number };
type GossipContext = Context<GossipMsg, 'tick', { max: number }>;

export class Gossip implements Module<GossipMsg, 'tick', { max: number }> {
  readonly name = 'gossip';
  value = 0;

  constructor(private readonly opts: GossipOptions) {}

  onStart(ctx: GossipContext): void {
    this.value = this.opts.forgetful ? 0 : (ctx.storage('max') ?? 0);
    observeValue(ctx, this.value);
    ctx.setTimer(ctx.random().int(0, this.opts.periodUs), 'tick');
  }

  onTimer(ctx: GossipContext): void {
    if (ctx.now() < this.opts.incrementUntilUs && ctx.random().chance(0.3)) this.set(ctx, this.value + 1);
    if (this.opts.quietAfterHeal === true && ctx.now() >= this.opts.incrementUntilUs) return;
    // A random peer without building a peer list (node ids are 1..n).
    const n = ctx.allNodes.length;
    if (n > 1) {
      const draw = ctx.random().int(1, n - 1);
      ctx.send(draw >= ctx.node ? draw + 1 : draw, { type: 'gossip', value: this.value });
    }
    ctx.setTimer(this.opts.periodUs, 'tick');
  }

  onMessage(ctx: GossipContext, _from: NodeId, msg: GossipMsg): void {
    if (msg.value > this.value) this.set(ctx, msg.value);
  }

  private set(ctx: GossipContext, v: number): void {
    this.value = v;
    if (!this.opts.forgetful) ctx.persist('max', v);
    observeValue(ctx, v);
  }
}

/** always: a node's counter never goes backwards, across restarts too. */
export function monotonicChecker(): WorldChecker {
  const last = new Map<NodeId, number>();
  return {
    name: 'gossip-monotonic',
    kind: 'always',
    description: "A node's gossiped counter never decreases, even across a restart.",
    observes: ['gossip-value'],
    onObservation(obs, w) {
      if (!isGossipValue(obs)) return;
      const v = obs.data.value;
      const prev = last.get(obs.node) ?? 0;
      if (v < prev) w.violate(`node ${obs.node} went back from ${prev} to ${v} (incarnation ${w.incarnation(obs.node)})`);
      last.set(obs.node, Math.max(prev, v));
    },
  };
}

/** eventually: after heal, every live node holds the same counter by the deadline. */
export function convergenceChecker(): WorldChecker {
  return {
    name: 'gossip-converges',
    kind: 'eventually',
    description: 'Within the deadline after heal, all live nodes hold the same counter.',
    observes: [],
    onDeadline(w) {
      const values = w.nodes.filter((n) => w.isUp(n)).map((n) => [n, w.module<Gossip>(n, 'gossip')?.value ?? -1] as const);
      const distinct = new Set(values.map(([, v]) => v));
      if (distinct.size > 1) w.violate(`nodes disagree at the deadline: ${values.map(([n, v]) => `n${n}=${v}`).join(' ')}`);
    },
  };
}

/** sometimes: a node learned a larger counter from a peer after restarting. */
export function learnedAfterRestartChecker(): WorldChecker {
  const restarted = new Set<NodeId>();
  return {
    name: 'gossip-restart-caught-up',
    kind: 'sometimes',
    description: 'A restarted node caught up with a larger counter from a peer.',
    observes: ['restart', 'gossip-value'],
    onObservation(obs, w) {
      if (obs.kind === 'restart') restarted.add(obs.node);
      else if (isGossipValue(obs) && restarted.has(obs.node) && obs.data.value > 0) w.cover();
    },
  };
}
