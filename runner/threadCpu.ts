// lockstep-lint: io-edge (reads this thread's CPU clock from /proc)
// CPU time of the calling thread, so a pool worker can say what a task cost it alone: process.cpuUsage()
// counts every thread of the process (all workers at once), and Node 20 has no per-thread clock.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * CPU ms (user + system) this thread has used, from /proc/thread-self/stat (10 ms resolution), or
 * undefined where there is no such file (not Linux).
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): state is field 3;
    // utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/**
 * `{ cpuMs }`: this thread's CPU ms since `c0` (a threadCpuMs() reading), to spread into a message;
 * `{}` where there is no thread clock.
 */
export function cpuSince(c0: number | undefined): { cpuMs?: number } {
  const c1 = c0 === undefined ? undefined : threadCpuMs();
  return c0 !== undefined && c1 !== undefined ? { cpuMs: c1 - c0 } : {};
}
