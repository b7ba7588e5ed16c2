// Text formatting shared by the CLI's human output: times, fault specs, knobs, verdict rows.
import type { FaultSpec } from '../sim/faults/spec.ts';
import type { FaultFired } from '../sim/types.ts';
import type { Style } from '../reports/style.ts';
import type { Verdict } from '../reports/verdicts.ts';
import { duration } from '../reports/format.ts';

/** The one duration formatter (reports/format.ts), under the CLI's older name. */
export const fmtSpan = duration;

/** Simulated time as seconds with millisecond precision: `12.345s`. */
export function fmtTime(us: number): string {
  return `${(us / 1e6).toFixed(3)}s`;
}

export function fmtFault(f: FaultSpec): string {
  const parts = [fmtTime(f.atUs).padStart(9), f.kind];
  if (f.shape !== undefined) parts.push(f.shape);
  if (f.node !== undefined) parts.push(`node ${f.node}`);
  if (f.groups !== undefined) parts.push(f.groups.map((g) => `{${g.join(',')}}`).join(' | '));
  if (f.nodes !== undefined) parts.push(`order ${f.nodes.join(',')}`);
  if (f.deltaUs !== undefined) parts.push(`by ${duration(f.deltaUs)}`);
  if (f.ppm !== undefined) parts.push(`${f.ppm} ppm`);
  if (f.messageType !== undefined) parts.push(`type ${f.messageType}`);
  if (f.loss !== undefined) parts.push(`loss ${f.loss}`);
  if (f.extraUs !== undefined) parts.push(`+${duration(f.extraUs)}`);
  if (f.durationUs !== undefined) parts.push(`for ${duration(f.durationUs)}`);
  return parts.join(' ');
}

export function fmtFired(f: FaultFired): string {
  const nodes = f.nodes.length > 0 ? ` nodes ${f.nodes.join(',')}` : '';
  const by = f.role !== undefined ? ` [role ${f.role}]` : f.point !== undefined ? ` [at ${f.point}, hit ${f.hit}]` : '';
  return `${fmtTime(f.atUs).padStart(9)} ${f.kind}${nodes}${f.detail ? ` (${f.detail})` : ''}${by}`;
}

export function fmtKnobs(knobs: Record<string, number | string>, network: Record<string, number>): string {
  const all: Record<string, number | string> = { ...knobs };
  for (const [k, v] of Object.entries(network)) if (!(k in all)) all[k] = v;
  const entries = Object.entries(all);
  return entries.length === 0 ? '(none: scripted faults, scenario network)' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

const MARK: Record<Verdict['verdict'], string> = { held: '✓', violated: '✗', covered: '✓', 'not reached': '○' };

export function fmtVerdict(v: Verdict, s: Style, width: number): string {
  const paint = v.verdict === 'violated' ? s.bad : v.verdict === 'not reached' ? s.warn : s.ok;
  const head = `${paint(`${MARK[v.verdict]} ${v.verdict.padEnd(11)}`)} ${v.checker.padEnd(width)} ${s.dim(`[${v.kind}]`)}`;
  return v.message === undefined ? head : `${head}\n      ${v.message.split('\n').join('\n      ')}`;
}
