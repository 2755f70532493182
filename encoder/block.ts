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

import { BLOCK_SIZE_MAX } from "../format.ts";
import { compressBlockDoubleFast } from "../matchers/dfast.ts";
import { compressBlockFast } from "../matchers/fast.ts";
import {
  compressBlockBtLazy2,
  compressBlockGreedy,
  compressBlockGreedyRow,
  compressBlockLazy,
  compressBlockLazy2,
  compressBlockLazy2Row,
  compressBlockLazyRow,
} from "../matchers/lazy.ts";
import { compressBlockRows as rows16, fitsRows as fits16 } from "../matchers/lazy_rows.ts";
import { compressBlockRows as rows32, fitsRows as fits32 } from "../matchers/lazy_rows32.ts";
import { type BlockCompressor, MatchState, usesRowFinder } from "../matchers/match_state.ts";
import {
  compressBlockBtOpt,
  compressBlockBtUltra,
  compressBlockBtUltra2,
  newOptState,
} from "../matchers/opt.ts";
import { compressBlockDoubleFastLazy, usesBuckets } from "../matchers/dfast_lazy.ts";
import { primeFromCache } from "../matchers/prime.ts";
import { uniformParameters } from "../matchers/strategy.ts";
import { optimalBlockSize } from "./block_split.ts";
import type { EncoderDictionary } from "./dictionary.ts";
import { compressLiterals, minGain, Repeat } from "./literals.ts";
import { type CompressionParameters, Strategy } from "./params.ts";
import { appendLiterals, type SeqStore } from "./seq_store.ts";
import { compressSequences } from "./sequences.ts";
import { blockRoom, type EntropyState, MAX_BLOCK_SPLITS, type Workspace } from "./workspace.ts";

/**
 * Lazy (`depth` 1) or lazy2 (2) over the row finder: the loop of matchers/lazy_rows.ts (rows of
 * 16) or lazy_rows32.ts (rows of 32) where it fits, else lazy.ts's loop (the same bytes, slower).
 */
function compressBlockRows(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  depth: number,
): number {
  const params = ms.params;
  if (fits16(params)) return rows16(ms, seqs, rep, src, start, end, depth);
  if (fits32(params)) return rows32(ms, seqs, rep, src, start, end, depth);
  return depth === 1
    ? compressBlockLazyRow(ms, seqs, rep, src, start, end)
    : compressBlockLazy2Row(ms, seqs, rep, src, start, end);
}

const compressBlockLazyRows: BlockCompressor = (ms, seqs, rep, src, start, end) =>
  compressBlockRows(ms, seqs, rep, src, start, end, 1);
const compressBlockLazy2Rows: BlockCompressor = (ms, seqs, rep, src, start, end) =>
  compressBlockRows(ms, seqs, rep, src, start, end, 2);

// Block compressors by strategy.
const COMPRESSORS: readonly BlockCompressor[] = [
  compressBlockFast,
  compressBlockFast,
  compressBlockDoubleFast,
  compressBlockGreedy,
  compressBlockLazy,
  compressBlockLazy2,
  compressBlockBtLazy2,
  compressBlockBtOpt,
  compressBlockBtUltra,
  compressBlockBtUltra2,
];
// Greedy, lazy and lazy2 over the row finder, for large windows (see usesRowFinder). Spelled
// out, not `...COMPRESSORS.slice(0, 3)`: a method call at load would keep every compressor in
// decoder-only bundles.
const ROW_COMPRESSORS: readonly BlockCompressor[] = [
  compressBlockFast,
  compressBlockFast,
  compressBlockDoubleFast,
  compressBlockGreedyRow,
  compressBlockLazyRows,
  compressBlockLazy2Rows,
];
// After a full block that compressed more than this many times, the next one is not pre-split:
// its fingerprints cost more than its match finding (a third of the time of 16 MiB of repeated
// log lines at level 8), and cutting such a block saves next to nothing. libzstd pre-splits every
// full block. Not after a block the pre-splitter ended early: the input changes there, and the
// next block needs its cuts (the first 3 MiB of testdata's decodecorpus files concatenated, where
// a 56 KiB run of one byte ends a block: 1.0097 of libzstd's size at level 9 without them).
const REPETITIVE_RATIO = 64;
// Blocks this small are not worth compressing (libzstd's limit).
const MIN_COMPRESSIBLE_BLOCK = 7;
// A compressed block this small or smaller may be replaced by an RLE block (libzstd's bound).
const RLE_MAX_LENGTH = 25;
// The splitter halves no part of fewer sequences than this, into no more parts than this.
// (At most MAX_BLOCK_SPLITS parts, workspace.ts.)
const MIN_SEQUENCES_BLOCK_SPLITTING = 300;

