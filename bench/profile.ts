// Profile driver: run N standard seeds of one protocol (after 2 warm-up seeds) so that
// `node --cpu-prof --import tsx bench/profile.ts <protocol> [seeds]` profiles the full stack alone.
// `node --import tsx bench/profile.ts --summary <file.cpuprofile>` prints self time by file and function.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '../scenarios/simulate.ts';
import { loadScenario } from '../scenarios/load.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * A compiled chunk of dist/ (esbuild, not minified) marks where each source module starts with a
 * `// sim/world.ts` line: the module of a 0-based line of `url`, or undefined for any other script.
 */
const chunkModules = new Map<string, { line: number; file: string }[]>();
function moduleOf(url: string, line: number): string | undefined {
  if (!/\/dist\/[^/]*\.js$/.test(url)) return undefined;
  let marks = chunkModules.get(url);
  if (marks === undefined) {
    marks = [];
    let text = '';
    try {
      text = readFileSync(fileURLToPath(url), 'utf8');
    } catch {
      // Rebuilt since the profile was taken: the chunk's name changed; its functions stay unnamed.
    }
    text.split('\n').forEach((l, i) => {
      const m = /^\/\/ ((?:sim|protocols|scenarios|runner|reports|cli)\/\S+\.ts)$/.exec(l);
      if (m) marks!.push({ line: i, file: m[1]! });
    });
    chunkModules.set(url, marks);
  }
  let found: string | undefined;
  for (const mk of marks) {
    if (mk.line > line) break;
    found = mk.file;
  }
  return found;
}

/** Self time per source file and per function, as percentages of all samples. */
function summary(file: string): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  // Profiles of the compiled package: name each function's source module, not its chunk.
  for (const n of p.nodes) {
    const mod = moduleOf(n.callFrame.url, n.callFrame.lineNumber);
    if (mod !== undefined) n.callFrame.url = `file:///dist/${mod}`;
  }
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  let total = 0;
  const perFile = new Map<string, number>();
  const perFn = new Map<string, number>();
  for (const [id, us] of self) {
    total += us;
    const cf = byId.get(id)!.callFrame;
    const f = cf.url.replace(/^.*\/(sim|protocols|scenarios|runner|bench|node_modules)\//, '$1/') || `(${cf.functionName || 'native'})`;
    perFile.set(f, (perFile.get(f) ?? 0) + us);
    const fn = `${cf.functionName || '(anon)'} ${f}:${cf.lineNumber + 1}`;
    perFn.set(fn, (perFn.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number): string[] => [...m.entries()].sort((a, b) => b[1] - a[1])
    .slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n-- by file --\n${top(perFile, 30).join('\n')}`);
  console.log(`-- by function --\n${top(perFn, 40).join('\n')}`);
  // Inclusive time per project file (a file counts once per sample wherever it is on the stack).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      const m = /\/((sim|protocols|scenarios)\/.*)$/.exec(url);
      if (m) seen.add(m[1]!);
    }
    for (const f of seen) incl.set(f, (incl.get(f) ?? 0) + us);
  }
  console.log(`-- inclusive by project file --\n${top(incl, 30).join('\n')}`);
}

async function run(protocol: string, seeds: number): Promise<void> {
  const { scenario } = loadScenario('standard');
  for (let seed = 1000; seed < 1002; seed++) await simulate(scenario, { seed, protocol });
  let events = 0;
  const t0 = process.cpuUsage();
  for (let seed = 1; seed <= seeds; seed++) events += (await simulate(scenario, { seed, protocol })).events;
  const c = process.cpuUsage(t0);
  const sec = (c.user + c.system) / 1e6;
  console.log(JSON.stringify({ protocol, seeds, events, eventsPerSeed: Math.round(events / seeds), seedsPerCpuSec: +(seeds / sec).toFixed(2) }));
}

if (process.argv[2] === '--summary') summary(process.argv[3]!);
else await run(process.argv[2] ?? 'dlm-lvb', Number(process.argv[3] ?? 50));
