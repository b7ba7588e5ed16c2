// lockstep-lint: io-edge (reads the source files it hashes, or the stamp the build wrote)
// The code version stamped on run-files: package version + a short hash of the simulator's sources,
// so replay can say whether the code changed since the run was recorded. The TypeScript sources hash
// themselves; compiled code (dist/) reads the hash `npm run build` stamped from the same sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this module with a package.json (source or dist/). */
export const PACKAGE_ROOT = packageRootAbove(dirname(fileURLToPath(import.meta.url)));

/** Where the build writes the source hash for compiled code (see tools/build.js). */
export const CODE_VERSION_STAMP = join(PACKAGE_ROOT, 'dist', 'code-version.json');

const SOURCE_ROOTS = ['sim', 'protocols', 'scenarios', 'index.ts'];
const RUNNING_SOURCES = import.meta.url.endsWith('.ts');

let cached: string | undefined;

function packageRootAbove(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return dir;
  }
}

export function packageVersion(): string {
  const text = readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8');
  const pkg = JSON.parse(text) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** `<version>+<8 hex digits>`; computed once per process. */
export function codeVersion(): string {
  if (cached !== undefined) return cached;
  cached = `${packageVersion()}+${RUNNING_SOURCES ? sourceHash(PACKAGE_ROOT) : stampedHash('sourceHash')}`;
  return cached;
}

/**
 * The search engine behind `lockstep check` and compare's bounded claims: a claim cached under the
 * code version must also be searched again when the search itself changed (order, pruning, bounds).
 */
const SEARCH_SOURCES = ['runner/check.ts', 'runner/checkParallel.ts', 'runner/checkClaim.ts', 'runner/checkClaims.ts'];

let cachedSearch: string | undefined;

/** 8 hex digits over the search engine's sources (the build stamps it for compiled code). */
export function searchVersion(): string {
  cachedSearch ??= RUNNING_SOURCES ? searchHash(PACKAGE_ROOT) : stampedHash('searchHash');
  return cachedSearch;
}

/** 8 hex digits over the simulator's sources under `root` (paths and contents, sorted by path). */
export function sourceHash(root: string, roots: readonly string[] = SOURCE_ROOTS): string {
  const files: string[] = [];
  for (const r of roots) collect(join(root, r), files);
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(root, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 8);
}

/** 8 hex digits over the search engine's sources under `root`. */
export function searchHash(root: string): string {
  return sourceHash(root, SEARCH_SOURCES);
}

/** The build's stamp; a package without one (a broken build) says so rather than guessing. */
function stampedHash(key: 'sourceHash' | 'searchHash' = 'sourceHash'): string {
  try {
    const stamp = JSON.parse(readFileSync(CODE_VERSION_STAMP, 'utf8')) as Record<string, unknown>;
    const v = stamp[key];
    if (typeof v === 'string') return v;
  } catch {
    // no stamp: fall through
  }
  return 'unbuilt';
}

function collect(path: string, out: string[]): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isFile()) {
    if (/\.(ts|js)$/.test(path) && !/\.test\.ts$/.test(path)) out.push(path);
    return;
  }
  for (const name of readdirSync(path)) collect(join(path, name), out);
}
