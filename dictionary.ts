/**
 * Zstandard dictionaries (RFC 8878 §5): parsed and validated once, then shared by any number of
 * compressions and decompressions. The encoder and the decoder each build their own tables from
 * a dictionary the first time they use it and keep them with it.
 *
 * @module
 */

import { checkNotDetached, checkOptionKeys, describeValue, optionNames } from "./arguments.ts";
import { ZstdError } from "./errors.ts";
import { DICTIONARY_MAGIC } from "./format.ts";
import { NormalizedCounts, readNormalizedCounts } from "./entropy/fse_decoder.ts";
import { HuffmanDecodeScratch, HuffmanTable, readHuffmanTable } from "./entropy/huffman_decoder.ts";
import {
  LL_ML_MAX_LOG,
  MAX_LL_CODE,
  MAX_ML_CODE,
  MAX_OF_CODE,
  OF_MAX_LOG,
} from "./entropy/sequence_codes.ts";

/**
 * Where the entropy tables of a zstd-format dictionary lie in {@linkcode ZstdDictionary.bytes}:
 * each field is a byte offset into `bytes`, and each table description ends where the next
 * field's begins (RFC 8878 §5: magic, ID, the literals' Huffman table, the FSE tables of offsets,
 * match lengths and literal lengths, three repeat offsets, then the content). Raw-content
 * dictionaries have none (their {@linkcode ZstdDictionary.layout} is null).
 *
 * @example Find the repeat offsets of a trained dictionary
 * ```ts
 * import { trainDictionary, ZstdDictionary } from "@x/zstd";
 * const records = Array.from(
 *   { length: 100 },
 *   (_, i) => new TextEncoder().encode(`{"id":${i},"kind":"${i % 2 ? "odd" : "even"}"}`),
 * );
 * const dictionary = new ZstdDictionary(trainDictionary(records, { maxSize: 1024 }));
 * const layout = dictionary.layout!; // not null: trained dictionaries are zstd-format
 * console.log(layout.huffman); // 8: the tables follow the magic number and the ID
 * console.log(dictionary.bytes.length - (layout.repeats + 12) === dictionary.content.length);
 * ```
 */
export interface DictionaryLayout {
  /** Start of the Huffman table description of the literals (always 8). */
  huffman: number;
  /** Start of the FSE table description of the offset codes. */
  offsets: number;
  /** Start of the FSE table description of the match length codes. */
  matchLengths: number;
  /** Start of the FSE table description of the literal length codes. */
  literalLengths: number;
  /** End of the entropy tables: start of the three 4-byte repeat offsets, before the content. */
  repeats: number;
}

/** The keys of the constructor's options: any other is misuse (a `TypeError`). */
const DICTIONARY_KEYS = optionNames<{ raw?: boolean }>({ raw: true });

/**
 * A Zstandard dictionary (RFC 8878 §5): zstd-format (magic number, ID, entropy tables, repeat
 * offsets, content), as written by `zstd --train` or {@linkcode trainDictionary}, or raw content
 * (any other bytes; ID 0). Dictionaries make small inputs compress far better: each frame can
 * refer to the dictionary's content as if it came just before, and start from its entropy tables.
 *
 * Construct it once and pass it to every call (the `dictionary` option of `compress`,
 * `compressStream`, `decompress` and `decompressStream`): the encoder and the decoder build
 * their tables from it the first time they use it and keep them with it. Frames made with a
 * dictionary need the same dictionary to decode; frames made with a zstd-format dictionary name
 * its ID, and decoding them without it raises a `ZstdError` with code `dictionary_wrong`.
 *
 * @example Compress and decompress small records with a dictionary
 * ```ts
 * import { compress, decompress, ZstdDictionary } from "@x/zstd";
 * const text = new TextEncoder();
 * const dictionary = new ZstdDictionary(text.encode('{"user":"","action":"login","ok":true}'));
 * const record = text.encode('{"user":"ada","action":"login","ok":true}');
 * const frame = compress(record, { dictionary });
 * console.log(frame.length < compress(record).length); // true
 * console.log(new TextDecoder().decode(decompress(frame, { dictionary })));
 * ```
 *
 * @example Train a dictionary, keep its bytes, load it again
 * ```ts
 * import { compress, decompress, trainDictionary, ZstdDictionary, ZstdError } from "@x/zstd";
 * const text = new TextEncoder();
 * const samples = Array.from({ length: 300 }, (_, i) =>
 *   text.encode(`GET /api/items/${i} HTTP/1.1 status=${i % 5 ? 200 : 404} ms=${i % 17}`));
 * // The bytes are a standard zstd dictionary: store them (a file works with `zstd -D` too).
 * const bytes = trainDictionary(samples, { maxSize: 2048 });
 * const dictionary = new ZstdDictionary(bytes);
 * console.log(dictionary.id !== 0); // true: frames made with it name it
 *
 * const frame = compress(samples[7], { dictionary });
 * const back = decompress(frame, { dictionary: new ZstdDictionary(bytes) });
 * console.log(new TextDecoder().decode(back)); // "GET /api/items/7 HTTP/1.1 status=200 ms=7"
 * try {
 *   decompress(frame); // no dictionary given
 * } catch (e) {
 *   console.log(e instanceof ZstdError && e.code); // "dictionary_wrong"
 * }
 * ```
 */
