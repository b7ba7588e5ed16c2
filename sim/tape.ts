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
} as const;
export type DecisionKindName = keyof typeof DecisionKind;

/** Overrides as they travel in a run-file: [index, value] pairs, ascending by index. */
export type TapeOverrides = ReadonlyArray<readonly [number, number]>;

/**
 * With `record` false the tape only counts decisions (indices, hence overrides, stay valid) and keeps
 * no per-decision memory, so a long run stays flat in memory; re-run the seed with recording on to
 * inspect its decisions.
 */
export class Tape {
  private kinds = new Uint8Array(1024);
  private values = new Float64Array(1024);
  private n = 0;
  private readonly overrides: Map<number, number>;

  constructor(overrides: TapeOverrides = [], readonly record = true) {
    this.overrides = new Map(overrides.map(([i, v]) => [i, v]));
  }

  get length(): number {
    return this.n;
  }

  /** Record a decision whose drawn value is `drawn`; returns the value to use (an override wins). */
  decide(kind: number, drawn: number): number {
    const i = this.n;
    const value = this.overrides.size > 0 ? (this.overrides.get(i) ?? drawn) : drawn;
    if (!this.record) {
      this.n = i + 1;
      return value;
    }
    if (i === this.kinds.length) this.grow();
    this.kinds[i] = kind;
    this.values[i] = value;
    this.n = i + 1;
    return value;
  }

  kindAt(i: number): number {
    this.mustRecord();
    return this.kinds[i]!;
  }

  valueAt(i: number): number {
    this.mustRecord();
    return this.values[i]!;
  }

  /** Indices of decisions that were not the benign default (value ≠ 0). */
  nonDefault(): number[] {
    this.mustRecord();
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.values[i] !== 0) out.push(i);
    return out;
  }

  private mustRecord(): void {
    if (!this.record) throw new Error('this tape only counted decisions (recordTape: false); re-run with recording on to read them');
  }

  private grow(): void {
    const kinds = new Uint8Array(this.kinds.length * 2);
    kinds.set(this.kinds);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.kinds = kinds;
    this.values = values;
  }
}
