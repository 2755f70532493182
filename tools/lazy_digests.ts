/**
 * Size and XXH64 (low 32 bits) of our frame for every input of the lazy band (`LAZY_SCENARIOS`)
 * at levels 5 to 12, one line each: run before and after a change to the finders and `diff` the
 * two outputs to show that a change keeps the output byte for byte (tools/compress_digests.ts
 * covers every level on smaller inputs). A second argument picks other levels (`13,14,15`);
 * `all` as the first keeps every input.
 *
 *   deno run -A tools/lazy_digests.ts [scenario,scenario,...|all] [levels] > before.txt
 */

import { compress } from "../mod.ts";
import { xxh64Low32 } from "../entropy/xxh64.ts";
import { LAZY_SCENARIOS, scenario } from "../bench/scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const names = args[0] === undefined || args[0] === "all" ? LAZY_SCENARIOS : args[0].split(",");
const levels = args[1]?.split(",").map(Number) ?? [5, 6, 7, 8, 9, 10, 11, 12];
for (const name of names) {
  const data = scenario(name);
  for (const level of levels) {
    const frame = compress(data, { level });
    console.log(name, level, frame.length, xxh64Low32(frame, 0, frame.length).toString(16));
  }
}
