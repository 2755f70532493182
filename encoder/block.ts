/**
 * One block through the pipeline: the strategy's block compressor fills the sequence store, the
 * entropy stage writes literals and sequences, and the block goes out compressed, raw (when
 * compression does not pay) or RLE (a single repeated byte), as libzstd decides.
 *
 * The entropy state (Huffman and FSE tables, repeat flags, repeat offsets) is double-buffered:
 * a block is encoded from `prev` into `next`, and the two swap only when the block is emitted
 * compressed, because raw and RLE blocks leave the decoder's state unchanged.
 *
 * @module
 */

import { compressBlockDoubleFast } from "../matchers/dfast.ts";
import { compressBlockFast } from "../matchers/fast.ts";
import {
  compressBlockGreedy,
  compressBlockGreedyRow,
  compressBlockLazy,
  compressBlockLazy2,
  compressBlockLazy2Row,
  compressBlockLazyRow,
} from "../matchers/lazy.ts";
import { type BlockCompressor, MatchState, usesRowFinder } from "../matchers/match_state.ts";
import { primeFromCache } from "../matchers/prime.ts";
import { optimalBlockSize } from "./block_split.ts";
import type { EncoderDictionary } from "./dictionary.ts";
import { compressLiterals, LiteralsState, minGain, Repeat } from "./literals.ts";
import { type CompressionParameters, Strategy } from "./params.ts";
import { appendLiterals, BLOCK_SIZE_MAX, SeqStore } from "./seq_store.ts";
import { compressSequences, sequencesNeedRawBlock, SequencesState } from "./sequences.ts";

/** Entropy state carried from one compressed block to the next. */
class EntropyState {
  readonly literals: LiteralsState = new LiteralsState();
  readonly sequences: SequencesState = new SequencesState();
  /** Repeat offsets 1..3 as the decoder will hold them. */
  readonly rep: Int32Array = Int32Array.of(1, 4, 8);

  /** The state at the start of a frame: none, or the dictionary's tables and offsets. */
  reset(dict: EncoderDictionary | null): void {
    this.literals.repeat = Repeat.None;
    this.sequences.llRepeat = Repeat.None;
    this.sequences.ofRepeat = Repeat.None;
    this.sequences.mlRepeat = Repeat.None;
    this.rep[0] = 1;
    this.rep[1] = 4;
    this.rep[2] = 8;
    if (dict === null) return;
    this.rep.set(dict.repeats);
    const literals = this.literals;
    const sequences = this.sequences;
    if (dict.huffmanRepeat !== Repeat.None) literals.table.copyFrom(dict.huffman);
    literals.repeat = dict.huffmanRepeat;
    if (dict.llRepeat !== Repeat.None) sequences.ll.copyFrom(dict.ll);
    if (dict.ofRepeat !== Repeat.None) sequences.of.copyFrom(dict.of);
    if (dict.mlRepeat !== Repeat.None) sequences.ml.copyFrom(dict.ml);
    sequences.llRepeat = dict.llRepeat;
    sequences.ofRepeat = dict.ofRepeat;
    sequences.mlRepeat = dict.mlRepeat;
  }
}

/**
 * Working memory of one-shot compressions, kept between calls: fresh buffers cost page faults
 * that, on a 1 MiB input, took as long as compressing it. `compress` is synchronous, so one
 * set serves every call; streams own theirs.
 */
let pool: { seqs: SeqStore; out: Uint8Array; a: EntropyState; b: EntropyState } | null = null;

// Block compressors by strategy. The binary-tree strategies (btlazy2 and the optimal parsers)
// are not implemented yet: they run lazy2, which produces valid frames at lazy2's ratio.
const COMPRESSORS: readonly BlockCompressor[] = [
  compressBlockFast,
  compressBlockFast,
  compressBlockDoubleFast,
  compressBlockGreedy,
  compressBlockLazy,
  compressBlockLazy2,
  compressBlockLazy2,
  compressBlockLazy2,
  compressBlockLazy2,
  compressBlockLazy2,
];
// Greedy, lazy and lazy2 over the row finder, where libzstd uses it (see usesRowFinder).
const ROW_COMPRESSORS: readonly BlockCompressor[] = [
  ...COMPRESSORS.slice(0, 3),
  compressBlockGreedyRow,
  compressBlockLazyRow,
  compressBlockLazy2Row,
];
// Output room per block byte. The worst compressed attempt, discarded for a raw block but
// written first, is the literals (one byte each plus headers) and up to one sequence per 3 bytes
// of at most 7 bytes of bit stream each: under 3.4 bytes per input byte.
const OUT_CAPACITY_FACTOR = 4;

// Blocks this small are not worth compressing (libzstd's limit).
const MIN_COMPRESSIBLE_BLOCK = 7;
// A compressed block this small or smaller may be replaced by an RLE block (libzstd's bound).
const RLE_MAX_LENGTH = 25;

/** Compresses the blocks of one frame. */
export class BlockEncoder {
  readonly params: CompressionParameters;
  readonly ms: MatchState;
  readonly seqs: SeqStore;
  /** Largest block: 128 KiB or the window, whichever is smaller. */
  readonly blockSize: number;
  /** Output of the last {@linkcode encode}: block header and body. */
  readonly out: Uint8Array;
  #prev: EntropyState;
  #next: EntropyState;
  #compressor: BlockCompressor;
  #literalsDisabled: boolean;
  #firstBlock = true;
  /** Input consumed minus output produced so far, for the block splitter. */
  #savings = 0;

