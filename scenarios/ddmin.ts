// Delta debugging (Zeller's ddmin): the smallest subset of a list for which a test still fails.
// Pure; the caller's test runs the simulation and decides. Result is 1-minimal unless stopped early.

/**
 * Minimise `items` while `fails(subset)` holds (items itself is known to fail). Tries the empty
 * list first, then chunks and their complements at growing granularity. `stopped` ends the search
 * early, keeping the smallest failing subset found so far.
 */
export async function ddmin<T>(items: readonly T[], fails: (subset: T[]) => Promise<boolean>, stopped: () => boolean = () => false): Promise<T[]> {
  let cur = [...items];
  if (cur.length === 0 || (await fails([]))) return [];
  let n = 2;
  while (cur.length >= 2 && !stopped()) {
    const chunks = split(cur, n);
    const next = (await firstFailing(chunks, fails, stopped)) ??
      (n > 2 ? await firstFailing(chunks.map((_, i) => chunks.filter((_c, j) => j !== i).flat()), fails, stopped) : undefined);
    if (next !== undefined) {
      n = next.length < cur.length / 2 ? 2 : Math.max(n - 1, 2);
      cur = next;
      continue;
    }
    if (n >= cur.length) break;
    n = Math.min(cur.length, n * 2);
  }
  return cur;
}

async function firstFailing<T>(candidates: T[][], fails: (subset: T[]) => Promise<boolean>, stopped: () => boolean): Promise<T[] | undefined> {
  for (const c of candidates) {
    if (stopped()) return undefined;
    if (await fails(c)) return c;
  }
  return undefined;
}

/** `items` in n contiguous chunks of near-equal size (the first ones one longer). */
export function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const size = Math.floor(items.length / n);
  let extra = items.length % n;
  let at = 0;
  for (let i = 0; i < n && at < items.length; i++) {
    const len = size + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    out.push(items.slice(at, at + len));
    at += len;
  }
  return out;
}
