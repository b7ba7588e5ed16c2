// Phillips' LVB table (runner/lvbTable.ts, measured by `check`) as text, Markdown and HTML: per row,
// how the last PW/EX value-block holder died, the runs, what the next value-block read was granted,
// and the row's first run-file.
import type { LvbTableSummary } from '../runner/lvbTable.ts';
import { outcomeText } from '../runner/lvbTable.ts';
import { esc } from './html/escape.ts';

export const LVB_TABLE_TITLE = "Phillips' question: the LVB when its last PW/EX holder dies";

function footer(t: LvbTableSummary): string {
  return `${t.schedules.toLocaleString('en-US')} schedules within ${t.bound} (${t.complete ? 'complete' : 'incomplete'}), `
    + `${t.unclassified.toLocaleString('en-US')} with no PW/EX holder death followed by a read; `
    + `${t.protocol} on ${t.scenario}, ${(t.cpuMs / 1000).toFixed(1)} s CPU`;
}

/** Plain text: one block per row (terminal, `check --lvb-table`). */
export function renderLvbTableText(t: LvbTableSummary): string {
  const lines = [LVB_TABLE_TITLE, ''];
  for (const r of t.rows) {
    lines.push(`${r.how} — ${r.runs} run${r.runs === 1 ? '' : 's'}`);
    for (const o of r.outcomes) lines.push(`    next read: ${outcomeText(o)}`);
    lines.push(`    run-file: ${r.runFile}`);
  }
  lines.push('', footer(t));
  return lines.join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderLvbTableMarkdown(t: LvbTableSummary): string {
  const out = [`### ${LVB_TABLE_TITLE}`, '', '| how the last PW/EX holder died | runs | next value-block read granted | run-file |', '|---|---|---|---|'];
  for (const r of t.rows) {
    out.push(`| ${mdCell(r.how)} | ${r.runs} | ${mdCell(r.outcomes.map(outcomeText).join('; '))} | \`${mdCell(r.runFile)}\` |`);
  }
  out.push('', footer(t));
  return out.join('\n');
}

export function renderLvbTableHtml(t: LvbTableSummary): string {
  const rows = t.rows.map((r) => `<tr><td>${esc(r.how)}</td><td class="r">${r.runs}</td><td>${r.outcomes.map((o) => esc(outcomeText(o))).join('<br>')}</td><td><code>${esc(r.runFile)}</code></td></tr>`);
  return `<section id="lvb-table"><h2>${esc(LVB_TABLE_TITLE)}</h2><table><thead><tr><th>how the last PW/EX holder died</th><th class="r">runs</th><th>next value-block read granted</th><th>run-file</th></tr></thead><tbody>${rows.join('')}</tbody></table><p class="note">${esc(footer(t))}. Open a row's run-file with <code>lockstep report &lt;run-file&gt; --html</code> for its space-time diagram.</p></section>`;
}
