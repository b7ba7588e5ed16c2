// lockstep-lint: io-edge (the build: reads sources, writes dist/)
// `npm run build`: the TypeScript sources → dist/ (JavaScript + .d.ts), so the CLI, the worker
// threads and consumers run plain JavaScript with no tsx. Usage: node tools/build.js [--js-only]
//
// JavaScript: esbuild bundles the entries (dist/index.js, cli.js, exploreWorker.js, + shared chunks;
// dependencies stay imports) in ~0.4 CPU-s, where `tsc` takes ~12 CPU-s to emit the tree, so
// `npm test` and `npm start` rebuild it every time; one bundled file instead of ~150 modules cuts
// `lockstep --help` from ~0.38 to ~0.16 CPU-s. Declarations: `tsc --emitDeclarationOnly`
// (incremental, ~7 CPU-s cold, ~3.5 unchanged) into dist/types/, in the full build only
// (`prepare`: `npm install` from git, `npm pack`).
// Files are written only when their content changed, by rename, so a build never leaves a
// half-written module for a test that runs `bin/lockstep.js` at the same moment.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
/** The folders (and entry) that make up the package; tests, bench, tools and examples stay out. */
const SOURCES = ['index.ts', 'testing.ts', 'sim', 'protocols', 'scenarios', 'runner', 'reports', 'cli'];
/** Files the compiled code reads at run time, copied next to it (same relative path). */
const ASSET = /(^scenarios\/library\/.*\.json$)|(^scenarios\/scenario\.schema\.json$)|(^reports\/html\/.*\.(css|client\.js)$)/;

function walk(path, out) {
  if (!existsSync(path)) return out;
  if (statSync(path).isFile()) {
    out.push(relative(ROOT, path).split(sep).join('/'));
    return out;
  }
  for (const name of readdirSync(path)) walk(join(path, name), out);
  return out;
}

/** Write `text` to `path` unless it already holds exactly that; returns whether it wrote. */
function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path).equals(Buffer.from(text))) return false;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return true;
}

/**
 * The public entries and the processes' entries: each is one file at the top of dist/; code they
 * share goes into dist/chunk-*.js, so the CLI, a worker and a consumer's `import 'lockstep'` load
 * one copy of each module (a plugin module and the CLI see the same classes).
 */
const ENTRIES = [
  { in: 'index.ts', out: 'index' },
  { in: 'testing.ts', out: 'testing' },
  { in: 'cli/main.ts', out: 'cli' },
  { in: 'runner/exploreWorker.ts', out: 'exploreWorker' },
  { in: 'runner/checkWorker.ts', out: 'checkWorker' },
];

/**
 * `import.meta.url` in a bundled module would be the chunk's URL; it is replaced by the URL the
 * module would have at its source path under dist/ (dist/scenarios/load.js), so files it finds
 * relative to itself (scenarios/library/, reports/html/) are the copies the build puts there.
 */
const sourceUrls = {
  name: 'source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes('import.meta.url')) return undefined;
      const at = `./${relative(ROOT, args.path).split(sep).join('/').replace(/\.ts$/, '.js')}`;
      return { contents: src.replaceAll('import.meta.url', `new URL(${JSON.stringify(at)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

async function buildJs() {
  const entryPoints = ENTRIES.filter((e) => existsSync(join(ROOT, e.in)));
  const out = await build({
    entryPoints, outdir: DIST, bundle: true, splitting: true, packages: 'external', plugins: [sourceUrls],
    platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'warning',
    chunkNames: 'chunk-[hash]', tsconfig: join(ROOT, 'tsconfig.json'),
  });
  let written = 0;
  for (const f of out.outputFiles) if (writeIfChanged(f.path, f.contents)) written++;
  const keep = new Set(out.outputFiles.map((f) => f.path));
  for (const name of readdirSync(DIST)) {
    if (/\.js$/.test(name) && !keep.has(join(DIST, name))) rmSync(join(DIST, name));
  }
  return { files: out.outputFiles.length, written };
}

function copyAssets(files) {
  let written = 0;
  const assets = files.filter((f) => ASSET.test(f));
  for (const f of assets) if (writeIfChanged(join(DIST, f), readFileSync(join(ROOT, f)))) written++;
  return { files: assets.length, written };
}

/** dist/code-version.json: the source hash compiled code reports (runner/codeVersion.ts's own). */
async function stampCodeVersion() {
  const tmp = join(DIST, `.codeVersion.${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'runner/codeVersion.ts')], outfile: tmp, bundle: true, packages: 'external',
    platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
  });
  try {
    const { sourceHash, searchHash } = await import(pathToFileURL(tmp).href);
    writeIfChanged(join(DIST, 'code-version.json'), `${JSON.stringify({ sourceHash: sourceHash(ROOT), searchHash: searchHash(ROOT) })}\n`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** tsc writes the .d.ts files; their relative `.ts` specifiers are then rewritten to `.js`. */
function buildDeclarations() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc (declarations) failed with exit code ${r.status}`);
  const spec = /((?:from|import)\s*\(?\s*['"]\.\.?\/[^'"]*?)\.ts(['"])/g;
  for (const f of walk(DIST, []).filter((p) => p.endsWith('.d.ts'))) {
    const path = join(ROOT, f);
    writeIfChanged(path, readFileSync(path, 'utf8').replace(spec, '$1.js$2'));
  }
}

const t0 = process.cpuUsage();
const files = SOURCES.flatMap((s) => walk(join(ROOT, s), []));
const js = await buildJs();
const assets = copyAssets(files);
await stampCodeVersion();
const jsOnly = process.argv.includes('--js-only');
if (!jsOnly) buildDeclarations();
const cpu = process.cpuUsage(t0);
process.stderr.write(`build: ${js.files} modules (${js.written} changed), ${assets.files} assets (${assets.written} changed)`
  + `${jsOnly ? '' : ', declarations'}; ${((cpu.user + cpu.system) / 1e6).toFixed(2)} CPU-s in this process\n`);
