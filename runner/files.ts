// lockstep-lint: io-edge (the CLI's file writes)
// File helpers for the CLI: atomic writes (temp + rename, so nothing is ever half-written) and
// JSON reads that fail with a message naming the file.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from './errors.ts';
import { MAX_JSON_DEPTH, jsonDepth } from '../scenarios/jsonDepth.ts';

let tempCounter = 0;

/** A temp path next to `path` (same file system, so rename is atomic). */
export function tempPathFor(path: string): string {
  tempCounter++;
  return `${path}.tmp-${process.pid}-${tempCounter}`;
}

/** Write `text` to `path` atomically, creating the folder if needed. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Parse JSON text, refusing nesting deeper than MAX_JSON_DEPTH; `where` names the input in errors. */
export function parseJsonText(text: string, where: string, what: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new InputError(`${where}: ${what} nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Read and parse a JSON file; bad input becomes an InputError naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseJsonText(text, path, what);
}

/** Longest name part in a file name we write (file systems allow 255 bytes for the whole name). */
export const MAX_NAME_PART = 80;

/**
 * A name safe to use in a file name (protocol variants contain '/'), at most MAX_NAME_PART
 * characters: a longer one keeps its start and a short hash of the whole, so names stay distinct.
 */
export function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (safe.length <= MAX_NAME_PART) return safe;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${safe.slice(0, MAX_NAME_PART - 11)}~${hash}`;
}

/**
 * `--out DIR` must be a folder or not exist yet: checked before a run, so a file in the way is a
 * clean exit 2 rather than a crash after the verdict.
 */
export function checkOutDir(dir: string, flag = '--out'): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new InputError(`${flag}: expected a folder (or a path that does not exist yet), got ${JSON.stringify(dir)}, which is a file`);
  }
}
