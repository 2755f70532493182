/**
 * One-shot decompression of any number of frames (and skippable frames) into one buffer.
 *
 * The output buffer is sized from the frame content size when the header gives it, as far as the
 * remaining input can justify (what it could produce at all, and at most TRUSTED_RATIO times its
 * size: a header cannot make us allocate what the body has not shown), and grown by doubling as
 * the blocks fill it, never past the content size or the output limit. Every block gets
 * `blockMaxSize` bytes of room at the write position (compressed blocks decode their literals at
 * the end of that room).
 *
 * @module
 */

import { corrupt, truncated, ZstdError } from "../errors.ts";
import { SKIPPABLE_MAGIC, SKIPPABLE_MAGIC_MASK, ZSTD_MAGIC } from "../format.ts";
import { decodeBlock, RLE_BLOCK } from "./block.ts";
import { OUTPUT_SLACK } from "./sequences.ts";
import {
  checkBlockHeader,
  FRAME_HEADER_MIN,
  frameHeaderSize,
  parseFrameHeader,
  readU32,
  windowReach,
} from "./frame.ts";
import type { ResolvedDecompressOptions } from "./options.ts";
import type { ZstdDictionary } from "../dictionary.ts";
import { type DecoderDictionary, decoderDictionary } from "./dictionary.ts";
import {
  type DecoderWorkspace,
  releaseDecoderWorkspace,
  takeOneShotDecoderWorkspace,
} from "./workspace.ts";

/** Smallest block that can regenerate `blockMaxSize` bytes (an RLE block: 3 + 1 bytes). */
const MIN_BYTES_PER_BLOCK = 4;
/**
 * Output allocated up front per byte of remaining input, before the blocks prove more: well
 * above what real data compresses to, so a frame with a content size is usually one allocation.
 */
const TRUSTED_RATIO = 128;

/**
 * The most output one `decompress` call returns: 4 GiB − 1 MiB, so that the output and a block's
 * room fit in the largest array every runtime creates (Bun's and Node's stop at 4 GiB). Beyond
 * it, or with any `maxOutputSize` above it, `output_too_large`; `decompressStream` has no such
 * limit.
 */
export const MAX_ONE_SHOT_OUTPUT = 2 ** 32 - 2 ** 20;

/** Test hook: the output buffers one-shot decoding allocated (count, bytes, largest). */
export const outputAllocations = { count: 0, bytes: 0, largest: 0 };

/** Decodes every frame of `src`. */
export function decompressFrames(src: Uint8Array, options: ResolvedDecompressOptions): Uint8Array {
  const ws = takeOneShotDecoderWorkspace();
  try {
    return decompressFramesWith(ws, src, options);
  } finally {
    releaseDecoderWorkspace(ws);
  }
}

function decompressFramesWith(
  ws: DecoderWorkspace,
  src: Uint8Array,
  options: ResolvedDecompressOptions,
): Uint8Array {
  const { ctx, header, hash } = ws;
  const len = src.length;
  if (len === 0) truncated("the frame magic number (the input is empty)");
  const limit = Math.min(options.maxOutputSize, MAX_ONE_SHOT_OUTPUT);
  let out: Uint8Array = new Uint8Array(0);
  let op = 0;
  let pos = 0;
  while (pos < len) {
    if (len - pos < 4) truncated("a frame magic number");
    const magic = readU32(src, pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) === SKIPPABLE_MAGIC) {
      if (len - pos < 8) truncated("a skippable frame header");
      const size = readU32(src, pos + 4);
      if (size > len - pos - 8) truncated("a skippable frame");
      pos += 8 + size;
      continue;
    }
    if (magic !== ZSTD_MAGIC) {
      throw new ZstdError(
        "prefix_unknown",
        `Cannot decode: unknown frame magic number 0x${magic.toString(16)} at byte ${pos}`,
      );
    }
    if (len - pos < FRAME_HEADER_MIN) truncated("a frame header");
    const headerSize = frameHeaderSize(src[pos + 4]);
    if (len - pos < headerSize) truncated("a frame header");
    parseFrameHeader(header, src, pos, options.maxWindowSize);
    pos += headerSize;
    const dict = frameDictionary(header.dictionaryId, options.dictionary);
    const contentSize = header.contentSize;
    if (contentSize > limit - op) oneShotTooLarge(options.maxOutputSize);
    const blockMax = header.blockMaxSize;
    // Every block gets its maximum size of room plus the copy slack.
    const room = blockMax + OUTPUT_SLACK;
    // A dictionary's content is history before the frame's output: offsets may reach through the
    // window into it, where it is (the sequences read it there; it is never copied).
    const dictSize = dict === null ? 0 : dict.content.length;
    ctx.resetForFrame(windowReach(header.windowSize, dictSize), blockMax, dict);

    // Room for the whole frame when its size is known and the input can justify it, else a
    // guess; blocks grow it, never past frameCapacity.
    const reserve = op + initialRoom(contentSize, len - pos, len, blockMax) + room;
    if (out.length < reserve) {
      out = grow(out, op, reserve, frameCapacity(op, contentSize, limit, room));
    }
    const frameStart = op;
    // Hash block by block, while the block is still in cache.
    const verify = header.hasChecksum && options.verifyChecksum;
    if (verify) hash.reset();
    for (;;) {
      if (len - pos < 3) truncated("a block header");
      const bh = src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16);
      pos += 3;
      const type = checkBlockHeader(bh, blockMax);
      const size = bh >>> 3;
      const bodySize = type === RLE_BLOCK ? 1 : size;
      if (len - pos < bodySize) truncated("a block");
      if (out.length < op + room) {
        out = grow(out, op, op + room, frameCapacity(frameStart, contentSize, limit, room));
      }
      const blockStart = op;
      op = decodeBlock(ctx, type, src, pos, size, out, op, frameStart);
      if (verify) hash.update(out, blockStart, op);
      pos += bodySize;
      if (op - frameStart > contentSize && contentSize >= 0) {
        corrupt(`frame content exceeds its declared size of ${contentSize} bytes`);
      }
      if (op > limit) oneShotTooLarge(options.maxOutputSize);
      if ((bh & 1) !== 0) break;
    }
    if (contentSize >= 0 && op - frameStart !== contentSize) {
      corrupt(`frame content is ${op - frameStart} bytes, its header declares ${contentSize}`);
    }
    if (header.hasChecksum) {
      if (len - pos < 4) truncated("a frame checksum");
      if (verify) {
        const expected = readU32(src, pos);
        const actual = hash.digestLow32();
        if (expected !== actual) {
          throw new ZstdError(
            "checksum_wrong",
            `Cannot decode frame: content checksum 0x${actual.toString(16)} does not match ` +
              `0x${expected.toString(16)}`,
          );
        }
      }
      pos += 4;
    }
  }
  if (op === out.length) return out;
  // Keep the slack when it is small; copy out when it would waste much memory.
  return out.length - op > (op >>> 3) + 65536 ? out.slice(0, op) : out.subarray(0, op);
}