/** Compresses the blocks of one frame. */
export class BlockEncoder {
  readonly params: CompressionParameters;
  readonly ms: MatchState;
  /** The working memory, the compression's for its life (see workspace.ts). */
  readonly workspace: Workspace;
  readonly seqs: SeqStore;
  /** Largest block: 128 KiB or the window, whichever is smaller. */
  readonly blockSize: number;
  /** Output of {@linkcode encodeNext}: block header and body. */
  readonly out: Uint8Array;
  /** Bytes written by the last {@linkcode encodeNextInto}. */
  written = 0;
  /** Room a block needs in the output of {@linkcode encodeNextInto}. */
  readonly blockRoom: number;
  #prev: EntropyState;
  #next: EntropyState;
  #compressor: BlockCompressor;
  #firstBlock = true;
  /** Whether the last block written went out compressed. */
  #compressed = false;
  /** Whether blocks are split after match finding (libzstd's block splitter). */
  #splitBlocks: boolean;
  #chunk: SeqStore;
  #splitCount = 0;
  /** Input consumed minus output produced so far, for the block splitter. */
  #savings = 0;
  /** Whether the last block was full and compressed more than REPETITIVE_RATIO to 1. */
  #repetitive = false;

  /**
   * `workspace`: the working memory, which the caller holds for the frame's life. `dict`: the
   * frame is compressed with this dictionary, whose content is `src[0, dict.content.length)`.
   */
  constructor(
    params: CompressionParameters,
    src: Uint8Array,
    workspace: Workspace,
    dict: EncoderDictionary | null,
  ) {
    // One shape for every level's parameters (see uniformParameters).
    params = uniformParameters(params);
    this.params = params;
    this.workspace = workspace;
    this.ms = new MatchState(params, src, workspace.match);
    // `1 <<`, not `2 **`: a power is a double, and a double-valued block size turns every
    // position derived from it into a double (see windowLow).
    this.blockSize = params.windowLog < 17 ? 1 << params.windowLog : BLOCK_SIZE_MAX;
    this.blockRoom = blockRoom(this.blockSize);
    workspace.prepareBlocks(this.blockSize);
    this.seqs = workspace.seqs;
    this.#chunk = workspace.chunk;
    this.out = workspace.out;
    this.#prev = workspace.entropyA;
    this.#next = workspace.entropyB;
    this.#prev.reset(dict);
    this.#next.reset(dict);
    if (params.strategy >= Strategy.BtOpt) {
      this.ms.opt = newOptState(workspace.match, dict, params.minMatch, params.windowLog);
    }
    if (dict !== null) primeFromCache(this.ms, dict.content, dict.primed);
    this.#compressor = usesRowFinder(params)
      ? ROW_COMPRESSORS[params.strategy]
      : usesBuckets(params)
      ? compressBlockDoubleFastLazy
      : COMPRESSORS[params.strategy];
    // libzstd splits blocks for its optimal parsers with windows of 128 KiB and more.
    this.#splitBlocks = params.strategy >= Strategy.BtOpt && params.windowLog >= 17;
    const literals = workspace.literals;
    literals.strategy = params.strategy;
    // libzstd leaves literals raw at the negative levels (fast with a step acceleration).
    literals.disabled = params.strategy === Strategy.Fast && params.targetLength > 0;
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
    const size = this.encodeNextInto(src, start, remaining, final, this.out, 0);
    emit(this.out, this.written);
    return size;
  }

