/**
 * Streaming decompression: a pull-style state machine (`feed` a chunk, call `next` until it
 * returns null) and the Web `TransformStream` around it.
 *
 * Memory: the input is staged only when a unit (header, block, checksum) straddles chunks, at most
 * one block; output goes to a sliding buffer holding the window, one block of room, and some
 * slack so that the window is moved rarely (at most every `slack` bytes).
 *
 * Errors are the same, for the same input, as those of one-shot `decompress`: the checks are made
 * in the same order by the same functions.
 *
 * @module
 */

import { corrupt, truncated, ZstdError } from "../errors.ts";
import { ByteTransform, type ChunkProcessor } from "../streams.ts";
import type { Xxh64 } from "../entropy/xxh64.ts";
import { SKIPPABLE_MAGIC, SKIPPABLE_MAGIC_MASK, ZSTD_MAGIC } from "../format.ts";
import { decodeBlock, RLE_BLOCK } from "./block.ts";
import { OUTPUT_SLACK } from "./sequences.ts";
import type { BlockContext } from "./context.ts";
import {
  type DecoderWorkspace,
  releaseDecoderWorkspace,
  takeStreamDecoderWorkspace,
} from "./workspace.ts";
import { frameDictionary, outputTooLarge } from "./decompress.ts";
import {
  checkBlockHeader,
  FRAME_HEADER_MIN,
  type FrameHeader,
  frameHeaderSize,
  parseFrameHeader,
  readU32,
  windowReach,
} from "./frame.ts";
import {
  type DecompressOptions,
  type ResolvedDecompressOptions,
  resolveDecompressOptions,
  toBytes,
} from "./options.ts";

const enum Stage {
  Magic,
  FrameHeader,
  SkippableSize,
  Skip,
  BlockHeader,
  BlockBody,
  Checksum,
}

const NO_CONTENT = new Uint8Array(0);

/** Window slack cap: the window moves at most once per this many output bytes. */
const MAX_SLACK = 32 << 20;
/** The window's first size: it grows (4 times at each step) as a frame's output needs it. */
const MIN_WINDOW = 1 << 20;

/**
 * Test hook: the windows the stream decoders allocated (count, bytes, largest). Only windows are
 * counted; the staging of units that straddle chunks holds at most one block.
 */
export const windowAllocations = { count: 0, bytes: 0, largest: 0 };

/** Incremental decoder of a sequence of frames. */
export class StreamDecoder implements ChunkProcessor {
  private readonly options: ResolvedDecompressOptions;
  /** The stream's own working memory (workspace.ts). */
  private readonly workspace: DecoderWorkspace = takeStreamDecoderWorkspace();
  private readonly ctx: BlockContext = this.workspace.ctx;
  private readonly header: FrameHeader = this.workspace.header;
  private readonly hash: Xxh64 = this.workspace.hash;
  private stage = Stage.Magic;
  /** Bytes the current stage needs. */
  private need = 4;
  private staged = new Uint8Array(8);
  private stagedLength = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkPos = 0;
  /** Bytes of a skippable frame still to skip. */
  private skipLeft = 0;
  private blockHeader = 0;
  private window: Uint8Array = new Uint8Array(0);
  /** The most window the current frame may use (its reach, a block, and slack). */
  private capacity = 0;
  private windowPos = 0;
  private frameStart = 0;
  private frameProduced = 0;
  private totalProduced = 0;
  private sawInput = false;

  constructor(options: ResolvedDecompressOptions) {
    this.options = options;
  }

  /** Hands the decoder the next chunk; call `next` until it returns null before feeding again. */
  feed(chunk: Uint8Array): void {
    this.chunk = chunk;
    this.chunkPos = 0;
    if (chunk.length > 0) this.sawInput = true;
  }

