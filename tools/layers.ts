// lockstep-lint: io-edge (this file reads source files; it is the lint, not simulation code)
// The layering lint: data flows one way, scenario → engine(stack) → results → report, so a folder
// imports only from itself and the folders below it in LAYERS (DESIGN §1). Examples use the public
// entry only. A planted upward import is a finding with file, line and the two layers.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** Lowest first: each layer may import from the layers before it, never after. */
export const LAYERS = ['sim', 'protocols', 'scenarios', 'runner', 'reports', 'cli'] as const;
export type Layer = (typeof LAYERS)[number];

/** The public entry files examples may import (besides the package name itself). */
const PUBLIC_ENTRIES = new Set(['index.ts', 'testing.ts']);

export interface LayerFinding {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** The layer of a repo-relative path, or undefined outside the layered folders. */
export function layerOf(path: string): Layer | 'examples' | undefined {
  const top = normalize(path).split(sep)[0];
  if (top === 'examples') return 'examples';
  return (LAYERS as readonly string[]).includes(top ?? '') ? (top as Layer) : undefined;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/;

/** Findings for one file: `file` is repo-relative, `src` its text. */
export function lintLayers(file: string, src: string): LayerFinding[] {
  const from = layerOf(file);
  if (from === undefined) return [];
  const out: LayerFinding[] = [];
  src.split('\n').forEach((text, i) => {
    const m = IMPORT_RE.exec(text);
    if (m === null) return;
    const spec = m[1]!;
    if (!spec.startsWith('.')) return;
    const target = normalize(join(dirname(file), spec));
    const why = verdict(from, target);
    if (why !== undefined) out.push({ file, line: i + 1, text: text.trim(), why });
  });
  return out;
}

function verdict(from: Layer | 'examples', target: string): string | undefined {
  const to = layerOf(target);
  if (from === 'examples') {
    if (to === 'examples' || PUBLIC_ENTRIES.has(target)) return undefined;
    return `examples use the public API only (import from 'lockstep'), not ${target}`;
  }
  if (PUBLIC_ENTRIES.has(target)) return `${from}/ may not import the public entry ${target}`;
  if (to === undefined || to === 'examples') return `${from}/ may not import ${target}`;
  if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
    return `${from}/ may not import from ${to}/ (layers point down: ${LAYERS.join(' ← ')})`;
  }
  return undefined;
}

function walk(dir: string, files: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, files);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) files.push(p);
  }
}

/** Every layering finding under `root` (the repo root by default). */
export function lintLayerTree(root: string = process.cwd()): LayerFinding[] {
  const files: string[] = [];
  for (const top of [...LAYERS, 'examples']) {
    const dir = join(root, top);
    try {
      if (statSync(dir).isDirectory()) walk(dir, files);
    } catch {
      // a layer folder that does not exist has nothing to check
    }
  }
  return files.flatMap((f) => lintLayers(relative(root, f), readFileSync(f, 'utf8')));
}
