/**
 * Compression steady state: ours and native libzstd interleaved round by round on each input,
 * best round of each, per level × scenario. Interleaving makes both sides see the same machine
 * noise; the best round is the steady state (JIT warm, memory recycled).
 *
 *   deno run -A bench/compress_interleaved.ts [--levels=1,3] [--scenarios=a,b|lazy|slices] [--rounds=20] [--warmup=300] [--cell-warmup=300] [--slice=N[,M]] [--cycle]
 *   bun bench/compress_interleaved.ts [--levels=1,3] [--scenarios=a,b] [--rounds=20] [--warmup=300] [--cell-warmup=300] [--slice=N[,M]] [--cycle]
 *
 * `--slice=N`: N bytes of each scenario instead of the whole (from byte N when it holds 2N or
 * more, else from its start): the mid-sized inputs of BENCHMARKS.md. `--slice=N,M,...`: each
 * scenario at each of these sizes.
 *
 * `--cycle`: per level, the inputs called in turn, one call of ours then one of native on each
 * before the next input, best call of each per input (otherwise a round times about 4 MiB of calls
 * of each side on one input, back to back). A server meets its inputs this way: the tables a call leaves in the caches
 * were filled by other content. Back to back, the hash chain's 3 MiB of tables (level 6 on 200 KB
 * slices, 2^19 heads) kept their lines between calls on the same content, and read even with rows
 * of 2^17 entries in Deno; in turn, the rows ran 1.05-1.2x faster, and the chain with 2^17 heads
 * faster still (nineteenth session of 12-07).
 *
 * Under Bun, mitata's loop measured our compressor at a fraction of this steady state (see
 * BENCHMARKS.md), so this is the reference for ratios in both runtimes.
 */

import { compress } from "../mod.ts";
import { nativeCompress, nativeName, runtime } from "./native.ts";
import { LAZY_SCENARIOS, scenario, SCENARIO_NAMES, SLICE_SCENARIOS } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const levels = (option("levels") ?? "1,3").split(",").map(Number);
const scenarioOption = option("scenarios");
// "lazy": the lazy band's inputs (the seven scenarios, the seed's repetitive logs, real files);
// "slices": 16 and 64 KiB slices of the real files.
const names = scenarioOption === "lazy"
  ? LAZY_SCENARIOS
  : scenarioOption === "slices"
  ? SLICE_SCENARIOS
  : scenarioOption?.split(",") ?? SCENARIO_NAMES;
const rounds = Number(option("rounds") ?? 20);
const slices = (option("slice") ?? "0").split(",").map(Number);
const cycle = args.includes("--cycle");
/** The scenario's bytes, or a slice of `size` of them. */
function input(name: string, size: number): Uint8Array {
  const data = scenario(name);
  if (size <= 0) return data;
  const from = data.length >= 2 * size ? size : 0;
  return data.subarray(from, from + size);
}
// The inputs: each scenario, at each slice size (named `scenario@size` when there are several).
const inputs = names.flatMap((name) =>
  slices.map((size) => ({
    name: slices.length > 1 ? `${name}@${size}` : name,
    data: input(name, size),
  }))
);
// Milliseconds of untimed calls per level before the first timed one, on the first 64 KiB of
// each input: the JIT's steady state. Without them the first inputs (the small ones, about 3,000
// calls over 3 rounds) were timed partly in JavaScriptCore's lower tiers: Bun's 4 KiB log lines
// read 0.41x and 0.47x at levels 6 and 5 with 3 rounds, 0.60x and 0.72x with 9.
const warmup = Number(option("warmup") ?? 300);
// Milliseconds of untimed calls, ours and native alternately (at least one of each), on each
// cell's own input before its rounds. The warm-up above runs 64 KiB heads, which take other
// parameters and finders than the whole inputs (the hash chain up to 256 KiB, the row finder or
// the buckets above), so a large input's first rounds ran its finder in the JIT's lower tiers:
// Bun's level 7 on the low-entropy megabyte took about 25 calls to reach its steady 5.5-7 ms a
// call, and read 0.38x of native over 3 rounds of 4 calls against 0.6-0.7x once warm (12-07).
const cellWarmup = Number(option("cell-warmup") ?? 300);

function nativeSupports(level: number): boolean {
  return level > 0 || (runtime === "Deno" && level !== -1);
}

