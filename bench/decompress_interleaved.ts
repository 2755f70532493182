/**
 * Decompression, steady state: ours and native libzstd interleaved in short rounds (8 calls
 * each), 30 rounds, best round per decoder. Interleaving cancels machine drift; the best round
 * shows each decoder's warmed-up speed, free of the first-touch page faults and GC pauses that
 * dominate some mitata runs on this VM (see BENCHMARKS.md). Same frames as the mitata benchmark.
 *
 *   deno run -A bench/decompress_interleaved.ts
 *   bun bench/decompress_interleaved.ts
 */

import { decompress } from "../mod.ts";
import { cliCompress, nativeDecompress, nativeName, runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

function bestOf(fn: () => Uint8Array, size: number, calls: number): number {
  let best = Infinity;
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const out = fn();
    const dt = performance.now() - t;
    if (out.length !== size) throw new Error("wrong output length");
    if (dt < best) best = dt;
  }
  return best;
}

console.log(`${runtime}, native = ${nativeName}; best of 30 interleaved rounds of 8 calls`);
console.log("| input | frame | ours MiB/s | native MiB/s | ours/native |");
console.log("|---|---|---|---|---|");
for (const name of ["decodecorpus-z000033", "large-log-stream"]) {
  const data = scenario(name);
  for (const level of [3, 19]) {
    const frame = cliCompress(data, level);
    const calls = data.length > 4 << 20 ? 3 : 8;
    let ours = Infinity;
    let native = Infinity;
    for (let round = 0; round < 30; round++) {
      ours = Math.min(ours, bestOf(() => decompress(frame), data.length, calls));
      native = Math.min(native, bestOf(() => nativeDecompress(frame), data.length, calls));
    }
    const mib = data.length / 1048576;
    console.log(
      `| ${name} | L${level} (${frame.length} B) | ${(mib / ours * 1000).toFixed(0)} | ` +
        `${(mib / native * 1000).toFixed(0)} | ${(native / ours).toFixed(2)}x |`,
    );
  }
}
