// The rolling 64-bit trace hash: FNV-1a over 32-bit words, as two 32-bit lanes (no BigInt).
// Cheap enough to stay on for every event, trace or no trace.

const PRIME_LO = 0x1b3;
const PRIME_HI = 0x100;
const CACHE = 64;

export class TraceHash {
  private lo = 0x84222325 | 0;
  private hi = 0xcbf29ce4 | 0;
  /** A direct-mapped cache of string digests: a hit is one identity compare, no Map hashing. */
  private readonly cacheKeys: (string | undefined)[] = new Array<string | undefined>(CACHE).fill(undefined);
  private readonly cacheIds = new Int32Array(CACHE);

  /** Mix one 32-bit word (numbers are truncated to their low 32 bits; times are split first). */
  word(w: number): void {
    // FNV-1a: xor the word in, then multiply by the 64-bit FNV prime 2^40 + 0x1b3.
    const lo = this.lo ^ (w | 0);
    const hi = this.hi;
    const a = Math.imul(lo & 0xffff, PRIME_LO);
    const b = Math.imul(lo >>> 16, PRIME_LO);
    const newLo = (a + ((b & 0xffff) << 16)) | 0;
    const carry = ((b >>> 16) + ((a >>> 16) + (b & 0xffff) >>> 16)) | 0;
    const newHi = (Math.imul(hi, PRIME_LO) + Math.imul(lo, PRIME_HI) + carry) | 0;
    this.lo = newLo;
    this.hi = newHi;
  }

  /** Mix a non-negative number that may exceed 32 bits (e.g. a time in µs). */
  big(n: number): void {
    const lo = n >>> 0; // n mod 2^32, exact for integers below 2^53
    this.word(lo);
    this.word((n - lo) / 0x100000000);
  }

  /** Mix a string through its 32-bit FNV-1a digest (cached by slot; the digest never depends on the cache). */
  str(s: string): void {
    const slot = (s.length * 31 + (s.length > 0 ? s.charCodeAt(s.length - 1) : 0)) & (CACHE - 1);
    if (this.cacheKeys[slot] === s) {
      this.word(this.cacheIds[slot]!);
      return;
    }
    let id = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) id = Math.imul(id ^ s.charCodeAt(i), 0x01000193);
    this.cacheKeys[slot] = s;
    this.cacheIds[slot] = id;
    this.word(id);
  }

  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}
