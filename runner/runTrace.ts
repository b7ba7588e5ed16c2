// Re-run a run-file with a trace sink: the records feed the space-time diagram and the Chrome
// trace export, and can be saved as JSONL (one record per line) next to the run-file.
import { createWriteStream, readFileSync } from 'node:fs';
import type { TraceRecord } from '../sim/world.ts';
import { simulate } from '../scenarios/simulate.ts';
import type { SimulateResult } from '../scenarios/simulate.ts';
import type { RunFile } from '../scenarios/runfile.ts';

export interface TracedRun {
  result: SimulateResult;
  records: TraceRecord[];
  /** Records beyond `maxRecords` were not kept (the run itself is complete). */
  truncated: boolean;
}

/** Replay `run` exactly (its faults, network knobs and tape overrides) and collect its trace. */
export async function traceRunFile(run: RunFile, opts: { maxRecords?: number; jsonlPath?: string } = {}): Promise<TracedRun> {
  const max = opts.maxRecords ?? 200_000;
  const records: TraceRecord[] = [];
  let truncated = false;
  const out = opts.jsonlPath !== undefined ? createWriteStream(opts.jsonlPath) : undefined;
  let buffer: string[] = [];
  const result = await simulate(run.scenario, {
    seed: run.seed,
    protocol: run.protocol,
    faults: run.faults,
    network: run.network,
    tapeOverrides: run.tape.overrides,
    trace: (rec) => {
      if (records.length < max) records.push(rec);
      else truncated = true;
      if (out !== undefined) {
        buffer.push(JSON.stringify(rec));
        if (buffer.length >= 4096) {
          out.write(`${buffer.join('\n')}\n`);
          buffer = [];
        }
      }
    },
  });
  if (out !== undefined) {
    if (buffer.length > 0) out.write(`${buffer.join('\n')}\n`);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  return { result, records, truncated };
}

/** Read a JSONL trace written by `traceRunFile` or `lockstep run --trace`. */
export function readJsonlTrace(path: string, maxRecords = 200_000): { records: TraceRecord[]; truncated: boolean } {
  const records: TraceRecord[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (records.length >= maxRecords) return { records, truncated: true };
    records.push(JSON.parse(line) as TraceRecord);
  }
  return { records, truncated: false };
}
