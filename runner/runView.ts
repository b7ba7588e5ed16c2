// The space-time model of one run, built from its trace: lanes per node, messages (send → deliver
// or drop), down/paused/fenced/partitioned intervals, ownership intervals and the violations,
// plus the ordered steps a reader walks through. Pure and JSON-serialisable (embedded in HTML).
import type { TraceRecord } from '../sim/world.ts';
import type { FaultFired, Violation } from '../sim/types.ts';
import type { FaultSpec } from '../sim/faults/spec.ts';

export interface ViewStep {
  /** Engine event index. */
  i: number;
  t: number;
  node: number;
  k: string;
  /** One-line description shown in the event list. */
  text: string;
  /** Index into `messages` for send / deliver / drop steps. */
  msg?: number;
}

export interface ViewMessage {
  from: number;
  to: number;
  type: string;
  sendUs: number;
  /** Delivery time, or the planned arrival when it never arrived. */
  endUs: number;
  /** 'delivered', a drop reason, or 'lost' (destination down or run ended). */
  fate: string;
}

export interface ViewInterval {
  node: number;
  kind: 'down' | 'paused' | 'fenced' | 'cut';
  fromUs: number;
  toUs: number;
  label: string;
}

export interface ViewOwnership {
  resource: string;
  node: number;
  fromUs: number;
  toUs: number;
  epoch?: string;
}

export interface ViewViolation extends Violation {
  /** Index into `steps` of the event that violated (the last step at or before atEvent). */
  step: number;
}

export interface RunView {
  title: string;
  scenario: string;
  protocol: string;
  seed: number;
  nodes: number[];
  endUs: number;
  healAtUs: number;
  steps: ViewStep[];
  messages: ViewMessage[];
  intervals: ViewInterval[];
  ownership: ViewOwnership[];
  violations: ViewViolation[];
  faults: FaultFired[];
  /** Path of the run-file, for the reproduce command. */
  runFile?: string;
  /** Steps outside the kept window were dropped. */
  truncated: boolean;
  firstStepIndex: number;
}

export interface RunViewInput {
  scenario: string;
  protocol: string;
  seed: number;
  nodes: number;
  endUs: number;
  healAtUs: number;
  violations: Violation[];
  faultsFired: FaultFired[];
  faults: FaultSpec[];
  runFile?: string;
}

/** Steps kept at most (a window around the first violation when longer). */
export const MAX_STEPS = 6000;

/** Folded out of the steps: timers, logs and fault-point hits (thousands a run; they stay in the JSONL). */
const SKIP = new Set(['timer', 'log', 'point']);

function brief(v: unknown): string {
  if (v === undefined) return '';
  try {
    const s = JSON.stringify(v);
    return s.length > 600 ? `${s.slice(0, 597)}…` : s;
  } catch {
    return String(v);
  }
}

function dataOf(rec: TraceRecord): Record<string, unknown> {
  const { i: _i, t: _t, k: _k, node: _n, ...rest } = rec;
  return rest;
}

