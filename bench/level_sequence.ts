/**
 * One level after others in the same process: calls of the other levels first (8 each, on four
 * real files), then the level's calls on one input, each beside native libzstd on the same input,
 * printed as speed ratios ours/native call by call. Run it with and without `--after` (each in a
 * process of its own) to see whether the other levels leave the engine's code for this one slower.
 * A JIT compiles a shared loop for the paths its first calls take; a later level that takes
 * another path can leave the optimized code for good. Bun ran level 10 after levels 7, 8 and 9 at
 * 0.51-0.59x native for 40 calls in a row on 4 MiB of x86 code, against 0.8x alone, until bdd0f6b
 * (and levels 8 and 9 after level 7 left their optimized code at every block until 9875e87 and
 * d764eae). With `BUN_JSC_printEachOSRExit=1`, Bun names the functions that leave their
 * optimized code.
 *
 *   deno run -A bench/level_sequence.ts [--level=10] [--after=7,8,9] [--input=real-x86-binary]
 *     [--calls=20]
 *   bun bench/level_sequence.ts [--level=10] [--after=7,8,9] [--input=real-x86-binary] [--calls=20]
 */

import { compress } from "../mod.ts";
import { nativeCompress, runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const level = Number(option("level") ?? 10);
const after = (option("after") ?? "").split(",").filter((l) => l !== "").map(Number);
const input = scenario(option("input") ?? "real-x86-binary");
const calls = Number(option("calls") ?? 20);

const others = ["real-ts-declarations", "real-js-bundle", "real-prose", "real-json"].map(scenario);
for (const l of after) {
  for (let c = 0; c < 8; c++) compress(others[c % others.length], { level: l });
}

nativeCompress(input, level);
const ratios: number[] = [];
const times: number[] = [];
for (let c = 0; c < calls; c++) {
  let t = performance.now();
  compress(input, { level });
  const ours = performance.now() - t;
  t = performance.now();
  nativeCompress(input, level);
  ratios.push((performance.now() - t) / ours);
  times.push(ours);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `${runtime}: level ${level} after [${after.join(",")}], ${input.length} bytes: median ` +
    `${median(ratios).toFixed(2)}x native, ours ${median(times).toFixed(1)} ms; by call ${
      ratios.map((r) => r.toFixed(2)).join(" ")
    }`,
);
