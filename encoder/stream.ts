/**
 * Streaming compression: one frame per stream, with the window and match tables carried across
 * chunks. Input collects in a buffer holding the window and the pending input; the next block is
 * compressed as soon as more than a full block is pending, so that it is known not to be the
 * last and the block pre-splitter sees a full block ahead, as in one-shot compression: with the
 * same parameters, the frame is byte for byte the one-shot `compress` frame (which may take
 * smaller tables than its parameters say: matchers/reach.ts, for one-shot calls only).
 *
 * Memory: the buffer grows to the window plus a slack of two blocks and up to 8 MiB more, plus the
 * tables. Dropping old history moves the window to the buffer's front, so the slack sets how
 * often that copy happens: with only two blocks of slack, an 8 MiB window was copied for every
 * 128 KiB block (streams at 0.75–0.85x of one-shot speed).
 *
 * @module
 */

import { ZstdError } from "../errors.ts";
import { BLOCK_SIZE_MAX } from "../format.ts";
import { Xxh64 } from "../entropy/xxh64.ts";
import type { ChunkProcessor } from "../streams.ts";
import { BlockEncoder } from "./block.ts";
import { writeFrameHeader } from "./frame.ts";
import type { ResolvedCompressOptions } from "./options.ts";
import { releaseWorkspace, takeStreamWorkspace, type Workspace } from "./workspace.ts";

/** Buffer room beyond the window and two blocks, at most (see the module comment). */
const MAX_EXTRA_SLACK = 8 << 20;

/** A stream's encoder, driven by `ByteTransform`. */
export class StreamEncoder implements ChunkProcessor {
  #options: ResolvedCompressOptions;
  #pledged: number;
  /** The stream's working memory, from the constructor to the end of {@linkcode finish}. */
  #workspace: Workspace;
  #encoder: BlockEncoder;
  #blockSize: number;
  #windowSize: number;
  /** Window and pending input: `[0, #end)`; compression resumes at `#blockStart`. */
  #buffer: Uint8Array;
  #blockStart = 0;
  #end = 0;
  #chunk: Uint8Array = new Uint8Array(0);
  #chunkPos = 0;
  #total = 0;
  #hasher: Xxh64 | null;
  #headerWritten = false;
  #pieces: Uint8Array[] = [];
  #flushRequested = false;

  #flushEachChunk: boolean;