/** Build the view. Timer and log records are folded out of the steps (they stay in the JSONL). */
export function buildRunView(input: RunViewInput, records: readonly TraceRecord[], truncatedTrace = false, maxSteps: number = MAX_STEPS): RunView {
  const nodes = Array.from({ length: input.nodes }, (_, i) => i + 1);
  const messages: ViewMessage[] = [];
  const byPkt = new Map<number, number>();
  const steps: ViewStep[] = [];
  const intervals: ViewInterval[] = [];
  const ownership: ViewOwnership[] = [];
  const openDown = new Map<number, number>();
  const openPause = new Map<number, number>();
  const openFence = new Map<number, number>();
  const openOwner = new Map<string, ViewOwnership>();
  // A step's text (a JSON digest of its message or data) is written only for the steps the window
  // keeps (at most maxSteps of a run's ~100 k): `kept` records which trace record each step came from.
  const kept: TraceRecord[] = [];
  for (const rec of records) {
    const k = rec.k;
    if (SKIP.has(k)) continue;
    const d = dataOf(rec);
    const step: ViewStep = { i: rec.i, t: rec.t, node: rec.node, k, text: '' };
    if (k === 'send') {
      const idx = messages.push({ from: rec.node, to: Number(d.to), type: String(d.type), sendUs: rec.t, endUs: Number(d.arriveUs ?? rec.t), fate: 'lost' }) - 1;
      if (typeof d.pkt === 'number') byPkt.set(d.pkt, idx);
      step.msg = idx;
    } else if (k === 'drop' && d.atSend === true) {
      // Lost at the send (a cut link, random loss): no send record; drawn as a ✕ at the sender's instant.
      const idx = messages.push({ from: Number(d.from), to: rec.node, type: String(d.type), sendUs: rec.t, endUs: rec.t, fate: String(d.why ?? 'dropped') }) - 1;
      step.msg = idx;
    } else if (k === 'deliver' || k === 'drop') {
      const idx = typeof d.pkt === 'number' ? byPkt.get(d.pkt) : undefined;
      if (idx !== undefined) {
        const m = messages[idx]!;
        m.endUs = rec.t;
        m.fate = k === 'deliver' ? 'delivered' : String(d.why ?? 'dropped');
        step.msg = idx;
      }
    } else {
      trackInterval(k, rec, d, { openDown, openPause, openFence, openOwner, intervals, ownership });
    }
    steps.push(step);
    kept.push(rec);
  }
  const endUs = input.endUs;
  for (const [node, from] of openDown) intervals.push({ node, kind: 'down', fromUs: from, toUs: endUs, label: 'down' });
  for (const [node, from] of openPause) intervals.push({ node, kind: 'paused', fromUs: from, toUs: endUs, label: 'paused' });
  for (const [node, from] of openFence) intervals.push({ node, kind: 'fenced', fromUs: from, toUs: endUs, label: 'fenced' });
  for (const o of openOwner.values()) ownership.push({ ...o, toUs: endUs });
  intervals.push(...cutIntervals(input));
  ownership.sort((a, b) => a.fromUs - b.fromUs || a.node - b.node);
  intervals.sort((a, b) => a.fromUs - b.fromUs || a.node - b.node);
  const view = windowed(maxSteps, {
    title: `${input.protocol} on ${input.scenario}, seed ${input.seed}`,
    scenario: input.scenario,
    protocol: input.protocol,
    seed: input.seed,
    nodes,
    endUs,
    healAtUs: input.healAtUs,
    steps,
    messages,
    intervals,
    ownership,
    violations: input.violations.map((v) => ({ ...v, step: stepAt(steps, v.atEvent) })),
    faults: input.faultsFired,
    ...(input.runFile !== undefined ? { runFile: input.runFile } : {}),
    truncated: truncatedTrace,
    firstStepIndex: 0,
  });
  view.steps.forEach((step, j) => (step.text = stepText(kept[view.firstStepIndex + j]!)));
  return view;
}

/** The one-line description of a step, from its trace record. */
function stepText(rec: TraceRecord): string {
  const k = rec.k;
  const d = dataOf(rec);
  if (k === 'send') return `n${rec.node} → n${String(d.to)} send ${String(d.type)}`;
  if (k === 'drop' && d.atSend === true) return `n${rec.node} ✕ n${String(d.from)} ${String(d.type)} dropped at send (${String(d.why)})`;
  if (k === 'deliver') return `n${rec.node} ← n${String(d.from)} ${String((d.msg as { type?: unknown } | undefined)?.type ?? '?')} ${brief(d.msg)}`;
  if (k === 'drop') return `n${rec.node} ✕ n${String(d.from)} ${String(d.type)} dropped (${String(d.why)})`;
  return describe(k, rec.node, d);
}

interface Open {
  openDown: Map<number, number>;
  openPause: Map<number, number>;
  openFence: Map<number, number>;
  openOwner: Map<string, ViewOwnership>;
  intervals: ViewInterval[];
  ownership: ViewOwnership[];
}

