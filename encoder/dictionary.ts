/**
 * A dictionary's encoding state: its literal Huffman table and sequence FSE tables as the
 * "previous block's" tables of a frame's first block, with libzstd's repeat flags (valid when the
 * table can code every symbol a block may hold, else checked per block), its repeat offsets, and
 * its content. Built the first time a compression uses the dictionary, kept with it.
 *
 * @module
 */

import type { ZstdDictionary } from "../dictionary.ts";
import { BLOCK_SIZE_MAX } from "../format.ts";
import { highbit } from "../entropy/bits.ts";
import { NormalizedCounts, readNormalizedCounts } from "../entropy/fse_decoder.ts";
import { buildFseEncodeTable, FseEncodeScratch, FseEncodeTable } from "../entropy/fse_encoder.ts";
import {
  HuffmanDecodeScratch,
  HuffmanTable,
  readHuffmanTable,
} from "../entropy/huffman_decoder.ts";
import { HuffmanEncodeTable } from "../entropy/huffman_encoder.ts";
import {
  LL_ML_MAX_LOG,
  MAX_LL_CODE,
  MAX_ML_CODE,
  MAX_OF_CODE,
  OF_MAX_LOG,
} from "../entropy/sequence_codes.ts";
import { Repeat } from "./literals.ts";
import type { DictionaryEntropy } from "../matchers/opt.ts";
import type { PrimedTables } from "../matchers/prime.ts";

/** Encoding state a dictionary gives a frame. */
export class EncoderDictionary implements DictionaryEntropy {
  readonly id: number;
  readonly content: Uint8Array;
  readonly repeats: Int32Array;
  readonly huffman: HuffmanEncodeTable = new HuffmanEncodeTable();
  readonly ll: FseEncodeTable = new FseEncodeTable();
  readonly of: FseEncodeTable = new FseEncodeTable();
  readonly ml: FseEncodeTable = new FseEncodeTable();
  huffmanRepeat: Repeat = Repeat.None;
  llRepeat: Repeat = Repeat.None;
  ofRepeat: Repeat = Repeat.None;
  mlRepeat: Repeat = Repeat.None;
  /**
   * Match tables primed with the content, per table parameters; null for content used once (a
   * multi-core job's prefix), primed straight into the frame's tables.
   */
  readonly primed: Map<string, PrimedTables> | null;

  /**
   * From a dictionary, or (multi-core jobs, see jobs.ts) any record of its fields; `once`: the
   * content primes one frame only, so its primed tables are not kept.
   */
  constructor(
    dict: Pick<ZstdDictionary, "id" | "content" | "repeats" | "bytes" | "layout">,
    once = false,
  ) {
    this.primed = once ? null : new Map();
    this.id = dict.id;
    this.content = dict.content;
    this.repeats = Int32Array.from(dict.repeats);
    const layout = dict.layout;
    if (layout === null) return;
    const bytes = dict.bytes;
    this.huffmanRepeat = huffmanFromDictionary(this.huffman, bytes, layout.huffman, layout.offsets);
    const counts = new NormalizedCounts();
    // Offset codes a frame can need: up to the content plus a block (libzstd's bound).
    const ofNeeded = Math.min(highbit(this.content.length + BLOCK_SIZE_MAX), MAX_OF_CODE);
    this.ofRepeat = fseFromDictionary(
      this.of,
      counts,
      bytes,
      layout.offsets,
      MAX_OF_CODE,
      OF_MAX_LOG,
      ofNeeded,
    ); // deno-fmt-ignore
    this.mlRepeat = fseFromDictionary(this.ml, counts, bytes, layout.matchLengths, MAX_ML_CODE, LL_ML_MAX_LOG, MAX_ML_CODE); // deno-fmt-ignore
    this.llRepeat = fseFromDictionary(this.ll, counts, bytes, layout.literalLengths, MAX_LL_CODE, LL_ML_MAX_LOG, MAX_LL_CODE); // deno-fmt-ignore
  }
}

/**
 * Builds `table` from the dictionary's Huffman description: the decoder's canonical table read
 * back into per-symbol codes. Valid for reuse without checks only if every byte has a code.
 */
function huffmanFromDictionary(
  table: HuffmanEncodeTable,
  bytes: Uint8Array,
  pos: number,
  end: number,
): Repeat {
  const decoding = new HuffmanTable();
  readHuffmanTable(new HuffmanDecodeScratch(), decoding, bytes, pos, end);
  const maxBits = decoding.maxBits;
  const cells = decoding.cells;
  table.lengths.fill(0);
  table.packed.fill(0);
  let maxSymbol = 0;
  let present = 0;
  // Each symbol owns 2^(maxBits − length) consecutive cells, from its code's value shifted up.
  for (let i = 0; i < 1 << maxBits;) {
    const symbol = cells[i] >>> 4;
    const length = cells[i] & 15;
    const code = i >>> (maxBits - length);
    table.lengths[symbol] = length;
    table.packed[symbol] = (code << 4) | length;
    if (symbol > maxSymbol) maxSymbol = symbol;
    present++;
    i += 1 << (maxBits - length);
  }
  table.maxSymbol = maxSymbol;
  table.tableLog = maxBits;
  return present === 256 ? Repeat.Valid : Repeat.Check;
}

/**
 * Builds `table` from the dictionary's FSE description at `pos`; valid for reuse without checks
 * when every code up to `needed` has a non-zero probability.
 */
function fseFromDictionary(
  table: FseEncodeTable,
  counts: NormalizedCounts,
  bytes: Uint8Array,
  pos: number,
  maxSymbol: number,
  maxLog: number,
  needed: number,
): Repeat {
  readNormalizedCounts(counts, bytes, pos, bytes.length, maxSymbol, maxLog);
  const max = counts.symbolCount - 1;
  buildFseEncodeTable(new FseEncodeScratch(), table, counts.counts, max, counts.tableLog);
  if (max < needed) return Repeat.Check;
  for (let s = 0; s <= needed; s++) if (counts.counts[s] === 0) return Repeat.Check;
  return Repeat.Valid;
}

const built = new WeakMap<ZstdDictionary, EncoderDictionary>();

/** The encoding state of `dict`, built once. */
export function encoderDictionary(dict: ZstdDictionary): EncoderDictionary {
  let d = built.get(dict);
  if (d === undefined) {
    d = new EncoderDictionary(dict);
    built.set(dict, d);
  }
  return d;
}
