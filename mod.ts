/**
 * Zstandard (RFC 8878) in pure TypeScript: no dependencies, no WebAssembly, any runtime.
 *
 * @example Decompress a frame
 * ```ts
 * import { decompress } from "@x/zstd";
 * // A frame holding the 5 bytes "hello", as written by libzstd.
 * const frame = new Uint8Array([
 *   0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
 * ]);
 * console.log(new TextDecoder().decode(decompress(frame))); // "hello"
 * ```
 *
 * @module
 */

import { decompressFrames } from "./decoder/decompress.ts";
import { compressFrame } from "./encoder/compress.ts";
import {
  type CompressOptions,
  type CompressStreamOptions,
  resolveCompressOptions,
  resolveStreamOptions,
} from "./encoder/options.ts";
import { StreamEncoder } from "./encoder/stream.ts";
import { ByteTransform } from "./streams.ts";
import { createDecompressStream } from "./decoder/stream.ts";
import {
  type DecompressOptions,
  DEFAULT_MAX_OUTPUT_ONE_SHOT,
  resolveDecompressOptions,
  toBytes,
} from "./decoder/options.ts";

export { ZstdError, type ZstdErrorCode } from "./errors.ts";
export { ZstdDictionary } from "./dictionary.ts";
export { trainDictionary, type TrainOptions } from "./encoder/train.ts";
export type { DecompressOptions } from "./decoder/options.ts";
export type { CompressOptions, CompressStreamOptions, StrategyName } from "./encoder/options.ts";

/**
 * Compresses `input` into one Zstandard frame that any decoder reads. Levels are libzstd's, from
 * -7 (fastest) to 22 (smallest); the default is 3.
 *
 * @throws {TypeError} when `input` is not a Uint8Array or an option has the wrong type.
 * @throws {RangeError} on option values out of range.
 *
 * @example Round trip
 * ```ts
 * import { compress, decompress } from "@x/zstd";
 * const text = new TextEncoder().encode("hello hello hello hello hello");
 * const frame = compress(text, { level: 3 });
 * console.log(new TextDecoder().decode(decompress(frame))); // "hello hello hello hello hello"
 * ```
 */
export function compress(input: Uint8Array, options?: CompressOptions): Uint8Array {
  const src = toBytes(input, "input");
  return compressFrame(src, resolveCompressOptions(options, src.length));
}

/**
 * A `TransformStream` that compresses a byte stream into one Zstandard frame, like the Web's
 * `CompressionStream`. Blocks go out as soon as they fill; memory stays at the window plus two
 * blocks and the match tables, whatever the stream's length; the stream waits for its reader.
 * With `pledgedSize`, the frame is byte for byte the one `compress` makes of the same input.
 *
 * @throws {TypeError} when an option has the wrong type, or (on the stream) a chunk is not a
 * Uint8Array.
 * @throws {RangeError} on option values out of range.
 *
 * @example Compress a stream of text
 * ```ts
 * import { compressStream, decompress } from "@x/zstd";
 * const body = new Blob(["hello ", "streaming ", "world"]).stream();
 * const frame = new Uint8Array(
 *   await new Response(body.pipeThrough(compressStream({ level: 3 }))).arrayBuffer(),
 * );
 * console.log(new TextDecoder().decode(decompress(frame))); // "hello streaming world"
 * ```
 *
 * @example Interactive protocol: every message decodable as soon as it is written
 * ```ts
 * import { compressStream } from "@x/zstd";
 * const { readable, writable } = compressStream({ flushEachChunk: true });
 * const writer = writable.getWriter();
 * const reader = readable.getReader();
 * writer.write(new TextEncoder().encode("ping"));
 * const { value } = await reader.read(); // the frame header, then the block holding "ping"
 * console.log(value !== undefined);
 * ```
 */
export function compressStream(
  options?: CompressStreamOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const resolved = resolveStreamOptions(options);
  const encoder = new StreamEncoder(
    resolved.options,
    resolved.pledgedSize,
    resolved.flushEachChunk,
  );
  return new ByteTransform(encoder, (chunk) => toBytes(chunk, "chunk"));
}

/**
 * Decompresses every frame of `input` (concatenated frames and skippable frames included) and
 * returns their content.
 *
 * @throws {ZstdError} on invalid, truncated or over-limit data.
 * @throws {TypeError} when `input` is not a Uint8Array.
 * @throws {RangeError} on option values out of range.
 *
 * @example Round trip with libzstd's output
 * ```ts
 * import { decompress } from "@x/zstd";
 * const frame = new Uint8Array([
 *   0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
 * ]);
 * const bytes = decompress(frame);
 * console.log(bytes.length); // 5
 * ```
 */
export function decompress(input: Uint8Array, options?: DecompressOptions): Uint8Array {
  const src = toBytes(input, "input");
  return decompressFrames(src, resolveDecompressOptions(options, DEFAULT_MAX_OUTPUT_ONE_SHOT));
}

/**
 * A `TransformStream` that decompresses a byte stream of frames, like the Web's
 * `DecompressionStream`. Any chunking works (1 byte included); output is emitted block by block;
 * memory stays at the window plus one block, and the stream waits for its reader.
 *
 * @example Decompress a fetched body
 * ```ts
 * import { decompressStream } from "@x/zstd";
 * const frame = new Uint8Array([
 *   0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
 * ]);
 * const text = await new Response(
 *   new Blob([frame]).stream().pipeThrough(decompressStream()),
 * ).text();
 * console.log(text); // "hello"
 * ```
 */
export function decompressStream(
  options?: DecompressOptions,
): TransformStream<Uint8Array, Uint8Array> {
  return createDecompressStream(options);
}