  /**
   * As {@linkcode encodeNext}, but writes the block into `out` at `at`, which needs
   * {@linkcode blockRoom} bytes of room; {@linkcode written} says how many it took.
   */
  encodeNextInto(
    src: Uint8Array,
    start: number,
    remaining: number,
    final: boolean,
    out: Uint8Array,
    at: number,
  ): number {
    const strategy = this.params.strategy;
    const size = this.#repetitive
      ? (remaining < this.blockSize ? remaining : this.blockSize)
      : optimalBlockSize(
        this.workspace.split,
        src,
        start,
        remaining,
        this.blockSize,
        strategy,
        this.#savings,
      );
    const written = this.encode(src, start, start + size, final && size === remaining, out, at);
    this.#savings += size - written;
    this.#repetitive = size === this.blockSize && written * REPETITIVE_RATIO < size;
    this.written = written;
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
   * Encodes `src[start, end)` (at most {@linkcode blockSize} bytes) into `out` at `at`, as one
   * block or, for the optimal parsers, as several when that pays; returns the number of bytes
   * written.
   */
  encode(
    src: Uint8Array,
    start: number,
    end: number,
    last: boolean,
    out: Uint8Array,
    at: number,
  ): number {
    if (end - start < MIN_COMPRESSIBLE_BLOCK) {
      this.#firstBlock = false;
      this.#afterBlock();
      return writeRawBlock(out, at, src, start, end, last);
    }
    const seqs = this.findSequences(src, start, end);
    if (this.#splitBlocks && seqs.count > 4) {
      const splits = this.#deriveSplits(seqs);
      if (splits > 0) return this.#encodePartitions(src, start, end, last, splits, out, at);
    }
    const written = this.#encodeSequences(seqs, src, start, end, last, out, at);
    this.#firstBlock = false;
    return written;
  }

  /**
   * Writes `src[start, end)`, whose sequences are `seqs`, as one block at `out[at]`: compressed,
   * or raw or RLE when that is smaller. Returns the bytes written; {@linkcode #compressed} says
   * whether the block went out compressed (the entropy state then moves on).
   */
  #encodeSequences(
    seqs: SeqStore,
    src: Uint8Array,
    start: number,
    end: number,
    last: boolean,
    out: Uint8Array,
    at: number,
  ): number {
    const size = end - start;
    const prev = this.#prev;
    const next = this.#next;
    const strategy = this.params.strategy;
    const suspect = seqs.count === 0 || seqs.litCount / seqs.count >= 20;
    // Raw literals this many make a raw block (the body outgrows size − minGain): no need to copy
    // them first (incompressible input spends its time copying).
    const gain = minGain(size, strategy);
    const rawIsHopeless = seqs.litCount + 2 >= size - gain;
    const literals = this.workspace.literals;
    literals.suspectUncompressible = suspect;
    literals.estimate = false;
    literals.copyRaw = !rawIsHopeless;
    let pos = compressLiterals(
      literals,
      seqs.literals,
      seqs.litCount,
      prev.literals,
      next.literals,
      out,
      at + 3,
    );
    const stage = this.workspace.sequences;
    pos = compressSequences(stage, seqs, prev.sequences, next.sequences, strategy, out, pos);
    let bodySize = pos - at - 3; // 0: raw, 1: RLE, else compressed
    if (stage.needRawBlock || bodySize >= size - gain) bodySize = 0;
    if (!this.#firstBlock && bodySize < RLE_MAX_LENGTH && isRle(src, start, end)) bodySize = 1;
    this.#compressed = bodySize > 1;
    if (bodySize > 1) {
      this.#prev = next;
      this.#next = prev;
    }
    this.#afterBlock();
    if (bodySize === 0) return writeRawBlock(out, at, src, start, end, last);
    let header: number;
    if (bodySize === 1) {
      header = (last ? 1 : 0) | (1 << 1) | (size << 3);
      out[at + 3] = src[start];
    } else {
      header = (last ? 1 : 0) | (2 << 1) | (bodySize << 3);
    }
    out[at] = header;
    out[at + 1] = header >>> 8;
    out[at + 2] = header >>> 16;
    return 3 + bodySize;
  }

  /**
   * After every block, as libzstd: a dictionary's offset table, trusted for the first block
   * (it codes every offset the dictionary and one block can reach), is checked from then on.
   */
  #afterBlock(): void {
    const sequences = this.#prev.sequences;
    if (sequences.ofRepeat === Repeat.Valid) sequences.ofRepeat = Repeat.Check;
  }

