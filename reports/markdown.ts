// The Markdown renderer: a compact summary for PR comments — the answer, the per-protocol table and
// the per-fault-mix tables (folded in a <details> block).
import { renderLvbTableMarkdown } from './lvbTable.ts';
import type { CompareResults } from '../runner/summary.ts';
import type { Column } from './table.ts';
import { CELL_COLUMNS, FAILURE_COLUMNS, PROTOCOL_COLUMNS, cellRow, cellsByScenario, failureRows, protocolRow, seedsText } from './table.ts';

/** Escape a table cell: pipes, backticks and newlines would break the row; HTML is neutralised. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

/** Escape running text (keeps `code` spans the answer uses, neutralises HTML). */
function mdText(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function table(cols: readonly Column[], rows: readonly Record<string, string>[]): string[] {
  const head = `| ${cols.map((c) => mdCell(c.title)).join(' | ')} |`;
  const rule = `|${cols.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${cols.map((c) => mdCell(r[c.key] ?? '')).join(' | ')} |`)];
}

export function renderMarkdown(results: CompareResults, opts: { htmlPath?: string } = {}): string {
  const out: string[] = [];
  out.push(`## Lockstep compare: ${results.protocols.length} protocols × ${results.scenarios.length} scenarios × ${seedsText(results)}`);
  out.push('');
  for (const a of results.answer) out.push(mdText(a), '');
  out.push(`### All ${results.scenarios.length} scenarios`);
  out.push('');
  out.push(...table(PROTOCOL_COLUMNS, results.protocols.map(protocolRow)));
  out.push('');
  out.push(results.seedsPerCell !== undefined
    ? 'Rates: runs with a violation per 1,000 seeds [95% Wilson interval]. Every protocol ran the same seeds, so the same fault schedules.'
    : 'Rates: runs with a violation per 1,000 seeds [95% Wilson interval]. The correct designs ran the same seeds, so the same fault schedules; each flawed variant ran the same seeds until one caught it (its runs column counts them).');
  out.push('');
  const failures = failureRows(results);
  if (failures.length > 0) {
    out.push('### Failures', '', ...table(FAILURE_COLUMNS, failures), '');
  }
  if (results.lvbTable !== undefined) out.push(renderLvbTableMarkdown(results.lvbTable), '');
  out.push('<details><summary>Per scenario</summary>');
  out.push('');
  for (const g of cellsByScenario(results)) {
    out.push(`#### ${mdCell(g.scenario)}`);
    out.push('');
    out.push(...table(CELL_COLUMNS, g.cells.map(cellRow)));
    out.push('');
  }
  out.push('</details>');
  out.push('');
  const repro = results.protocols.filter((p) => p.smallestFailure?.runFile).map((p) => `- \`${p.protocol}\`: \`npx lockstep replay ${p.smallestFailure!.runFile!.replace(/`/g, '')}\``);
  if (repro.length > 0) {
    out.push('Smallest failing examples:', '', ...repro, '');
  }
  if (opts.htmlPath) out.push(`Full report: \`${opts.htmlPath.replace(/`/g, '')}\``, '');
  out.push(`<sub>code ${mdCell(results.codeVersion)} · ${mdCell(seedsText(results))}</sub>`);
  return `${out.join('\n')}\n`;
}
