/**
 * A long randomized campaign against the decoder:
 * `deno task fuzz [--seconds N] [--seed S] [--family NAME]`.
 *
 * Mutates frames written by libzstd (varied inputs, levels, checksums) and checks the invariants
 * of hostile input: only ZstdError escapes, a checksummed frame that still decodes gives its
 * original bytes, and one-shot and streaming decoding end with the same code. One case in four
 * is from a crafted family instead (issue 22), each checking that cost follows the input:
 *
 * - `windows`: streams of frames whose windows alternate (empty, RLE, raw and libzstd frames,
 *   windowLog 10 to 27): right bytes, and the stream's windows grow a few times, to at most what
 *   the largest frame's output needs (never reallocated per frame, never sized by a header).
 * - `dictionary`: up to 5,000 frames with a raw dictionary of up to 4 MiB, empty or copying from
 *   it (into their own output too): right bytes, and time that does not grow with the dictionary.
 * - `content-size`: libzstd and RLE frames whose content size lies (off by one, zero, huge,
 *   2^64 - 1, 2^64 - 2, beyond the one-shot limit): ZstdError or the right bytes, the same code
 *   streamed, and no output buffer beyond what the input can justify.
 *
 * `--family mutate|windows|dictionary|content-size` runs one family only. On a failure it writes
 * the input to fuzz-failure-<seed>-<case>.zst and exits non-zero.
 */

import { writeFileSync } from "node:fs";
import process from "node:process";
import zlib from "node:zlib";
import { decompress, ZstdDictionary, ZstdError } from "../mod.ts";
import { outputAllocations } from "../decoder/decompress.ts";
import { windowAllocations } from "../decoder/stream.ts";
import { mutate, mutationRng, oneShotOutcome, streamOutcome } from "../tests/mutate.ts";
import {
  dictionaryMatchContent,
  dictionaryMatchFrame,
  emptyFrame,
  MAGIC,
  raw,
  rleFrame,
  withContentSize,
} from "../tests/crafted.ts";
import { concat, streamDecompress } from "../tests/helpers.ts";
import { BLOCK_SIZE_MAX } from "../format.ts";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = option("--seconds", 60);
const seed = option("--seed", Date.now() % 1_000_000);
const familyAt = process.argv.indexOf("--family");
const only = familyAt >= 0 ? process.argv[familyAt + 1] : "";
const FAMILIES = ["mutate", "windows", "dictionary", "content-size"];
if (only !== "" && !FAMILIES.includes(only)) {
  console.error(`--family must be one of ${FAMILIES.join(", ")}`);
  process.exit(2);
}
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

/** Room past a window or an output: a block and the copy slack. */
const ROOM = BLOCK_SIZE_MAX + 64;

/** The raw dictionary of the dictionary family, rebuilt now and then. */
let rawDictionary: Uint8Array = new Uint8Array(0);
let dictionary: ZstdDictionary | null = null;

const codes = new Map<string, number>();
const families = new Map<string, number>();
const start = performance.now();
let cases = 0;
let failures = 0;
while (performance.now() - start < seconds * 1000) {
  const family = only !== "" ? only : r() < 0.75 ? "mutate" : FAMILIES[1 + ((r() * 3) | 0)];
  families.set(family, (families.get(family) ?? 0) + 1);
  cases++;
  let input: Uint8Array = new Uint8Array(0);
  let problem = "";
  try {
    const c = family === "mutate"
      ? await mutationCase()
      : family === "windows"
      ? await windowsCase()
      : family === "dictionary"
      ? await dictionaryCase()
      : await contentSizeCase();
    input = c.input;
    problem = c.problem;
  } catch (e) {
    problem = `non-ZstdError: ${e}`;
  }
  if (problem !== "") {
    failures++;
    const file = `fuzz-failure-${seed}-${cases}.zst`;
    writeFileSync(file, input);
    console.log(
      `FAIL case ${cases} (seed ${seed}, ${family}): ${problem}; input written to ${file}`,
    );
    if (failures >= 10) break;
  }
}

/** One case: the input (written out on failure) and what is wrong with its decoding, or "". */
interface Case {
  input: Uint8Array;
  problem: string;
}

