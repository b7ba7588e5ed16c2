// The JUnit XML renderer for CI systems: one test suite per protocol, one test case per scenario ×
// protocol; a failing case lists its failing seeds with the command that reproduces each.
import type { CompareResults, CellSummary } from '../runner/summary.ts';

/** Escape for XML text and attributes; drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: unknown): string {
  return String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const LISTED = 20;

function reproduce(c: CellSummary, f: CellSummary['failures'][number]): string {
  return f.runFile ? `npx lockstep replay ${f.runFile}` : `npx lockstep run ${c.scenario} --protocol ${c.protocol} --seed ${f.seed}`;
}

function testcase(c: CellSummary): string {
  const name = `${c.scenario} × ${c.protocol}`;
  const time = (c.wallMs / 1000).toFixed(3);
  const attrs = `classname="lockstep.${xmlEscape(c.protocol)}" name="${xmlEscape(name)}" time="${time}"`;
  if (c.failed === 0) return `    <testcase ${attrs}/>`;
  const fired = Object.entries(c.checkersFired).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ');
  const msg = `${c.failed} of ${c.seeds} seeds failed (${fired})`;
  const listed = [...c.failures].sort((a, b) => Number(b.runFile !== undefined) - Number(a.runFile !== undefined) || a.events - b.events).slice(0, LISTED);
  const body = listed.map((f) => {
    const v = f.violations.map((x) => `  ${x.checker} (${x.kind}) at ${x.atUs} µs, event ${x.atEvent}: ${x.message}`).join('\n');
    return `seed ${f.seed}:\n${v}\n  reproduce: ${reproduce(c, f)}`;
  });
  if (c.failures.length > LISTED) body.push(`… and ${c.failures.length - LISTED} more failing seeds`);
  return `    <testcase ${attrs}>\n      <failure message="${xmlEscape(msg)}" type="${xmlEscape(Object.keys(c.checkersFired).sort().join(','))}">${xmlEscape(body.join('\n'))}</failure>\n    </testcase>`;
}

export function renderJunit(results: CompareResults): string {
  const suites = results.protocols.map((p) => {
    const cells = results.cells.filter((c) => c.protocol === p.protocol);
    const time = cells.reduce((s, c) => s + c.wallMs, 0) / 1000;
    const failures = cells.filter((c) => c.failed > 0).length;
    const props = p.flaw ? `\n    <properties><property name="flaw" value="${xmlEscape(p.flaw)}"/></properties>` : '';
    return `  <testsuite name="${xmlEscape(p.protocol)}" tests="${cells.length}" failures="${failures}" errors="0" skipped="0" time="${time.toFixed(3)}">${props}\n${cells.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const tests = results.cells.length;
  const failures = results.cells.filter((c) => c.failed > 0).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lockstep compare" tests="${tests}" failures="${failures}" errors="0" time="${(results.wallMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