/** The largest initial output room: larger frames grow the buffer (by doubling) as they go. */
const INITIAL_ROOM_MAX = 1 << 30;

/**
 * Room for a frame's output before its first block, an int32: the content size when known and
 * plausible (what the remaining input could produce, and no more than TRUSTED_RATIO times it:
 * a header's word is not proof), else a guess; blocks grow it. The sizes here may exceed an
 * int32 (content sizes of 8 bytes, many blocks of 128 KiB), so they are computed apart and the
 * result is capped and truncated: a double reaching a position or a size made Bun's optimized
 * decoder leave its code on every sequence (BENCHMARKS.md).
 */
function initialRoom(
  contentSize: number,
  remaining: number,
  inputLength: number,
  blockMax: number,
): number {
  const producible = (((remaining / MIN_BYTES_PER_BLOCK) | 0) + 1) * blockMax;
  const want = contentSize >= 0
    ? Math.min(contentSize, producible, Math.max(remaining * TRUSTED_RATIO, 1 << 20))
    : Math.min(producible, Math.max(inputLength * 4, 1 << 16));
  return Math.min(want, INITIAL_ROOM_MAX) | 0;
}

/**
 * The most a frame starting at `frameStart` may need: its content (or what the limit leaves)
 * and a block's room; the checks after each block stop the output there. Out of line, for the
 * doubles (see initialRoom).
 */
function frameCapacity(frameStart: number, contentSize: number, limit: number, room: number) {
  return frameStart + (contentSize >= 0 ? contentSize : limit - frameStart) + room;
}

/**
 * The dictionary a frame is decoded with: the one given, if the frame names none or names its
 * ID (as libzstd); `dictionary_wrong` if the frame names another or none was given.
 */
export function frameDictionary(
  frameId: number,
  dict: ZstdDictionary | null,
): DecoderDictionary | null {
  if (frameId !== 0 && (dict === null || dict.id !== frameId)) {
    const given = dict === null ? "none was given" : `dictionary ${dict.id} was given`;
    throw new ZstdError(
      "dictionary_wrong",
      `Cannot decode frame: it needs dictionary ${frameId}, and ${given}`,
    );
  }
  return dict === null ? null : decoderDictionary(dict);
}

/** Throws `output_too_large`. */
export function outputTooLarge(limit: number): never {
  throw new ZstdError(
    "output_too_large",
    `Cannot decode: output exceeds maxOutputSize of ${limit} bytes`,
  );
}

/** Throws `output_too_large` for `maxOutputSize`, or for the one-shot limit below it. */
function oneShotTooLarge(maxOutputSize: number): never {
  if (maxOutputSize <= MAX_ONE_SHOT_OUTPUT) outputTooLarge(maxOutputSize);
  throw new ZstdError(
    "output_too_large",
    `Cannot decode: output exceeds ${MAX_ONE_SHOT_OUTPUT} bytes, the most one decompress call ` +
      "returns (decompressStream has no such limit)",
  );
}

/** A buffer of at least `need` bytes (doubling, at most `cap`) holding out[0, used). */
function grow(out: Uint8Array, used: number, need: number, cap: number): Uint8Array {
  const size = Math.min(cap, Math.max(need, Math.min(out.length * 2, need + (1 << 30))));
  let next: Uint8Array;
  try {
    next = new Uint8Array(size);
  } catch (e) {
    // Bun throws RangeError("Out of memory") when it cannot allocate; V8 "Array buffer
    // allocation failed".
    if (!(e instanceof RangeError)) throw e;
    throw new ZstdError(
      "output_too_large",
      `Cannot decode: the output needs a buffer of ${size} bytes, which could not be allocated`,
    );
  }
  outputAllocations.count++;
  outputAllocations.bytes += size;
  if (size > outputAllocations.largest) outputAllocations.largest = size;
  if (used > 0) next.set(out.subarray(0, used));
  release(out);
  return next;
}

/**
 * Frees an outgrown output buffer now rather than at the next collection (the engines collect
 * large buffers lazily, and a decoding that grows to the limit would otherwise hold about twice
 * the limit): transferring it detaches it and drops its memory. Only buffers of our own.
 */
function release(out: Uint8Array): void {
  const buffer = out.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (out.length >= 1 << 20 && typeof buffer.transfer === "function") buffer.transfer(0);
}
