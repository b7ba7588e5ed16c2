// Export of a run's trace to the Chrome trace event format (JSON), which Perfetto and
// chrome://tracing open: one thread per node, down/paused/fenced/cut intervals as slices,
// messages as flow arrows (a dropped one ends in a "✕ <reason>" slice on the receiver, category
// 'drop'), ownership per resource, and the violations as global instants.
import type { RunView } from './runView.ts';

export interface ChromeTraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: string;
  s?: string;
  args?: Record<string, unknown>;
}

const CLUSTER = 1;
const OWNERSHIP = 2;

export function toChromeTrace(v: RunView): { traceEvents: ChromeTraceEvent[]; displayTimeUnit: 'ms'; otherData: Record<string, unknown> } {
  const ev: ChromeTraceEvent[] = [];
  const meta = (pid: number, tid: number, what: 'process_name' | 'thread_name', name: string): void => {
    ev.push({ name: what, ph: 'M', ts: 0, pid, tid, args: { name } });
  };
  meta(CLUSTER, 0, 'process_name', `${v.protocol} · ${v.scenario} · seed ${v.seed}`);
  meta(CLUSTER, 0, 'thread_name', 'cluster (faults, heal)');
  for (const n of v.nodes) {
    meta(CLUSTER, n, 'thread_name', `node ${n}`);
    ev.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: CLUSTER, tid: n, args: { sort_index: n } });
  }
  for (const iv of v.intervals) {
    ev.push({ name: iv.label, cat: iv.kind, ph: 'X', ts: iv.fromUs, dur: Math.max(1, iv.toUs - iv.fromUs), pid: CLUSTER, tid: iv.node });
  }
  const resources = [...new Set(v.ownership.map((o) => o.resource))].sort();
  if (resources.length > 0) meta(OWNERSHIP, 0, 'process_name', 'ownership');
  resources.forEach((r, k) => meta(OWNERSHIP, k + 1, 'thread_name', r));
  for (const o of v.ownership) {
    ev.push({ name: `n${o.node} owns`, cat: 'ownership', ph: 'X', ts: o.fromUs, dur: Math.max(1, o.toUs - o.fromUs), pid: OWNERSHIP, tid: resources.indexOf(o.resource) + 1, args: { node: o.node, ...(o.epoch ? { epoch: o.epoch } : {}) } });
  }
  v.messages.forEach((m, id) => {
    ev.push({ name: `send ${m.type}`, cat: 'msg', ph: 'X', ts: m.sendUs, dur: 1, pid: CLUSTER, tid: m.from, args: { to: m.to, fate: m.fate } });
    ev.push({ name: m.type, cat: 'msg', ph: 's', id, ts: m.sendUs, pid: CLUSTER, tid: m.from });
    const dropped = m.fate !== 'delivered' && m.fate !== 'lost';
    const end = m.fate === 'delivered' ? `recv ${m.type}` : dropped ? `✕ ${m.type} (${m.fate})` : `${m.fate} ${m.type}`;
    ev.push({ name: end, cat: dropped ? 'drop' : 'msg', ph: 'X', ts: m.endUs, dur: 1, pid: CLUSTER, tid: m.to, args: { from: m.from, fate: m.fate } });
    ev.push({ name: m.type, cat: 'msg', ph: 'f', bp: 'e', id, ts: m.endUs, pid: CLUSTER, tid: m.to });
  });
  for (const s of v.steps) {
    if (s.msg !== undefined) continue;
    ev.push({ name: s.k, cat: 'event', ph: 'i', s: s.node === 0 ? 'p' : 't', ts: s.t, pid: CLUSTER, tid: s.node, args: { event: s.i, text: s.text } });
  }
  if (v.healAtUs > 0) ev.push({ name: 'heal', cat: 'phase', ph: 'i', s: 'g', ts: v.healAtUs, pid: CLUSTER, tid: 0 });
  for (const x of v.violations) {
    ev.push({ name: `VIOLATION ${x.checker}`, cat: 'violation', ph: 'i', s: 'g', ts: x.atUs, pid: CLUSTER, tid: 0, args: { kind: x.kind, event: x.atEvent, message: x.message } });
  }
  ev.sort((a, b) => (a.ph === 'M' ? -1 : 0) - (b.ph === 'M' ? -1 : 0) || a.ts - b.ts);
  return {
    traceEvents: ev,
    displayTimeUnit: 'ms',
    otherData: { scenario: v.scenario, protocol: v.protocol, seed: v.seed, ...(v.runFile ? { runFile: v.runFile } : {}) },
  };
}
