/**
 * The one error class of this package. Every failure caused by the data (not by the caller's
 * arguments) is a `ZstdError` whose `code` is one of {@linkcode ZstdErrorCode}; the codes are
 * stable and safe to branch on, the messages are for people.
 *
 * @module
 */

/**
 * Stable machine-readable reasons for a {@linkcode ZstdError}. The same input gives the same code
 * from `decompress` and `decompressStream` (except content beyond the one-shot limit of 4 GiB −
 * 1 MiB: `output_too_large` from `decompress` only).
 *
 * - `prefix_unknown`: the input (or the bytes after a complete frame) does not start with the
 *   magic number of a Zstandard frame or of a skippable frame: it is not Zstandard data.
 * - `frame_header_invalid`: a frame header sets the reserved bit of its descriptor.
 * - `window_too_large`: a frame needs a larger window than `maxWindowLog` allows; raised before
 *   anything is allocated.
 * - `corruption_detected`: a block, its literals, its sequences or its entropy tables are
 *   invalid, or a frame's content does not have the size its header declares.
 * - `checksum_wrong`: the content does not match the frame's XXH64 checksum (checked unless
 *   `verifyChecksum: false`).
 * - `dictionary_wrong`: a frame names a dictionary ID and no dictionary, or another one, was
 *   given.
 * - `dictionary_corrupted`: bytes that start with the dictionary magic number are not a valid
 *   zstd-format dictionary (from `new ZstdDictionary(bytes)`, or a `dictionary` option given as
 *   bytes).
 * - `output_too_large`: the content exceeds `maxOutputSize`; for `decompress`, also content
 *   beyond 4 GiB − 1 MiB (the most one call returns, whatever `maxOutputSize` says) or an output
 *   buffer the runtime could not allocate.
 * - `input_truncated`: the input ends inside a frame (or is empty).
 * - `source_size_wrong`: a `compressStream` with `pledgedSize` carried another number of bytes.
 */
export type ZstdErrorCode =
  | "prefix_unknown"
  | "frame_header_invalid"
  | "window_too_large"
  | "corruption_detected"
  | "checksum_wrong"
  | "dictionary_wrong"
  | "dictionary_corrupted"
  | "output_too_large"
  | "input_truncated"
  | "source_size_wrong";

/**
 * An error raised for invalid, hostile, truncated or over-limit Zstandard data. Misuse of the API
 * is not a `ZstdError`: wrong argument types throw `TypeError`, option values out of range
 * `RangeError`.
 *
 * @example Branch on the code
 * ```ts
 * import { decompress, ZstdError } from "@x/zstd";
 * try {
 *   decompress(new Uint8Array([1, 2, 3, 4]));
 * } catch (e) {
 *   if (e instanceof ZstdError) console.log(e.code); // "prefix_unknown"
 * }
 * ```
 *
 * @example Tell bad data from a limit that was hit
 * ```ts
 * import { compress, decompress, ZstdError } from "@x/zstd";
 * const zeros = compress(new Uint8Array(1 << 20)); // 1 MiB of zeros in a tiny frame
 * const hello = compress(new TextEncoder().encode("hello"));
 * function inflate(data: Uint8Array): Uint8Array | string {
 *   try {
 *     return decompress(data, { maxOutputSize: 64 << 10 });
 *   } catch (e) {
 *     if (!(e instanceof ZstdError)) throw e;
 *     switch (e.code) {
 *       case "output_too_large":
 *       case "window_too_large":
 *         return "too big for this service";
 *       case "prefix_unknown":
 *         return "not Zstandard data";
 *       default:
 *         return `damaged: ${e.message}`;
 *     }
 *   }
 * }
 * console.log(inflate(zeros)); // "too big for this service"
 * console.log(inflate(new TextEncoder().encode("plain text"))); // "not Zstandard data"
 * console.log(inflate(hello.subarray(0, hello.length - 1))); // "damaged: Cannot decode: ..."
 * ```
 */
export class ZstdError extends Error {
  /** The stable reason, safe to branch on (the message may change between versions). */
  readonly code: ZstdErrorCode;

  /**
   * Creates an error with a stable `code` and a human-readable message.
   *
   * @param code The stable reason.
   * @param message What went wrong, for people.
   */
  constructor(code: ZstdErrorCode, message: string) {
    super(message);
    this.name = "ZstdError";
    this.code = code;
  }
}

/** Throws `corruption_detected`; kept out of line so hot loops stay small. */
export function corrupt(what: string): never {
  throw new ZstdError("corruption_detected", `Cannot decode: ${what}`);
}

/** Throws `input_truncated`. */
export function truncated(what: string): never {
  throw new ZstdError("input_truncated", `Cannot decode: input ends inside ${what}`);
}
