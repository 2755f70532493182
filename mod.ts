/**
 * Zstandard ([RFC 8878](https://www.rfc-editor.org/rfc/rfc8878)) compression and decompression
 * in pure TypeScript: no dependencies, no WebAssembly, the same code in Deno, Bun, Node and
 * browsers. Every libzstd level from -7 to 22, frames that any Zstandard decoder reads (sizes
 * within a fraction of a percent of libzstd's), a decoder for every feature of the format with
 * bounded memory and limits against hostile input, Web streams, and dictionaries (zstd-format,
 * raw, or trained with {@linkcode trainDictionary}).
 *
 * - {@linkcode compress} and {@linkcode decompress}: `Uint8Array` in, `Uint8Array` out.
 * - {@linkcode compressStream} and {@linkcode decompressStream}: `TransformStream`s, like the
 *   Web's `CompressionStream` and `DecompressionStream`, for data of any size.
 * - {@linkcode compressAsync} and {@linkcode decompressAsync}: the same, as Promises, in a pool
 *   of workers started on first use, so a large input does not freeze a UI or an event loop
 *   (`transfer`, `signal`: {@linkcode AsyncOptions}; {@linkcode terminateWorkers} ends the pool);
 *   `workers: n` compresses one frame on several cores ({@linkcode CompressAsyncOptions}).
 * - Options: {@linkcode CompressOptions} (level, checksum, dictionary, advanced parameters),
 *   {@linkcode CompressStreamOptions} (`pledgedSize`, `flushEachChunk`, `workers`) and
 *   {@linkcode DecompressOptions} (`maxOutputSize`, `maxWindowLog`, `verifyChecksum`,
 *   dictionary).
 * - {@linkcode readFrameInfo}: what `zstd -l` shows of each frame (content size, window size,
 *   dictionary ID, checksum flag, where it starts and ends) without decoding it.
 * - Dictionaries: {@linkcode ZstdDictionary}, {@linkcode trainDictionary} and its
 *   {@linkcode TrainOptions}.
 * - HTTP: {@linkcode encodeResponse} compresses a server's responses (`Content-Encoding: zstd`,
 *   or `dcz` with a dictionary) for clients that accept it, with windows browsers accept;
 *   {@linkcode decodeResponse} decodes them where `fetch` does not. {@linkcode
 *   ZstdCompressionStream} and {@linkcode ZstdDecompressionStream} stand in for the Web's
 *   `CompressionStream` and `DecompressionStream`.
 * - Errors: bad data throws a {@linkcode ZstdError} whose `code` is a
 *   {@linkcode ZstdErrorCode}; misuse throws `TypeError` (wrong argument types, unknown option
 *   keys, views of detached buffers), values out of range `RangeError`.
 *
 * @example Compress and decompress bytes
 * ```ts
 * import { compress, decompress } from "@x/zstd";
 * const input = new TextEncoder().encode("Zstandard, Zstandard, Zstandard!");
 * const frame = compress(input, { level: 3 }); // a standard .zst frame
 * const output = decompress(frame);
 * console.log(new TextDecoder().decode(output)); // "Zstandard, Zstandard, Zstandard!"
 * ```
 *
 * @example Stream: compress a body of any size, then decompress it
 * ```ts
 * import { compressStream, decompressStream } from "@x/zstd";
 * // Any ReadableStream<Uint8Array> works: a fetch() body, a file's stream, a socket.
 * const body = new Response("a line of a log file\n".repeat(10_000)).body!;
 * const compressed = body.pipeThrough(compressStream({ level: 3 }));
 * const text = await new Response(compressed.pipeThrough(decompressStream())).text();
 * console.log(text.length); // 210000
 * ```
 *
 * @example Decompress untrusted data with limits
 * ```ts
 * import { compress, decompress, ZstdError } from "@x/zstd";
 * const bomb = compress(new Uint8Array(16 << 20)); // 16 MiB of zeros in a tiny frame
 * try {
 *   decompress(bomb, { maxOutputSize: 1 << 20 });
 * } catch (e) {
 *   if (!(e instanceof ZstdError)) throw e;
 *   console.log(e.code); // "output_too_large"
 * }
 * ```
 *
 * @example Decompress a frame written by libzstd
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
import { compressStreamInWorkers } from "./async.ts";
import { createDecompressStream } from "./decoder/stream.ts";
import {
  type DecompressOptions,
  DEFAULT_MAX_OUTPUT_ONE_SHOT,
  resolveDecompressOptions,
  toBytes,
} from "./decoder/options.ts";

export { ZstdError, type ZstdErrorCode } from "./errors.ts";
export { type DictionaryLayout, ZstdDictionary } from "./dictionary.ts";
export { trainDictionary, type TrainOptions } from "./encoder/train.ts";
export { type FrameInfo, readFrameInfo } from "./frame_info.ts";
export type { DecompressOptions } from "./decoder/options.ts";
export type { CompressOptions, CompressStreamOptions, StrategyName } from "./encoder/options.ts";
export {
  decodeResponse,
  type DecodeResponseOptions,
  encodeResponse,
  type EncodeResponseOptions,
} from "./http.ts";
export { ZstdCompressionStream, ZstdDecompressionStream } from "./web_streams.ts";
export {
  type AsyncOptions,
  compressAsync,
  type CompressAsyncOptions,
  decompressAsync,
  type DecompressAsyncOptions,
  terminateWorkers,
} from "./async.ts";

/**
 * Compresses `input` into one Zstandard frame that any decoder reads. Levels are libzstd's, from
 * -7 (fastest) to 22 (smallest); the default is 3. The frame records the content size; add
 * `checksum: true` for an XXH64 checksum of the content.
 *
 * @param input The bytes to compress (a `Uint8Array`, or a subclass such as Node's `Buffer`).
 * @param options Level, checksum, dictionary and advanced parameters: see
 * {@linkcode CompressOptions}.
 * @returns One Zstandard frame.
 * @throws {TypeError} when `input` is not a Uint8Array or views a detached buffer, `options` has
 * a key {@linkcode CompressOptions} does not define (a misspelt option is not ignored), or an
 * option has the wrong type.
 * @throws {RangeError} on option values out of range.
 *
 * @example Round trip
 * ```ts
 * import { compress, decompress } from "@x/zstd";
 * const text = new TextEncoder().encode("hello hello hello hello hello");
 * const frame = compress(text, { level: 3 });
 * console.log(new TextDecoder().decode(decompress(frame))); // "hello hello hello hello hello"
 * ```
 *
 * @example Levels and a checksum
 * ```ts
 * import { compress } from "@x/zstd";
 * const data = new TextEncoder().encode(
 *   Array.from({ length: 2000 }, (_, i) => `row ${i}: ${(i * 7919) % 1000}`).join("\n"),
 * );
 * const fast = compress(data, { level: -5 }); // fastest
 * const small = compress(data, { level: 19, checksum: true }); // smaller, and verifiable
 * console.log(small.length < fast.length && fast.length < data.length); // true
 * ```
 *
 * @example Small records with a dictionary
 * ```ts
 * import { compress, decompress, ZstdDictionary } from "@x/zstd";
 * const text = new TextEncoder();
 * // Raw content: bytes the records are likely to repeat. `trainDictionary` makes better ones.
 * const dictionary = new ZstdDictionary(
 *   text.encode('{"type":"order","status":"shipped","currency":"EUR","items":[]}'),
 * );
 * const record = text.encode('{"type":"order","status":"shipped","currency":"EUR","id":12}');
 * const frame = compress(record, { dictionary });
 * console.log(frame.length < compress(record).length); // true
 * console.log(decompress(frame, { dictionary }).length === record.length); // true
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
 * With `pledgedSize`, the frame is byte for byte the one `compress` makes of the same input, but
 * for inputs whose repeats all lie within 64 KiB (levels 5 to 15) or that have none (5 to 22), and
 * at level 9 for inputs above 1 MiB whose repeats do not reach 2 MiB back: `compress`, seeing the
 * whole input, gives them smaller match tables.
 *
 * @param options Those of {@linkcode compress}, plus `pledgedSize` and `flushEachChunk`: see
 * {@linkcode CompressStreamOptions}.
 * @returns A stream pair: write bytes to `writable`, read the frame from `readable`.
 * @throws {TypeError} when `options` has a key {@linkcode CompressStreamOptions} does not define,
 * an option has the wrong type, or (on the stream) a chunk is not a Uint8Array or views a
 * detached buffer.
 * @throws {RangeError} on option values out of range.
 * @throws {ZstdError} (on the stream) `source_size_wrong` when the stream does not carry its
 * `pledgedSize`.
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
 * @example Compress a response body (or a file) without holding it in memory
 * ```ts
 * import { compressStream } from "@x/zstd";
 * // Stands for `(await fetch(url)).body`, or `(await Deno.open(path)).readable`.
 * const source = new Response("log line\n".repeat(100_000)).body!;
 * let compressedBytes = 0;
 * await source.pipeThrough(compressStream({ level: 3 })).pipeTo(
 *   // Stands for a file (`(await Deno.create(path)).writable`) or an upload.
 *   new WritableStream({ write: (chunk) => void (compressedBytes += chunk.length) }),
 * );
 * console.log(compressedBytes < 9000); // true: 900,000 bytes of one repeated line
 * ```
 *
 * @example Known size: the same frame as `compress`
 * ```ts
 * import { compress, compressStream } from "@x/zstd";
 * const data = new TextEncoder().encode("pledged ".repeat(1000));
 * const stream = new Blob([data]).stream()
 *   .pipeThrough(compressStream({ pledgedSize: data.length }));
 * const frame = new Uint8Array(await new Response(stream).arrayBuffer());
 * console.log(frame.join() === compress(data).join()); // true
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
 * console.log(value !== undefined); // true
 * ```
 */
