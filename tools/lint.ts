// lockstep-lint: io-edge (this file reads source files; it is the lint, not simulation code)
// The determinism lint: code under sim/ and protocols/ may not read the real clock, Math.random or
// crypto randomness, timers or the file system. A file that must do I/O says so on its first line with the marker
// above. Usage: lint [root ...] (default: sim protocols, then the layering lint of tools/layers.ts
// over the whole tree); exit 1 when a rule is broken.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lintLayerTree } from './layers.ts';

export interface LintFinding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const RULES: readonly { rule: string; re: RegExp }[] = [
  { rule: 'Date (real clock)', re: /\bDate\s*[.(]|\bnew\s+Date\b/ },
  { rule: 'Math.random (hidden randomness)', re: /\bMath\s*\.\s*random\b/ },
  // Any mention, so `const { now } = performance` and `globalThis.performance` are caught too.
  { rule: 'performance (real clock)', re: /\bperformance\b/ },
  { rule: 'timers (real time)', re: /\b(setTimeout|setInterval|setImmediate)\s*\(/ },
  { rule: 'process.hrtime (real clock)', re: /\bprocess\s*\.\s*hrtime\b/ },
  { rule: 'crypto randomness (hidden randomness)', re: /\b(randomUUID|randomBytes|randomInt|randomFillSync|getRandomValues)\b/ },
  { rule: 'node:fs (I/O)', re: /(from\s+|import\s*\(\s*|require\s*\(\s*)['"](node:)?fs(\/promises)?['"]/ },
  { rule: 'perf_hooks or timers module (real clock)', re: /(from\s+|import\s*\(\s*|require\s*\(\s*)['"](node:)?(perf_hooks|timers(\/promises)?)['"]/ },
];

export const IO_EDGE_MARKER = 'lockstep-lint: io-edge';

/** Module names kept in string literals, so the import rules still see them. */
const BANNED_MODULE = /^(node:)?(fs(\/promises)?|perf_hooks|timers(\/promises)?)$/;

/**
 * Blank out comments and the text of string and template literals, keeping line numbers and the
 * code inside `${…}`. One left-to-right scan, so a `//` inside a string never hides the code after it.
 * A string naming a banned module (fs, perf_hooks, timers) is kept, so the import rules still see it.
 */
function stripCommentsAndStrings(src: string): string {
  const out: string[] = [];
  const braces: number[] = []; // per open template `${`: the brace depth at which it closes
  let depth = 0;
  let i = 0;
  const blank = (from: number, to: number): void => {
    out.push(src.slice(from, to).replace(/[^\n]/g, ' '));
  };
  while (i < src.length) {
    const c = src[i]!;
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      const body = src.slice(i + 1, j);
      if (BANNED_MODULE.test(body)) out.push(src.slice(i, j + 1));
      else {
        out.push(c);
        blank(i + 1, j);
        out.push(src.slice(j, j + 1));
      }
      i = j + 1;
    } else if (c === '`' || (c === '}' && braces.length > 0 && braces[braces.length - 1] === depth)) {
      // Template text runs to the closing backtick or the next `${`.
      if (c === '}') braces.pop();
      out.push(c);
      let j = i + 1;
      while (j < src.length && src[j] !== '`' && !(src[j] === '$' && src[j + 1] === '{')) j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      if (src[j] === '$') {
        out.push('${');
        braces.push(depth);
        i = j + 2;
      } else {
        out.push(src.slice(j, j + 1));
        i = j + 1;
      }
    } else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      out.push(c);
      i++;
    }
  }
  return out.join('');
}

export function lintSource(file: string, src: string): LintFinding[] {
  if (src.split('\n', 2)[0]!.includes(IO_EDGE_MARKER)) return [];
  const lines = stripCommentsAndStrings(src).split('\n');
  const out: LintFinding[] = [];
  lines.forEach((text, i) => {
    for (const { rule, re } of RULES) if (re.test(text)) out.push({ file, line: i + 1, rule, text: text.trim() });
  });
  return out;
}

function walk(dir: string, files: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, files);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.test\.ts$/.test(name)) files.push(p);
  }
}

export function lintTree(roots: readonly string[]): LintFinding[] {
  const files: string[] = [];
  for (const r of roots) walk(r, files);
  return files.flatMap((f) => lintSource(relative(process.cwd(), f), readFileSync(f, 'utf8')));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const roots = process.argv.slice(2);
  const findings = lintTree(roots.length > 0 ? roots : ['sim', 'protocols']);
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.rule} is not allowed here: ${f.text}`);
  if (findings.length > 0) {
    console.error(`determinism lint: ${findings.length} problem(s). Inject the clock/rng through the context, or mark an I/O edge with '// ${IO_EDGE_MARKER}' on line 1.`);
    process.exit(1);
  }
  console.log('determinism lint: ok');
  if (roots.length === 0) {
    const layering = lintLayerTree();
    for (const f of layering) console.error(`${f.file}:${f.line}: ${f.why}: ${f.text}`);
    if (layering.length > 0) {
      console.error(`layering lint: ${layering.length} upward import(s).`);
      process.exit(1);
    }
    console.log('layering lint: ok');
  }
}
