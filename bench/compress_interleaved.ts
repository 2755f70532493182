/**
 * Compression steady state: ours and native libzstd interleaved call by call on each input,
 * best round of each, per level × scenario. Interleaving makes both sides see the same machine
 * noise; the best round is the steady state (JIT warm, memory recycled).
 *
 *   deno run -A bench/compress_interleaved.ts [--levels=1,3] [--scenarios=a,b|lazy|slices] [--rounds=20] [--warmup=300] [--cell-warmup=300] [--slice=N]
 *   bun bench/compress_interleaved.ts [--levels=1,3] [--scenarios=a,b] [--rounds=20] [--warmup=300] [--cell-warmup=300] [--slice=N]
 *
 * `--slice=N`: N bytes of each scenario instead of the whole (from byte N when it holds 2N or
 * more, else from its start): the mid-sized inputs of BENCHMARKS.md.
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
const slice = Number(option("slice") ?? 0);
/** The scenario's bytes, or the `--slice` of them. */
function input(name: string): Uint8Array {
  const data = scenario(name);
  if (slice <= 0) return data;
  const from = data.length >= 2 * slice ? slice : 0;
  return data.subarray(from, from + slice);
}
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

const heads = names.map((name) => input(name).subarray(0, 64 << 10));
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
  `${runtime}, native = ${nativeName}; best of ${rounds} interleaved rounds after ${warmup} ms of warm-up per level and ${cellWarmup} ms per cell`,
);
console.log(
  "| level | scenario | ours (B) | native (B) | size ours/native | ours MiB/s | native MiB/s | speed ours/native |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const name of names) {
  const data = input(name);
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
    const mib = data.length / 1048576;
    const ours = mib / (bestOurs / 1000);
    const cells = [
      level,
      name,
      oursSize,
      hasNative ? nativeSize : "—",
      hasNative ? (oursSize / nativeSize).toFixed(4) : "—",
      ours.toFixed(0),
    ];
    if (hasNative) {
      const native = mib / (bestNative / 1000);
      cells.push(native.toFixed(0), `${(ours / native).toFixed(2)}x`);
    } else {
      cells.push("—", "—");
    }
    console.log(`| ${cells.join(" | ")} |`);
  }
}