export function compressStream(
  options?: CompressStreamOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const resolved = resolveStreamOptions(options);
  const oneThread = () => {
    const encoder = new StreamEncoder(
      resolved.options,
      resolved.pledgedSize,
      resolved.flushEachChunk,
    );
    return new ByteTransform(encoder, (chunk) => toBytes(chunk, "chunk"));
  };
  return resolved.workers === 1 ? oneThread() : compressStreamInWorkers(resolved, oneThread);
}

/**
 * Decompresses every frame of `input` (concatenated frames and skippable frames included) and
 * returns their content. Content checksums are verified when frames carry one. By default the
 * output is limited to 1 GiB and windows to 128 MiB; set `maxOutputSize` lower for data from
 * untrusted sources. Whatever `maxOutputSize` says, one call returns at most 4 GiB − 1 MiB
 * (the largest array every runtime can hold, with a block's room); `decompressStream` has no such
 * limit. Memory follows the data: a frame's declared content size is believed only as far as its
 * compressed bytes can justify, and the output grows as the blocks prove more.
 *
 * @param input One or more Zstandard frames (a `Uint8Array`, or a subclass such as `Buffer`).
 * @param options Limits, checksum verification and the dictionary: see
 * {@linkcode DecompressOptions}.
 * @returns The content of all the frames, in order.
 * @throws {ZstdError} on invalid, truncated or over-limit data.
 * @throws {TypeError} when `input` is not a Uint8Array or views a detached buffer, `options` has
 * a key {@linkcode DecompressOptions} does not define (a misspelt `maxOutputSize` is not
 * ignored), or an option has the wrong type.
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
 *
 * @example Limit the output size of untrusted input
 * ```ts
 * import { compress, decompress, ZstdError } from "@x/zstd";
 * const upload = compress(new Uint8Array(8 << 20)); // 8 MiB of zeros in a tiny frame
 * try {
 *   decompress(upload, { maxOutputSize: 1 << 20, maxWindowLog: 23 }); // 1 MiB out, 8 MiB window
 * } catch (e) {
 *   if (e instanceof ZstdError && e.code === "output_too_large") console.log("rejected");
 *   else throw e;
 * }
 * ```
 *
 * @example Concatenated frames decode as one
 * ```ts
 * import { compress, decompress } from "@x/zstd";
 * const text = new TextEncoder();
 * const first = compress(text.encode("first, "));
 * const second = compress(text.encode("second"));
 * const both = new Uint8Array(first.length + second.length);
 * both.set(first);
 * both.set(second, first.length);
 * console.log(new TextDecoder().decode(decompress(both))); // "first, second"
 * ```
 */
