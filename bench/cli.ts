// The CLI's start cost (a `npm run bench` hook, key `cli`): CPU-seconds (user + system) of whole
// `lockstep` processes running the compiled code (dist/, so build first), against `node -e 0` in the
// same run, and the cost of starting one explore worker thread (compiled vs the tsx one tests use).
// Standalone: npm run build:js && node --import tsx bench/cli.ts
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const BIN = fileURLToPath(new URL('../bin/lockstep.js', import.meta.url));
const COMPILED_WORKER = new URL('../dist/exploreWorker.js', import.meta.url);
const TSX_WORKER = new URL('../runner/worker.js', import.meta.url);
const REPS = 5;
const MARK = 'LOCKSTEP_BENCH_CPU ';

/** Preloaded into the child: prints its own user+system CPU (all threads) as it exits. */
const CPU_AT_EXIT = 'data:text/javascript,' + encodeURIComponent(
  `import { writeSync } from 'node:fs';
   process.on('exit', () => { const u = process.cpuUsage(); writeSync(2, '\\n${MARK}' + (u.user + u.system) + '\\n'); });`,
);

const round = (x: number): number => Number(x.toFixed(3));

/** CPU-seconds of one child process `node <args>`. */
function childCpu(args: readonly string[]): number {
  const r = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, ...args], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith(MARK));
  if (line === undefined || (r.status !== 0 && r.status !== 1)) {
    throw new Error(`bench: node ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  }
  return Number(line.slice(MARK.length)) / 1e6;
}

/** Median and min over REPS runs. */
function measure(args: readonly string[]): { medianCpuSeconds: number; minCpuSeconds: number } {
  const xs = Array.from({ length: REPS }, () => childCpu(args)).sort((a, b) => a - b);
  return { medianCpuSeconds: round(xs[Math.floor(REPS / 2)]!), minCpuSeconds: round(xs[0]!) };
}

/** CPU-seconds of this process (all threads) while one worker thread starts and reports ready. */
async function workerStart(url: URL): Promise<number> {
  const best: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.cpuUsage();
    const w = new Worker(url);
    await new Promise<void>((resolve, reject) => {
      w.on('message', (m: { type?: string }) => { if (m.type === 'ready') resolve(); });
      w.on('error', reject);
    });
    const u = process.cpuUsage(t0);
    await w.terminate();
    best.push((u.user + u.system) / 1e6);
  }
  return round(Math.min(...best));
}

export async function benchCli(): Promise<Record<string, unknown>> {
  if (!existsSync(COMPILED_WORKER)) throw new Error('bench: dist/ is missing: run `npm run build:js` first');
  const nodeBare = measure(['-e', '0']);
  const help = measure([BIN, '--help']);
  const run = measure([BIN, 'run', 'steady-state', '--seed', '1']);
  const ratio = (x: { medianCpuSeconds: number }): number => round(x.medianCpuSeconds / nodeBare.medianCpuSeconds);
  return {
    nodeEmpty: nodeBare,
    help: { ...help, ratioToNode: ratio(help), budgetCpuSeconds: 0.5 },
    runSteadyStateSeed1: { ...run, ratioToNode: ratio(run), budgetCpuSeconds: 0.8 },
    workerStartCpuSeconds: { compiled: await workerStart(COMPILED_WORKER), tsx: await workerStart(TSX_WORKER) },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchCli(), null, 2));
