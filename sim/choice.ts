// Choice points for systematic search (`lockstep check`): which tape decisions are choices, the small
// domain of each (its default is what the seed drew), the fault options of a fault point, and a
// structural state hasher that turns engine + module + checker state into a 64-bit key.
import type { NodeId } from './types.ts';

/** What a fault point may do to the cluster (one tape decision: 0 = nothing, k = option k). */
export type FaultOptionKind = 'crash' | 'pause' | 'isolate' | 'restart';
export const FAULT_OPTION_KINDS: readonly FaultOptionKind[] = ['crash', 'pause', 'isolate', 'restart'];

/** Which decisions of a run are choice points, and what a fault point may do. */
export interface ChoiceConfig {
  /** Modules whose message deliveries are choice points (default: every module). */
  modules?: string[];
  /** Message types that are never choice points (heartbeats, say). */
  skipTypes?: string[];
  /** Choices only between these simulated times (default: from 0 to the heal). */
  fromUs?: number;
  toUs?: number;
  /** Datagram loss as a choice (a fault of kind `drop`); FIFO channels never lose. */
  drops?: boolean;
  /**
   * Declared fault points (ctx.faultPoint, protocols/faultPoints.ts) that are choice points: a node
   * reaching one may fail right after the handler. '*' names every point the protocol declares.
   */
  points?: string[];
  /** Observation kinds that are fault points too (older form; prefer `points`). */
  faultAt?: string[];
  /**
   * Faults a fault point offers (default crash): crash (restart at the heal or after `downUs`),
   * pause, isolate (a partition of the target from everyone), restart (boot a node that is down now).
   */
  faults?: FaultOptionKind[];
  /**
   * Whom a fault strikes. `self`: the node at the point (default); `all`: any node; or a list of
   * `self`, `any` and role targets (protocols/roles.ts) as `role` or `role:resource`
   * (`owner:snap0`, `master:own:snap0`, `oldest-member`), resolved when the point is reached.
   */
  targets?: 'self' | 'all' | string[];
  /** A crashed node restarts after this long (default: at the heal). */
  downUs?: number;
  pauseUs?: number;
  isolateUs?: number;
}

export interface FaultOption {
  kind: FaultOptionKind;
  node: NodeId;
  /** Crash: restart after it (0 = at the heal); pause / isolate: how long. */
  durationUs: number;
}

export const DEFAULT_PAUSE_US = 3_000_000;
export const DEFAULT_ISOLATE_US = 3_000_000;

/** What a fault point needs from the world to list its options. */
export interface FaultOptionWorld {
  readonly nodes: readonly NodeId[];
  isUp(node: NodeId): boolean;
  /** The live nodes holding a role now (ascending), or undefined when no resolver knows the role. */
  roleNodes?(role: string, resource: string | undefined): readonly NodeId[] | undefined;
}

/** 'owner:snap0' → { role: 'owner', resource: 'snap0' }; 'master:own:snap0' keeps the rest as the resource. */
export function parseTarget(t: string): { role: string; resource?: string } {
  const i = t.indexOf(':');
  return i < 0 ? { role: t } : { role: t.slice(0, i), resource: t.slice(i + 1) };
}

/** The nodes a fault point reached on `node` may strike, in a fixed order, each once. */
function targetNodes(cfg: ChoiceConfig, node: NodeId, w: FaultOptionWorld): NodeId[] {
  if (cfg.targets === undefined || cfg.targets === 'self') return [node];
  if (cfg.targets === 'all') return [node, ...w.nodes.filter((n) => n !== node)];
  const out: NodeId[] = [];
  for (const t of cfg.targets) {
    const { role, resource } = parseTarget(t);
    const found = role === 'self' ? [node] : role === 'any' ? w.nodes.filter((n) => w.isUp(n)) : (w.roleNodes?.(role, resource) ?? []);
    for (const n of found) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** The options of a fault point reached on `node`, in a fixed order (tape value k = options[k-1]). */
export function faultOptions(cfg: ChoiceConfig, node: NodeId, w: FaultOptionWorld): FaultOption[] {
  const kinds = cfg.faults ?? ['crash'];
  const targets = targetNodes(cfg, node, w);
  const out: FaultOption[] = [];
  for (const kind of kinds) {
    if (kind === 'restart') {
      for (const t of w.nodes) if (!w.isUp(t)) out.push({ kind, node: t, durationUs: 0 });
      continue;
    }
    const durationUs = kind === 'crash' ? (cfg.downUs ?? 0)
      : kind === 'pause' ? (cfg.pauseUs ?? DEFAULT_PAUSE_US) : (cfg.isolateUs ?? DEFAULT_ISOLATE_US);
    for (const t of targets) out.push({ kind, node: t, durationUs });
  }
  return out;
}

/**
 * A structural 64-bit hash (two FNV-1a lanes) of plain data, class instances, arrays, typed arrays,
 * Maps and Sets in iteration order. Shared objects and cycles hash as back-references by first-visit
 * index, so the key is canonical for a given shape. Functions and promises are opaque (a tag only):
 * state held in closures and coroutines is invisible unless a module's digest() exposes it.
 */
export class StateHasher {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;
  private seen = new Map<object, number>();

  constructor(private readonly skip: (v: object) => boolean = () => false) {}

  reset(): void {
    this.a = 0x811c9dc5;
    this.b = 0x01000193 ^ 0x5bd1e995;
    this.seen = new Map();
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }

  word(x: number): void {
    this.a = Math.imul(this.a ^ (x & 0xffff), 0x01000193);
    this.a = Math.imul(this.a ^ (x >>> 16), 0x01000193);
    this.b = Math.imul(this.b ^ (x & 0xffff), 0x050c5d1f);
    this.b = Math.imul(this.b ^ (x >>> 16), 0x050c5d1f);
  }

  num(x: number): void {
    if (Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff) {
      this.word(1);
      this.word(x | 0);
    } else this.str(String(x));
  }

  str(s: string): void {
    this.word(2);
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'undefined': return this.word(3);
      case 'boolean': return this.word(v ? 4 : 5);
      case 'number': return this.num(v);
      case 'string': return this.str(v);
      case 'bigint': return this.str(`${v}n`);
      case 'function': return this.word(6);
      case 'symbol': return this.word(7);
    }
    if (v === null) return this.word(8);
    this.object(v as object);
  }

  private object(o: object): void {
    if (this.skip(o)) return this.word(9);
    const ref = this.seen.get(o);
    if (ref !== undefined) {
      this.word(10);
      return this.word(ref);
    }
    this.seen.set(o, this.seen.size);
    if (o instanceof Promise) return this.word(11);
    if (Array.isArray(o)) return this.list(12, o);
    if (ArrayBuffer.isView(o)) return this.list(13, Array.from(o as unknown as ArrayLike<number>));
    if (o instanceof Map) {
      this.word(14);
      this.word(o.size);
      for (const [k, x] of o) {
        this.value(k);
        this.value(x);
      }
      return;
    }
    if (o instanceof Set) return this.list(15, [...o]);
    if (typeof AbortSignal !== 'undefined' && o instanceof AbortSignal) return this.word(o.aborted ? 16 : 17);
    this.word(18);
    this.str(o.constructor?.name ?? '');
    for (const k of Object.keys(o)) {
      this.str(k);
      this.value((o as Record<string, unknown>)[k]);
    }
  }

  private list(tag: number, xs: readonly unknown[]): void {
    this.word(tag);
    this.word(xs.length);
    for (const x of xs) this.value(x);
  }
}
