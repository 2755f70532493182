/**
 * The one error class of this package. Every failure caused by the data (not by the caller's
 * arguments) is a `ZstdError` whose `code` is one of {@linkcode ZstdErrorCode}; the codes are
 * stable and safe to branch on, the messages are for people.
 *
 * @module
 */

/** Stable machine-readable reasons for a {@linkcode ZstdError}. */
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
 * An error raised for invalid, hostile, truncated or over-limit Zstandard data.
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
 */
export class ZstdError extends Error {
  /** The stable reason. */
  readonly code: ZstdErrorCode;

  /** Creates an error with a stable `code` and a human-readable message. */
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