  /**
   * Decodes until a block of output is ready (returned as a fresh array) or the chunk is used up
   * (returns null).
   */
  next(): Uint8Array | null {
    for (;;) {
      if (this.stage === Stage.Skip) {
        const n = Math.min(this.skipLeft, this.chunk.length - this.chunkPos);
        this.chunkPos += n;
        this.skipLeft -= n;
        if (this.skipLeft > 0) return null;
        this.expect(Stage.Magic, 4);
        continue;
      }
      // Gather `need` bytes: straight from the chunk when it holds them all, else staged.
      let src: Uint8Array;
      let pos: number;
      const available = this.chunk.length - this.chunkPos;
      if (this.stagedLength === 0 && available >= this.need) {
        src = this.chunk;
        pos = this.chunkPos;
        this.chunkPos += this.need;
      } else {
        const take = Math.min(this.need - this.stagedLength, available);
        if (this.staged.length < this.need) {
          const bigger = new Uint8Array(Math.max(this.need, this.staged.length * 2));
          bigger.set(this.staged.subarray(0, this.stagedLength));
          this.staged = bigger;
        }
        this.staged.set(
          this.chunk.subarray(this.chunkPos, this.chunkPos + take),
          this.stagedLength,
        );
        this.stagedLength += take;
        this.chunkPos += take;
        if (this.stagedLength < this.need) return null;
        src = this.staged;
        pos = 0;
        this.stagedLength = 0;
      }
      const out = this.step(src, pos);
      if (out !== null) return out;
    }
  }

  /** Ends the input: throws `input_truncated` if it stopped inside a frame. */
  finish(): Uint8Array[] {
    // Nothing is decoded from here on: the working memory goes to the next stream.
    if (this.workspace.inUse) releaseDecoderWorkspace(this.workspace);
    if (!this.sawInput) truncated("the frame magic number (the input is empty)");
    if (this.stage === Stage.Magic && this.stagedLength === 0) return [];
    const what = [
      "a frame magic number",
      "a frame header",
      "a skippable frame header",
      "a skippable frame",
      "a block header",
      "a block",
      "a frame checksum",
    ][this.stage];
    truncated(what);
  }

  private expect(stage: Stage, need: number): void {
    this.stage = stage;
    this.need = need;
  }

