/**
 * Small records with a dictionary: the 207 files of the dictionary corpus (115 B to 2 KiB, unit
 * files), each compressed on its own with the corpus dictionary, ours against native libzstd in
 * the same process, interleaved, best round. Native with a dictionary needs Bun (its node:zlib
 * takes `dictionary`; Deno's ignores it), so under Deno only our numbers are printed.
 *
 *   bun bench/dictionary_records.ts [--levels=1,3,9] [--rounds=15]
 */

import { readdirSync, readFileSync } from "node:fs";
import zlib from "node:zlib";
import { DICT_DIR as dir } from "../tests/corpus.ts";
import { compress, ZstdDictionary } from "../mod.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const levels = (option("levels") ?? "1,3,9").split(",").map(Number);
const rounds = Number(option("rounds") ?? 15);

const dictBytes = new Uint8Array(readFileSync(dir + "dictionary"));
const dictionary = new ZstdDictionary(dictBytes);
const records = readdirSync(dir + "files").filter((n) => !n.endsWith(".zst")).sort()
  .map((n) => new Uint8Array(readFileSync(dir + "files/" + n)));
const bytes = records.reduce((a, r) => a + r.length, 0);
const hasNative = "Bun" in globalThis;
const constants = zlib.constants as unknown as Record<string, number>;

function native(record: Uint8Array, level: number): number {
  return zlib.zstdCompressSync(record, {
    dictionary: dictBytes,
    params: { [constants.ZSTD_c_compressionLevel]: level },
  } as never).length;
}

console.log(
  `${records.length} records, ${bytes} bytes; native: ${hasNative ? "Bun node:zlib" : "none"}`,
);
console.log(
  "| level | ours (B) | native (B) | ours µs/record | native µs/record | speed ours/native |",
);
console.log("|---|---|---|---|---|---|");
for (const level of levels) {
  let oursSize = 0;
  let nativeSize = 0;
  let bestOurs = Infinity;
  let bestNative = Infinity;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    let size = 0;
    for (const rec of records) size += compress(rec, { level, dictionary }).length;
    bestOurs = Math.min(bestOurs, performance.now() - t);
    oursSize = size;
    if (hasNative) {
      t = performance.now();
      size = 0;
      for (const rec of records) size += native(rec, level);
      bestNative = Math.min(bestNative, performance.now() - t);
      nativeSize = size;
    }
  }
  const per = (ms: number) => (ms / records.length * 1000).toFixed(1);
  console.log(
    `| ${level} | ${oursSize} | ${hasNative ? nativeSize : "—"} | ${per(bestOurs)} | ` +
      `${hasNative ? per(bestNative) : "—"} | ${
        hasNative ? (bestNative / bestOurs).toFixed(2) + "x" : "—"
      } |`,
  );
}
