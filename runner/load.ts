// Loading saved results for `lockstep report`: a compare --json file, explore JSONL results files
// (shards merged: a seed counted once), or explore --json summaries, all as CompareResults.
import { readFileSync } from 'node:fs';
import type { Violation } from '../sim/types.ts';
import { readResults, mergeResults } from './results.ts';
import type { ExploreSummary } from './results.ts';
import { InputError } from './errors.ts';
import { MAX_JSON_DEPTH, jsonDepth } from '../scenarios/jsonDepth.ts';
import { resolveProtocol } from '../protocols/index.ts';
import type { CellSummary, CompareResults, ProtocolSummary } from './summary.ts';
import { CellAccumulator, COMPARE_FORMAT, COMPARE_FORMAT_V1, summarizeProtocol } from './summary.ts';
import { protocolLinesOfCode } from './loc.ts';

export interface LoadedResults {
  results: CompareResults;
  /** Notes for the user (e.g. seeds whose trace hash differs between shards). */
  warnings: string[];
}

type Kind = 'compare' | 'jsonl' | 'summary';

function sniff(path: string, text: string): Kind {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      if (o.format === COMPARE_FORMAT || o.format === COMPARE_FORMAT_V1) return 'compare';
      if (typeof o.seeds === 'number' && Array.isArray(o.failures)) return 'summary';
      if (typeof o.seed === 'number') return 'jsonl';
    } catch {
      return 'jsonl'; // several JSON lines
    }
  }
  throw new InputError(`${path}: expected compare --json output, an explore results file (.jsonl) or an explore --json summary`);
}

/** A lockstep-compare/1 file as /2: every cell ran seedsPerCell seeds (the only mode /1 had). */
function upgradeCompare(r: CompareResults): CompareResults {
  if ((r.format as string) !== COMPARE_FORMAT_V1) return r;
  return {
    ...r,
    format: COMPARE_FORMAT,
    seedMode: 'fixed',
    protocols: r.protocols.map((p) => ({ ...p, scenariosRun: p.scenariosRun ?? r.cells.filter((c) => c.protocol === p.protocol && c.seeds > 0).length, ...(r.seedsPerCell !== undefined ? { seedsPerScenario: r.seedsPerCell } : {}) })),
  };
}

export function loadResults(paths: readonly string[]): LoadedResults {
  if (paths.length === 0) throw new InputError('report: expected one or more results files, got none');
  const compares: CompareResults[] = [];
  const jsonl: string[] = [];
  const summaries: ExploreSummary[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new InputError(`${path}: cannot read results: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (jsonDepth(text) > MAX_JSON_DEPTH) throw new InputError(`${path}: results nest deeper than ${MAX_JSON_DEPTH} levels`);
    const kind = sniff(path, text);
    if (kind === 'compare') compares.push(upgradeCompare(JSON.parse(text) as CompareResults));
    else if (kind === 'jsonl') jsonl.push(path);
    else {
      const o = JSON.parse(text) as ExploreSummary & { summaries?: ExploreSummary[] };
      summaries.push(...(Array.isArray(o.summaries) ? o.summaries : [o]));
    }
  }
  if (compares.length === 1 && jsonl.length === 0 && summaries.length === 0) return { results: compares[0]!, warnings: [] };
  if (compares.length > 0) throw new InputError('report: a compare results file must be rendered on its own (not mixed with other results)');
  const warnings: string[] = [];
  const cells: CellSummary[] = [];
  const accs: CellAccumulator[] = [];
  if (jsonl.length > 0) cells.push(...cellsFromJsonl(jsonl, warnings, accs));
  for (const s of summaries) cells.push(cellFromSummary(s));
  return { results: assemble(cells, accs), warnings };
}

/** Records of every file, a seed counted once per scenario × protocol (as mergeResults does). */
function cellsFromJsonl(paths: readonly string[], warnings: string[], accs: CellAccumulator[]): CellSummary[] {
  for (const m of mergeResults(paths)) {
    const conflicts = (m.conflicts as number[] | undefined) ?? [];
    if (conflicts.length > 0) warnings.push(`${m.scenario} × ${m.protocol}: seeds ${conflicts.join(', ')} have different trace hashes in different files (different code?)`);
  }
  const groups = new Map<string, { acc: CellAccumulator; seen: Set<number> }>();
  for (const path of paths) {
    for (const r of readResults(path).records) {
      const key = `${r.scenario}\u0000${r.protocol}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { acc: new CellAccumulator(r.scenario, r.protocol), seen: new Set() }));
      if (g.seen.has(r.seed)) continue;
      g.seen.add(r.seed);
      const ref = g.acc.add(r);
      if (ref && r.runFile) ref.runFile = r.runFile;
    }
  }
  accs.push(...[...groups.values()].map((g) => g.acc));
  return [...groups.values()].map((g) => g.acc.finish());
}

