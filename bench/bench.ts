// `npm run bench`: measures the engine against the machine's own ceiling and prints ONE JSON object.
// Figures (see bench/README.md): the bare event-loop ceiling at 5 and 500 nodes; the engine with the
// gossip demo at 5 and 100 nodes (events/s, ratio to the ceiling, per-event cost growth); the trace
// hash's and the JSONL trace's overhead; retained heap after 1× and 4× run lengths; hooks for
// bench/explore.ts and bench/stack.ts.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { bareLoop } from './bare.ts';
import { World } from '../sim/world.ts';
import { TraceHash } from '../sim/hash.ts';
import type { Context, Module } from '../sim/types.ts';
import { Gossip, monotonicChecker, convergenceChecker, learnedAfterRestartChecker } from '../protocols/demo/gossip.ts';

/**
 * Milliseconds of CPU time used by this process (user + system). The machine is shared, so CPU time,
 * not wall time, is what every rate below is divided by; wall time is reported for the whole bench.
 */
const now = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;
const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

/**
 * The engine alone: every period each node sends one datagram to a random peer, without allocating
 * (unlike the demo, whose per-tick peer list is O(nodes)); isolates how the engine scales with nodes.
 */
class Pinger implements Module {
  readonly name = 'gossip';
  constructor(private readonly periodUs: number) {}
  onStart(ctx: Context): void {
    ctx.setTimer(ctx.random().int(0, this.periodUs), 0);
  }
  onTimer(ctx: Context): void {
    const n = ctx.allNodes.length;
    let to = ctx.random().int(1, n - 1);
    if (to >= ctx.node) to++;
    ctx.send(to, PING);
    ctx.setTimer(this.periodUs, 0);
  }
  onMessage(): void {}
}
const PING = { type: 'ping' };

type Proto = 'gossip' | 'pinger';

