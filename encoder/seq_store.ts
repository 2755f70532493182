/**
 * The sequence store: what a match finder produces for one block, in flat typed arrays allocated
 * once for the largest block. Sequence `i` is `litLength[i]` literals (taken in order from
 * `literals`), then a match of `matchLength[i]` bytes at `offBase[i]`: 1..3 name a repeat offset
 * as the format's offset values do, larger values are an offset plus 3.
 *
 * @module
 */

/** Largest block the format allows. */
export const BLOCK_SIZE_MAX = 128 * 1024;

/** Sequences of one block. */
export class SeqStore {
  /** Literal bytes of all sequences and the trailing literals. */
  readonly literals: Uint8Array;
  /** Literal count of each sequence. */
  readonly litLength: Uint32Array;
  /** Match length of each sequence (not minus 3). */
  readonly matchLength: Uint32Array;
  /** Offset value of each sequence: repeat code 1..3, or offset + 3. */
  readonly offBase: Uint32Array;
  /** Codes of each sequence, filled by the entropy stage. */
  readonly llCode: Uint8Array;
  readonly mlCode: Uint8Array;
  readonly ofCode: Uint8Array;
  /** Number of sequences. */
  count = 0;
  /** Number of literal bytes. */
  litCount = 0;

  constructor(blockSizeMax: number = BLOCK_SIZE_MAX) {
    // A match is at least 3 bytes, so a block has at most blockSizeMax / 3 sequences.
    const maxSeq = ((blockSizeMax / 3) | 0) + 1;
    this.literals = new Uint8Array(blockSizeMax + 64);
    this.litLength = new Uint32Array(maxSeq);
    this.matchLength = new Uint32Array(maxSeq);
    this.offBase = new Uint32Array(maxSeq);
    this.llCode = new Uint8Array(maxSeq);
    this.mlCode = new Uint8Array(maxSeq);
    this.ofCode = new Uint8Array(maxSeq);
  }

  /** Empties the store for the next block. */
  reset(): void {
    this.count = 0;
    this.litCount = 0;
  }
}

/** Appends `src[from, to)` to the literals of `seqs`. */
export function appendLiterals(seqs: SeqStore, src: Uint8Array, from: number, to: number): void {
  const lits = seqs.literals;
  let o = seqs.litCount;
  // Short runs by loop: a subarray view costs an allocation.
  if (to - from < 32) {
    while (from < to) lits[o++] = src[from++];
  } else {
    lits.set(src.subarray(from, to), o);
    o += to - from;
  }
  seqs.litCount = o;
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
