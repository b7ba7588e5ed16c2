// lockstep-lint: io-edge (imports protocol modules from files named on the command line)
// Protocol plugins: a module file whose default export (or export named `protocol`) is a protocol
// from defineProtocol(), or an array of them. Loading registers each protocol and remembers the
// file it came from, so worker threads load the same file and run-files record it for replay.
// A `.ts` plugin is imported through tsx when this thread has no TypeScript loader yet.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerProtocol } from '../protocols/index.ts';
import type { ProtocolDef } from '../protocols/registry.ts';
import { InputError } from './errors.ts';

/** Absolute plugin path → the protocols it registered (this thread). */
const loaded = new Map<string, ProtocolDef[]>();
/** Protocol base name → the absolute path of the plugin that registered it (this thread). */
const origins = new Map<string, string>();
let tsLoader: Promise<void> | undefined;

/** Load plugin files (paths relative to `cwd`); returns their absolute paths. Idempotent per path. */
export async function loadPlugins(paths: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) out.push(await loadPlugin(p, cwd));
  return out;
}

/** Load one plugin file and register its protocols; returns its absolute path. */
export async function loadPlugin(path: string, cwd: string = process.cwd()): Promise<string> {
  const abs = resolve(cwd, path);
  if (loaded.has(abs)) return abs;
  if (!existsSync(abs)) throw new InputError(`--plugin: no such file: ${abs}`);
  const mod = await importModule(abs);
  // A plugin's source files (for lines of code) are relative to it; none given means the file itself.
  const defs = protocolsOf(abs, mod).map((d) => ({
    ...d, sourceFiles: d.sourceFiles.length === 0 ? [abs] : d.sourceFiles.map((f) => resolve(dirname(abs), f)),
  }));
  for (const def of defs) {
    try {
      registerProtocol(def);
    } catch (e) {
      throw new InputError(`--plugin ${path}: ${(e as Error).message}`);
    }
    origins.set(def.name, abs);
  }
  loaded.set(abs, defs);
  return abs;
}

/** The plugin files that define these protocols (`name` or `name/variant`); built-ins have none. */
export function pluginsFor(protocols: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of protocols) {
    const file = origins.get(name.split('/')[0]!);
    if (file !== undefined) out.add(file);
  }
  return [...out];
}

/** The protocols a loaded plugin file registered. */
export function protocolsFrom(absPath: string): readonly ProtocolDef[] {
  return loaded.get(absPath) ?? [];
}

async function importModule(abs: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(abs).href;
  const isTs = /\.(ts|mts|cts)$/.test(abs);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    if (!isTs || (e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw pluginError(abs, e);
  }
  // No TypeScript loader in this thread: register tsx and import again (a fresh URL, as the failed
  // import may be cached under the first).
  await registerTypeScript(abs);
  try {
    return (await import(`${url}?tsx`)) as Record<string, unknown>;
  } catch (e) {
    throw pluginError(abs, e);
  }
}

function registerTypeScript(abs: string): Promise<void> {
  tsLoader ??= (async () => {
    let api: { register: () => unknown };
    try {
      api = (await import('tsx/esm/api')) as { register: () => unknown };
    } catch {
      throw new InputError(`--plugin ${abs}: a .ts plugin needs tsx (npm install --save-dev tsx), or compile it to .js`);
    }
    api.register();
  })();
  return tsLoader;
}

function pluginError(abs: string, e: unknown): Error {
  if (e instanceof InputError) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new InputError(`--plugin ${abs}: could not import it: ${why}`);
}

/** The ProtocolDefs a plugin module exports: default, or `protocol`, each one def or an array. */
function protocolsOf(abs: string, mod: Record<string, unknown>): ProtocolDef[] {
  const exported = mod.default ?? mod.protocol;
  const list = Array.isArray(exported) ? (exported as unknown[]) : [exported];
  const defs = list.filter(isProtocolDef);
  if (exported === undefined || defs.length !== list.length || defs.length === 0) {
    throw new InputError(
      `--plugin ${abs}: expected its default export (or an export named 'protocol') to be a protocol ` +
        `made by defineProtocol(), or an array of them; exports: ${Object.keys(mod).join(', ') || 'none'}`,
    );
  }
  return defs;
}

function isProtocolDef(v: unknown): v is ProtocolDef {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<ProtocolDef>;
  return typeof d.name === 'string' && typeof d.description === 'string' && typeof d.build === 'function'
    && Array.isArray(d.checkers) && Array.isArray(d.variants) && Array.isArray(d.sourceFiles);
}
