/**
 * The sequence store: what a match finder produces for one block, in flat typed arrays allocated
 * once for the largest block. Sequence `i` is `litLength[i]` literals (taken in order from
 * `literals`), then a match of `matchLength[i]` bytes at `offBase[i]`: 1..3 name a repeat offset
 * as the format's offset values do, larger values are an offset plus 3.
 *
 * @module
 */

import { BLOCK_SIZE_MAX } from "../format.ts";

/** Sequences of one block. */
export class SeqStore {
  /** Literal bytes of all sequences and the trailing literals. */
  readonly literals: Uint8Array;
  /**
   * Literal count of each sequence. (These three are int32 arrays: their values are far below
   * 2^31, and the engines check uint32 elements for the int32 range at every load.)
   */
  readonly litLength: Int32Array;
  /** Match length of each sequence (not minus 3). */
  readonly matchLength: Int32Array;
  /** Offset value of each sequence: repeat code 1..3, or offset + 3. */
  readonly offBase: Int32Array;
  /** Codes of each sequence, filled by the entropy stage. */
  readonly llCode: Uint8Array;
  readonly mlCode: Uint8Array;
  readonly ofCode: Uint8Array;
  /** View on `literals` for word copies. */
  readonly litView: DataView;
  /** View on the source being compressed, set by {@linkcode bindSource}. */
  srcView: DataView = new DataView(new ArrayBuffer(0));
  /** Number of sequences. */
  count = 0;
  /** Number of literal bytes. */
  litCount = 0;

  constructor(blockSizeMax: number = BLOCK_SIZE_MAX) {
    // A match is at least 3 bytes, so a block has at most blockSizeMax / 3 sequences.
    const maxSeq = ((blockSizeMax / 3) | 0) + 1;
    this.literals = new Uint8Array(blockSizeMax + 64);
    this.litView = new DataView(this.literals.buffer);
    this.litLength = new Int32Array(maxSeq);
    this.matchLength = new Int32Array(maxSeq);
    this.offBase = new Int32Array(maxSeq);
    this.llCode = new Uint8Array(maxSeq);
    this.mlCode = new Uint8Array(maxSeq);
    this.ofCode = new Uint8Array(maxSeq);
  }

  /** Sets the source whose literals the store copies. */
  bindSource(view: DataView): void {
    this.srcView = view;
  }

  /** Empties the store for the next block. */
  reset(): void {
    this.count = 0;
    this.litCount = 0;
  }
}

/** Appends `src[from, to)` to the literals of `seqs`. */
export function appendLiterals(seqs: SeqStore, src: Uint8Array, from: number, to: number): void {
  const n = to - from;
  const o = seqs.litCount;
  if (n <= 16 && from + 16 <= src.length) {
    // Short runs (most of them) as four word copies; bytes past the run land in the slack and
    // are overwritten by the next run.
    const sv = seqs.srcView;
    const lv = seqs.litView;
    lv.setInt32(o, sv.getInt32(from, true), true);
    lv.setInt32(o + 4, sv.getInt32(from + 4, true), true);
    lv.setInt32(o + 8, sv.getInt32(from + 8, true), true);
    lv.setInt32(o + 12, sv.getInt32(from + 12, true), true);
  } else if (n < 256 && from + n + 3 <= src.length) {
    // A subarray view costs an allocation (100-200 ns under JavaScriptCore): mid-size runs by
    // words, the last one spilling into the slack like the short runs'.
    const sv = seqs.srcView;
    const lv = seqs.litView;
    for (let i = 0; i < n; i += 4) lv.setInt32(o + i, sv.getInt32(from + i, true), true);
  } else if (n < 48) {
    const lits = seqs.literals;
    for (let i = 0; i < n; i++) lits[o + i] = src[from + i];
  } else {
    seqs.literals.set(src.subarray(from, to), o);
  }
  seqs.litCount = o + n;
}

/**
 * Stores a sequence: the literals `src[litStart, litStart + litLength)`, then a match of
 * `matchLength` bytes with offset value `offBase`.
 */
export function storeSequence(
  seqs: SeqStore,
  src: Uint8Array,
  litStart: number,
  litLength: number,
  offBase: number,
  matchLength: number,
): void {
  appendLiterals(seqs, src, litStart, litStart + litLength);
  const i = seqs.count;
  seqs.litLength[i] = litLength;
  seqs.offBase[i] = offBase;
  seqs.matchLength[i] = matchLength;
  seqs.count = i + 1;
}
