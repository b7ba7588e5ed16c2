// `npm run bench`: measures the engine against the machine's own ceiling and prints ONE JSON object.
// Figures (see bench/README.md): the bare event-loop ceiling at 5 and 500 nodes; the engine with the
// gossip demo at 5 and 100 nodes (events/s, ratio to the ceiling, per-event cost growth); the trace
// hash's and the JSONL trace's overhead; retained heap after 1× and 4× run lengths; hooks for
// bench/explore.ts and bench/stack.ts.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bareLoop } from './bare.ts';
import { World } from '../sim/world.ts';
import { TraceHash } from '../sim/hash.ts';
import { Gossip, monotonicChecker, convergenceChecker, learnedAfterRestartChecker } from '../protocols/demo/gossip.ts';

const now = (): number => performance.now();
const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

/** A gossip world sized to run about `events` events (2 events per node per period). */
function gossipWorld(nodes: number, events: number, opts: { recordTape?: boolean; trace?: (r: unknown) => void } = {}): World {
  const periodUs = 100_000;
  const durationUs = Math.ceil((events / (nodes * 2)) * periodUs);
  return new World({
    scenario: 'bench', protocol: 'gossip', seed: 1, nodes, durationUs, healAtUs: 0, deadlineUs: 0,
    maxEvents: events + 1_000,
    stack: () => [new Gossip({ periodUs, incrementUntilUs: durationUs, forgetful: false })],
    checkers: [monotonicChecker(), convergenceChecker(), learnedAfterRestartChecker()],
    ...(opts.recordTape !== undefined ? { recordTape: opts.recordTape } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
  });
}

/** Events/s of the engine; best of `reps` (the first repetition also warms the JIT). */
function engineRate(nodes: number, events: number, reps = 3, opts: Parameters<typeof gossipWorld>[2] = {}): { eventsPerSec: number; events: number } {
  let best = 0;
  let count = 0;
  for (let r = 0; r < reps; r++) {
    const w = gossipWorld(nodes, events, opts);
    const t0 = now();
    const res = w.runSync();
    const sec = (now() - t0) / 1000;
    if (!res.ok) throw new Error(`bench run failed: ${JSON.stringify(res.violations)}`);
    best = Math.max(best, res.events / sec);
    count = res.events;
  }
  return { eventsPerSec: best, events: count };
}

function bareRate(nodes: number, events: number, reps = 3): number {
  let best = 0;
  for (let r = 0; r < reps; r++) best = Math.max(best, bareLoop(nodes, events, now).eventsPerSec);
  return best;
}

/** Throughput with the trace hash switched off (its methods made no-ops), to price it. */
function withoutHash<T>(fn: () => T): T {
  const proto = TraceHash.prototype as unknown as Record<string, unknown>;
  const saved = { word: proto.word, big: proto.big, str: proto.str };
  proto.word = proto.big = proto.str = function noop(): void {};
  try {
    return fn();
  } finally {
    Object.assign(proto, saved);
  }
}

/** Retained heap (after a full GC, with the finished world still referenced) and the peak seen while running. */
function memory(events: number, recordTape: boolean): { retainedMB: number; peakHeapMB: number } {
  gc?.();
  const base = process.memoryUsage().heapUsed;
  const w = gossipWorld(5, events, { recordTape });
  let peak = 0;
  let i = 0;
  while (w.step()) {
    if (++i % 250_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  }
  gc?.();
  const retained = process.memoryUsage().heapUsed - base;
  if (w.eventIndex < events * 0.9) throw new Error(`memory run too short: ${w.eventIndex}`);
  return { retainedMB: round(retained / MB), peakHeapMB: round(Math.max(peak, retained) / MB) };
}

async function hook(file: string, fn: string): Promise<Record<string, unknown> | undefined> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(url)) return undefined;
  const mod = (await import(url.href)) as Record<string, unknown>;
  const f = mod[fn];
  if (typeof f !== 'function') return { error: `${file} does not export ${fn}()` };
  try {
    return (await (f as () => Promise<Record<string, unknown>>)());
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function main(): Promise<void> {
  const started = now();
  const BARE_EVENTS = 4_000_000;
  const ENGINE_EVENTS = 2_000_000;

  const bare5 = bareRate(5, BARE_EVENTS);
  const bare500 = bareRate(500, BARE_EVENTS);
  const eng5 = engineRate(5, ENGINE_EVENTS);
  const eng100 = engineRate(100, ENGINE_EVENTS);
  const noHash5 = withoutHash(() => engineRate(5, ENGINE_EVENTS));
  const hashAgain5 = engineRate(5, ENGINE_EVENTS);
  const hashed = Math.max(eng5.eventsPerSec, hashAgain5.eventsPerSec);
  let sink = 0;
  const jsonl5 = engineRate(5, ENGINE_EVENTS / 4, 2, { trace: (r) => { sink += JSON.stringify(r).length; } });
  const tapeOff5 = engineRate(5, ENGINE_EVENTS, 2, { recordTape: false });

  const LEN = 2_500_000;
  const flat1 = memory(LEN, false);
  const flat4 = memory(4 * LEN, false);
  const tape1 = memory(LEN, true);
  const tape4 = memory(4 * LEN, true);

  const out: Record<string, unknown> = {
    node: process.version,
    gcExposed: gc !== undefined,
    bare: {
      what: 'typed-array (time, seq) heap, xor4096, trivial handlers, no trace, 4 messages in flight per node',
      nodes5EventsPerSec: Math.round(bare5),
      nodes500EventsPerSec: Math.round(bare500),
    },
    engine: {
      what: 'World + gossip demo (3 checkers on), trace off, tape recording on (the default)',
      nodes5EventsPerSec: Math.round(eng5.eventsPerSec),
      nodes100EventsPerSec: Math.round(eng100.eventsPerSec),
      nodes5RatioToBare5: round(eng5.eventsPerSec / bare5),
      nodes100RatioToBare500: round(eng100.eventsPerSec / bare500),
      nodes100RatioToBare5: round(eng100.eventsPerSec / bare5),
      perEventCost100vs5: round(eng5.eventsPerSec / eng100.eventsPerSec),
      nodes5TapeOffEventsPerSec: Math.round(tapeOff5.eventsPerSec),
      goalNodes5AtLeastHalfOfBare: eng5.eventsPerSec >= 0.5 * bare5,
    },
    trace: {
      nodes5HashOffEventsPerSec: Math.round(noHash5.eventsPerSec),
      hashOverheadPct: round(((noHash5.eventsPerSec / hashed) - 1) * 100, 2),
      jsonlEventsPerSec: Math.round(jsonl5.eventsPerSec),
      jsonlSlowdown: round(hashed / jsonl5.eventsPerSec),
      jsonlBytesPerEvent: round(sink / (2 * jsonl5.events)),
    },
    memory: {
      what: `gossip 5 nodes, trace off; runs of ${LEN / 1e6} M and ${(4 * LEN) / 1e6} M events; MB of heap retained after GC with the world alive, and peak heap during the run`,
      tapeOff: { x1: flat1, x4: flat4, growthRetainedMB: round(flat4.retainedMB - flat1.retainedMB) },
      tapeOn: { x1: tape1, x4: tape4, growthRetainedMB: round(tape4.retainedMB - tape1.retainedMB) },
    },
  };
  const explore = await hook('explore.ts', 'benchExplore');
  if (explore !== undefined) out.explore = explore;
  const stack = await hook('stack.ts', 'benchStack');
  if (stack !== undefined) out.stack = stack;
  out.benchSeconds = round((now() - started) / 1000);
  console.log(JSON.stringify(out, null, 2));
}

await main();