  /** Estimated size of `seqs` as one compressed block (libzstd's sub-block estimate). */
  #estimate(seqs: SeqStore): number {
    const prev = this.#prev;
    const next = this.#next;
    const strategy = this.params.strategy;
    const literals = this.workspace.literals;
    literals.suspectUncompressible = false;
    literals.estimate = true;
    literals.copyRaw = true;
    const lits = compressLiterals(
      literals,
      seqs.literals,
      seqs.litCount,
      prev.literals,
      next.literals,
      this.out,
      3,
    );
    const stage = this.workspace.sequences;
    return compressSequences(
      stage,
      seqs,
      prev.sequences,
      next.sequences,
      strategy,
      this.out,
      lits,
      true,
    );
  }

  /**
   * libzstd's block splitter: halves the sequences of the block recursively while the two
   * halves, each with tables of its own, are estimated smaller than the whole. Fills
   * `partitions` with the end of each part but the last; returns their number.
   */
  #deriveSplits(seqs: SeqStore): number {
    // The workspace's, grown on demand: a fresh array per compression costs small inputs more
    // than their compression.
    const ws = this.workspace;
    if (ws.litStarts.length <= seqs.count) {
      ws.litStarts = new Int32Array(this.seqs.litLength.length + 1);
    }
    literalStarts(seqs, ws.litStarts);
    this.#splitCount = 0;
    this.#splitHelper(seqs, 0, seqs.count);
    return this.#splitCount;
  }

  #splitHelper(seqs: SeqStore, from: number, to: number): void {
    if (to - from < MIN_SEQUENCES_BLOCK_SPLITTING || this.#splitCount >= MAX_BLOCK_SPLITS) return;
    const mid = (from + to) >>> 1;
    const chunk = this.#chunk;
    const litStarts = this.workspace.litStarts;
    copySequences(chunk, seqs, litStarts, from, to);
    const whole = this.#estimate(chunk);
    copySequences(chunk, seqs, litStarts, from, mid);
    const first = this.#estimate(chunk);
    copySequences(chunk, seqs, litStarts, mid, to);
    const second = this.#estimate(chunk);
    if (first + second < whole) {
      this.#splitHelper(seqs, from, mid);
      this.workspace.partitions[this.#splitCount++] = mid;
      this.#splitHelper(seqs, mid, to);
    }
  }

  /**
   * Writes the block `src[start, end)` as `splits + 1` blocks, cut after the sequences in
   * `partitions`. A part that goes out raw or RLE does not move the decoder's repeat offsets,
   * so the repeat codes of the parts after it are checked against what the decoder will hold
   * and replaced by the plain offset where the two differ (libzstd's resolveOffCodes).
   */
  #encodePartitions(
    src: Uint8Array,
    start: number,
    end: number,
    last: boolean,
    splits: number,
    out: Uint8Array,
    at0: number,
  ): number {
    const seqs = this.seqs;
    const chunk = this.#chunk;
    const ws = this.workspace;
    const partitions = ws.partitions;
    const litStarts = ws.litStarts;
    const dRep = ws.decoderRep;
    const cRep = ws.coderRep;
    dRep.set(this.#prev.rep);
    cRep.set(this.#prev.rep);
    let at = at0;
    let pos = start;
    let from = 0;
    for (let i = 0; i <= splits; i++) {
      const lastPart = i === splits;
      const to = lastPart ? seqs.count : partitions[i];
      copySequences(chunk, seqs, litStarts, from, to);
      let size = end - pos;
      if (!lastPart) {
        size = litStarts[to] - litStarts[from];
        for (let k = from; k < to; k++) size += seqs.matchLength[k];
      }
      const d0 = dRep[0];
      const d1 = dRep[1];
      const d2 = dRep[2];
      resolveRepeats(dRep, cRep, chunk);
      at += this.#encodeSequences(chunk, src, pos, pos + size, lastPart && last, out, at);
      if (!this.#compressed) {
        dRep[0] = d0;
        dRep[1] = d1;
        dRep[2] = d2;
      }
      pos += size;
      from = to;
    }
    this.#firstBlock = false;
    this.#prev.rep.set(dRep);
    return at - at0;
  }
}

/** Writes `src[start, end)` as a raw block at `out[at]`; returns its size. */
function writeRawBlock(
  out: Uint8Array,
  at: number,
  src: Uint8Array,
  start: number,
  end: number,
  last: boolean,
): number {
  const size = end - start;
  const header = (last ? 1 : 0) | (size << 3);
  out[at] = header;
  out[at + 1] = header >>> 8;
  out[at + 2] = header >>> 16;
  out.set(src.subarray(start, end), at + 3);
  return 3 + size;
}

/**
 * Fills `starts[k]` with where the literals of sequence `k` start in `seqs.literals`, for every
 * sequence; `starts[count]` is the end of all literals, trailing ones included.
 */
function literalStarts(seqs: SeqStore, starts: Int32Array): void {
  let at = 0;
  for (let k = 0; k < seqs.count; k++) {
    starts[k] = at;
    at += seqs.litLength[k];
  }
  starts[seqs.count] = seqs.litCount;
}

/**
 * Copies sequences `[from, to)` of `seqs` and their literals into `chunk` (up to the sequences'
 * end, the trailing literals too); `litStarts` is from {@linkcode literalStarts}.
 */
function copySequences(
  chunk: SeqStore,
  seqs: SeqStore,
  litStarts: Int32Array,
  from: number,
  to: number,
): void {
  const litFrom = litStarts[from];
  const litTo = litStarts[to];
  chunk.count = to - from;
  chunk.litCount = litTo - litFrom;
  chunk.litLength.set(seqs.litLength.subarray(from, to));
  chunk.matchLength.set(seqs.matchLength.subarray(from, to));
  chunk.offBase.set(seqs.offBase.subarray(from, to));
  chunk.literals.set(seqs.literals.subarray(litFrom, litTo));
}

/** The offset a repeat code stands for, with repeat offsets `rep`. */
function repeatOffset(rep: Int32Array, offBase: number, ll0: boolean): number {
  const code = offBase - 1 + (ll0 ? 1 : 0);
  return code === 3 ? rep[0] - 1 : rep[code];
}

/** Moves the repeat offsets `rep` past a sequence with offset value `offBase`. */
function updateRepeats(rep: Int32Array, offBase: number, ll0: boolean): void {
  if (offBase > 3) {
    rep[2] = rep[1];
    rep[1] = rep[0];
    rep[0] = offBase - 3;
    return;
  }
  const code = offBase - 1 + (ll0 ? 1 : 0);
  if (code === 0) return;
  const offset = code === 3 ? rep[0] - 1 : rep[code];
  if (code >= 2) rep[2] = rep[1];
  rep[1] = rep[0];
  rep[0] = offset;
}

/**
 * Rewrites the repeat codes of `chunk` that the decoder (offsets `dRep`) would resolve to
 * another offset than the encoder meant (offsets `cRep`); advances both.
 */
function resolveRepeats(dRep: Int32Array, cRep: Int32Array, chunk: SeqStore): void {
  const offBase = chunk.offBase;
  for (let i = 0; i < chunk.count; i++) {
    const ll0 = chunk.litLength[i] === 0;
    const original = offBase[i];
    if (original <= 3) {
      const meant = repeatOffset(cRep, original, ll0);
      if (repeatOffset(dRep, original, ll0) !== meant) offBase[i] = meant + 3;
    }
    updateRepeats(dRep, offBase[i], ll0);
    updateRepeats(cRep, original, ll0);
  }
}

function isRle(src: Uint8Array, start: number, end: number): boolean {
  const b = src[start];
  for (let i = start + 1; i < end; i++) if (src[i] !== b) return false;
  return true;
}