  /** Processes one complete unit at src[pos, pos + need). */
  private step(src: Uint8Array, pos: number): Uint8Array | null {
    switch (this.stage) {
      case Stage.Magic: {
        const magic = readU32(src, pos);
        if ((magic & SKIPPABLE_MAGIC_MASK) === SKIPPABLE_MAGIC) {
          this.expect(Stage.SkippableSize, 4);
          return null;
        }
        if (magic !== ZSTD_MAGIC) {
          throw new ZstdError(
            "prefix_unknown",
            `Cannot decode: unknown frame magic number 0x${magic.toString(16)}`,
          );
        }
        // Re-read magic + descriptor as the start of the header.
        this.staged[0] = src[pos];
        this.staged[1] = src[pos + 1];
        this.staged[2] = src[pos + 2];
        this.staged[3] = src[pos + 3];
        this.stagedLength = 4;
        this.expect(Stage.FrameHeader, FRAME_HEADER_MIN);
        return null;
      }
      case Stage.SkippableSize:
        this.skipLeft = readU32(src, pos);
        this.expect(Stage.Skip, 0);
        return null;
      case Stage.FrameHeader: {
        const size = frameHeaderSize(src[pos + 4]);
        if (this.need < size) {
          // Stage the 5 bytes and wait for the rest of the header.
          this.staged.set(src.subarray(pos, pos + FRAME_HEADER_MIN), 0);
          this.stagedLength = FRAME_HEADER_MIN;
          this.need = size;
          return null;
        }
        this.startFrame(src, pos);
        return null;
      }
      case Stage.BlockHeader: {
        const bh = src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16);
        const type = checkBlockHeader(bh, this.header.blockMaxSize);
        this.blockHeader = bh;
        this.expect(Stage.BlockBody, type === RLE_BLOCK ? 1 : bh >>> 3);
        return null;
      }
      case Stage.BlockBody:
        return this.decodeBlockBody(src, pos);
      case Stage.Checksum: {
        if (this.options.verifyChecksum) {
          const expected = readU32(src, pos);
          const actual = this.hash.digestLow32();
          if (expected !== actual) {
            throw new ZstdError(
              "checksum_wrong",
              `Cannot decode frame: content checksum 0x${actual.toString(16)} does not match ` +
                `0x${expected.toString(16)}`,
            );
          }
        }
        this.expect(Stage.Magic, 4);
        return null;
      }
      default:
        throw new Error("unreachable");
    }
  }

  private startFrame(src: Uint8Array, pos: number): void {
    const header = this.header;
    parseFrameHeader(header, src, pos, this.options.maxWindowSize);
    const dict = frameDictionary(header.dictionaryId, this.options.dictionary);
    if (header.contentSize > this.options.maxOutputSize - this.totalProduced) {
      outputTooLarge(this.options.maxOutputSize);
    }
    const blockMax = header.blockMaxSize;
    // A dictionary's content is history before the frame's output, referenced where it is:
    // offsets reach through the window into it, so the frame's output they may reach is the
    // window plus the dictionary.
    const dictSize = dict === null ? 0 : dict.content.length;
    const reach = windowReach(header.windowSize, dictSize);
    this.ctx.resetForFrame(reach, blockMax, dict);
    const slack = Math.max(4 * blockMax, Math.min(reach, MAX_SLACK));
    // Nothing is allocated for the header's claim: the window grows as the frame's output needs
    // it, up to this capacity, and is kept for the frames that follow (never reallocated to a
    // smaller one), so its memory follows the largest output-backed window seen.
    this.capacity = reach + blockMax + OUTPUT_SLACK + slack;
    this.windowPos = 0;
    this.frameStart = 0;
    this.frameProduced = 0;
    if (header.hasChecksum && this.options.verifyChecksum) this.hash.reset();
    this.expect(Stage.BlockHeader, 3);
  }

  /**
   * Grows the window to hold `need` bytes, by steps of 4 (few copies, little garbage), up to the
   * frame's capacity.
   */
  private growWindow(used: number, need: number): void {
    const size = Math.min(this.capacity, Math.max(need, 4 * this.window.length, MIN_WINDOW));
    const next = new Uint8Array(size);
    windowAllocations.count++;
    windowAllocations.bytes += size;
    windowAllocations.largest = Math.max(windowAllocations.largest, size);
    if (used > 0) next.set(this.window.subarray(0, used));
    this.window = next;
  }

  private decodeBlockBody(src: Uint8Array, pos: number): Uint8Array {
    const header = this.header;
    const blockMax = header.blockMaxSize;
    let op = this.windowPos;
    const need = op + blockMax + OUTPUT_SLACK;
    if (need > this.window.length && this.window.length < this.capacity && need <= this.capacity) {
      this.growWindow(op, need);
    } else if (need > this.window.length) {
      // Slide: keep the last window of this frame's output at the front.
      const keep = Math.min(op - this.frameStart, this.ctx.windowSize);
      const shift = op - keep;
      this.window.copyWithin(0, shift, op);
      this.frameStart = Math.max(this.frameStart - shift, 0);
      // Offsets can no longer reach before the frame's output (it is longer than the reach).
      this.ctx.dictionaryContent = NO_CONTENT;
      op = keep;
    }
    const bh = this.blockHeader;
    const start = op;
    op = decodeBlock(
      this.ctx,
      (bh >>> 1) & 3,
      src,
      pos,
      bh >>> 3,
      this.window,
      op,
      this.frameStart,
    );
    this.windowPos = op;
    const produced = op - start;
    this.frameProduced += produced;
    this.totalProduced += produced;
    const contentSize = header.contentSize;
    if (contentSize >= 0 && this.frameProduced > contentSize) {
      corrupt(`frame content exceeds its declared size of ${contentSize} bytes`);
    }
    if (this.totalProduced > this.options.maxOutputSize) outputTooLarge(this.options.maxOutputSize);
    if (header.hasChecksum && this.options.verifyChecksum) this.hash.update(this.window, start, op);
    if ((bh & 1) !== 0) {
      if (contentSize >= 0 && this.frameProduced !== contentSize) {
        corrupt(`frame content is ${this.frameProduced} bytes, its header declares ${contentSize}`);
      }
      if (header.hasChecksum) this.expect(Stage.Checksum, 4);
      else this.expect(Stage.Magic, 4);
    } else {
      this.expect(Stage.BlockHeader, 3);
    }
    return this.window.slice(start, op);
  }
}

/** Builds the stream behind `decompressStream`. */
export function createDecompressStream(
  options: DecompressOptions | undefined,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new StreamDecoder(resolveDecompressOptions(options, Infinity));
  return new ByteTransform(decoder, (chunk) => toBytes(chunk, "chunk"));
}