/** A libzstd frame, mutated. */
async function mutationCase(): Promise<Case> {
  const entry = corpus[(r() * corpus.length) | 0];
  const input = mutate(entry.frame, r);
  const [code, out] = oneShotOutcome(input, 1 << 26);
  codes.set(code, (codes.get(code) ?? 0) + 1);
  const sameLength = input.length === entry.frame.length;
  if (code === "ok" && entry.checksum && sameLength && out !== undefined) {
    if (!same(out, entry.original)) return { input, problem: "wrong bytes accepted" };
  }
  if (cases % 8 === 0) {
    const streamed = await streamOutcome(input, 1 + ((r() * 4096) | 0), 1 << 26);
    if (streamed !== code) return { input, problem: `stream says ${streamed}, one-shot ${code}` };
  }
  return { input, problem: "" };
}

/** A stream of frames whose windows alternate. */
async function windowsCase(): Promise<Case> {
  const parts: Uint8Array[] = [];
  const expected: Uint8Array[] = [];
  let largest = 0;
  const n = 1 + ((r() * r() * 300) | 0);
  for (let i = 0; i < n; i++) {
    const windowLog = r() < 0.5 ? 27 - ((r() * 4) | 0) : 10 + ((r() * 8) | 0);
    const kind = r();
    let content: Uint8Array;
    if (kind < 0.5) {
      parts.push(new Uint8Array(emptyFrame(windowLog)));
      content = new Uint8Array(0);
    } else if (kind < 0.7) {
      const size = Math.min(1 << windowLog, BLOCK_SIZE_MAX) >>> ((r() * 4) | 0);
      const blocks = 1 + ((r() * 8) | 0);
      parts.push(rleFrame(blocks, undefined, windowLog, size));
      content = new Uint8Array(blocks * size);
      for (let b = 0; b < blocks; b++) content.fill(0x61 + (b & 15), b * size, (b + 1) * size);
    } else if (kind < 0.85) {
      const text = "window ".repeat(1 + ((r() * 100) | 0)).slice(0, 1 << windowLog);
      parts.push(new Uint8Array([...MAGIC, 0x00, (windowLog - 10) << 3, ...raw(text, true)]));
      content = new TextEncoder().encode(text);
    } else {
      const entry = corpus[(r() * corpus.length) | 0];
      parts.push(entry.frame);
      content = entry.original;
    }
    expected.push(content);
    largest = Math.max(largest, content.length);
  }
  const input = concat(parts);
  const want = concat(expected);
  const [code, out] = oneShotOutcome(input, 1 << 28);
  codes.set(code, (codes.get(code) ?? 0) + 1);
  if (code !== "ok" || !same(out!, want)) return { input, problem: `one-shot: ${code}` };
  const count = windowAllocations.count;
  const before = windowAllocations.largest;
  windowAllocations.largest = 0;
  const streamed = await streamDecompress(input, () => 1 + ((r() * 70000) | 0));
  const grown = windowAllocations.count - count;
  const biggest = windowAllocations.largest;
  windowAllocations.largest = Math.max(before, biggest);
  if (!same(streamed, want)) return { input, problem: "stream: wrong bytes" };
  // The window grows 4 times per step from 1 MiB, only when a frame's output needs it.
  if (grown > 8) return { input, problem: `${grown} window allocations for ${n} frames` };
  if (biggest > Math.max(1 << 20, 4 * (largest + ROOM))) {
    return { input, problem: `a window of ${biggest} bytes for outputs of at most ${largest}` };
  }
  return { input, problem: "" };
}

