// lockstep-lint: io-edge (reads the wall clock to show seeds/s)
// The explore progress bar on stderr: seeds done, seeds/s and failures so far. Drawn only when
// stderr is a terminal, at most ten times a second.
import { err } from '../reports/style.ts';

const WIDTH = 28;

export class Progress {
  private readonly startedMs = Date.now();
  private lastDrawMs = 0;
  private drawn = false;

  constructor(private readonly label: string, private readonly total: number, private readonly enabled: boolean) {}

  static forStderr(label: string, total: number): Progress {
    return new Progress(label, total, process.stderr.isTTY === true);
  }

  update(done: number, failed: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDrawMs < 100) return;
    this.lastDrawMs = now;
    const frac = this.total === 0 ? 1 : done / this.total;
    const filled = Math.round(frac * WIDTH);
    const secs = (now - this.startedMs) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.ceil((this.total - done) / rate) : 0;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const fails = failed > 0 ? err.bad(`${failed} failed`) : err.ok('0 failed');
    process.stderr.write(`\r\x1b[2K${this.label} ${bar} ${done}/${this.total} seeds  ${rate.toFixed(1)} seeds/s  ${fails}  eta ${eta}s`);
    this.drawn = true;
  }

  /** Clear the line so the summary starts clean. */
  finish(): void {
    if (this.enabled && this.drawn) process.stderr.write('\r\x1b[2K');
  }
}