  /**
   * `pooled`: use the shared working memory of one-shot compression. `dict`: the frame is
   * compressed with this dictionary, whose content is `src[0, dict.content.length)`.
   */
  constructor(
    params: CompressionParameters,
    src: Uint8Array,
    pooled: boolean,
    dict: EncoderDictionary | null,
  ) {
    this.params = params;
    this.ms = new MatchState(params, src, pooled);
    this.blockSize = Math.min(BLOCK_SIZE_MAX, 2 ** params.windowLog);
    if (pooled) {
      pool ??= {
        seqs: new SeqStore(BLOCK_SIZE_MAX),
        out: new Uint8Array(OUT_CAPACITY_FACTOR * BLOCK_SIZE_MAX + 4096),
        a: new EntropyState(),
        b: new EntropyState(),
      };
      this.seqs = pool.seqs;
      this.out = pool.out;
      this.#prev = pool.a;
      this.#next = pool.b;
      this.#prev.reset(dict);
      this.#next.reset(dict);
    } else {
      this.seqs = new SeqStore(this.blockSize);
      this.out = new Uint8Array(OUT_CAPACITY_FACTOR * this.blockSize + 4096);
      this.#prev = new EntropyState();
      this.#next = new EntropyState();
      this.#prev.reset(dict);
      this.#next.reset(dict);
    }
    if (dict !== null) primeFromCache(this.ms, dict.content, dict.primed);
    this.#compressor = usesRowFinder(params)
      ? ROW_COMPRESSORS[params.strategy]
      : COMPRESSORS[params.strategy];
    // libzstd leaves literals raw at the negative levels (fast with a step acceleration).
    this.#literalsDisabled = params.strategy === Strategy.Fast && params.targetLength > 0;
  }

  /**
   * Encodes the next block of `src` from `start`, where `remaining` bytes of input are available
   * (`final`: and no more will come). The block is at most {@linkcode blockSize}; with a full
   * block's worth available the pre-splitter may end it early, as libzstd's one-shot compressor
   * does. Calls `emit` with `out` and the block's length; returns the input bytes it consumed.
   */
  encodeNext(
    src: Uint8Array,
    start: number,
    remaining: number,
    final: boolean,
    emit: (bytes: Uint8Array, length: number) => void,
  ): number {
    const strategy = this.params.strategy;
    const size = optimalBlockSize(src, start, remaining, this.blockSize, strategy, this.#savings);
    const written = this.encode(src, start, start + size, final && size === remaining);
    this.#savings += size - written;
    emit(this.out, written);
    return size;
  }

  /**
   * Runs the match finder over `src[start, end)` (at most {@linkcode blockSize} bytes) into
   * {@linkcode seqs}, trailing literals included, from the current repeat offsets.
   */
  findSequences(src: Uint8Array, start: number, end: number): SeqStore {
    const seqs = this.seqs;
    seqs.reset();
    seqs.bindSource(this.ms.view);
    this.#next.rep.set(this.#prev.rep);
    const lastLiterals = this.#compressor(this.ms, seqs, this.#next.rep, src, start, end);
    appendLiterals(seqs, src, end - lastLiterals, end);
    return seqs;
  }

  /**
   * Encodes `src[start, end)` (at most {@linkcode blockSize} bytes) as one block into `out`;
   * returns the number of bytes written.
   */
  encode(src: Uint8Array, start: number, end: number, last: boolean): number {
    const size = end - start;
    const out = this.out;
    let bodySize = 0; // 0: raw, 1: RLE, else compressed
    if (size >= MIN_COMPRESSIBLE_BLOCK) {
      const prev = this.#prev;
      const next = this.#next;
      const strategy = this.params.strategy;
      const seqs = this.findSequences(src, start, end);
      const suspect = seqs.count === 0 || seqs.litCount / seqs.count >= 20;
      let pos = compressLiterals(
        seqs.literals,
        seqs.litCount,
        prev.literals,
        next.literals,
        strategy,
        this.#literalsDisabled,
        suspect,
        out,
        3,
      );
      pos = compressSequences(seqs, prev.sequences, next.sequences, strategy, out, pos);
      bodySize = pos - 3;
      if (sequencesNeedRawBlock || bodySize >= size - minGain(size, strategy)) bodySize = 0;
      if (!this.#firstBlock && bodySize < RLE_MAX_LENGTH && isRle(src, start, end)) bodySize = 1;
      if (bodySize > 1) {
        this.#prev = next;
        this.#next = prev;
      }
    }
    this.#firstBlock = false;
    let header: number;
    if (bodySize === 0) {
      header = (last ? 1 : 0) | (size << 3);
      out.set(src.subarray(start, end), 3);
      bodySize = size;
    } else if (bodySize === 1) {
      header = (last ? 1 : 0) | (1 << 1) | (size << 3);
      out[3] = src[start];
    } else {
      header = (last ? 1 : 0) | (2 << 1) | (bodySize << 3);
    }
    out[0] = header;
    out[1] = header >>> 8;
    out[2] = header >>> 16;
    return 3 + bodySize;
  }
}

function isRle(src: Uint8Array, start: number, end: number): boolean {
  const b = src[start];
  for (let i = start + 1; i < end; i++) if (src[i] !== b) return false;
  return true;
}
