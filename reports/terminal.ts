// The terminal renderer: the comparison table and the plain-words answer, coloured by the one
// colour rule of reports/style.ts.
import { renderLvbTableText } from './lvbTable.ts';
import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { CompareResults } from '../runner/summary.ts';
import type { Column } from './table.ts';
import { colourFor } from './style.ts';
import type { TermStream } from './style.ts';
import { CELL_COLUMNS, FAILURE_COLUMNS, PROTOCOL_COLUMNS, cellRow, cellsByScenario, failureRows, protocolRow, seedsText } from './table.ts';

export interface TerminalOptions {
  color: boolean;
  /** Wrap width for the answer paragraphs. */
  width?: number;
  /** Per-scenario tables: always, never, or (default) when there are at most 6 scenarios. */
  perScenario?: boolean;
}

/** Colour decision for a stream: the one rule of reports/style.ts. */
export function useColor(stream: TermStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return colourFor(stream, env);
}

const ANSI = /\u001b\[[0-9;]*m/g;

function visible(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

function pad(s: string, width: number, align: Column['align']): string {
  const gap = ' '.repeat(Math.max(0, width - visible(s)));
  return align === 'right' ? gap + s : s + gap;
}

/** Lay out rows under column titles; `paint` colours a cell after widths are measured. */
export function layoutTable(
  columns: readonly Column[],
  rows: readonly Record<string, string>[],
  c: ChalkInstance,
  paint: (key: string, text: string, row: Record<string, string>) => string = (_k, t) => t,
): string[] {
  const widths = columns.map((col) => Math.max(visible(col.title), ...rows.map((r) => visible(r[col.key] ?? ''))));
  const head = columns.map((col, i) => c.bold(pad(col.title, widths[i]!, col.align))).join('  ');
  const rule = c.dim(widths.map((w) => '─'.repeat(w)).join('  '));
  const body = rows.map((r) => columns.map((col, i) => pad(paint(col.key, r[col.key] ?? '', r), widths[i]!, col.align)).join('  '));
  return [head, rule, ...body];
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && visible(line) + 1 + visible(word) > width) {
      out.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) out.push(line);
  return out;
}

export function renderTerminal(results: CompareResults, opts: TerminalOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const width = opts.width !== undefined && opts.width >= 20 ? opts.width : 100;
  const rateColour = (text: string): string => (text.startsWith('0 ') || text === '–' ? c.green(text) : c.red(text));
  const paint = (key: string, text: string): string => {
    if (key === 'safety' || key === 'liveness') return rateColour(text);
    if (key === 'errors') return text === '0' ? text : c.yellow(text);
    if (key === 'protocol') return text.includes('/') ? c.magenta(text) : c.cyan(text);
    return text;
  };
  const lines: string[] = [];
  lines.push(c.bold(`Lockstep compare — ${results.protocols.length} protocols × ${results.scenarios.length} scenarios × ${seedsText(results)}; identical fault tapes`));
  lines.push('');
  const perScenario = opts.perScenario ?? results.scenarios.length <= 6;
  if (perScenario) {
    for (const group of cellsByScenario(results)) {
      lines.push(`${c.bold.underline(group.scenario)}  ${c.dim(group.description)}`);
      lines.push(...layoutTable(CELL_COLUMNS, group.cells.map(cellRow), c, paint).map((l) => `  ${l}`));
      lines.push('');
    }
  }
  const names = results.scenarios.map((s) => s.name);
  const list = names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`;
  lines.push(`${c.bold.underline(`All ${results.scenarios.length} scenarios`)}  ${c.dim(list)}`);
  lines.push(...layoutTable(PROTOCOL_COLUMNS, results.protocols.map(protocolRow), c, paint).map((l) => `  ${l}`));
  lines.push('');
  const failures = failureRows(results);
  if (failures.length > 0) {
    lines.push(c.bold.underline('Failures'));
    lines.push(...layoutTable(FAILURE_COLUMNS, failures, c, (k, t) => (k === 'checkers' ? c.red(t) : paint(k, t))).map((l) => `  ${l}`));
    lines.push('');
  }
  lines.push(c.dim('safety/liveness: runs with a violation per 1,000 seeds [95% Wilson interval]; – = not reported by the protocol.'));
  lines.push('');
  for (const a of results.answer) {
    const [first, ...rest] = wrap(a, width);
    lines.push(c.bold(first ?? ''), ...rest);
    lines.push('');
  }
  if (results.lvbTable !== undefined) lines.push(renderLvbTableText(results.lvbTable), '');
  const secs = (results.wallMs / 1000).toFixed(1);
  const runs = results.cells.reduce((s, x) => s + x.seeds, 0);
  lines.push(c.dim(`${runs.toLocaleString('en-US')} runs in ${secs} s on ${results.workers} worker${results.workers === 1 ? '' : 's'} (${(runs / Math.max(0.001, results.wallMs / 1000)).toFixed(0)} runs/s${busyText(results)}); code ${results.codeVersion}`));
  return lines.join('\n');
}

/**
 * ", workers busy 93%" when the results say how long the runs took on their workers; the tasks that
 * ran alongside (claims, LVB table, diagrams) count as busy too, and are named when they ran.
 */
function busyText(r: CompareResults): string {
  if (r.workerMs === undefined || r.wallMs <= 0) return '';
  const t = r.timings;
  const tasks = t === undefined ? 0 : t.claimsMs + (t.lvbTableMs ?? 0) + (t.diagramsMs ?? 0);
  const busy = `, workers busy ${Math.round((100 * (r.workerMs + tasks)) / (r.workers * r.wallMs))}%`;
  return tasks > 0 ? `${busy}, ${(tasks / 1000).toFixed(1)} worker-s of it claims, LVB table and diagrams` : busy;
}
