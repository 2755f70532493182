/**
 * Shared test helpers: paths to the test data, libzstd in-process and through the CLI, and
 * stream plumbing. Tests prove against libzstd, never against ourselves.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import zlib from "node:zlib";
import { decompressStream } from "../mod.ts";
import { decodecorpusDir } from "./corpus.ts";

export { decodecorpusFrames, DICT_DIR } from "./corpus.ts";

/** decodecorpus frames and their originals (see tests/corpus.ts). */
export const DECODECORPUS_DIR: string = decodecorpusDir();

/** Reads a file as a plain Uint8Array. */
export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * libzstd's one-shot compressor (`Bun.zstdCompressSync`), which cuts blocks as `compress` does,
 * or null where the runtime has none (Deno, Node: node:zlib is the streaming compressor, whose
 * blocks are larger; see {@linkcode nativeCompress}).
 */
export function oneShotNativeCompress(data: Uint8Array, level: number): Uint8Array | null {
  const bun = (globalThis as {
    Bun?: { zstdCompressSync(d: Uint8Array, o: { level: number }): Uint8Array };
  }).Bun;
  return bun === undefined ? null : bun.zstdCompressSync(data, { level });
}

/** libzstd in-process: compress at a level, optionally with a checksum. */
export function nativeCompress(data: Uint8Array, level: number, checksum = false): Uint8Array {
  const c = zlib.constants as unknown as Record<string, number>;
  // The size pledged, as a one-shot compressor knows it (Deno's zlib otherwise compresses as
  // for an unknown size, with larger tables on small inputs).
  const out = zlib.zstdCompressSync(data, {
    pledgedSrcSize: data.length,
    params: {
      [c.ZSTD_c_compressionLevel]: level,
      [c.ZSTD_c_checksumFlag]: checksum ? 1 : 0,
    },
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Whether the slow matrices run (`deno task test:full`). */
export const FULL: boolean = process.env.ZSTD_TEST_FULL === "1";

/** libzstd in-process decompression (first frame only under Deno). */
export function nativeDecompress(frame: Uint8Array): Uint8Array {
  const out = zlib.zstdDecompressSync(frame);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Runs the zstd CLI with `args`, feeding `input` on stdin; returns stdout. */
export function zstdCli(args: string[], input: Uint8Array): Uint8Array {
  const out = execFileSync("zstd", args, {
    input,
    maxBuffer: 1 << 30,
    stdio: ["pipe", "pipe", "ignore"],
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The zstd CLI's decoding of `frames` (concatenated), through a file: a large input and a large
 * output on pipes can deadlock a synchronous child.
 */
export function zstdCliDecode(frames: Uint8Array[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "zstd-test-"));
  try {
    const path = join(dir, "frames.zst");
    writeFileSync(path, concat(frames));
    const out = execFileSync("zstd", ["-d", "-c", "-q", path], { maxBuffer: 1 << 30 });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic PRNG (xorshift32) for generated inputs. */
export function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Text-like bytes: words from a small vocabulary with numbers, `size` bytes. */
export function textLike(size: number, seed = 1): Uint8Array {
  const r = rng(seed);
  const words = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "zstd",
    "frame",
    "block",
    "literal",
    "sequence",
    "offset",
    "window",
    "entropy",
    "huffman",
    "table",
    "stream",
    "\n",
  ];
  const out = new Uint8Array(size);
  let p = 0;
  while (p < size) {
    const w = r() < 0.1 ? String(Math.floor(r() * 100000)) : words[Math.floor(r() * words.length)];
    for (let i = 0; i < w.length && p < size; i++) out[p++] = w.charCodeAt(i);
    if (p < size) out[p++] = 32;
  }
  return out;
}

/** Random bytes. */
export function randomBytes(size: number, seed = 7): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (r() * 256) | 0;
  return out;
}

/** Splits `data` into chunks by `sizes()` and pipes them through `decompressStream`. */
export function streamDecompress(
  data: Uint8Array,
  nextSize: () => number,
  options?: Parameters<typeof decompressStream>[0],
): Promise<Uint8Array> {
  return pipeChunks(decompressStream(options), data, nextSize);
}

/**
 * Writes `data` into `ts` in chunks of `nextSize()` bytes while reading its output; returns the
 * output, or throws the first error of either side.
 */
export async function pipeChunks(
  ts: TransformStream<Uint8Array, Uint8Array>,
  data: Uint8Array,
  nextSize: () => number,
): Promise<Uint8Array> {
  const writer = ts.writable.getWriter();
  const parts: Uint8Array[] = [];
  const reading = (async () => {
    for await (const part of ts.readable) parts.push(part);
  })();
  const writing = (async () => {
    for (let i = 0; i < data.length;) {
      const n = Math.max(1, nextSize());
      await writer.write(data.subarray(i, i + n));
      i += n;
    }
    await writer.close();
  })();
  const results = await Promise.allSettled([writing, reading]);
  for (const r of results) if (r.status === "rejected") throw r.reason;
  return concat(parts);
}

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte equality with a short message instead of a huge diff. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The error `f` rejects with (fails if it resolves). */
export async function rejection(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}
