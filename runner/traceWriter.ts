// lockstep-lint: io-edge (writes the trace file)
// Streams trace records to a JSONL file in large chunks (one write per ~1 MB, not per event), into a
// temp file renamed into place on close, so an aborted run leaves no half-written trace.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceRecord } from '../sim/world.ts';
import { tempPathFor } from './files.ts';

const CHUNK_CHARS = 1 << 20;

export class TraceWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  records = 0;

  constructor(readonly path: string) {
    if (existsSync(path) && statSync(path).isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = tempPathFor(path);
    this.fd = openSync(this.tmp, 'w');
  }

  /** The trace callback for simulate(). */
  readonly write = (rec: TraceRecord): void => {
    const line = `${stringify(rec)}\n`;
    this.parts.push(line);
    this.size += line.length;
    this.records++;
    if (this.size >= CHUNK_CHARS) this.flush();
  };

  private flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  /** Flush, close and move the file into place. */
  close(): void {
    this.flush();
    closeSync(this.fd);
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      rmSync(this.tmp, { force: true });
      throw e;
    }
  }

  /** Drop the partial trace. */
  abort(): void {
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }
}

function stringify(rec: TraceRecord): string {
  try {
    return JSON.stringify(rec, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch (e) {
    return JSON.stringify({ i: rec.i, t: rec.t, k: rec.k, node: rec.node, unserializable: (e as Error).message });
  }
}
