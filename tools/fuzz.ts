/**
 * A long randomized campaign against the decoder: `deno task fuzz [--seconds N] [--seed S]`.
 *
 * Mutates frames written by libzstd (varied inputs, levels, checksums) and checks the invariants
 * of hostile input: only ZstdError escapes, a checksummed frame that still decodes gives its
 * original bytes, and one-shot and streaming decoding end with the same code. On a failure it
 * writes the input to fuzz-failure-<seed>-<case>.zst and exits non-zero.
 */

import { writeFileSync } from "node:fs";
import process from "node:process";
import zlib from "node:zlib";
import { mutate, mutationRng, oneShotOutcome, streamOutcome } from "../tests/mutate.ts";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = option("--seconds", 60);
const seed = option("--seed", Date.now() % 1_000_000);
const r = mutationRng(seed);
const constants = zlib.constants as unknown as Record<string, number>;

function sample(size: number): Uint8Array {
  const out = new Uint8Array(size);
  const kind = (r() * 3) | 0;
  for (let i = 0; i < size; i++) {
    out[i] = kind === 0
      ? (r() * 256) | 0
      : kind === 1
      ? "the quick brown fox jumps over the lazy dog\n".charCodeAt(i % 44) ^ (r() < 0.05 ? 1 : 0)
      : (i * 7 + (i >> 9)) & 255;
  }
  return out;
}

const corpus: { frame: Uint8Array; original: Uint8Array; checksum: boolean }[] = [];
for (let i = 0; i < 24; i++) {
  const original = sample(100 + ((r() * r() * 400_000) | 0));
  const level = [-5, 1, 3, 6, 12, 19][i % 6];
  const checksum = i % 2 === 0;
  const frame = new Uint8Array(zlib.zstdCompressSync(original, {
    params: {
      [constants.ZSTD_c_compressionLevel]: level,
      [constants.ZSTD_c_checksumFlag]: checksum ? 1 : 0,
    },
  }));
  corpus.push({ frame, original, checksum });
}

const codes = new Map<string, number>();
const start = performance.now();
let cases = 0;
let failures = 0;
while (performance.now() - start < seconds * 1000) {
  const entry = corpus[(r() * corpus.length) | 0];
  const input = mutate(entry.frame, r);
  cases++;
  let problem = "";
  try {
    const [code, out] = oneShotOutcome(input, 1 << 26);
    codes.set(code, (codes.get(code) ?? 0) + 1);
    const sameLength = input.length === entry.frame.length;
    if (code === "ok" && entry.checksum && sameLength && out !== undefined) {
      const a = out;
      const b = entry.original;
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) problem = "wrong bytes accepted";
    }
    if (problem === "" && cases % 8 === 0) {
      const streamed = await streamOutcome(input, 1 + ((r() * 4096) | 0), 1 << 26);
      if (streamed !== code) problem = `stream says ${streamed}, one-shot ${code}`;
    }
  } catch (e) {
    problem = `non-ZstdError: ${e}`;
  }
  if (problem !== "") {
    failures++;
    const file = `fuzz-failure-${seed}-${cases}.zst`;
    writeFileSync(file, input);
    console.log(`FAIL case ${cases} (seed ${seed}): ${problem}; input written to ${file}`);
    if (failures >= 10) break;
  }
}
const rate = (cases / ((performance.now() - start) / 1000)).toFixed(0);
console.log(`seed ${seed}: ${cases} cases (${rate}/s), ${failures} failures`);
console.log(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])));
process.exit(failures > 0 ? 1 : 0);
