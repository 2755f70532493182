/**
 * The state one frame's blocks share: the previous Huffman table (for treeless literals), the
 * previous sequence tables (for repeat mode) and the repeat offsets; and the blocks' scratch (the
 * bit streams copied to aligned words, the padded copy of a block body) and the results the block
 * stages pass each other. Allocated once per decoder (the decoder's workspace, see workspace.ts)
 * and reset per frame; the scratch grows to the largest block size seen.
 *
 * @module
 */

import { FseDecodeScratch } from "../entropy/fse_decoder.ts";
import { HuffmanDecodeScratch, HuffmanTable } from "../entropy/huffman_decoder.ts";
import { BLOCK_SIZE_MAX } from "../format.ts";
import type { DecoderDictionary } from "./dictionary.ts";
import {
  PREDEFINED_LITERAL_LENGTHS,
  PREDEFINED_MATCH_LENGTHS,
  PREDEFINED_OFFSETS,
  SequenceTable,
} from "./sequence_tables.ts";
import { STREAM_BIT_BASE } from "./sequences.ts";

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
  /** Scratch of reading the sequence streams' FSE tables. */
  readonly fse: FseDecodeScratch = new FseDecodeScratch();
  /** Scratch of reading Huffman tree descriptions. */
  readonly huffmanScratch: HuffmanDecodeScratch = new HuffmanDecodeScratch();
  /**
   * The dictionary's content, history before the frame's first byte (empty without one): read
   * where it is by the sequences that reach into it, never copied.
   */
  dictionaryContent: Uint8Array = NO_CONTENT;
  /** Bytes that offsets may reach back: the window size of the frame (plus the dictionary's). */
  windowSize = 0;
  /** Largest decompressed (and compressed) block of the frame. */
  blockMaxSize = 0;
  /** Result of decodeLiterals besides the bytes it read: the literals' regenerated size. */
  literalsSize = 0;
  /** Result of selectTable (sequences.ts): the bytes its table description took. */
  tableBytes = 0;
  /**
   * The sequence bit stream of the current block, copied to 32-bit words (little-endian) after
   * STREAM_BIT_BASE zero bits; `streamBytes` views the same memory.
   */
  streamWords: Int32Array = new Int32Array(0);
  streamBytes: Uint8Array = new Uint8Array(0);
  /** The four Huffman streams of the current block's literals, copied to 32-bit words. */
  literalWords: Int32Array = new Int32Array(0);
  literalBytes: Uint8Array = new Uint8Array(0);
  /** A block body with padding on both sides (block.ts; made when first needed). */
  padded: Uint8Array = new Uint8Array(0);
  /** The block size the scratch above holds. */
  #scratchBlockSize = -1;

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
    if (blockMaxSize > this.#scratchBlockSize) this.#growScratch(blockMaxSize);
  }

  /** Sizes the bit-stream scratch for blocks of `blockSize` bytes (block bodies are no larger). */
  #growScratch(blockSize: number): void {
    // Streams of the frames to come will rarely be larger: one allocation for a small frame's
    // blocks, and the largest at most once.
    const size = blockSize < BLOCK_SIZE_MAX ? blockSize : BLOCK_SIZE_MAX;
    this.#scratchBlockSize = size;
    this.streamWords = new Int32Array((STREAM_BIT_BASE >>> 5) + (size >>> 2) + 4);
    this.streamBytes = new Uint8Array(this.streamWords.buffer);
    this.literalWords = new Int32Array((size >>> 2) + 4);
    this.literalBytes = new Uint8Array(this.literalWords.buffer);
  }
}

export { PREDEFINED_LITERAL_LENGTHS, PREDEFINED_MATCH_LENGTHS, PREDEFINED_OFFSETS };
