// lockstep-lint: io-edge (the CLI's file writes)
// File helpers for the CLI: atomic writes (temp + rename, so nothing is ever half-written) and
// JSON reads that fail with a message naming the file.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from './errors.ts';

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

/** Read and parse a JSON file; bad input becomes an InputError naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A name safe to use in a file name (protocol variants contain '/'). */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