/** Many frames with a raw dictionary, empty or copying from it. */
async function dictionaryCase(): Promise<Case> {
  if (dictionary === null || r() < 0.1) {
    rawDictionary = sample(1024 + ((r() * r() * (4 << 20)) | 0));
    rawDictionary[0] = 0; // never the dictionary magic number: raw content
    dictionary = new ZstdDictionary(rawDictionary);
  }
  const d = rawDictionary;
  const n = 1 + ((r() * 5000) | 0);
  const parts: Uint8Array[] = [];
  const expected: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (r() < 0.3) {
      parts.push(new Uint8Array(emptyFrame(10)));
      continue;
    }
    const back = r() < 0.2 ? d.length - ((r() * 8) | 0) : 1 + ((r() * d.length) | 0);
    const length = 3 + ((r() * 32) | 0);
    parts.push(dictionaryMatchFrame(back, length));
    expected.push(dictionaryMatchContent(d, back, length));
  }
  const input = concat(parts);
  const want = concat(expected);
  const t = performance.now();
  let out: Uint8Array;
  try {
    out = decompress(input, { dictionary });
  } catch (e) {
    if (!(e instanceof ZstdError)) throw e;
    codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    return { input, problem: `one-shot: ${e.code}` };
  }
  const ms = performance.now() - t;
  codes.set("ok", (codes.get("ok") ?? 0) + 1);
  if (!same(out, want)) return { input, problem: "one-shot: wrong bytes" };
  // Copying a 4 MiB dictionary per frame took about 1 ms a frame; reading it in place, far less.
  if (d.length >= 1 << 20 && ms > 250 + 0.1 * n) {
    return { input, problem: `${n} frames took ${ms.toFixed(0)} ms with ${d.length} bytes` };
  }
  const streamed = await streamDecompress(input, () => 1 + ((r() * 70000) | 0), { dictionary });
  if (!same(streamed, want)) return { input, problem: "stream: wrong bytes" };
  return { input, problem: "" };
}

/** Frames whose content size lies. */
async function contentSizeCase(): Promise<Case> {
  let frame: Uint8Array;
  let original: Uint8Array;
  if (r() < 0.7) {
    const entry = corpus[(r() * corpus.length) | 0];
    frame = entry.frame;
    original = entry.original;
  } else {
    const blocks = 1 + ((r() * 64) | 0);
    frame = rleFrame(blocks);
    original = new Uint8Array(blocks << 17);
    for (let b = 0; b < blocks; b++) original.fill(0x61 + (b & 15), b << 17, (b + 1) << 17);
  }
  const truth = original.length;
  const single = (frame[4] & 0x20) !== 0;
  const UNKNOWN = 2n ** 64n - 1n; // libzstd's ZSTD_CONTENTSIZE_UNKNOWN
  const lies: bigint[] = [
    truth,
    truth + 1,
    Math.max(0, truth - 1),
    0,
    (r() * truth) | 0,
    truth * (2 + ((r() * 1000) | 0)),
    2 ** 30,
    2 ** 32 - 1,
    2 ** 32 + 1,
    Math.floor(r() * 2 ** 53),
  ].map(BigInt).concat([2n ** 64n - 2n, UNKNOWN]);
  const lie = lies[(r() * lies.length) | 0];
  const input = withContentSize(frame, lie)!;
  const limit = r() < 0.5 ? 1 << 26 : Infinity;
  const before = outputAllocations.largest;
  outputAllocations.largest = 0;
  const [code, out] = oneShotOutcome(input, limit);
  const biggest = outputAllocations.largest;
  outputAllocations.largest = Math.max(before, biggest);
  codes.set(code, (codes.get(code) ?? 0) + 1);
  const honest = lie === BigInt(truth) || (lie === UNKNOWN && !single);
  if (code === "ok" && (!honest || !same(out!, original))) {
    return { input, problem: `content size ${lie} for ${truth} bytes accepted` };
  }
  if (honest && truth <= 1 << 26 && code !== "ok") {
    return { input, problem: `true content size ${lie}: ${code}` };
  }
  if (lie === UNKNOWN && single && code !== "window_too_large") {
    return { input, problem: `single segment, unknown size: ${code}` };
  }
  // Up front, at most 128 times the input (1 MiB at least); then doubling as data arrives.
  const justified = Math.max(128 * input.length, 1 << 20) + 2 * (truth + ROOM);
  if (biggest > justified) {
    return { input, problem: `an output buffer of ${biggest} bytes for ${truth} (claim ${lie})` };
  }
  // Beyond the one-shot limit only decompress says output_too_large; a stream has no such limit.
  if (limit !== Infinity || lie === UNKNOWN || lie <= 2n ** 32n - 2n ** 20n) {
    const streamed = await streamOutcome(input, 1 + ((r() * 70000) | 0), limit);
    if (streamed !== code) return { input, problem: `stream says ${streamed}, one-shot ${code}` };
  }
  return { input, problem: "" };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const rate = (cases / ((performance.now() - start) / 1000)).toFixed(0);
console.log(`seed ${seed}: ${cases} cases (${rate}/s), ${failures} failures`);
console.log(Object.fromEntries(families));
console.log(Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])));
process.exit(failures > 0 ? 1 : 0);
