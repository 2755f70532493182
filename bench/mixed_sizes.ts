/**
 * Mixed input sizes: decodecorpus-z000033 at level 1, then many small inputs, then z000033
 * again. In Deno the last line matches the first. In Bun (JavaScriptCore) it falls to ~16 MiB/s
 * after about a thousand small calls: the optimized code then leaves to the baseline tier at its
 * DataView reads on every call ("Uncountable" OSR exits, which never trigger a recompile). Kept
 * as the reproducer of that open problem (see BENCHMARKS.md).
 *
 *   deno run -A bench/mixed_sizes.ts [small-scenario] [calls]
 *   bun bench/mixed_sizes.ts [small-scenario] [calls]
 */

import { compress } from "../mod.ts";
import { runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const small = scenario(args[0] ?? "small-4k-log-lines");
const calls = Number(args[1] ?? 2000);
const large = scenario("decodecorpus-z000033");

function best(data: Uint8Array, n: number): number {
  let t = Infinity;
  for (let r = 0; r < n; r++) {
    const s = performance.now();
    compress(data, { level: 1 });
    t = Math.min(t, performance.now() - s);
  }
  return data.length / 1048576 / (t / 1000);
}

console.log(runtime);
console.log(`z000033 L1 before: ${best(large, 10).toFixed(0)} MiB/s`);
console.log(
  `${args[0] ?? "small-4k-log-lines"} L1 × ${calls}: ${best(small, calls).toFixed(0)} MiB/s`,
);
console.log(`z000033 L1 after: ${best(large, 10).toFixed(0)} MiB/s`);