export function decompress(input: Uint8Array, options?: DecompressOptions): Uint8Array {
  const src = toBytes(input, "input");
  return decompressFrames(src, resolveDecompressOptions(options, DEFAULT_MAX_OUTPUT_ONE_SHOT));
}

/**
 * A `TransformStream` that decompresses a byte stream of frames, like the Web's
 * `DecompressionStream`. Any chunking works (1 byte included); output is emitted block by block;
 * memory stays at the window plus one block, and the stream waits for its reader. Errors are
 * the same `ZstdError` codes `decompress` raises for the same input; the output is unlimited
 * unless `maxOutputSize` is set.
 *
 * @param options Limits, checksum verification and the dictionary: see
 * {@linkcode DecompressOptions}.
 * @returns A stream pair: write frames to `writable`, read their content from `readable`.
 * @throws {TypeError} when `options` has a key {@linkcode DecompressOptions} does not define, an
 * option has the wrong type, or (on the stream) a chunk is not a Uint8Array or views a detached
 * buffer.
 * @throws {RangeError} on option values out of range.
 * @throws {ZstdError} (on the stream) on invalid, truncated or over-limit data.
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
 *
 * @example Read line by line, with a limit
 * ```ts
 * import { compressStream, decompressStream, ZstdError } from "@x/zstd";
 * // Stands for `(await fetch(url)).body` or `(await Deno.open(path)).readable` of a .zst file.
 * const body = new Response("one\ntwo\nthree\n").body!.pipeThrough(compressStream());
 * const lines = body
 *   .pipeThrough(decompressStream({ maxOutputSize: 64 << 20 }))
 *   .pipeThrough(new TextDecoderStream());
 * let text = "";
 * try {
 *   for await (const piece of lines) text += piece;
 * } catch (e) {
 *   if (e instanceof ZstdError) console.log("bad stream:", e.code);
 *   else throw e;
 * }
 * console.log(text.split("\n").length - 1); // 3
 * ```
 */
export function decompressStream(
  options?: DecompressOptions,
): TransformStream<Uint8Array, Uint8Array> {
  return createDecompressStream(options);
}
