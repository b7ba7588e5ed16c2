// The progress line (schedules, schedules/s, states, depth, frontier) on stderr, with one search and
// with the search split across worker threads (aggregated across workers). Presence only, not timing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/inProcess.ts';
import { aggregateProgress } from '../../runner/checkParallel.ts';

const LINE = /\d+ schedules \(\d+\/s\), \d+ states, \d+ cuts, depth \d+, frontier \d+/;

describe('check progress on stderr', () => {
  it('aggregates workers: sums, the root once, the deepest depth', () => {
    const p = aggregateProgress([
      { schedules: 10, states: 4, depth: 2, frontier: 7, cuts: 1 },
      undefined,
      { schedules: 5, states: 3, depth: 1, frontier: 2, cuts: 0 },
    ]);
    expect(p).toEqual({ schedules: 14, states: 7, depth: 2, frontier: 9, cuts: 1 });
  });

  for (const workers of ['1', '2']) {
    it(`--workers ${workers} draws the progress line`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lockstep-check-progress-'));
      const r = await cli(['check', 'check-oldest-member', '--bound', 'faults=1,delays=1', '--workers', workers, '--out', dir], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(LINE);
      expect(r.stdout).toMatch(/complete: every schedule within the bound was explored/);
    }, 120_000);
  }
});
