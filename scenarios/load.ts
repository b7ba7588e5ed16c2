// lockstep-lint: io-edge (reads scenario files; scenarios are data, never evaluated as code)
// The scenario loader: a library name or a path to a JSON file → a validated Scenario, or a
// ScenarioError naming the file, the field path and what was expected.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from './types.ts';
import { MAX_JSON_DEPTH, jsonDepth } from './jsonDepth.ts';
import { ScenarioError, describe, validateScenario } from './validate.ts';

/** The folder of named scenarios shipped with Lockstep. */
export const LIBRARY_DIR = fileURLToPath(new URL('./library/', import.meta.url));

export interface LoadedScenario {
  scenario: Scenario;
  /** What the user named: the library name, or the path as given. */
  source: string;
  /** The file it was read from. */
  file: string;
  fromLibrary: boolean;
}

/** Names of the library scenarios, sorted. */
export function libraryNames(dir: string = LIBRARY_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

/** Read and validate one scenario file. */
export function loadScenarioFile(path: string, displayName: string = path): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError([{ file: displayName, path: '', expected: 'a readable scenario file', got: (err as NodeJS.ErrnoException).code ?? String(err) }]);
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ScenarioError([{ file: displayName, path: '', expected: `JSON nested at most ${MAX_JSON_DEPTH} levels deep`, got: 'a deeper document' }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError([{ file: displayName, path: '', expected: 'valid JSON', got: `a syntax error: ${(err as Error).message}` }]);
  }
  const r = validateScenario(raw, displayName, basename(path).replace(/\.json$/, ''));
  if (!r.ok) throw new ScenarioError(r.issues);
  return r.scenario;
}

/**
 * Load by library name (`owner-crash`) or by path (`./my.json`, anything with a `/` or ending in
 * `.json`). A bare name that is not in the library but names an existing file is read as a path.
 */
export function loadScenario(ref: string, cwd: string = process.cwd(), dir: string = LIBRARY_DIR): LoadedScenario {
  const looksLikePath = ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
  if (!looksLikePath) {
    const file = join(dir, `${ref}.json`);
    if (existsSync(file)) return { scenario: loadScenarioFile(file, `scenarios/library/${ref}.json`), source: ref, file, fromLibrary: true };
  }
  const file = resolve(cwd, ref);
  if (existsSync(file) && statSync(file).isFile()) return { scenario: loadScenarioFile(file, ref), source: ref, file, fromLibrary: false };
  const known = libraryNames(dir);
  throw new ScenarioError([{
    file: ref, path: '',
    expected: `a library scenario name (${known.length > 0 ? known.join(', ') : 'the library is empty'}) or the path of a scenario .json file`,
    got: `${describe(ref)}, which is neither`,
  }]);
}

export interface LibraryEntry {
  name: string;
  file: string;
  scenario?: Scenario;
  error?: ScenarioError;
}

/** Every library scenario; invalid files come back with their error rather than throwing. */
export function loadLibrary(dir: string = LIBRARY_DIR): LibraryEntry[] {
  return libraryNames(dir).map((name) => {
    const file = join(dir, `${name}.json`);
    try {
      return { name, file, scenario: loadScenarioFile(file, `scenarios/library/${name}.json`) };
    } catch (err) {
      if (err instanceof ScenarioError) return { name, file, error: err };
      throw err;
    }
  });
}
