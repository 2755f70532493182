/**
 * Zstandard dictionaries (RFC 8878 §5): parsed and validated once, then shared by any number of
 * compressions and decompressions. The encoder and the decoder each build their own tables from
 * a dictionary the first time they use it and keep them with it.
 *
 * @module
 */

import { ZstdError } from "./errors.ts";
import { NormalizedCounts, readNormalizedCounts } from "./entropy/fse_decoder.ts";
import { HuffmanTable, readHuffmanTable } from "./entropy/huffman_decoder.ts";
import {
  LL_ML_MAX_LOG,
  MAX_LL_CODE,
  MAX_ML_CODE,
  MAX_OF_CODE,
  OF_MAX_LOG,
} from "./entropy/sequence_codes.ts";

/** First four bytes of a zstd-format dictionary (little-endian 0xEC30A437). */
export const DICTIONARY_MAGIC = 0xec30a437;

/** Where the parts of a zstd-format dictionary lie in {@linkcode ZstdDictionary.bytes}. */
export interface DictionaryLayout {
  /** Huffman table description of the literals. */
  huffman: number;
  /** FSE table descriptions of offsets, match lengths and literal lengths, in that order. */
  offsets: number;
  matchLengths: number;
  literalLengths: number;
  /** End of the entropy tables, start of the three repeat offsets. */
  repeats: number;
}

const scratchHuffman = new HuffmanTable();
const scratchCounts = new NormalizedCounts();

/**
 * A Zstandard dictionary: zstd-format (magic, ID, entropy tables, repeat offsets, content), as
 * written by `zstd --train`, or raw content (any other bytes; ID 0). Construct it once and pass
 * it to every call: the tables built from it are kept with it.
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
 */
export class ZstdDictionary {
  /** Dictionary ID written in frames (0 for raw content: frames then carry none). */
  readonly id: number;
  /** The content: history that frames may reference as if it preceded them. */
  readonly content: Uint8Array;
  /** Repeat offsets at the start of a frame (1, 4, 8 for raw content). */
  readonly repeats: readonly [number, number, number];
  /** The dictionary's bytes (a private copy). */
  readonly bytes: Uint8Array;
  /** Positions of the entropy tables in `bytes`; null for raw content. */
  readonly layout: DictionaryLayout | null;

  /**
   * Parses `bytes` (copied). Bytes that start with the dictionary magic number must be a valid
   * zstd-format dictionary (else `ZstdError` `dictionary_corrupted`); any other bytes are raw
   * content. `{ raw: true }` takes even magic-prefixed bytes as raw content.
   */
  constructor(bytes: Uint8Array, options?: { raw?: boolean }) {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError("A dictionary must be built from a Uint8Array");
    }
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError("Dictionary options must be an object");
    }
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
  try {
    const huffman = 8;
    const offsets = huffman + readHuffmanTable(scratchHuffman, bytes, huffman, end);
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
  if (value instanceof Uint8Array) return new ZstdDictionary(value);
  throw new TypeError("dictionary must be a ZstdDictionary or a Uint8Array");
}
