/**
 * The working memory of one compression (libzstd's cwksp, klauspost's pooled encoders): the
 * match finders' tables and scratch ({@linkcode MatchWorkspace}, matchers/workspace.ts, which the
 * matchers see), the sequence stores, the block output buffer, the two entropy states, the block
 * splitter's scratch, and the frame-level buffers of one-shot calls (output, staging) or of a
 * stream (its window buffer).
 *
 * Fresh buffers cost page faults: on a 1 MiB input, as long as compressing it; under
 * JavaScriptCore, a 16 MiB stream's fresh buffers cost it 10% of its time; and Deno takes
 * microseconds to make each typed array, more than some whole compressions of small inputs. So
 * a workspace outlives its compression:
 * - one-shot calls share one cached workspace ({@linkcode takeOneShotWorkspace}). Compression is
 *   synchronous, so the cache is free again when the call returns; should a compression start
 *   while it is taken (a nested call), that one gets a fresh workspace, dropped afterwards.
 * - each stream owns a workspace from start to finish ({@linkcode takeStreamWorkspace}), so a
 *   one-shot call or another stream between two chunks never touches its tables. A finished
 *   stream gives it back ({@linkcode releaseWorkspace}) for the next stream; an abandoned one
 *   leaves it to the garbage collector.
 *
 * Memory kept while idle: the cached one-shot workspace and at most {@linkcode SPARE_STREAMS}
 * stream workspaces; tables above a million entries only by WeakRef (matchers/workspace.ts); one
 * stream window buffer of at most {@linkcode KEEP_STREAM_BUFFER} bytes, the largest given back.
 *
 * Module-level mutable state that stays, library-wide (tests/layers_test.ts checks the list):
 * - here and in decoder/workspace.ts: the cached one-shot workspace and the spares;
 * - encoder/literals.ts: the byte histograms of one call (`counts0`..`counts3`, `sampleCounts`):
 *   JavaScriptCore folds a module-level typed array as a constant and drops the bounds check of
 *   an access by byte; from the workspace, Bun compressed random input 38% slower at level 1;
 * - matchers/workspace.ts `indexLimit`: a test hook (a small limit exercises the index
 *   correction of short streams);
 * - encoder/dictionary.ts and decoder/dictionary.ts: a WeakMap from each dictionary to its
 *   digested tables, built once and only read after (a cache of derived data, not working
 *   memory);
 * - entropy/xxh64.ts: `resHi`/`resLo`, the second word of its private 64-bit helpers' results
 *   (pure functions, cold path), and the hasher behind `xxh64Low32`, reset after each call;
 * - decoder/decompress.ts `outputAllocations`, decoder/stream.ts `windowAllocations`: test hooks
 *   counting allocations;
 * - async.ts: the worker pool, one per process by design, and its spare shared buffers (inputs
 *   and blocks of multi-core calls, dropped a second after use); http.ts: WeakMap caches of
 *   dictionaries and their hashes.
 * Constant tables computed once at load (entropy/sequence_codes.ts, the predefined FSE tables)
 * are not state.
 *
 * @module
 */

import { BLOCK_SIZE_MAX } from "../format.ts";
import { MatchWorkspace } from "../matchers/workspace.ts";
import { SplitScratch } from "./block_split.ts";
import type { EncoderDictionary } from "./dictionary.ts";
import { LiteralsStage, LiteralsState, Repeat } from "./literals.ts";
import { SeqStore } from "./seq_store.ts";
import { SequencesStage, SequencesState } from "./sequences.ts";

/** Entropy state carried from one compressed block to the next. */
export class EntropyState {
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
 * Output room per block byte. The worst compressed attempt, discarded for a raw block but
 * written first, is the literals (one byte each plus headers) and up to one sequence per 3 bytes
 * of at most 7 bytes of bit stream each: under 3.4 bytes per input byte.
 */
export const OUT_CAPACITY_FACTOR = 4;

/** Room a block of at most `blockSize` bytes needs in the output. */
export function blockRoom(blockSize: number): number {
  return OUT_CAPACITY_FACTOR * blockSize + 4096;
}

/** The block splitter cuts a block into at most this many parts plus one. */
export const MAX_BLOCK_SPLITS = 196;

/** Stream workspaces kept for the next streams. */
export const SPARE_STREAMS = 2;
/** Largest stream window buffer kept for the next stream. */
export const KEEP_STREAM_BUFFER = 16 << 20;
/** Largest one-shot output buffer kept for the next call. */
export const KEEP_FRAME_OUTPUT = 8 << 20;
/** One-shot inputs below this size are compressed from a copy in `staging` (see compress.ts). */
export const STAGE_BELOW = 64 * 1024;

/** The working memory of one compression at a time (see the module comment). */
export class Workspace {
  /** Whether this serves streams rather than one-shot calls. */
  readonly forStream: boolean;
  /** The match finders' tables and scratch. */
  readonly match: MatchWorkspace;
  /** Sequences of the current block. */
  seqs: SeqStore;
  /** The block splitter's part being estimated or written. */
  chunk: SeqStore;
  /** Block output: header and body of one block (streams, and estimates). */
  out: Uint8Array;
  /** Entropy states: one is the last compressed block's, the other the next block's. */
  readonly entropyA: EntropyState = new EntropyState();
  readonly entropyB: EntropyState = new EntropyState();
  /** The literals section's settings and scratch. */
  readonly literals: LiteralsStage = new LiteralsStage();
  /** The sequences section's histograms, scratch and results. */
  readonly sequences: SequencesStage = new SequencesStage();
  /** The pre-splitter's fingerprints (block_split.ts). */
  readonly split: SplitScratch = new SplitScratch();
  /** The block splitter's start of each sequence's literals, grown on demand. */
  litStarts: Int32Array = new Int32Array(0);
  /** The block splitter's cuts. */
  readonly partitions: Int32Array = new Int32Array(MAX_BLOCK_SPLITS + 1);
  /** Repeat offsets as the decoder and as the coder hold them, while writing split blocks. */
  readonly decoderRep: Int32Array = new Int32Array(3);
  readonly coderRep: Int32Array = new Int32Array(3);
  /** One-shot: the frame's output, kept up to KEEP_FRAME_OUTPUT bytes (compress.ts). */
  frameOut: Uint8Array = new Uint8Array(0);
  /** One-shot: the last output buffer above KEEP_FRAME_OUTPUT, by a WeakRef (growFrameOut). */
  #largeOut: WeakRef<Uint8Array> | null = null;
  /** One-shot: the copy small inputs are compressed from (compress.ts); empty until needed. */
  staging: Uint8Array = new Uint8Array(0);
  /** Stream: the window buffer a finished stream left (stream.ts), or null. */
  streamBuffer: Uint8Array | null = null;
  /** Whether a compression holds this workspace. */
  inUse = false;
  /** Largest block the block buffers hold. */
  #blockCapacity: number;