/** A world sized to run about `events` events (2 events per node per period). */
function gossipWorld(nodes: number, events: number, opts: { recordTape?: boolean; trace?: (r: unknown) => void; proto?: Proto } = {}): World {
  const periodUs = 100_000;
  const durationUs = Math.ceil((events / (nodes * 2)) * periodUs);
  const pinger = opts.proto === 'pinger';
  return new World({
    scenario: 'bench', protocol: 'gossip', seed: 1, nodes, durationUs, healAtUs: 0, deadlineUs: 0,
    maxEvents: events + 1_000,
    stack: () => [pinger ? new Pinger(periodUs) : new Gossip({ periodUs, incrementUntilUs: durationUs, forgetful: false })],
    checkers: pinger ? [] : [monotonicChecker(), convergenceChecker(), learnedAfterRestartChecker()],
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

const HASH_PROBE_FLAG = '--probe-hash';

/**
 * Throughput with the trace hash on and off, to price it. Each is measured in its own fresh child
 * process running nothing else (patching TraceHash mid-process deoptimizes the engine, and a process
 * that already ran the other benchmarks has polymorphic call sites a fresh one does not: comparing
 * across the two would price the JIT state, not the hash). Off = TraceHash methods are no-ops from the start.
 */
function rateInChild(events: number, hash: boolean): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), HASH_PROBE_FLAG, String(events), hash ? 'on' : 'off'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hash probe failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

function hashProbe(events: number, mode: string): void {
  if (mode === 'off') {
    const proto = TraceHash.prototype as unknown as Record<string, unknown>;
    proto.word = proto.big = proto.str = function noop(): void {};
  }
  console.log(Math.round(engineRate(5, events, 3, { recordTape: false }).eventsPerSec));
}

/** Full GC, then a turn of the event loop so ArrayBuffer finalizers run, then GC again. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  gc?.();
}

/** JS heap plus ArrayBuffer memory (typed arrays live outside the JS heap). */
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Memory retained after the run (full GC, finished world still referenced) and the peak seen while running. */
async function memory(events: number, recordTape: boolean): Promise<{ events: number; retainedMB: number; peakMB: number }> {
  await settle();
  const base = used();
  const w = gossipWorld(5, events, { recordTape });
  let peak = 0;
  let i = 0;
  while (w.step()) {
    if (++i % 250_000 === 0) peak = Math.max(peak, used() - base);
  }
  await settle();
  const retained = used() - base;
  if (w.eventIndex < events * 0.9) throw new Error(`memory run too short: ${w.eventIndex}`);
  return { events: w.eventIndex, retainedMB: round(retained / MB), peakMB: round(Math.max(peak, retained) / MB) };
}

async function hook(file: string, fn: string, ...args: unknown[]): Promise<Record<string, unknown> | undefined> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(url)) return undefined;
  const mod = (await import(url.href)) as Record<string, unknown>;
  const f = mod[fn];
  if (typeof f !== 'function') return { error: `${file} does not export ${fn}()` };
  try {
    return (await (f as (...a: unknown[]) => Promise<Record<string, unknown>>)(...args));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function main(): Promise<void> {
  const started = now();
  const wallStart = performance.now();
  const BARE_EVENTS = 3_000_000;
  const ENGINE_EVENTS = 2_000_000;

  const bare5 = bareRate(5, BARE_EVENTS);
  const bare500 = bareRate(500, BARE_EVENTS);
  const eng5 = engineRate(5, ENGINE_EVENTS);
  const eng100 = engineRate(100, ENGINE_EVENTS);
  const ping5 = engineRate(5, ENGINE_EVENTS, 2, { proto: 'pinger' });
  const ping100 = engineRate(100, ENGINE_EVENTS, 2, { proto: 'pinger' });
  const tapeOff5 = engineRate(5, ENGINE_EVENTS, 3, { recordTape: false });
  const noHash5 = { eventsPerSec: rateInChild(ENGINE_EVENTS, false) };
  const hashed = rateInChild(ENGINE_EVENTS, true);
  let sink = 0;
  const jsonl5 = engineRate(5, ENGINE_EVENTS / 4, 2, { recordTape: false, trace: (r) => { sink += JSON.stringify(r).length + 1; } });

  const LEN = 2_500_000;
  const flat1 = await memory(LEN, false);
  const flat4 = await memory(4 * LEN, false);
  const tape1 = await memory(LEN / 2, true);
  const tape4 = await memory(2 * LEN, true);

  const out: Record<string, unknown> = {
    node: process.version,
    timing: 'events per CPU-second of this process (user + system), best of 2-3 repetitions',
    gcExposed: gc !== undefined,
    bare: {
      what: 'typed-array (time, seq) heap, xor4096, trivial handlers, no trace, 4 messages in flight per node',
      nodes5EventsPerSec: Math.round(bare5),
      nodes500EventsPerSec: Math.round(bare500),
    },
    engine: {
      what: 'World + gossip demo (its 3 checkers on), trace off, decision tape recorded (the default)',
      nodes5EventsPerSec: Math.round(eng5.eventsPerSec),
      nodes100EventsPerSec: Math.round(eng100.eventsPerSec),
      nodes5RatioToBare5: round(eng5.eventsPerSec / bare5),
      nodes100RatioToBare500: round(eng100.eventsPerSec / bare500),
      perEventCost100vs5: round(eng5.eventsPerSec / eng100.eventsPerSec),
      tapeOff: {
        what: 'same, recordTape: false (decisions counted, not stored)',
        nodes5EventsPerSec: Math.round(tapeOff5.eventsPerSec),
        nodes5RatioToBare5: round(tapeOff5.eventsPerSec / bare5),
      },
      engineOnly: {
        what: 'World + a non-allocating pinger module (no checkers), tape on: how the engine itself scales',
        nodes5EventsPerSec: Math.round(ping5.eventsPerSec),
        nodes100EventsPerSec: Math.round(ping100.eventsPerSec),
        nodes5RatioToBare5: round(ping5.eventsPerSec / bare5),
        perEventCost100vs5: round(ping5.eventsPerSec / ping100.eventsPerSec),
      },
      goalNodes5AtLeastHalfOfBare: eng5.eventsPerSec >= 0.5 * bare5,
    },
    trace: {
      what: 'gossip 5 nodes, tape off, each rate in its own fresh child process; hash off = TraceHash methods stubbed out',
      hashOnEventsPerSec: Math.round(hashed),
      hashOffEventsPerSec: Math.round(noHash5.eventsPerSec),
      hashOverheadPct: round(((noHash5.eventsPerSec / hashed) - 1) * 100, 2),
      jsonlEventsPerSec: Math.round(jsonl5.eventsPerSec),
      jsonlSlowdown: round(tapeOff5.eventsPerSec / jsonl5.eventsPerSec),
      jsonlBytesPerEvent: round(sink / (2 * jsonl5.events)),
    },
    memory: {
      what: 'gossip 5 nodes, trace off; MB (JS heap + ArrayBuffers) retained after a full GC with the finished world alive, and the peak while running',
      tapeOff: { x1: flat1, x4: flat4, growthRetainedMB: round(flat4.retainedMB - flat1.retainedMB) },
      tapeOn: {
        x1: tape1, x4: tape4, growthRetainedMB: round(tape4.retainedMB - tape1.retainedMB),
        bytesPerEvent: round(((tape4.retainedMB - tape1.retainedMB) * MB) / (tape4.events - tape1.events)),
      },
    },
  };
  const explore = await hook('explore.ts', 'benchExplore');
  if (explore !== undefined) out.explore = explore;
  const stack = await hook('stack.ts', 'benchStack', bare5);
  if (stack !== undefined) out.stack = stack;
  const cli = await hook('cli.ts', 'benchCli');
  if (cli !== undefined) out.cli = cli;
  out.check = await hook('check.ts', 'benchCheck', { ranges: 5, maxRuns: 200, timeMs: 30_000, checkSeeds: [1], maxSeeds: 3000 });
  out.benchCpuSeconds = round((now() - started) / 1000);
  out.benchWallSeconds = round((performance.now() - wallStart) / 1000);
  console.log(JSON.stringify(out, null, 2));
}

if (process.argv[2] === HASH_PROBE_FLAG) hashProbe(Number(process.argv[3]), process.argv[4]!);
else await main();
