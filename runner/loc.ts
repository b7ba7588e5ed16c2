// Lines of protocol code: non-blank, non-comment lines of a protocol's own source files.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Count code lines of TypeScript/JavaScript source (line and block comments excluded). */
export function countCodeLines(src: string): number {
  let inBlock = false;
  let count = 0;
  for (const raw of src.split('\n')) {
    let line = raw.trim();
    let code = '';
    while (line.length > 0) {
      if (inBlock) {
        const end = line.indexOf('*/');
        if (end < 0) { line = ''; break; }
        inBlock = false;
        line = line.slice(end + 2);
        continue;
      }
      const start = line.indexOf('/*');
      const slashes = line.indexOf('//');
      if (slashes >= 0 && (start < 0 || slashes < start) && !insideString(line, slashes)) {
        code += line.slice(0, slashes);
        break;
      }
      if (start >= 0 && !insideString(line, start)) {
        code += line.slice(0, start);
        inBlock = true;
        line = line.slice(start + 2);
        continue;
      }
      code += line;
      break;
    }
    if (code.trim().length > 0) count++;
  }
  return count;
}

/** True when position `at` of `line` lies inside a quoted string (', " or `), so `//` there is not a comment. */
function insideString(line: string, at: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < at; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
  }
  return quote !== undefined;
}

/** Lines of code of a protocol's source files (paths relative to `root`); undefined if none is readable. */
export function protocolLinesOfCode(sourceFiles: readonly string[], root: string = process.cwd()): number | undefined {
  let total = 0;
  let read = 0;
  for (const file of sourceFiles) {
    try {
      total += countCodeLines(readFileSync(resolve(root, file), 'utf8'));
      read++;
    } catch {
      // a missing file leaves the count to the readable ones
    }
  }
  return read === 0 ? undefined : total;
}
