// Inline SVG charts for the HTML report: violation rates per 1,000 seeds with their 95% intervals,
// and the distribution (ECDF) of failover latency per protocol. Server-rendered: no script needed.
import type { CompareResults } from '../../runner/summary.ts';
import type { RateCi } from '../../runner/stats.ts';
import { duration, per1000 } from '../format.ts';
import { esc } from './escape.ts';

/** A stable colour per protocol name (variants share their base's hue, lighter). */
export function protocolColour(name: string, all: readonly string[]): string {
  const palette = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
  const bases = [...new Set(all.map((n) => n.split('/')[0]!))];
  const [base, variant] = name.split('/');
  const hue = palette[Math.max(0, bases.indexOf(base!)) % palette.length]!;
  if (variant === undefined) return hue;
  const siblings = all.filter((n) => n.startsWith(`${base}/`));
  const k = siblings.indexOf(name) + 1;
  return mix(hue, '#ffffff', Math.min(0.6, 0.18 * k));
}

function mix(a: string, b: string, f: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa.map((x, i) => Math.round(x + (pb[i]! - x) * f).toString(16).padStart(2, '0')).join('')}`;
}

/** Square-root scale of a rate per 1,000 (so 0–20 stays visible next to 1,000). */
function sqrtScale(per1k: number, width: number): number {
  return (Math.sqrt(Math.max(0, Math.min(1000, per1k))) / Math.sqrt(1000)) * width;
}

const TICKS_PER_1K = [0, 1, 10, 50, 100, 250, 500, 1000];

/**
 * Rows of (label, rate) as dots with CI whiskers. `pick` chooses safety or liveness.
 * Rows are grouped by scenario; every protocol of a scenario is one row.
 */
export function rateChart(results: CompareResults, pick: 'safety' | 'liveness', title: string): string {
  const names = results.protocols.map((p) => p.protocol);
  const rows: { label: string; group: string; rate: RateCi; colour: string }[] = [];
  if (results.scenarios.length <= 4) {
    for (const s of results.scenarios) {
      for (const p of names) {
        const cell = results.cells.find((c) => c.scenario === s.name && c.protocol === p);
        if (cell) rows.push({ label: p, group: s.name, rate: cell[pick], colour: protocolColour(p, names) });
      }
    }
  } else {
    // Many scenarios: one row per protocol over all of them (the matrix shows where).
    for (const p of results.protocols) rows.push({ label: p.protocol, group: `all ${results.scenarios.length} scenarios`, rate: p[pick], colour: protocolColour(p.protocol, names) });
  }
  const groups = new Set(rows.map((r) => r.group)).size;
  const labelW = 210;
  const plotW = 460;
  const rowH = 18;
  const groupGap = 14;
  const height = 40 + rows.length * rowH + groups * groupGap + 10;
  const out: string[] = [];
  out.push(`<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelW + plotW + 90} ${height}" width="${labelW + plotW + 90}" height="${height}">`);
  out.push(`<text x="0" y="14" class="chart-title">${esc(title)}</text>`);
  const top = 32;
  for (const t of TICKS_PER_1K) {
    const x = labelW + sqrtScale(t, plotW);
    out.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - 8}" class="grid"/>`);
    out.push(`<text x="${x}" y="${top - 8}" class="tick" text-anchor="middle">${t}</text>`);
  }
  let y = top;
  let lastGroup = '';
  for (const r of rows) {
    if (r.group !== lastGroup) {
      y += groupGap;
      out.push(`<text x="0" y="${y - 2}" class="group-label">${esc(r.group)}</text>`);
      lastGroup = r.group;
    }
    const cy = y + rowH / 2;
    const x = labelW + sqrtScale(r.rate.rate * 1000, plotW);
    const lo = labelW + sqrtScale(r.rate.lo * 1000, plotW);
    const hi = labelW + sqrtScale(r.rate.hi * 1000, plotW);
    const bad = r.rate.count > 0;
    out.push(`<g class="rate-row${bad ? ' bad' : ''}"><title>${esc(`${r.label} on ${r.group}: ${r.rate.count} of ${r.rate.n} seeds, ${per1000(r.rate.rate)} per 1,000 (95% CI ${per1000(r.rate.lo)}–${per1000(r.rate.hi)})`)}</title>`);
    out.push(`<text x="12" y="${cy + 4}" class="row-label">${esc(r.label)}</text>`);
    out.push(`<line x1="${lo}" y1="${cy}" x2="${hi}" y2="${cy}" stroke="${r.colour}" stroke-width="2"/>`);
    out.push(`<line x1="${lo}" y1="${cy - 4}" x2="${lo}" y2="${cy + 4}" stroke="${r.colour}" stroke-width="1.5"/><line x1="${hi}" y1="${cy - 4}" x2="${hi}" y2="${cy + 4}" stroke="${r.colour}" stroke-width="1.5"/>`);
    out.push(`<circle cx="${x}" cy="${cy}" r="4.5" fill="${bad ? r.colour : '#fff'}" stroke="${r.colour}" stroke-width="2"/>`);
    out.push(`<text x="${labelW + plotW + 10}" y="${cy + 4}" class="value${bad ? ' bad' : ''}">${esc(`${r.rate.count}/${r.rate.n}`)}</text>`);
    out.push('</g>');
    y += rowH;
  }
  out.push('</svg>');
  return out.join('');
}

