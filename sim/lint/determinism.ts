// lockstep-lint: io-edge (this file reads source files; it is the lint, not simulation code)
// The determinism lint: code under sim/ and protocols/ may not read the real clock, Math.random,
// timers or the file system. A file that must do I/O says so on its first line with the marker
// above. Usage: lint [root ...] (default: sim protocols); exit 1 when a rule is broken.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface LintFinding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const RULES: readonly { rule: string; re: RegExp }[] = [
  { rule: 'Date (real clock)', re: /\bDate\s*[.(]|\bnew\s+Date\b/ },
  { rule: 'Math.random (hidden randomness)', re: /\bMath\s*\.\s*random\b/ },
  { rule: 'performance (real clock)', re: /\bperformance\s*\./ },
  { rule: 'timers (real time)', re: /\b(setTimeout|setInterval|setImmediate)\s*\(/ },
  { rule: 'process.hrtime (real clock)', re: /\bprocess\s*\.\s*hrtime\b/ },
  { rule: 'node:fs (I/O)', re: /(from\s+|import\s*\(\s*|require\s*\(\s*)['"](node:)?fs(\/promises)?['"]/ },
];

export const IO_EDGE_MARKER = 'lockstep-lint: io-edge';

/** Blank out comments and the contents of plain string literals, keeping line numbers. */
function stripCommentsAndStrings(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, (m) => (/['"](node:)?fs(\/promises)?['"]/.test(m) ? m : `''`));
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
}