const heads = inputs.map(({ data }) => data.subarray(0, 64 << 10));
for (const level of levels) {
  const until = performance.now() + warmup;
  while (performance.now() < until) {
    for (const head of heads) {
      compress(head, { level });
      if (nativeSupports(level)) nativeCompress(head, level);
    }
  }
}

console.log(
  cycle
    ? `${runtime}, native = ${nativeName}; inputs in turn, best of ${rounds} calls each after ${warmup} ms of warm-up per level and ${cellWarmup} ms per input`
    : `${runtime}, native = ${nativeName}; best of ${rounds} interleaved rounds after ${warmup} ms of warm-up per level and ${cellWarmup} ms per cell`,
);
console.log(
  "| level | scenario | ours (B) | native (B) | size ours/native | ours MiB/s | native MiB/s | speed ours/native |",
);
console.log("|---|---|---|---|---|---|---|---|");
/** Prints one cell: sizes, the best call of each side (ms), and their speed ratio. */
function printCell(
  level: number,
  name: string,
  bytes: number,
  sizes: [number, number],
  best: [number, number],
): void {
  const hasNative = nativeSupports(level);
  const mib = bytes / 1048576;
  const ours = mib / (best[0] / 1000);
  const cells = [
    level,
    name,
    sizes[0],
    hasNative ? sizes[1] : "—",
    hasNative ? (sizes[0] / sizes[1]).toFixed(4) : "—",
    ours.toFixed(0),
  ];
  if (hasNative) {
    const native = mib / (best[1] / 1000);
    cells.push(native.toFixed(0), `${(ours / native).toFixed(2)}x`);
  } else {
    cells.push("—", "—");
  }
  console.log(`| ${cells.join(" | ")} |`);
}

/** The inputs in turn at each level, one call of each side per input and round (`--cycle`). */
function cycleCells(): void {
  for (const level of levels) {
    const hasNative = nativeSupports(level);
    const sizes = inputs.map(({ data }): [number, number] => [
      compress(data, { level }).length,
      hasNative ? nativeCompress(data, level).length : 0,
    ]);
    const until = performance.now() + cellWarmup * inputs.length;
    do {
      for (const { data } of inputs) {
        compress(data, { level });
        if (hasNative) nativeCompress(data, level);
      }
    } while (performance.now() < until);
    const best = inputs.map((): [number, number] => [Infinity, Infinity]);
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < inputs.length; i++) {
        const data = inputs[i].data;
        let t = performance.now();
        if (compress(data, { level }).length !== sizes[i][0]) throw new Error("size changed");
        best[i][0] = Math.min(best[i][0], performance.now() - t);
        if (hasNative) {
          t = performance.now();
          if (nativeCompress(data, level).length !== sizes[i][1]) throw new Error("size changed");
          best[i][1] = Math.min(best[i][1], performance.now() - t);
        }
      }
    }
    inputs.forEach(({ name, data }, i) => printCell(level, name, data.length, sizes[i], best[i]));
  }
}

if (cycle) cycleCells();
else {
  for (const { name, data } of inputs) {
    // Calls per round: about 4 MiB of input, at least one call.
    const calls = Math.max(1, Math.round((4 << 20) / Math.max(data.length, 1)));
    for (const level of levels) {
      const hasNative = nativeSupports(level);
      const oursSize = compress(data, { level }).length;
      const nativeSize = hasNative ? nativeCompress(data, level).length : 0;
      const until = performance.now() + cellWarmup;
      do {
        compress(data, { level });
        if (hasNative) nativeCompress(data, level);
      } while (performance.now() < until);
      let bestOurs = Infinity;
      let bestNative = Infinity;
      for (let r = 0; r < rounds; r++) {
        let t = performance.now();
        for (let i = 0; i < calls; i++) {
          if (compress(data, { level }).length !== oursSize) throw new Error("size changed");
        }
        bestOurs = Math.min(bestOurs, (performance.now() - t) / calls);
        if (hasNative) {
          t = performance.now();
          for (let i = 0; i < calls; i++) {
            if (nativeCompress(data, level).length !== nativeSize) throw new Error("size changed");
          }
          bestNative = Math.min(bestNative, (performance.now() - t) / calls);
        }
      }
      printCell(level, name, data.length, [oursSize, nativeSize], [bestOurs, bestNative]);
    }
  }
}