  /**
   * `pledged`: content size announced in the header and checked at the end, or −1.
   * `flushEachChunk`: emit every written chunk at once as complete blocks.
   */
  constructor(options: ResolvedCompressOptions, pledged: number, flushEachChunk: boolean) {
    this.#options = options;
    this.#pledged = pledged;
    this.#flushEachChunk = flushEachChunk;
    const params = options.params;
    // An int32, not `2 ** windowLog` (a double): positions derived from it would turn into
    // doubles, which JavaScriptCore's optimized code then exits on at every use. A buffer
    // position never reaches 2^31, so 2^31 − 1 keeps all history as a 2 GiB window would.
    this.#windowSize = params.windowLog > 30 ? 0x7fffffff : 1 << params.windowLog;
    const dict = options.dictionary;
    // A dictionary's content starts the buffer, as history; it leaves with the window.
    const first = dict === null ? 0 : dict.content.length;
    const initial = first + Math.min(this.#windowSize, 1 << 16) + BLOCK_SIZE_MAX + 16;
    const ws = this.#workspace = takeStreamWorkspace();
    const spare = ws.streamBuffer;
    ws.streamBuffer = null;
    this.#buffer = spare !== null && spare.length >= initial ? spare : new Uint8Array(initial);
    if (dict !== null) this.#buffer.set(dict.content);
    this.#blockStart = this.#end = first;
    this.#encoder = new BlockEncoder(params, this.#buffer, ws, dict);
    this.#blockSize = this.#encoder.blockSize;
    this.#hasher = options.checksum ? new Xxh64() : null;
    this.#hasher?.reset(0);
  }

  feed(chunk: Uint8Array): void {
    this.#chunk = chunk;
    this.#chunkPos = 0;
    if (this.#flushEachChunk) this.#flushRequested = true;
  }

  next(): Uint8Array | null {
    if (!this.#headerWritten) return this.#header();
    const pieces = this.#pieces;
    for (;;) {
      if (pieces.length > 0) return pieces.shift()!;
      // With more than a block pending, the next block is not the frame's last, and the
      // pre-splitter sees as much input ahead as it would in one-shot compression.
      if (this.#end - this.#blockStart > this.#blockSize) {
        this.#compressNext(false);
        continue;
      }
      if (this.#chunkPos < this.#chunk.length) {
        this.#take();
        continue;
      }
      if (this.#flushRequested) {
        this.#flushRequested = false;
        while (this.#end > this.#blockStart) this.#compressNext(false);
        continue;
      }
      return null;
    }
  }

  finish(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (!this.#headerWritten) out.push(this.#header());
    for (let piece = this.next(); piece !== null; piece = this.next()) out.push(piece);
    if (this.#pledged >= 0 && this.#total !== this.#pledged) {
      throw new ZstdError(
        "source_size_wrong",
        `Cannot compress: the stream held ${this.#total} bytes, ${this.#pledged} were pledged`,
      );
    }
    // The last blocks (at least one, possibly empty: a frame needs a last block).
    do this.#compressNext(true); while (this.#end > this.#blockStart);
    out.push(...this.#pieces);
    this.#pieces.length = 0;
    if (this.#hasher !== null) {
      const digest = this.#hasher.digestLow32();
      out.push(Uint8Array.of(digest, digest >>> 8, digest >>> 16, digest >>> 24));
    }
    // Done: the working memory goes to the next stream (the pieces above are copies).
    this.#workspace.streamBuffer = this.#buffer;
    this.#buffer = new Uint8Array(0);
    releaseWorkspace(this.#workspace);
    return out;
  }

  #header(): Uint8Array {
    this.#headerWritten = true;
    const header = new Uint8Array(18);
    const options = this.#options;
    const size = writeFrameHeader(
      header,
      0,
      options.params.windowLog,
      options.contentSize ? this.#pledged : -1,
      options.checksum,
      options.dictionaryId,
    );
    return header.subarray(0, size);
  }

  /** Copies as much of the current chunk as fits before the next block must be compressed. */
  #take(): void {
    const wanted = this.#blockStart + this.#blockSize + 1 - this.#end;
    const n = Math.min(wanted, this.#chunk.length - this.#chunkPos);
    this.#makeRoom(n);
    const from = this.#chunkPos;
    this.#buffer.set(this.#chunk.subarray(from, from + n), this.#end);
    this.#hasher?.update(this.#chunk, from, from + n);
    this.#end += n;
    this.#chunkPos += n;
    this.#total += n;
    if (this.#pledged >= 0 && this.#total > this.#pledged) {
      throw new ZstdError(
        "source_size_wrong",
        `Cannot compress: the stream holds more than the ${this.#pledged} bytes pledged`,
      );
    }
  }

  /**
   * Ensures `n` bytes fit after `#end`: grows the buffer up to the window plus the slack, and
   * only at that size drops history older than the window, moving the rest to the front.
   * Moving before the buffer is full size would copy the window once per chunk written.
   */
  #makeRoom(n: number): void {
    let buffer = this.#buffer;
    const needed = this.#end + n;
    if (needed <= buffer.length) return;
    const slack = Math.min(this.#windowSize, MAX_EXTRA_SLACK) + 2 * this.#blockSize;
    const limit = this.#windowSize + slack + 16;
    let size = buffer.length;
    if (size < limit) size = Math.min(Math.max(size * 2, needed), limit);
    let shift = 0;
    if (needed > size) {
      // Full size: the window ends at #blockStart, and what lies before it goes.
      shift = Math.max(0, this.#blockStart - this.#windowSize);
      buffer.copyWithin(0, shift, this.#end);
      this.#blockStart -= shift;
      this.#end -= shift;
      if (this.#end + n > size) size = this.#end + n;
    }
    if (size > buffer.length) {
      const grown = new Uint8Array(size);
      grown.set(buffer.subarray(0, this.#end));
      buffer = grown;
      this.#buffer = buffer;
    }
    this.#encoder.ms.moveSource(buffer, shift);
  }

  /** Compresses the next block from `#blockStart` and queues it. */
  #compressNext(final: boolean): void {
    const pieces = this.#pieces;
    const start = this.#blockStart;
    this.#blockStart += this.#encoder.encodeNext(
      this.#buffer,
      start,
      this.#end - start,
      final,
      (bytes, length) => pieces.push(bytes.slice(0, length)),
    );
  }
}
