// The decision tape: every draw that decides a fault or a delivery is recorded here, in order.
// A run is reproduced by its seed; overrides replace chosen decisions (0 = the benign default:
// no drop, no duplicate, no extra delay) so a shrinker can remove nondeterminism step by step.

/** What a decision decides; stored as a small integer code. */
export const DecisionKind = {
  drop: 1,
  duplicate: 2,
  delayUs: 3,
  diskDelayUs: 4,
  fenceFail: 5,
  /**
   * Which candidate a role target resolved to: an index into the candidates, ascending by node id
   * (drawn 0, the lowest; a search may try each of them).
   */
  roleTarget: 6,
  /** At a hit of a fault point an armed fault waits for: 1 fires it here, 0 passes (drawn: 1 at the k-th hit). */
  pointFault: 7,
  /** A fault at a fault point (0 = none, k = the point's k-th fault option); see sim/choice.ts. */
  fault: 8,
} as const;
export type DecisionKindName = keyof typeof DecisionKind;

/** Overrides as they travel in a run-file: [index, value] pairs, ascending by index. */
export type TapeOverrides = ReadonlyArray<readonly [number, number]>;

/**
 * Decisions are stored in fixed-size chunks: appending never copies (a doubling array did, at ~10×
 * the cost). 4 Ki decisions (36 KB) per chunk: a 64 Ki chunk cost a short run half a megabyte of
 * zero-filling for the few thousand decisions it makes.
 */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;

/**
 * With `record` false the tape only counts decisions (indices, hence overrides, stay valid) and keeps
 * no per-decision memory, so a long run stays flat in memory; re-run the seed with recording on to
 * inspect its decisions.
 */
export class Tape {
  private readonly kindChunks: Uint8Array[] = [];
  private readonly valueChunks: Float64Array[] = [];
  private kinds = new Uint8Array(0);
  private values = new Float64Array(0);
  /** Next free slot in the current chunk. */
  private slot = CHUNK;
  private n = 0;
  private readonly overrides: Map<number, number>;
  /**
   * Sees every decision before it is made, with the value the seed drew (systematic search:
   * `lockstep check`). Off in ordinary runs. It may return a value to use instead (PCT's change
   * points); returning undefined leaves the decision as the seed and the overrides make it.
   */
  observer: ((index: number, kind: number, drawn: number) => number | undefined) | undefined;

  constructor(overrides: TapeOverrides = [], readonly record = true) {
    this.overrides = new Map(overrides.map(([i, v]) => [i, v]));
  }

  get length(): number {
    return this.n;
  }

  /** Record a decision whose drawn value is `drawn`; returns the value to use (an override wins). */
  decide(kind: number, drawn: number): number {
    const i = this.n;
    let value = this.overrides.size > 0 ? (this.overrides.get(i) ?? drawn) : drawn;
    if (this.observer !== undefined) value = this.observer(i, kind, drawn) ?? value;
    this.n = i + 1;
    if (!this.record) return value;
    if (this.slot === CHUNK) this.newChunk();
    const j = this.slot++;
    this.kinds[j] = kind;
    this.values[j] = value;
    return value;
  }

  kindAt(i: number): number {
    this.check(i);
    return this.kindChunks[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  valueAt(i: number): number {
    this.check(i);
    return this.valueChunks[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  /** Indices of decisions that were not the benign default (value ≠ 0). */
  nonDefault(): number[] {
    this.mustRecord();
    const out: number[] = [];
    for (let c = 0; c < this.valueChunks.length; c++) {
      const values = this.valueChunks[c]!;
      const len = Math.min(CHUNK, this.n - c * CHUNK);
      for (let j = 0; j < len; j++) if (values[j] !== 0) out.push(c * CHUNK + j);
    }
    return out;
  }

  private check(i: number): void {
    this.mustRecord();
    if (!(i >= 0 && i < this.n)) throw new RangeError(`tape index ${i} out of range (length ${this.n})`);
  }

  private mustRecord(): void {
    if (!this.record) throw new Error('this tape only counted decisions (recordTape: false); re-run with recording on to read them');
  }

  private newChunk(): void {
    this.kinds = new Uint8Array(CHUNK);
    this.values = new Float64Array(CHUNK);
    this.kindChunks.push(this.kinds);
    this.valueChunks.push(this.values);
    this.slot = 0;
  }
}
