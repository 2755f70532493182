/**
 * Decompression: ours vs native libzstd (same process) vs fzstd, on decodecorpus-z000033 and a
 * 16 MiB log stream, frames written at levels 3 and 19 by the `zstd` CLI, so that both runtimes
 * decode the same bytes (each runtime's in-process libzstd is another version and writes other
 * frames: Bun's pre-splits z000033 into 94 blocks at level 3, Deno's into 14).
 *
 *   deno run -A bench/decompress.bench.ts [--quick]
 *   bun bench/decompress.bench.ts [--quick]
 *
 * Each measured function checks the output length and folds it into a sum that is printed, so
 * no decoder can skip work unseen. mitata's do_not_optimize is not used: it keeps the last output
 * alive on a global object, and under Bun that alone made our 1 MiB decode 2.4x slower
 * (218 vs 515 MiB/s) while leaving native's C-allocated outputs unaffected.
 */

import { bench, group, run } from "mitata";
import { decompress as fzstd } from "fzstd";
import { decompress } from "../mod.ts";
import { cliCompress, nativeDecompress, nativeName, runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const quick = args.includes("--quick");

const cases: { name: string; size: number; frame: Uint8Array }[] = [];
for (const name of ["decodecorpus-z000033", "large-log-stream"]) {
  const data = scenario(name);
  for (const level of [3, 19]) {
    const frame = cliCompress(data, level);
    // The frames must decode to the input with every decoder before we time anything.
    for (const out of [decompress(frame), nativeDecompress(frame), fzstd(frame)]) {
      if (out.length !== data.length) throw new Error(`${name} L${level}: wrong length`);
    }
    cases.push({ name: `${name} L${level}`, size: data.length, frame });
  }
}

let checksum = 0;
function check(out: Uint8Array, size: number): void {
  if (out.length !== size) throw new Error("wrong output length");
  checksum = (checksum + out.length + out[out.length >> 1]) | 0;
}

// Warm-up outside the measurement: JIT tiers, and fresh memory. In this VM the first touch of
// never-used guest memory costs ~3 ms per MiB of output, so until the GC has recycled a few
// hundred MiB of output buffers every decoder that allocates looks twice as slow as it is.
const warmUntil = performance.now() + (quick ? 1500 : 4000);
while (performance.now() < warmUntil) {
  for (const c of cases) {
    check(decompress(c.frame), c.size);
    check(nativeDecompress(c.frame), c.size);
    check(fzstd(c.frame), c.size);
  }
}

for (const c of cases) {
  group(c.name, () => {
    // gc(false): a forced collection before each benchmark hands freed pages back, and the
    // re-faulting then dominates the first second of every benchmark (see the warm-up above).
    bench(`ours ${c.name}`, () => check(decompress(c.frame), c.size)).gc(false);
    bench(`native ${c.name}`, () => check(nativeDecompress(c.frame), c.size)).gc(false);
    bench(`fzstd ${c.name}`, () => check(fzstd(c.frame), c.size)).gc(false);
  });
}

const filter = args.find((a) => a.startsWith("--filter="));
const result = await run({
  format: quick ? "quiet" : "mitata",
  ...(filter ? { filter: new RegExp(filter.slice(9)) } : {}),
});

const mibs = (size: number, ns: number) => (size / 1048576) / (ns / 1e9);
const median = new Map<string, number>();
for (const trial of result.benchmarks) {
  for (const r of trial.runs) if (r.stats) median.set(r.name, r.stats.p50);
}
console.log(`\n${runtime}, native = ${nativeName}; MiB/s from the median time per call`);
console.log(`(output check sum ${checksum})`);
console.log("| input | frame | ours | native | fzstd | ours/native | ours/fzstd |");
console.log("|---|---|---|---|---|---|---|");
for (const c of cases) {
  const ours = mibs(c.size, median.get(`ours ${c.name}`)!);
  const native = mibs(c.size, median.get(`native ${c.name}`)!);
  const fz = mibs(c.size, median.get(`fzstd ${c.name}`)!);
  const [input, level] = c.name.split(" ");
  console.log(
    `| ${input} | ${level} (${c.frame.length} B) | ${ours.toFixed(0)} | ${native.toFixed(0)} | ` +
      `${fz.toFixed(0)} | ${(ours / native).toFixed(2)}x | ${(ours / fz).toFixed(2)}x |`,
  );
}