  constructor(forStream: boolean) {
    this.forStream = forStream;
    this.match = new MatchWorkspace(forStream);
    // One-shot calls size the buffers for the largest block at once, as the pool did; streams
    // for their own block size.
    this.#blockCapacity = forStream ? 0 : BLOCK_SIZE_MAX;
    this.seqs = new SeqStore(this.#blockCapacity);
    this.chunk = new SeqStore(this.#blockCapacity);
    this.out = new Uint8Array(blockRoom(this.#blockCapacity));
    if (!forStream) this.frameOut = new Uint8Array(64 * 1024);
  }

  /**
   * `out` (the frame's output so far, `pos` bytes, `frameOut` or a larger buffer) in a buffer of
   * at least `size` bytes, grown by half at least. Buffers up to KEEP_FRAME_OUTPUT bytes become
   * `frameOut`; a larger one is held by a WeakRef and reused by the next call that outgrows
   * `frameOut` unless the garbage collector took it. Fresh memory costs its page faults when
   * first written: on this project's test VM about 3 ms a MiB against 0.05 ms rewritten, and a
   * one-shot level-3 compression of 64 MiB of source text (12.5 MB out) spent 50 of its 400 ms
   * growing its output through 12 and 18 MiB of new memory on every call.
   */
  growFrameOut(out: Uint8Array, pos: number, size: number): Uint8Array {
    size = Math.max(size, out.length + (out.length >>> 1));
    let grown: Uint8Array | undefined;
    if (size > KEEP_FRAME_OUTPUT) {
      grown = this.#largeOut?.deref();
      if (grown !== undefined && grown.length < size) grown = undefined;
    }
    if (grown === undefined) grown = new Uint8Array(size);
    grown.set(out.subarray(0, pos));
    if (grown.length <= KEEP_FRAME_OUTPUT) this.frameOut = grown;
    else this.#largeOut = new WeakRef(grown);
    return grown;
  }

  /** Makes the block buffers hold blocks of `blockSize` bytes. */
  prepareBlocks(blockSize: number): void {
    if (this.#blockCapacity >= blockSize) return;
    this.#blockCapacity = blockSize;
    this.seqs = new SeqStore(blockSize);
    this.chunk = new SeqStore(blockSize);
    this.out = new Uint8Array(blockRoom(blockSize));
  }
}

// The workspace one-shot calls share; made by the first.
let cachedOneShot: Workspace | null = null;
// Workspaces of finished streams, for the next streams.
const spareStreams: Workspace[] = [];

/**
 * A workspace for one one-shot compression: the cached one, or a fresh one when the cached one
 * is in use (a compression started inside another). Give it back with
 * {@linkcode releaseWorkspace}, in a `finally`.
 */
export function takeOneShotWorkspace(): Workspace {
  let ws = cachedOneShot;
  if (ws === null) ws = cachedOneShot = new Workspace(false);
  else if (ws.inUse) ws = new Workspace(false);
  ws.inUse = true;
  return ws;
}

/** A workspace for one stream, a finished stream's when there is one. */
export function takeStreamWorkspace(): Workspace {
  const ws = spareStreams.pop() ?? new Workspace(true);
  ws.inUse = true;
  return ws;
}

/** The compression holding `ws` is over; a stream's becomes a spare for the next stream. */
export function releaseWorkspace(ws: Workspace): void {
  ws.inUse = false;
  if (!ws.forStream || spareStreams.length >= SPARE_STREAMS) return;
  // A spare keeps no more than the stream spares did before the workspace: the optimal parsers'
  // state (up to 0.7 MiB) is made afresh by the next stream that needs it.
  ws.match.opt = null;
  // One window buffer is kept among the spares: the largest.
  const buffer = ws.streamBuffer;
  if (buffer !== null && buffer.length > KEEP_STREAM_BUFFER) ws.streamBuffer = null;
  else if (buffer !== null) {
    for (const spare of spareStreams) {
      const other = spare.streamBuffer;
      if (other === null) continue;
      if (other.length >= buffer.length) ws.streamBuffer = null;
      else spare.streamBuffer = null;
    }
  }
  spareStreams.push(ws);
}
