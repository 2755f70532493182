/**
 * Validation of {@linkcode DecompressOptions} at the API edge: wrong types are `TypeError`s, values
 * out of range `RangeError`s; the result is a plain record with every limit resolved.
 *
 * @module
 */

import { checkNotDetached, checkOptionKeys, describeValue, optionNames } from "../arguments.ts";
import { toDictionary, type ZstdDictionary } from "../dictionary.ts";

/**
 * Options of `decompress` and `decompressStream`. All are optional. The limits protect a service
 * from hostile input: a frame of a few bytes can claim a huge window or expand to gigabytes, and
 * both are refused with a `ZstdError` before the memory is spent. Any other key is misuse: a
 * `TypeError` naming it and the nearest valid one, so a misspelt limit is never ignored.
 */
export interface DecompressOptions {
  /**
   * Largest window accepted, as a power of two: frames that need more are rejected with
   * `window_too_large` before any allocation. 10 to 31; default 27 (128 MiB), as libzstd.
   *
   * @default {27}
   */
  maxWindowLog?: number;
  /**
   * Largest total output in bytes (a non-negative integer, or `Infinity`); exceeding it raises
   * `output_too_large`. Default: 1 GiB for `decompress`, unlimited for `decompressStream`
   * (which holds only the window). `decompress` returns at most 4 GiB − 1 MiB whatever this
   * says.
   */
  maxOutputSize?: number;
  /**
   * Verify content checksums when frames carry one (a mismatch raises `checksum_wrong`).
   * Skipping the check saves a pass of XXH64 over the output.
   *
   * @default {true}
   */
  verifyChecksum?: boolean;
  /**
   * The dictionary the frames were compressed with: a {@linkcode ZstdDictionary} (build it once
   * and reuse it) or its bytes. A frame that names another dictionary ID, or names one when
   * none is given, raises `dictionary_wrong`.
   */
  dictionary?: ZstdDictionary | Uint8Array;
}

/** The keys of {@linkcode DecompressOptions}: any other is misuse (a `TypeError`). */
const DECOMPRESS_KEYS = optionNames<DecompressOptions>({
  maxWindowLog: true,
  maxOutputSize: true,
  verifyChecksum: true,
  dictionary: true,
});

/** Options after validation. */
export interface ResolvedDecompressOptions {
  maxWindowSize: number;
  maxOutputSize: number;
  verifyChecksum: boolean;
  dictionary: ZstdDictionary | null;
}

/** Default one-shot output limit: 1 GiB. */
export const DEFAULT_MAX_OUTPUT_ONE_SHOT = 1 << 30;

/** Checks `options` and fills in defaults. */
export function resolveDecompressOptions(
  options: DecompressOptions | undefined,
  defaultMaxOutput: number,
): ResolvedDecompressOptions {
  if (options === undefined || options === null) {
    return {
      maxWindowSize: 2 ** 27,
      maxOutputSize: defaultMaxOutput,
      verifyChecksum: true,
      dictionary: null,
    };
  }
  if (typeof options !== "object") {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  checkOptionKeys(options, DECOMPRESS_KEYS);
  let maxWindowLog = 27;
  if (options.maxWindowLog !== undefined) {
    maxWindowLog = options.maxWindowLog;
    if (typeof maxWindowLog !== "number") throw new TypeError("maxWindowLog must be a number");
    if (!Number.isInteger(maxWindowLog) || maxWindowLog < 10 || maxWindowLog > 31) {
      throw new RangeError(`maxWindowLog must be an integer from 10 to 31, got ${maxWindowLog}`);
    }
  }
  let maxOutputSize = defaultMaxOutput;
  if (options.maxOutputSize !== undefined) {
    maxOutputSize = options.maxOutputSize;
    if (typeof maxOutputSize !== "number") throw new TypeError("maxOutputSize must be a number");
    if (
      !(maxOutputSize === Infinity || Number.isSafeInteger(maxOutputSize)) || maxOutputSize < 0
    ) {
      throw new RangeError(
        `maxOutputSize must be a non-negative integer or Infinity, got ${maxOutputSize}`,
      );
    }
  }
  let verifyChecksum = true;
  if (options.verifyChecksum !== undefined) {
    if (typeof options.verifyChecksum !== "boolean") {
      throw new TypeError("verifyChecksum must be a boolean");
    }
    verifyChecksum = options.verifyChecksum;
  }
  const dictionary = toDictionary(options.dictionary);
  return { maxWindowSize: 2 ** maxWindowLog, maxOutputSize, verifyChecksum, dictionary };
}

/**
 * Normalizes a byte input (Uint8Array or a subclass such as Buffer) to a plain Uint8Array view;
 * a `TypeError` names `what` when it is something else or views a detached buffer.
 */
export function toBytes(input: unknown, what: string): Uint8Array {
  if (!(input instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array, got ${describeValue(input)}`);
  }
  checkNotDetached(input, what);
  if (input.constructor === Uint8Array) return input;
  return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}
