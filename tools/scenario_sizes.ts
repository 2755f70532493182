/**
 * Compressed sizes, ours and native libzstd's, of one benchmark scenario across levels (no
 * timing: sizes do not depend on machine noise).
 *
 *   bun tools/scenario_sizes.ts [scenario] [levels]    (Bun: libzstd's one-shot compressor)
 *   deno run -A tools/scenario_sizes.ts [scenario] [levels]
 */

import { compress } from "../mod.ts";
import { nativeCompress, nativeName } from "../bench/native.ts";
import { scenario } from "../bench/scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const name = args[0] ?? "large-log-stream";
const levels = (args[1] ?? "1,2,3,4,5,6,7,8,9,10,11,12").split(",").map(Number);
const data = scenario(name);
console.log(`${name}, native = ${nativeName}`);
console.log("| level | ours (B) | native (B) | ours/native |\n|---|---|---|---|");
for (const level of levels) {
  const ours = compress(data, { level }).length;
  const native = nativeCompress(data, level).length;
  console.log(`| ${level} | ${ours} | ${native} | ${(ours / native).toFixed(4)} |`);
}
