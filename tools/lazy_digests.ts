/**
 * Size and XXH64 (low 32 bits) of our frame for every input of the lazy band (`LAZY_SCENARIOS`)
 * at levels 5 to 12, one line each: run before and after a change to the finders and `diff` the
 * two outputs to show that a change keeps the output byte for byte (tools/compress_digests.ts
 * covers every level on smaller inputs).
 *
 *   deno run -A tools/lazy_digests.ts [scenario,scenario,...] > before.txt
 */

import { compress } from "../mod.ts";
import { xxh64Low32 } from "../entropy/xxh64.ts";
import { LAZY_SCENARIOS, scenario } from "../bench/scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const names = args[0]?.split(",") ?? LAZY_SCENARIOS;
for (const name of names) {
  const data = scenario(name);
  for (let level = 5; level <= 12; level++) {
    const frame = compress(data, { level });
    console.log(name, level, frame.length, xxh64Low32(frame, 0, frame.length).toString(16));
  }
}
