// The event queue: a binary min-heap ordered by (time, seq) on typed arrays, payloads alongside.
// seq is a global insertion counter, so ties never depend on sort stability or hash order.
// `pushFirst` gives an event a seq below every ordinary one: it runs before everything else already
// queued for the same instant (used to release held messages in order at the moment of release).

export class EventQueue<T> {
  private times = new Float64Array(256);
  private seqs = new Float64Array(256);
  private items: (T | undefined)[] = new Array(256);
  private n = 0;
  private nextSeq = 0;
  /** Seqs for pushFirst: negative and increasing, so first-pushed runs first among them. */
  private nextFirstSeq = -(2 ** 52);

  get size(): number {
    return this.n;
  }

  push(timeUs: number, item: T): void {
    this.insert(timeUs, this.nextSeq++, item);
  }

  /** Queue an item ahead of every ordinary item at the same time (in pushFirst order among themselves). */
  pushFirst(timeUs: number, item: T): void {
    this.insert(timeUs, this.nextFirstSeq++, item);
  }

  private insert(timeUs: number, seq: number, item: T): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < timeUs || (pt === timeUs && seqs[p]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      items[i] = items[p];
      i = p;
    }
    times[i] = timeUs;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.times[0]!;
  }

  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const top = this.items[0];
    const last = --this.n;
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const t = times[last]!;
    const s = seqs[last]!;
    const it = items[last];
    items[last] = undefined;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      const ct = times[c]!;
      if (t < ct || (t === ct && s < seqs[c]!)) break;
      times[i] = ct;
      seqs[i] = seqs[c]!;
      items[i] = items[c];
      i = c;
    }
    if (last > 0) {
      times[i] = t;
      seqs[i] = s;
      items[i] = it;
    }
    return top;
  }

  /**
   * Drop every item `keep` refuses, then restore the heap (Floyd's bottom-up build). Keys are unique
   * (seq), so the items that stay pop in exactly the order they would have: only dead entries go.
   */
  compact(keep: (item: T) => boolean): void {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    let n = 0;
    for (let i = 0; i < this.n; i++) {
      const it = items[i] as T;
      if (!keep(it)) continue;
      times[n] = times[i]!;
      seqs[n] = seqs[i]!;
      items[n] = it;
      n++;
    }
    for (let i = n; i < this.n; i++) items[i] = undefined;
    this.n = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const n = this.n;
    const t = times[i]!;
    const s = seqs[i]!;
    const it = items[i];
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < n && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      const ct = times[c]!;
      if (t < ct || (t === ct && s < seqs[c]!)) break;
      times[i] = ct;
      seqs[i] = seqs[c]!;
      items[i] = items[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    items[i] = it;
  }

  /** Items in no particular order (for reporting what was pending). */
  pending(): T[] {
    return this.items.slice(0, this.n) as T[];
  }

  /** Pending items in the order they would pop, (time, seq): a canonical view for state digests. */
  ordered(): T[] {
    const idx = Array.from({ length: this.n }, (_, i) => i);
    idx.sort((a, b) => this.times[a]! - this.times[b]! || this.seqs[a]! - this.seqs[b]!);
    return idx.map((i) => this.items[i]!);
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    this.items.length = cap;
  }
}
