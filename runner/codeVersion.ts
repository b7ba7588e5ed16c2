// lockstep-lint: io-edge (reads the source files it hashes)
// The code version stamped on run-files: package version + a short hash of the simulator's sources,
// so replay can say whether the code changed since the run was recorded.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is runner/codeVersion.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

const SOURCE_ROOTS = ['sim', 'protocols', 'scenarios', 'index.ts'];

let cached: string | undefined;

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** `<version>+<8 hex digits>`; computed once per process. */
export function codeVersion(): string {
  if (cached !== undefined) return cached;
  const files: string[] = [];
  for (const r of SOURCE_ROOTS) collect(join(REPO_ROOT, r), files);
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(REPO_ROOT, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  cached = `${packageVersion()}+${h.digest('hex').slice(0, 8)}`;
  return cached;
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
