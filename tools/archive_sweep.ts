/**
 * Sizes on archive-like inputs (issue 21's size constraint; see
 * docs/perf/2026-12-07-probe-blind-spots.md): inputs of 0.5 to 5.5 MiB made of random parts
 * (16 KiB to 1 MiB slices of the real files, the realistic logs and the low-entropy megabyte;
 * decodecorpus files; 1 to 600 KiB of random bytes; copies of earlier parts), each compressed at
 * levels 5 to 13 and 15 (and 16 and 19 up to 2 MiB) and compared with native libzstd. Run it under
 * Bun: its one-shot libzstd is the size reference (Deno's `node:zlib` cuts blocks differently).
 * Prints each input's parts and its cells above `--bound`, then how many cells were above it and
 * the worst.
 *
 *   bun tools/archive_sweep.ts [--seed=1] [--inputs=24] [--bound=1.01] [--dump=K]
 *
 * `--dump=K` writes input K to archive-K.bin instead of compressing.
 */

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { compress } from "../mod.ts";
import { nativeCompress, runtime } from "../bench/native.ts";
import { scenario } from "../bench/scenarios.ts";
import { decodecorpusDir } from "../tests/corpus.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => {
  const a = args.find((a) => a.startsWith(`--${name}=`));
  return a === undefined ? undefined : a.slice(name.length + 3);
};
let state = Number(option("seed") ?? 1) >>> 0;
const inputs = Number(option("inputs") ?? 24);
const bound = Number(option("bound") ?? 1.01);
const dump = option("dump");

/** A linear congruential generator: numbers in [0, 1). */
function next(): number {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
}

const files = [
  "real-ts-declarations",
  "real-prose",
  "real-json",
  "real-js-bundle",
  "real-x86-binary",
  "large-log-stream",
  "low-entropy-1m",
].map((name) => scenario(name));
const dir = decodecorpusDir();
const corpus = readdirSync(dir).filter((f) => !f.endsWith(".zst")).sort()
  .map((f) => new Uint8Array(readFileSync(dir + f))).filter((d) => d.length > 20000);
const levels = [5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 19];

console.log(`${runtime}; cells above ${bound}`);
let above = 0;
let cells = 0;
let worst = 0;
for (let k = 0; k < inputs; k++) {
  const parts: Uint8Array[] = [];
  const names: string[] = [];
  let total = 0;
  const target = (0.5 + next() * 5) * (1 << 20);
  while (total < target) {
    const x = next();
    let part: Uint8Array;
    if (x < 0.3) {
      const which = (next() * files.length) | 0;
      const file = files[which];
      const n = (16 << 10) + ((next() * (1 << 20)) | 0);
      const from = (next() * Math.max(1, file.length - n)) | 0;
      part = file.subarray(from, from + n);
      names.push(`file${which}@${from >> 10}K+${part.length >> 10}K`);
    } else if (x < 0.5) {
      part = corpus[(next() * corpus.length) | 0];
      names.push(`dc${part.length >> 10}K`);
    } else if (x < 0.7) {
      part = new Uint8Array((1 << 10) + ((next() * (600 << 10)) | 0));
      for (let i = 0; i < part.length; i++) part[i] = (next() * 256) | 0;
      names.push(`random${part.length >> 10}K`);
    } else if (parts.length > 0) {
      part = parts[(next() * parts.length) | 0];
      names.push(`copy${part.length >> 10}K`);
    } else continue;
    parts.push(part);
    total += part.length;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  if (dump !== undefined) {
    if (Number(dump) === k) writeFileSync(`archive-${k}.bin`, data);
    continue;
  }
  const out: string[] = [];
  for (const level of levels) {
    if (level >= 16 && data.length > 2 << 20) continue;
    const ratio = compress(data, { level }).length / nativeCompress(data, level).length;
    cells++;
    if (ratio > worst) worst = ratio;
    if (ratio > bound) {
      above++;
      out.push(`L${level} ${ratio.toFixed(3)}`);
    }
  }
  const size = (data.length / (1 << 20)).toFixed(2);
  console.log(`#${k} ${size} MiB [${names.join(" ")}] ${out.join(" ") || "ok"}`);
}
console.log(`${above} of ${cells} cells above ${bound}; worst ${worst.toFixed(4)}`);
