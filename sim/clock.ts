// A host's local clock: true time plus an offset plus drift (parts per million), with jumps.
// Protocols read only this clock. Timers run on it too: a drifting clock stretches or shrinks them.

export class LocalClock {
  private offsetUs = 0;
  private driftPpm = 0;
  /** True time at which the current drift began, and the local reading then. */
  private anchorTrueUs = 0;
  private anchorLocalUs = 0;

  read(trueUs: number): number {
    const elapsed = trueUs - this.anchorTrueUs;
    return Math.floor(this.anchorLocalUs + elapsed + (elapsed * this.driftPpm) / 1e6 + this.offsetUs);
  }

  /** Step the clock by `deltaUs` (may be negative: a clock that jumps back). */
  jump(deltaUs: number): void {
    this.offsetUs += deltaUs;
  }

  setDrift(trueUs: number, ppm: number): void {
    this.anchorLocalUs = this.read(trueUs) - this.offsetUs;
    this.anchorTrueUs = trueUs;
    this.driftPpm = ppm;
  }

  /** True microseconds that pass while this clock advances by `localUs`. */
  toTrueDelay(localUs: number): number {
    if (this.driftPpm === 0) return localUs;
    return Math.max(0, Math.round(localUs / (1 + this.driftPpm / 1e6)));
  }
}
