/**
 * `ZstdCompressionStream` and `ZstdDecompressionStream`: the shape of the Web's
 * `CompressionStream` and `DecompressionStream` (a `readable` and a `writable`, for
 * `pipeThrough`), so code written for them takes Zstandard with a one-word change.
 *
 * @module
 */

import { StreamEncoder } from "./encoder/stream.ts";
import { type CompressStreamOptions, resolveStreamOptions } from "./encoder/options.ts";
import { createDecompressStream } from "./decoder/stream.ts";
import { type DecompressOptions, toBytes } from "./decoder/options.ts";
import { ByteTransform } from "./streams.ts";

/** The first argument of the stream classes: options, or the format name `"zstd"`. */
function options<T extends object>(value: T | "zstd" | undefined, what: string): T | undefined {
  if (value === "zstd" || value === undefined) return undefined;
  if (typeof value === "string") {
    throw new TypeError(`${what}: the format must be "zstd", got "${value}"`);
  }
  if (value === null || typeof value !== "object") {
    throw new TypeError(`${what}: options must be an object or "zstd"`);
  }
  return value;
}

/**
 * Compresses a byte stream into one Zstandard frame, like the Web's `CompressionStream`:
 * `new CompressionStream("gzip")` becomes `new ZstdCompressionStream()` (or
 * `new ZstdCompressionStream("zstd")`, or with options such as `{ level: 19 }`). The same
 * stream as {@linkcode compressStream}: blocks go out as they fill, memory stays bounded, and
 * it waits for its reader.
 *
 * @example Compress a Blob
 * ```ts
 * import { decompress, ZstdCompressionStream } from "@x/zstd";
 * const blob = new Blob(["hello ".repeat(1000)]);
 * const compressed = blob.stream().pipeThrough(new ZstdCompressionStream({ level: 19 }));
 * const frame = new Uint8Array(await new Response(compressed).arrayBuffer());
 * console.log(decompress(frame).length); // 6000
 * ```
 */
export class ZstdCompressionStream implements TransformStream<Uint8Array, Uint8Array> {
  /** The compressed frame. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The bytes to compress. */
  readonly writable: WritableStream<Uint8Array>;

  /**
   * Creates the stream pair.
   *
   * @param options Options of `compressStream` (see {@linkcode CompressStreamOptions}), or
   * `"zstd"` for the defaults (the format name `CompressionStream` takes).
   * @throws {TypeError} on another format name, or an option of the wrong type.
   * @throws {RangeError} on option values out of range.
   */
  constructor(options_?: CompressStreamOptions | "zstd") {
    const resolved = resolveStreamOptions(options(options_, "ZstdCompressionStream"));
    const encoder = new StreamEncoder(
      resolved.options,
      resolved.pledgedSize,
      resolved.flushEachChunk,
    );
    const pair = new ByteTransform(encoder, (chunk) => toBytes(chunk, "chunk"));
    this.readable = pair.readable;
    this.writable = pair.writable;
  }
}

/**
 * Decompresses a byte stream of Zstandard frames, like the Web's `DecompressionStream`:
 * `new DecompressionStream("gzip")` becomes `new ZstdDecompressionStream()` (or
 * `new ZstdDecompressionStream("zstd")`, or with limits such as `{ maxOutputSize }`). The same
 * stream as {@linkcode decompressStream}.
 *
 * @example Decompress a fetched body
 * ```ts
 * import { compress, ZstdDecompressionStream } from "@x/zstd";
 * const frame = new Uint8Array(compress(new TextEncoder().encode("hello")));
 * const body = new Blob([frame]).stream(); // stands for a fetch() body
 * const text = await new Response(body.pipeThrough(new ZstdDecompressionStream())).text();
 * console.log(text); // "hello"
 * ```
 */
export class ZstdDecompressionStream implements TransformStream<Uint8Array, Uint8Array> {
  /** The decompressed content. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The frames to decompress. */
  readonly writable: WritableStream<Uint8Array>;

  /**
   * Creates the stream pair.
   *
   * @param options Limits, checksum verification and the dictionary (see
   * {@linkcode DecompressOptions}), or `"zstd"` for the defaults (the format name
   * `DecompressionStream` takes).
   * @throws {TypeError} on another format name, or an option of the wrong type.
   * @throws {RangeError} on option values out of range.
   */
  constructor(options_?: DecompressOptions | "zstd") {
    const pair = createDecompressStream(options(options_, "ZstdDecompressionStream"));
    this.readable = pair.readable;
    this.writable = pair.writable;
  }
}
