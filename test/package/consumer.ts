// Builds a temporary consumer package around a packed Lockstep tarball, offline: its lockfile is cut
// from the repo's own (lockstep's runtime dependencies + fast-check, whose tarballs `npm ci` left in
// the npm cache), and the tools (typescript, vitest, @types/node) are links to the repo's copies.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}
type LockPackages = Record<string, LockEntry>;

/** The lock key `dep` resolves to from the package at lock key `from` (node's upward lookup). */
function resolveKey(packages: LockPackages, from: string, dep: string): string {
  for (let at = from; ; ) {
    const key = `${at === '' ? '' : `${at}/`}node_modules/${dep}`;
    if (packages[key] !== undefined) return key;
    if (at === '') throw new Error(`consumer: ${dep} (needed by ${from || 'the root'}) is not in package-lock.json`);
    const i = at.lastIndexOf('/node_modules/');
    at = i < 0 ? '' : at.slice(0, i);
  }
}

/** Lock entries for `roots` and everything they depend on, from the repo's package-lock.json. */
function closure(packages: LockPackages, roots: readonly string[]): LockPackages {
  const out: LockPackages = {};
  const todo = roots.map((r) => resolveKey(packages, '', r));
  while (todo.length > 0) {
    const key = todo.pop()!;
    if (out[key] !== undefined) continue;
    const entry = packages[key]!;
    out[key] = { ...entry, dev: undefined, peer: undefined };
    for (const dep of Object.keys(entry.dependencies ?? {})) todo.push(resolveKey(packages, key, dep));
  }
  return out;
}

export interface Packed {
  tarball: string;
  integrity: string;
  files: string[];
  size: number;
  unpackedSize: number;
}

/** `npm pack` of the repo into `dir` (runs `prepare`: the full build). */
export function pack(dir: string): Packed {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as [{
    filename: string; integrity: string; files: { path: string }[]; size: number; unpackedSize: number;
  }];
  return {
    tarball: join(dir, info.filename), integrity: info.integrity, files: info.files.map((f) => f.path),
    size: info.size, unpackedSize: info.unpackedSize,
  };
}

/** A consumer package in `dir` with the tarball installed by `npm ci --offline`. */
export function makeConsumer(dir: string, packed: Packed): void {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: LockPackages };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string; dependencies: Record<string, string>; peerDependencies: Record<string, string>;
  };
  const fastCheck = repoLock.packages['node_modules/fast-check']!.version!;
  const deps = { 'fast-check': fastCheck, lockstep: `file:${packed.tarball}` };
  const lockstep: LockEntry = {
    version: pkg.version, resolved: `file:${packed.tarball}`, integrity: packed.integrity,
    dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies, bin: { lockstep: 'bin/lockstep.js' },
  };
  const packages: LockPackages = {
    '': { name: 'consumer', dependencies: deps },
    'node_modules/lockstep': lockstep,
    ...closure(repoLock.packages, [...Object.keys(pkg.dependencies), 'fast-check']),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
  for (const tool of ['typescript', 'vitest', '@types/node']) {
    const link = join(dir, 'node_modules', tool);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', tool), link, 'dir');
  }
}
