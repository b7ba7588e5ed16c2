// Seeded random streams: one root seed forks labelled streams, so a draw added in one subsystem
// never reshuffles another. Built on seedrandom's xor4096 (pinned: fast and long-period).
import seedrandom from 'seedrandom';
import type { Rng } from './types.ts';

/** The pinned algorithm. Changing it changes every trace hash. */
const ALGORITHM = seedrandom.xor4096;

export class Stream implements Rng {
  private readonly prng: () => number;
  /** Draws so far: with the seed and label, the stream's whole state (state digests use it). */
  draws = 0;

  constructor(readonly label: string, rootSeed: number) {
    this.prng = ALGORITHM(`${rootSeed >>> 0}/${label}`);
  }

  next(): number {
    this.draws++;
    return this.prng();
  }

  int(lo: number, hi: number): number {
    this.draws++;
    return lo + Math.floor(this.prng() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    if (!(p > 0)) return false;
    this.draws++;
    return this.prng() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error(`pick from an empty list on stream ${this.label}`);
    this.draws++;
    return items[Math.floor(this.prng() * items.length)]!;
  }
}

/** Forks labelled streams from one root seed; the same label always yields the same stream. */
export class SeedTree {
  private readonly streams = new Map<string, Stream>();

  constructor(readonly rootSeed: number) {
    if (!Number.isInteger(rootSeed) || rootSeed < 0 || rootSeed > 0xffffffff) {
      throw new RangeError(`seed must be a 32-bit unsigned integer, got ${rootSeed}`);
    }
  }

  stream(label: string): Stream {
    let s = this.streams.get(label);
    if (s === undefined) {
      s = new Stream(label, this.rootSeed);
      this.streams.set(label, s);
    }
    return s;
  }

  /** [label, draws] of every stream forked so far, by label (a canonical view for state digests). */
  positions(): [string, number][] {
    return [...this.streams.entries()].map(([l, s]): [string, number] => [l, s.draws])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
