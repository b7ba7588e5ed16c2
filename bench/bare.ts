// The bare event-loop ceiling: a minimal discrete-event loop (typed-array binary heap keyed by
// (time, seq), seedrandom xor4096, trivial handlers, no trace) that the engine's figures are
// divided by. Standalone on purpose: it shares no code with sim/, so it measures the machine.
import seedrandom from 'seedrandom';

/** Run `events` events on `nodes` nodes with 4 messages in flight per node; returns events/s. */
export function bareLoop(nodes: number, events: number, now: () => number): { eventsPerSec: number; checksum: number } {
  const inFlight = nodes * 4;
  const cap = inFlight + 16;
  const times = new Float64Array(cap);
  const seqs = new Float64Array(cap);
  const dst = new Int32Array(cap);
  const received = new Float64Array(nodes + 1);
  const rng = seedrandom.xor4096('bare');
  let n = 0;
  let nextSeq = 0;

  const push = (t: number, node: number): void => {
    const s = nextSeq++;
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p]! < t || (times[p] === t && seqs[p]! < s)) break;
      times[i] = times[p]!;
      seqs[i] = seqs[p]!;
      dst[i] = dst[p]!;
      i = p;
    }
    times[i] = t;
    seqs[i] = s;
    dst[i] = node;
  };

  /** Pop the minimum; returns its node (its time is left in `popped`). */
  let popped = 0;
  const pop = (): number => {
    const top = dst[0]!;
    popped = times[0]!;
    const last = --n;
    const t = times[last]!;
    const s = seqs[last]!;
    const d = dst[last]!;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      if (t < times[c]! || (t === times[c] && s < seqs[c]!)) break;
      times[i] = times[c]!;
      seqs[i] = seqs[c]!;
      dst[i] = dst[c]!;
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    dst[i] = d;
    return top;
  };

  for (let k = 0; k < inFlight; k++) push(Math.floor(rng() * 1000), 1 + (k % nodes));
  const start = now();
  for (let e = 0; e < events; e++) {
    const node = pop();
    // Trivial handler: count, then send one message to a random node after a random delay.
    received[node]! += 1;
    push(popped + 100 + Math.floor(rng() * 900), 1 + Math.floor(rng() * nodes));
  }
  const sec = (now() - start) / 1000;
  let checksum = 0;
  for (let i = 1; i <= nodes; i++) checksum += received[i]! * i;
  return { eventsPerSec: events / sec, checksum };
}
