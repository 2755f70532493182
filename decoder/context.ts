/**
 * The state one frame's blocks share: the previous Huffman table (for treeless literals), the
 * previous sequence tables (for repeat mode) and the repeat offsets. Allocated once per decoder and
 * reset per frame.
 *
 * @module
 */

import { NormalizedCounts } from "../entropy/fse_decoder.ts";
import { HuffmanTable } from "../entropy/huffman_decoder.ts";
import type { DecoderDictionary } from "./dictionary.ts";
import {
  PREDEFINED_LITERAL_LENGTHS,
  PREDEFINED_MATCH_LENGTHS,
  PREDEFINED_OFFSETS,
  SequenceTable,
} from "./sequence_tables.ts";

const NO_CONTENT = new Uint8Array(0);

/** Decoder state shared by the blocks of a frame. */
export class BlockContext {
  readonly huffman: HuffmanTable = new HuffmanTable();
  /** Whether `huffman` holds a table from an earlier block of this frame. */
  huffmanValid = false;
  readonly ownLiteralLengths: SequenceTable = new SequenceTable();
  readonly ownOffsets: SequenceTable = new SequenceTable();
  readonly ownMatchLengths: SequenceTable = new SequenceTable();
  /** Tables in force; `null` until a block of the frame set them (repeat mode needs one). */
  literalLengths: SequenceTable | null = null;
  offsets: SequenceTable | null = null;
  matchLengths: SequenceTable | null = null;
  /** Repeat offsets 1, 2, 3. */
  readonly reps: Int32Array = new Int32Array(3);
  readonly counts: NormalizedCounts = new NormalizedCounts();
  /**
   * The dictionary's content, history before the frame's first byte (empty without one): read
   * where it is by the sequences that reach into it, never copied.
   */
  dictionaryContent: Uint8Array = NO_CONTENT;
  /** Bytes that offsets may reach back: the window size of the frame (plus the dictionary's). */
  windowSize = 0;
  /** Largest decompressed (and compressed) block of the frame. */
  blockMaxSize = 0;

  /**
   * Starts a frame: no previous tables, repeat offsets 1, 4, 8; or, with a dictionary, its
   * tables as the previous ones and its repeat offsets. `windowSize` is the reach of offsets.
   */
  resetForFrame(windowSize: number, blockMaxSize: number, dict: DecoderDictionary | null): void {
    this.huffmanValid = false;
    this.literalLengths = null;
    this.offsets = null;
    this.matchLengths = null;
    this.reps[0] = 1;
    this.reps[1] = 4;
    this.reps[2] = 8;
    this.dictionaryContent = NO_CONTENT;
    if (dict !== null) {
      this.dictionaryContent = dict.content;
      this.reps.set(dict.repeats);
      if (dict.huffman !== null) {
        this.huffman.cells.set(dict.huffman.cells);
        this.huffman.maxBits = dict.huffman.maxBits;
        this.huffmanValid = true;
      }
      // Never written: blocks build their own tables into the own* slots.
      this.literalLengths = dict.literalLengths;
      this.offsets = dict.offsets;
      this.matchLengths = dict.matchLengths;
    }
    this.windowSize = windowSize;
    this.blockMaxSize = blockMaxSize;
  }
}

export { PREDEFINED_LITERAL_LENGTHS, PREDEFINED_MATCH_LENGTHS, PREDEFINED_OFFSETS };
