import { describe, expect, it } from 'vitest';
import { HOSTILE, syntheticResults } from './fixtures.ts';
import { renderTerminal, useColor } from '../../reports/terminal.ts';
import { renderMarkdown, mdCell } from '../../reports/markdown.ts';
import { renderJunit, xmlEscape } from '../../reports/junit.ts';
import { renderHtml } from '../../reports/html.ts';
import { answerQuestion } from '../../reports/answer.ts';

const ANSI = /\u001b\[/;

describe('terminal', () => {
  it('prints the tables and the answer without colour when asked', () => {
    const text = renderTerminal(syntheticResults(), { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).toContain('All 2 scenarios');
    expect(text).toMatch(/alpha\/no-fencing\s+40\s+250 \[/);
    expect(text).toContain('Is the alpha ownership scheme raceless?');
    expect(text).toContain('Failures');
    expect(text).toContain('ownership-belief ×10');
  });
  it('colours when asked', () => {
    expect(renderTerminal(syntheticResults(), { color: true })).toMatch(ANSI);
  });
  it('decides colour from the TTY and NO_COLOR / FORCE_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });
});

describe('the answer', () => {
  it('is generated from the data: a clean protocol gets an upper bound, a racing one its rate and example', () => {
    const r = syntheticResults();
    const [alpha, beta, flaws, failover] = r.answer;
    expect(alpha).toMatch(/^Is the alpha ownership scheme raceless\? No race was found: 40 runs over 2 scenarios/);
    expect(alpha).toMatch(/fewer than 87\.6 runs in 1,000/);
    expect(beta).toMatch(/Liveness: 1 of 40 runs/);
    expect(flaws).toMatch(/1 of 1 flawed variants were caught — alpha\/no-fencing in 10 of 40 runs \(mostly by ownership-belief\)/);
    expect(failover).toMatch(/fastest first: alpha .* beta/);
    // Change the data, the words change.
    r.protocols[0]!.safety = { count: 2, n: 40, rate: 0.05, lo: 0.0138, hi: 0.165 };
    r.protocols[0]!.checkersFired = { 'ownership-effect': 2 };
    r.protocols[0]!.smallestFailure = { seed: 3, violations: [], events: 77, faults: 1, runFile: 'runs/x.run.json' };
    expect(answerQuestion(r)[0]).toMatch(/No: 2 of 40 runs .* 50\.0 per 1,000 seeds \(95% CI 13\.8–165\).*ownership-effect ×2.*npx lockstep replay runs\/x\.run\.json/);
  });
});

describe('markdown', () => {
  it('matches the golden summary', async () => {
    await expect(renderMarkdown(syntheticResults(), { htmlPath: 'runs/compare-report.html' })).toMatchFileSnapshot('golden/compare.md');
  });
  it('escapes table cells (pipes, backticks, HTML)', () => {
    expect(mdCell('a|b `c` <x>')).toBe('a\\|b \\`c\\` &lt;x&gt;');
    const md = renderMarkdown(syntheticResults(true));
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
  });
});

describe('junit', () => {
  it('matches the golden XML', async () => {
    await expect(renderJunit(syntheticResults())).toMatchFileSnapshot('golden/compare.junit.xml');
  });
  it('has one test case per scenario × protocol, failures with the reproduce command', () => {
    const xml = renderJunit(syntheticResults());
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml.match(/<failure /g)).toHaveLength(3);
    expect(xml).toContain('reproduce: npx lockstep replay runs/alpha_no-fencing-');
    expect(xml).toMatch(/<testsuite name="alpha\/no-fencing" tests="2" failures="2"/);
  });
  it('escapes hostile text and strips characters XML cannot carry', () => {
    const xml = renderJunit(syntheticResults(true));
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(xmlEscape('a\u0001b<')).toBe('ab&lt;');
  });
});

describe('html', () => {
  it('is one self-contained file: no external resources', () => {
    const html = renderHtml({ results: syntheticResults() });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<link\b|<script[^>]+src=|@import|url\(http|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('<table class="cmp summary">');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('Failover latency');
  });
  it('escapes every piece of text from the data', () => {
    const html = renderHtml({ results: syntheticResults(true) });
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // Only the report's own script element.
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });
});
