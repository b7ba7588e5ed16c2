import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingRunFile } from './fixtures.ts';
import { buildRunView, stepAt } from '../../reports/runView.ts';
import type { RunView } from '../../reports/runView.ts';
import { runViewOf } from '../../cli/runReport.ts';
import { readJsonlTrace } from '../../runner/runTrace.ts';
import { toChromeTrace } from '../../reports/chromeTrace.ts';
import type { TraceRecord } from '../../sim/world.ts';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-runview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runFile: string;
let view: RunView;
const jsonl = join(dir, 'trace.jsonl');

beforeAll(async () => {
  runFile = await failingRunFile(dir);
  view = await runViewOf(runFile, { saveTracePath: jsonl });
});

describe('run view from a replayed run-file', () => {
  it('pairs every send with its delivery or drop', () => {
    expect(view.messages.length).toBeGreaterThan(100);
    const delivered = view.messages.filter((m) => m.fate === 'delivered');
    expect(delivered.length).toBeGreaterThan(view.messages.length / 2);
    for (const m of delivered) {
      expect(m.endUs).toBeGreaterThanOrEqual(m.sendUs);
      expect(m.from).not.toBe(m.to);
    }
    const deliverSteps = view.steps.filter((s) => s.k === 'deliver');
    expect(deliverSteps.every((s) => s.msg !== undefined && view.messages[s.msg]!.to === s.node)).toBe(true);
  });
  it('shades crashed nodes from crash to restart and marks the violating step', () => {
    const down = view.intervals.filter((i) => i.kind === 'down');
    expect(down.length).toBeGreaterThan(0);
    for (const d of down) expect(d.toUs).toBeGreaterThan(d.fromUs);
    expect(view.violations).toHaveLength(1);
    const v = view.violations[0]!;
    expect(v.checker).toBe('gossip-monotonic');
    const step = view.steps[v.step]!;
    expect(step.i).toBeLessThanOrEqual(v.atEvent);
    expect(view.steps[v.step + 1]?.i ?? Infinity).toBeGreaterThan(v.atEvent);
    expect(step.k).toBe('gossip-value');
    expect(view.runFile).toBe(runFile);
  });
  it('reads the same view back from the saved JSONL trace', async () => {
    const { records } = readJsonlTrace(jsonl);
    expect(records.some((r) => r.k === 'send')).toBe(true);
    const fromTrace = await runViewOf(runFile, { tracePath: jsonl });
    expect(fromTrace.steps.length).toBe(view.steps.length);
    expect(fromTrace.violations[0]!.step).toBe(view.violations[0]!.step);
  });

  it('writes the same step text in a window as in the whole run (the text is written only for kept steps)', () => {
    const { records } = readJsonlTrace(jsonl);
    const input = {
      scenario: view.scenario, protocol: view.protocol, seed: view.seed, nodes: view.nodes.length, endUs: view.endUs,
      healAtUs: view.healAtUs, violations: view.violations, faultsFired: view.faults, faults: [],
    };
    const whole = buildRunView(input, records, false, Number.MAX_SAFE_INTEGER);
    expect(whole.truncated).toBe(false);
    const max = Math.floor(whole.steps.length / 3);
    const part = buildRunView(input, records, false, max);
    expect(part.truncated).toBe(true);
    expect(part.steps).toHaveLength(max);
    part.steps.forEach((s, j) => {
      const w = whole.steps[part.firstStepIndex + j]!;
      expect({ i: s.i, text: s.text, msg: s.msg === undefined ? undefined : part.messages[s.msg] })
        .toEqual({ i: w.i, text: w.text, msg: w.msg === undefined ? undefined : whole.messages[w.msg] });
    });
  });
});

describe('run view from synthetic records', () => {
  const rec = (i: number, t: number, k: string, node: number, extra: Record<string, unknown> = {}): TraceRecord => ({ i, t, k, node, ...extra });
  const input = { scenario: 's', protocol: 'p', seed: 1, nodes: 3, endUs: 1000, healAtUs: 800, violations: [], faultsFired: [{ kind: 'partition', atUs: 100, nodes: [3], detail: 'isolate 3' }], faults: [{ kind: 'partition', atUs: 100, durationUs: 200, node: 3 }] };
  it('builds ownership intervals from owner-begin/owner-end and ends them at a crash', () => {
    const v = buildRunView(input, [
      rec(1, 10, 'owner-begin', 1, { resource: 'r1', epoch: 1 }),
      rec(2, 50, 'owner-end', 1, { resource: 'r1', epoch: 1 }),
      rec(3, 60, 'owner-begin', 2, { resource: 'r1', epoch: 2 }),
      rec(4, 70, 'owner-begin', 2, { resource: 'r2', epoch: 1 }),
      rec(5, 90, 'crash', 2),
      rec(6, 95, 'pause', 3),
      rec(7, 120, 'resume', 3),
      rec(8, 130, 'timer', 1),
      rec(9, 140, 'owner-begin', 3, { resource: 'r1', epoch: 3 }),
    ]);
    expect(v.ownership.map((o) => [o.resource, o.node, o.fromUs, o.toUs, o.epoch])).toEqual([
      ['r1', 1, 10, 50, '1'], ['r1', 2, 60, 90, '2'], ['r2', 2, 70, 90, '1'], ['r1', 3, 140, 1000, '3'],
    ]);
    expect(v.intervals.map((i) => [i.kind, i.node, i.fromUs, i.toUs])).toEqual([
      ['down', 2, 90, 1000], ['paused', 3, 95, 120], ['cut', 3, 100, 300],
    ]);
    expect(v.steps.some((s) => s.k === 'timer')).toBe(false);
    expect(stepAt(v.steps, 5)).toBe(4);
  });
});

describe('chrome trace export', () => {
  it('has a named thread per node, paired flow events and the violation as a global instant', () => {
    const t = toChromeTrace(view);
    const ev = t.traceEvents;
    const names = ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!.name);
    expect(names).toEqual(expect.arrayContaining(['node 1', 'node 2', 'node 3', 'node 4', 'node 5']));
    const starts = new Set(ev.filter((e) => e.ph === 's').map((e) => e.id));
    const ends = ev.filter((e) => e.ph === 'f');
    expect(ends.length).toBe(starts.size);
    expect(ends.every((e) => starts.has(e.id) && e.bp === 'e')).toBe(true);
    expect(ev.every((e) => Number.isFinite(e.ts) && e.ts >= 0)).toBe(true);
    const vio = ev.find((e) => e.cat === 'violation')!;
    expect(vio).toMatchObject({ ph: 'i', s: 'g', name: 'VIOLATION gossip-monotonic' });
    expect(ev.some((e) => e.ph === 'X' && e.cat === 'down')).toBe(true);
    expect(JSON.parse(JSON.stringify(t)).displayTimeUnit).toBe('ms');
    writeFileSync(join(dir, 'x.trace.json'), JSON.stringify(t));
  });
});