/** ECDF of failover latency per protocol over all scenarios, log-scaled time axis. */
export function latencyChart(results: CompareResults): string {
  const names = results.protocols.map((p) => p.protocol);
  const series = names.map((p) => ({
    name: p,
    colour: protocolColour(p, names),
    xs: results.cells.filter((c) => c.protocol === p).flatMap((c) => c.latencySamplesUs).filter((x) => x > 0).sort((a, b) => a - b),
  })).filter((s) => s.xs.length > 0);
  if (series.length === 0) {
    return '<p class="empty-chart">No protocol in this comparison reports a failover latency metric (<code>failoverLatencyUs</code>), so there is no latency distribution to draw.</p>';
  }
  const W = 760;
  const H = Math.max(260, 60 + series.length * 16);
  const left = 48;
  const right = 230;
  const top = 26;
  const bottom = 36;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const all = series.flatMap((s) => s.xs);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...all)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lo * 10, Math.max(...all)))));
  const sx = (us: number): number => left + ((Math.log10(Math.max(lo, us)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * pw;
  const sy = (q: number): number => top + (1 - q) * ph;
  const out: string[] = [];
  out.push(`<svg class="chart" role="img" aria-label="Failover latency distribution" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`);
  out.push(`<text x="0" y="14" class="chart-title">Failover latency — fraction of failovers done within t (ECDF, log time)</text>`);
  for (let d = lo; d <= hi; d *= 10) {
    const x = sx(d);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" class="grid"/><text x="${x}" y="${top + ph + 16}" class="tick" text-anchor="middle">${esc(duration(d))}</text>`);
  }
  for (const q of [0, 0.5, 0.99]) {
    out.push(`<line x1="${left}" y1="${sy(q)}" x2="${left + pw}" y2="${sy(q)}" class="grid"/><text x="${left - 6}" y="${sy(q) + 4}" class="tick" text-anchor="end">${q === 0.99 ? 'p99' : q === 0.5 ? 'p50' : '0'}</text>`);
  }
  series.forEach((s, k) => {
    const pts: string[] = [`${sx(s.xs[0]!)},${sy(0)}`];
    s.xs.forEach((x, i) => {
      pts.push(`${sx(x)},${sy(i / s.xs.length)}`, `${sx(x)},${sy((i + 1) / s.xs.length)}`);
    });
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"><title>${esc(`${s.name}: ${s.xs.length} failovers`)}</title></polyline>`);
    const ly = top + 6 + k * 16;
    out.push(`<line x1="${left + pw + 12}" y1="${ly}" x2="${left + pw + 30}" y2="${ly}" stroke="${s.colour}" stroke-width="3"/><text x="${left + pw + 35}" y="${ly + 4}" class="legend">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