/** An explore summary has no per-seed metrics: the cell has rates and failures only. */
function cellFromSummary(s: ExploreSummary): CellSummary {
  const acc = new CellAccumulator(s.scenario, s.protocol);
  const failing = new Map<number, Violation[]>(s.failures.map((f) => [f.seed, f.violations]));
  const runFiles = new Map<number, string | null>(s.failures.map((f) => [f.seed, f.runFile]));
  const first = s.firstSeed ?? 1;
  let okSeed = first;
  for (let i = 0; i < s.seeds - s.failures.length; i++) {
    while (failing.has(okSeed)) okSeed++;
    acc.add({ seed: okSeed++, events: 0, simTimeUs: 0, violations: [], faultsFired: 0, coverage: {}, ms: 0 });
  }
  for (const [seed, violations] of failing) {
    const ref = acc.add({ seed, events: 0, simTimeUs: 0, violations, faultsFired: 0, coverage: {}, ms: 0 });
    const rf = runFiles.get(seed);
    if (ref && rf) ref.runFile = rf;
  }
  const cell = acc.finish();
  cell.coverage = { ...s.coverage };
  cell.seedsPerSec = s.seedsPerSec;
  return cell;
}

function assemble(cells: CellSummary[], accs: readonly CellAccumulator[]): CompareResults {
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const protocols = [...new Set(cells.map((c) => c.protocol))];
  const summaries: ProtocolSummary[] = protocols.map((name) => {
    let info: Pick<ProtocolSummary, 'protocol' | 'base' | 'variant' | 'flaw' | 'caughtBy' | 'description' | 'linesOfCode'>;
    try {
      const r = resolveProtocol(name);
      info = {
        protocol: name, base: r.def.name, description: r.def.description, linesOfCode: protocolLinesOfCode(r.def.sourceFiles),
        ...(r.variant ? { variant: r.variant.name, flaw: r.variant.flaw, caughtBy: r.variant.caughtBy } : {}),
      };
    } catch {
      const [base, variant] = name.split('/');
      info = { protocol: name, base: base!, description: '', linesOfCode: undefined, ...(variant ? { variant } : {}) };
    }
    return summarizeProtocol(cells, info, accs);
  });
  const counts = new Set(cells.map((c) => c.seeds));
  const results: CompareResults = {
    format: COMPARE_FORMAT,
    createdBy: 'lockstep report',
    codeVersion: 'from saved results',
    seedStart: Math.min(...cells.flatMap((c) => c.failures.map((f) => f.seed)), 1),
    seedMode: counts.size === 1 ? 'fixed' : 'auto',
    ...(counts.size === 1 ? { seedsPerCell: [...counts][0]! } : {}),
    workers: 0,
    wallMs: cells.reduce((s, c) => s + c.wallMs, 0),
    scenarios: scenarios.map((name) => ({ name, description: '', nodes: 0 })),
    protocols: summaries,
    cells,
    answer: [],
  };
  return results;
}
