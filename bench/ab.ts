// Before/after on one machine: the stack bench's figures for the source tree at <root>, with the bare
// ceiling measured in the same process (best of 3). Run it alternately on two trees (e.g. a
// `git archive` of the base commit with node_modules linked) and compare medians of the ratios:
// `node --expose-gc --import tsx bench/ab.ts <root>` prints one JSON line; per protocol: seeds/s per
// core, ratio to bare, bytes allocated per event, simulated s per CPU-s at 5 / 50 / 100 nodes, and the
// 100-node ÷ 5-node cost per simulated second.
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const { bareLoop } = (await import(`${root}/bench/bare.ts`)) as typeof import('./bare.ts');
const { benchStack } = (await import(`${root}/bench/stack.ts`)) as typeof import('./stack.ts');
const now = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let bare = 0;
for (let r = 0; r < 3; r++) bare = Math.max(bare, bareLoop(5, 2_000_000, now).eventsPerSec);
const s = (await benchStack(bare)) as Record<string, Record<string, number> | undefined>;
const out: Record<string, unknown> = { root, bareM: +(bare / 1e6).toFixed(2) };
for (const p of ['dlm-lvb', 'oldest-member', 'lease']) {
  const x = s[p];
  if (x === undefined) continue;
  out[p] = [x.seedsPerSecPerCore, x.ratioToBare5, x.bytesAllocatedPerEvent, x.nodes5SimSecPerCpuSec,
    x.nodes50SimSecPerCpuSec, x.nodes100SimSecPerCpuSec, x.cost100vs5PerSimSec].join(' ');
}
console.log(JSON.stringify(out));