function trackInterval(k: string, rec: TraceRecord, d: Record<string, unknown>, o: Open): void {
  const close = (open: Map<number, number>, kind: ViewInterval['kind'], label: string): void => {
    const from = open.get(rec.node);
    if (from === undefined) return;
    open.delete(rec.node);
    o.intervals.push({ node: rec.node, kind, fromUs: from, toUs: rec.t, label });
  };
  switch (k) {
    case 'crash': {
      o.openDown.set(rec.node, rec.t);
      close(o.openPause, 'paused', 'paused');
      for (const [key, own] of [...o.openOwner]) {
        if (own.node !== rec.node) continue;
        o.ownership.push({ ...own, toUs: rec.t });
        o.openOwner.delete(key);
      }
      return;
    }
    case 'restart': close(o.openDown, 'down', 'down'); return;
    case 'pause': o.openPause.set(rec.node, rec.t); return;
    case 'resume': close(o.openPause, 'paused', 'paused'); return;
    case 'fence': if (d.ok === true) o.openFence.set(rec.node, rec.t); return;
    case 'unfence': close(o.openFence, 'fenced', 'fenced'); return;
    case 'owner-begin': {
      const resource = String(d.resource ?? d.res ?? 'resource');
      const key = `${resource}\u0000${rec.node}`;
      const prev = o.openOwner.get(key);
      if (prev) o.ownership.push({ ...prev, toUs: rec.t });
      o.openOwner.set(key, { resource, node: rec.node, fromUs: rec.t, toUs: rec.t, ...(d.epoch !== undefined ? { epoch: String(d.epoch) } : d.token !== undefined ? { epoch: String(d.token) } : {}) });
      return;
    }
    case 'owner-end': {
      const resource = String(d.resource ?? d.res ?? 'resource');
      const key = `${resource}\u0000${rec.node}`;
      const prev = o.openOwner.get(key);
      if (prev) o.ownership.push({ ...prev, toUs: rec.t });
      o.openOwner.delete(key);
      return;
    }
    default:
  }
}

function describe(k: string, node: number, d: Record<string, unknown>): string {
  const who = node === 0 ? 'cluster' : `n${node}`;
  if (k === 'fault') {
    const by = d.role !== undefined ? ` [role ${String(d.role)}]` : d.point !== undefined ? ` [at ${String(d.point)} hit ${String(d.hit)}]` : '';
    return `fault ${String(d.fault)}${d.detail ? `: ${String(d.detail)}` : ''} (nodes ${Array.isArray(d.nodes) ? d.nodes.join(',') : '–'})${by}`;
  }
  if (k === 'fault-not-fired') return `fault ${String(d.fault)} #${String(d.index)} did not fire: ${String(d.reason)}`;
  if (k === 'heal') return 'heal: faults end, network healed, paused nodes resumed';
  const rest = Object.keys(d).length > 0 ? ` ${brief(d)}` : '';
  return `${who} ${k}${rest}`;
}

/** Partition-like faults shade the nodes they cut off, from firing to their end (or heal). */
function cutIntervals(input: RunViewInput): ViewInterval[] {
  const out: ViewInterval[] = [];
  const kinds = new Set(['partition', 'clog', 'flaky-network', 'slow-link']);
  for (const f of input.faultsFired) {
    if (!kinds.has(f.kind)) continue;
    // A fault by role or at a point carries its index (a point fault fires later than its atUs).
    const spec = f.index !== undefined ? input.faults[f.index] : input.faults.find((s) => s.kind === f.kind && s.atUs === f.atUs);
    const toUs = spec?.durationUs !== undefined ? Math.min(f.atUs + spec.durationUs, input.healAtUs) : input.healAtUs;
    for (const node of f.nodes) out.push({ node, kind: 'cut', fromUs: f.atUs, toUs: Math.max(toUs, f.atUs), label: `${f.kind}${f.detail ? `: ${f.detail}` : ''}` });
  }
  return out;
}

/** Index of the last step whose event index is ≤ atEvent (0 when none). */
export function stepAt(steps: readonly ViewStep[], atEvent: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]!.i <= atEvent) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Keep at most `max` steps around the first violation (or the end of the run). */
function windowed(max: number, view: RunView): RunView {
  if (view.steps.length <= max) return view;
  const focus = view.violations.length > 0 ? Math.min(...view.violations.map((v) => v.step)) : view.steps.length - 1;
  const start = Math.max(0, Math.min(view.steps.length - max, focus - Math.floor(max * 0.8)));
  const steps = view.steps.slice(start, start + max);
  const keepMsgs = new Map<number, number>();
  const messages: ViewMessage[] = [];
  for (const s of steps) {
    if (s.msg === undefined) continue;
    let j = keepMsgs.get(s.msg);
    if (j === undefined) {
      j = messages.push(view.messages[s.msg]!) - 1;
      keepMsgs.set(s.msg, j);
    }
    s.msg = j;
  }
  return {
    ...view,
    steps,
    messages,
    violations: view.violations.map((v) => ({ ...v, step: Math.max(0, Math.min(steps.length - 1, v.step - start)) })),
    truncated: true,
    firstStepIndex: start,
  };
}
