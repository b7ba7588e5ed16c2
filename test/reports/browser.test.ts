// The HTML report in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// the table and the diagram render, stepping reaches the violating event, hostile text stays text.
// Screenshots go to runs/ (the CI artifact).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE, failingRunFile, syntheticResults } from './fixtures.ts';
import { renderHtml } from '../../reports/html.ts';
import { runViewOf } from '../../cli/runReport.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = new URL('../../runs/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lockstep-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

if (!HAVE_CHROMIUM) {
  process.stderr.write(`browser test skipped: ${CHROMIUM} is missing (install the Debian package: apt-get install -y chromium; .ci/run does)\n`);
}

describe('HTML report in headless Chromium', () => {
  it.skipIf(!HAVE_CHROMIUM)(`renders the table and the diagram and steps to the violation (needs ${CHROMIUM})`, async () => {
    const { chromium } = await import('playwright-core');
    const runFile = await failingRunFile(dir);
    const view = await runViewOf(runFile);
    view.violations[0]!.message = `${view.violations[0]!.message} — ${HOSTILE}`;
    const page = join(dir, 'report.html');
    writeFileSync(page, renderHtml({ results: syntheticResults(true), runs: [view] }));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      const dialogs: string[] = [];
      const requests: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      tab.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      tab.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      await tab.goto(`file://${page}`);

      // The comparison table.
      await expect(tab.locator('table.cmp.summary tr[data-protocol]').count()).resolves.toBe(3);
      await expect(tab.locator('table.cmp.summary').innerText()).resolves.toContain('alpha/no-fencing');
      await expect(tab.locator('svg.chart').count()).resolves.toBeGreaterThanOrEqual(3);

      // The diagram: a lane per node, message arrows, the violation marked.
      const run = tab.locator('.run-diagram').first();
      await run.scrollIntoViewIfNeeded();
      const lanes = await run.locator('svg.spacetime text.lane-label').allTextContents();
      expect(lanes).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
      expect(await run.locator('svg.spacetime line.msg').count()).toBeGreaterThan(5);
      expect(await run.locator('svg.spacetime .violation-line').count()).toBeGreaterThan(0);
      expect(await run.locator('svg.spacetime rect.iv-down').count()).toBeGreaterThan(0);

      // Step: to the start, then jump to the violating event, then around it.
      const current = async (): Promise<number> => Number(await run.getAttribute('data-current-step'));
      const vStep = view.violations[0]!.step;
      await run.locator('[data-act=first]').click();
      expect(await current()).toBe(0);
      await expect(run.locator('.violation-callout').isHidden()).resolves.toBe(true);
      await run.locator('[data-act=violation]').click();
      expect(await current()).toBe(vStep);
      const callout = run.locator('.violation-callout');
      await expect(callout.isVisible()).resolves.toBe(true);
      const text = await callout.innerText();
      expect(text).toContain('gossip-monotonic');
      expect(text).toContain('went back from');
      expect(text).toContain('<script>alert("x")</script>'); // shown as text, never run
      await run.locator('[data-act=prev]').click();
      expect(await current()).toBe(vStep - 1);
      await run.locator('[data-act=next]').click();
      expect(await current()).toBe(vStep);
      await tab.keyboard.press('ArrowLeft');
      expect(await current()).toBe(vStep - 1);
      await tab.keyboard.press('v');
      expect(await current()).toBe(vStep);
      expect(await run.locator('tr.step-current').innerText()).toContain('gossip-value');
      // Clicking an arrow selects that message's step.
      const arrow = run.locator('svg.spacetime line.msg').nth(2);
      const arrowStep = Number(await arrow.getAttribute('data-step'));
      await arrow.dispatchEvent('click');
      expect(await current()).toBe(arrowStep);
      await run.locator('[data-act=violation]').click();

      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await run.screenshot({ path: join(ARTIFACTS, 'report-diagram.png') });
      await tab.screenshot({ path: join(ARTIFACTS, 'report-screenshot.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