export class ZstdDictionary {
  /** Dictionary ID written in frames (0 for raw content: frames then carry none). */
  readonly id: number;
  /**
   * The content: history that frames may reference as if it preceded them. A view into
   * {@linkcode ZstdDictionary.bytes}; do not modify it.
   */
  readonly content: Uint8Array;
  /** Repeat offsets at the start of a frame (1, 4, 8 for raw content). */
  readonly repeats: readonly [number, number, number];
  /**
   * The dictionary's bytes: a private copy of those given to the constructor, the same as
   * `zstd -D` reads. Do not modify them: the tables built from the dictionary are kept with it.
   */
  readonly bytes: Uint8Array;
  /** Positions of the entropy tables in `bytes`; null for raw content. */
  readonly layout: DictionaryLayout | null;

  /**
   * Parses `bytes` (copied). Bytes that start with the dictionary magic number must be a valid
   * zstd-format dictionary (else `ZstdError` `dictionary_corrupted`); any other bytes are raw
   * content. `{ raw: true }` takes even magic-prefixed bytes as raw content.
   *
   * @param bytes A zstd-format dictionary, or raw content.
   * @param options `raw: true` to take the bytes as raw content whatever they start with.
   * @throws {ZstdError} `dictionary_corrupted` when zstd-format bytes are invalid.
   * @throws {TypeError} when `bytes` is not a Uint8Array or views a detached buffer, or
   * `options` is not an object or has a key other than `raw`.
   */
  constructor(bytes: Uint8Array, options?: { raw?: boolean }) {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`bytes must be a Uint8Array, got ${describeValue(bytes)}`);
    }
    checkNotDetached(bytes, "bytes");
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError(`options must be an object, got ${describeValue(options)}`);
    }
    if (options !== undefined) checkOptionKeys(options, DICTIONARY_KEYS);
    const raw = options?.raw ?? false;
    if (typeof raw !== "boolean") throw new TypeError("raw must be a boolean");
    const copy = bytes.slice();
    this.bytes = copy;
    const magic = copy.length >= 8 ? readU32(copy, 0) : 0;
    if (raw || magic !== DICTIONARY_MAGIC) {
      this.id = 0;
      this.content = copy;
      this.repeats = [1, 4, 8];
      this.layout = null;
      return;
    }
    this.id = readU32(copy, 4);
    const layout = parseEntropy(copy);
    const contentStart = layout.repeats + 12;
    if (contentStart > copy.length) corrupted("its repeat offsets are truncated");
    const contentSize = copy.length - contentStart;
    const reps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const rep = readU32(copy, layout.repeats + 4 * i);
      if (rep === 0 || rep > contentSize) {
        corrupted(`repeat offset ${rep} is outside its ${contentSize} bytes of content`);
      }
      reps.push(rep);
    }
    this.repeats = [reps[0], reps[1], reps[2]];
    this.content = copy.subarray(contentStart);
    this.layout = layout;
  }
}

/** Reads and checks the entropy tables that follow the magic and the ID. */
function parseEntropy(bytes: Uint8Array): DictionaryLayout {
  const end = bytes.length;
  // Tables read only to check them and find their ends.
  const scratchHuffman = new HuffmanTable();
  const scratchCounts = new NormalizedCounts();
  try {
    const huffman = 8;
    const offsets = huffman +
      readHuffmanTable(new HuffmanDecodeScratch(), scratchHuffman, bytes, huffman, end);
    const matchLengths = offsets +
      readNormalizedCounts(scratchCounts, bytes, offsets, end, MAX_OF_CODE, OF_MAX_LOG);
    const literalLengths = matchLengths +
      readNormalizedCounts(scratchCounts, bytes, matchLengths, end, MAX_ML_CODE, LL_ML_MAX_LOG);
    const repeats = literalLengths +
      readNormalizedCounts(scratchCounts, bytes, literalLengths, end, MAX_LL_CODE, LL_ML_MAX_LOG);
    return { huffman, offsets, matchLengths, literalLengths, repeats };
  } catch (e) {
    if (e instanceof ZstdError) corrupted(`its entropy tables are invalid (${e.message})`);
    throw e;
  }
}

function readU32(src: Uint8Array, pos: number): number {
  return (src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0;
}

function corrupted(what: string): never {
  throw new ZstdError("dictionary_corrupted", `Cannot load dictionary: ${what}`);
}

/** Accepts a dictionary option: a {@linkcode ZstdDictionary} or bytes to build one from. */
export function toDictionary(value: unknown): ZstdDictionary | null {
  if (value === undefined) return null;
  if (value instanceof ZstdDictionary) return value;
  if (value instanceof Uint8Array) {
    checkNotDetached(value, "dictionary");
    return new ZstdDictionary(value);
  }
  throw new TypeError(
    `dictionary must be a ZstdDictionary or a Uint8Array, got ${describeValue(value)}`,
  );
}
