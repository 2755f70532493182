/**
 * A dictionary's decoding tables: its Huffman table and its three sequence tables, built the
 * first time a frame uses it and kept for the dictionary's lifetime.
 *
 * @module
 */

import type { ZstdDictionary } from "../dictionary.ts";
import { FseDecodeScratch } from "../entropy/fse_decoder.ts";
import {
  HuffmanDecodeScratch,
  HuffmanTable,
  readHuffmanTable,
} from "../entropy/huffman_decoder.ts";
import {
  LITERAL_LENGTHS,
  MATCH_LENGTHS,
  OFFSETS,
  readSequenceTable,
  SequenceTable,
} from "./sequence_tables.ts";

/** Decoding state a dictionary gives a frame. */
export class DecoderDictionary {
  /** The dictionary's literal Huffman table, or null for raw content. */
  readonly huffman: HuffmanTable | null = null;
  readonly literalLengths: SequenceTable | null = null;
  readonly offsets: SequenceTable | null = null;
  readonly matchLengths: SequenceTable | null = null;
  readonly repeats: Int32Array;
  readonly content: Uint8Array;

  constructor(dict: ZstdDictionary) {
    this.content = dict.content;
    this.repeats = Int32Array.from(dict.repeats);
    const layout = dict.layout;
    if (layout === null) return;
    const bytes = dict.bytes;
    const fse = new FseDecodeScratch();
    this.huffman = new HuffmanTable();
    readHuffmanTable(
      new HuffmanDecodeScratch(),
      this.huffman,
      bytes,
      layout.huffman,
      layout.offsets,
    );
    this.offsets = new SequenceTable();
    readSequenceTable(fse, this.offsets, OFFSETS, bytes, layout.offsets, layout.matchLengths);
    this.matchLengths = new SequenceTable();
    readSequenceTable(
      fse,
      this.matchLengths,
      MATCH_LENGTHS,
      bytes,
      layout.matchLengths,
      layout.literalLengths,
    );
    this.literalLengths = new SequenceTable();
    readSequenceTable(
      fse,
      this.literalLengths,
      LITERAL_LENGTHS,
      bytes,
      layout.literalLengths,
      layout.repeats,
    );
  }
}

const built = new WeakMap<ZstdDictionary, DecoderDictionary>();

/** The decoding tables of `dict`, built once. */
export function decoderDictionary(dict: ZstdDictionary): DecoderDictionary {
  let d = built.get(dict);
  if (d === undefined) {
    d = new DecoderDictionary(dict);
    built.set(dict, d);
  }
  return d;
}
