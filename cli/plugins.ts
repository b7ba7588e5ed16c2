// lockstep-lint: io-edge (checks that recorded plugin files exist)
// The --plugin flag every command that names protocols takes: load the files before anything
// resolves a protocol name (scenario files may name a plugin's protocol).
import type { Argv } from 'yargs';
import { existsSync } from 'node:fs';
import { loadPlugins } from '../runner/plugins.ts';
import { PROTOCOLS } from '../protocols/index.ts';
import { InputError } from '../runner/errors.ts';
import { readJsonFile } from '../runner/files.ts';

export interface PluginArgs {
  plugin?: string[];
}

/** Add `--plugin FILE` (repeatable) to a command. */
export function withPlugin<T>(y: Argv<T>): Argv<T & PluginArgs> {
  return y.option('plugin', {
    type: 'string', array: true, requiresArg: true,
    describe: 'A protocol module (.js, or .ts run through tsx) whose default export is a defineProtocol() (repeatable)',
  }) as unknown as Argv<T & PluginArgs>;
}

/** Load the plugins named by --plugin; returns their absolute paths. */
export function loadPluginFlags(args: PluginArgs): Promise<string[]> {
  return loadPlugins(args.plugin ?? []);
}

/**
 * Load the plugins a run-file recorded, unless --plugin already registered its protocol. A recorded
 * plugin that is gone is bad input naming the file and the flag that replaces it.
 */
export async function loadRecordedPlugins(runFile: string): Promise<void> {
  // Before the run-file is read in full: its embedded scenario may name the plugin's protocol.
  const raw = readJsonFile(runFile, 'the run-file') as { protocol?: unknown; plugins?: unknown } | null;
  const protocol = typeof raw?.protocol === 'string' ? raw.protocol : '';
  const recorded = Array.isArray(raw?.plugins) ? raw.plugins.filter((f): f is string => typeof f === 'string') : [];
  const base = protocol.split('/')[0]!;
  if (recorded.length === 0 || PROTOCOLS.some((p) => p.name === base)) return;
  for (const file of recorded) {
    if (!existsSync(file)) {
      throw new InputError(`${runFile}: plugins: protocol '${base}' came from the plugin ${file}, which is missing; pass --plugin <file> to load it from elsewhere`);
    }
  }
  await loadPlugins(recorded);
}
