// Phillips' question as a measured table: on the library configuration dlm-lvb-table every way the
// last PW/EX value-block holder can die occurs, each with the outcome the DLM's LVB rules
// (reference §2, fs/dlm recover_lvb) predict; the table is deterministic; a row's run-file replays
// to its trace hash; the compare reports carry the table.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lvbTable, howText } from '../../runner/lvbTable.ts';
import type { LvbDeath, LvbTableResult, LvbTableSummary } from '../../runner/lvbTable.ts';
import { measureLvbTable, LVB_TABLE_SCENARIO } from '../../runner/lvbTableRun.ts';
import { readRunFile } from '../../runner/runFiles.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { simulate } from '../../scenarios/simulate.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { syntheticResults } from '../reports/fixtures.ts';

const scenario = loadScenario(LVB_TABLE_SCENARIO).scenario;
let table: LvbTableResult;
let summary: LvbTableSummary;

beforeAll(async () => {
  table = await lvbTable(scenario, 'dlm', scenario.check!.bound!);
  summary = await measureLvbTable({ outDir: mkdtempSync(join(tmpdir(), 'lvb-table-')) });
}, 120_000);

const d = (withMaster: boolean, duringRecovery: boolean, inFlight: LvbDeath['inFlight'], othersSurvive: boolean): LvbDeath =>
  ({ withMaster, duringRecovery, inFlight, othersSurvive });

/** What the next reader must get, from the semantics (not from a previous run's output). */
function expected(death: LvbDeath): RegExp {
  // Master survived and its copy of the dead PW/EX lock is purged: VALNOTVALID, contents unchanged —
  // unless the holder's down-conversion reached the master first: then it is an applied write (seq + 1).
  if (!death.withMaster) {
    return death.inFlight === 'down-conversion'
      ? /^valid, seq of the last applied write \+ 1, the dead holder's in-flight down-conversion value$/
      : /^VALNOTVALID, seq of the last applied write, bytes of the last applied write$/;
  }
  // New master: surviving NL/CR value-block copies → VALNOTVALID with the highest seq among them;
  // none → nothing to recover: a fresh block, zeroes, seq 0, and no flag.
  return death.othersSurvive ? /^VALNOTVALID, / : /^valid, seq 0, zeroes$/;
}

describe("Phillips' LVB table on dlm-lvb-table", () => {
  it('is complete and has every way the holder can die (alone or with the master, during a recovery or not, down-conversion in flight or not), with and without other value-block holders', () => {
    expect(table.complete).toBe(true);
    const required = [
      d(false, false, undefined, false), d(false, false, undefined, true), // alone
      d(true, false, undefined, false), d(true, false, undefined, true), // with the master
      d(false, true, undefined, false), d(false, true, undefined, true), // during a recovery
      d(false, false, 'down-conversion', false), d(false, false, 'down-conversion', true), // down-conversion in flight
      d(true, false, 'down-conversion', false), d(true, false, 'down-conversion', true),
      // With the master, during a recovery, nothing in flight: with and without other holders.
      d(true, true, undefined, false), d(true, true, undefined, true),
      d(true, true, 'down-conversion', false), d(true, true, 'down-conversion', true),
    ];
    const rows = table.cases.map((c) => c.how);
    for (const r of required) expect(rows, howText(r)).toContain(howText(r));
  });

  it('each row gives the next reader what the LVB rules predict', () => {
    for (const c of table.cases) {
      for (const o of c.outcomes) expect(o.got, c.how).toMatch(expected(c.death));
    }
  });

  it('the holder dying alone, other value-block holders surviving, leaves VALNOTVALID', () => {
    const row = table.cases.find((c) => c.how === 'holder alone; other value-block holders survive')!;
    expect(row.outcomes.every((o) => o.got.startsWith('VALNOTVALID'))).toBe(true);
  });

  it('the expectations can fail: dlm/no-lvb-invalidate (no VALNOTVALID on purge) breaks the holder-alone rows', async () => {
    const flawed = await lvbTable(scenario, 'dlm/no-lvb-invalidate', scenario.check!.bound!);
    const alone = flawed.cases.filter((c) => !c.death.withMaster && c.death.inFlight === undefined);
    expect(alone.length).toBeGreaterThan(0);
    expect(alone.some((c) => c.outcomes.some((o) => !expected(c.death).test(o.got)))).toBe(true);
  }, 60_000);

  it('is deterministic: a second measurement gives the same rows, counts and outcomes', () => {
    expect(summary.rows.map((r) => [r.how, r.runs, r.outcomes])).toEqual(table.cases.map((c) => [c.how, c.runs, c.outcomes]));
    expect(summary.schedules).toBe(table.schedules);
  });

  it("a row's run-file replays to its recorded trace hash", async () => {
    const row = summary.rows.find((r) => r.how.startsWith('holder with the master;'))!;
    const rf = readRunFile(row.runFile);
    const again = await simulate(scenario, { seed: rf.seed, protocol: rf.protocol, tapeOverrides: rf.tape.overrides });
    expect(again.traceHash).toBe(rf.traceHash);
    expect(rf.createdBy).toBe('check');
  });

  it('the compare reports (text, Markdown, HTML) carry the measured table', () => {
    const results = { ...syntheticResults(), lvbTable: summary };
    const first = summary.rows[0]!;
    for (const text of [renderTerminal(results, { color: false, width: 200 }), renderMarkdown(results), renderHtml({ results })]) {
      expect(text).toContain('the LVB when its last PW/EX holder dies');
      expect(text).toContain(first.how);
      expect(text).toContain(first.runFile);
      expect(text).toContain(`${summary.schedules} schedules`);
    }
  });
});
