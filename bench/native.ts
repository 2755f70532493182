/**
 * Native libzstd in the current process: Bun's built-in zstd where present, else `node:zlib`
 * (Deno). Benchmarks compare against it in the same run, so speed claims are ratios.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";

interface BunZstd {
  zstdCompressSync(data: Uint8Array, options?: { level?: number }): Uint8Array;
  zstdDecompressSync(data: Uint8Array): Uint8Array;
  version: string;
}

const bun = (globalThis as { Bun?: BunZstd }).Bun;
const hasBunZstd = bun !== undefined && typeof bun.zstdDecompressSync === "function";
const constants = zlib.constants as unknown as Record<string, number>;

/** Runtime name and version. */
export const runtime: string = bun !== undefined
  ? `Bun ${bun.version}`
  : `Deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno?.version.deno}`;

/** Which native implementation is measured. */
export const nativeName: string = hasBunZstd ? "Bun.zstd (libzstd)" : "node:zlib (libzstd)";

/** Compresses with libzstd at `level`. */
export function nativeCompress(data: Uint8Array, level: number): Uint8Array {
  if (hasBunZstd) return bun!.zstdCompressSync(data, { level });
  // The size pledged, as Bun's one-shot call knows it: without it libzstd picks the parameters
  // of an unknown size, larger tables on small inputs.
  return zlib.zstdCompressSync(data, {
    pledgedSrcSize: data.length,
    params: { [constants.ZSTD_c_compressionLevel]: level },
  } as never);
}

/**
 * Compresses with libzstd's streaming compressor, no size pledged (`node:zlib` in both runtimes):
 * the parameters of an unknown size, as a stream of ours without `pledgedSize` has.
 */
export function nativeCompressUnknownSize(data: Uint8Array, level: number): Uint8Array {
  return zlib.zstdCompressSync(data, {
    params: { [constants.ZSTD_c_compressionLevel]: level },
  } as never);
}

/** Decompresses one frame with libzstd. */
export function nativeDecompress(frame: Uint8Array): Uint8Array {
  if (hasBunZstd) return bun!.zstdDecompressSync(frame);
  return zlib.zstdDecompressSync(frame);
}

/**
 * Compresses with the `zstd` CLI (from a file, so the frame has its content size, without a
 * checksum, as the library default): the same frame bytes in every runtime.
 */
export function cliCompress(data: Uint8Array, level: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "zstd-bench-"));
  try {
    const file = join(dir, "input");
    writeFileSync(file, data);
    const out = execFileSync("zstd", ["-q", "-c", "--no-check", `-${level}`, file], {
      maxBuffer: 1 << 30,
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads `stream` to its end; the number of bytes it gave. */
export async function streamByteCount(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) return n;
    n += r.value.length;
  }
}
