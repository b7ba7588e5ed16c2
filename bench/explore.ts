// Explore throughput on the standard scenario (5 nodes, 60 simulated s, swarm faults, workload on, all
// checkers): seeds/s with 1 worker thread and with 2, and the speed-up. Both sides run on fresh worker
// threads with the same warm-up: measuring 1 worker on the bench's main thread, which the other
// benchmarks have already warmed up, compared a warm isolate with cold ones (the JIT's warm-up is most
// of a short run's cost: bench/README.md, round 3). Worker start-up is excluded (workers are long-lived).
// The protocol is the CLI's default (override: LOCKSTEP_BENCH_EXPLORE_PROTOCOL); seeds: LOCKSTEP_BENCH_EXPLORE_SEEDS
// (default 300: at 60 the measured part lasted under a second on this machine, mostly the workers'
// JIT warm-up).
import { loadScenario } from '../scenarios/load.ts';
import { WorkerPool } from '../runner/pool.ts';
import { chooseProtocol } from '../runner/protocolChoice.ts';
import { codeVersion } from '../runner/codeVersion.ts';
import { threadCpuMs } from '../runner/threadCpu.ts';

const SEEDS = Number(process.env.LOCKSTEP_BENCH_EXPLORE_SEEDS ?? 300);
const WARMUP = Number(process.env.LOCKSTEP_BENCH_EXPLORE_WARMUP ?? 4);

interface Measured {
  seedsPerSec: number;
  failed: number;
  wallSec: number;
  /**
   * Seeds per CPU-second of this process: all its threads (the main thread and every worker), so
   * for 2 workers it is what each worker's CPU buys; less sensitive to other load on the machine.
   */
  seedsPerCpuSec: number;
  /**
   * Seeds per CPU-second of the worker threads alone, each from its own thread clock: the seeds'
   * cost on the workers, without the main thread and V8's helper threads (GC, compilation).
   * Undefined where there is no thread clock.
   */
  seedsPerWorkerCpuSec: number | undefined;
  /** Each worker's own CPU seconds in the measured part. */
  workerCpuSec: number[];
  /**
   * CPU seconds of the rest of the process: the main thread (which hands out chunks and takes the
   * results) and V8's helper threads (parallel scavenges, concurrent marking, background compilation).
   */
  otherCpuSec: number;
  /** Of which the main thread (from its thread clock). */
  mainCpuSec: number | undefined;
}

async function seedsPerSec(workers: number, job: Parameters<WorkerPool['run']>[0]): Promise<Measured> {
  const pool = await WorkerPool.start(workers);
  try {
    const warm = Array.from({ length: WARMUP * workers }, (_, i) => 1_000_000 + i);
    await pool.run(job, warm, () => {}, () => false);
    const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1);
    let failed = 0;
    const w0 = pool.workerCpuMs();
    const m0 = threadCpuMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await pool.run(job, seeds, (m) => {
      if (!m.record.ok) failed++;
    }, () => false);
    const wallSec = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const m1 = threadCpuMs();
    const workerMs = pool.workerCpuMs().map((ms, i) => ms - (w0[i] ?? 0));
    const workerTotal = workerMs.reduce((a, b) => a + b, 0);
    return {
      seedsPerSec: Math.round((SEEDS / wallSec) * 10) / 10, failed, wallSec: Math.round(wallSec * 100) / 100,
      seedsPerCpuSec: Math.round((SEEDS / ((cpu.user + cpu.system) / 1e6)) * 10) / 10,
      seedsPerWorkerCpuSec: workerTotal > 0 ? Math.round((SEEDS / (workerTotal / 1000)) * 10) / 10 : undefined,
      workerCpuSec: workerMs.map((ms) => Math.round(ms / 10) / 100),
      otherCpuSec: Math.round((cpu.user + cpu.system) / 1e4 - workerTotal / 10) / 100,
      mainCpuSec: m0 !== undefined && m1 !== undefined ? Math.round((m1 - m0) / 10) / 100 : undefined,
    };
  } finally {
    await pool.close();
  }
}

export async function benchExplore(): Promise<Record<string, unknown>> {
  const { scenario, source } = loadScenario('standard');
  const protocol = chooseProtocol(process.env.LOCKSTEP_BENCH_EXPLORE_PROTOCOL, scenario, source).name;
  const job = { scenario, scenarioSource: source, protocol, codeVersion: codeVersion(), plugins: [], createdBy: 'explore' as const };
  const one = await seedsPerSec(1, job);
  const two = await seedsPerSec(2, job);
  return {
    scenario: 'standard',
    protocol,
    seeds: SEEDS,
    workers1: one,
    workers2: two,
    speedup: Math.round((two.seedsPerSec / one.seedsPerSec) * 100) / 100,
    // The speed-up two workers would give with a core each: 2 × the CPU cost per seed on one worker
    // ÷ the cost on two (worker start-up excluded). Unlike the wall-clock figure, other load on a
    // shared machine does not move it much.
    speedupFromCpu: Math.round(((2 * two.seedsPerCpuSec) / one.seedsPerCpuSec) * 100) / 100,
    // The same from each worker's own thread clock: how much slower a worker's thread runs a seed
    // when the other worker runs beside it (shared caches and memory), without the helper threads.
    speedupFromWorkerCpu: one.seedsPerWorkerCpuSec !== undefined && two.seedsPerWorkerCpuSec !== undefined
      ? Math.round(((2 * two.seedsPerWorkerCpuSec) / one.seedsPerWorkerCpuSec) * 100) / 100 : undefined,
    goal: { seedsPerSecPerCore: 50, speedup: 1.8 },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchExplore(), null, 2));
}
