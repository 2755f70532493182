/**
 * What `zstd -l` shows of a buffer of frames, read from the frame headers and block headers only:
 * nothing is decoded, so listing is as fast as walking the block headers.
 *
 * @module
 */

import { ZstdError } from "./errors.ts";
import { toBytes } from "./decoder/options.ts";
import { FrameHeader, frameHeaderSize, parseFrameHeader, readU32 } from "./decoder/frame.ts";
import { SKIPPABLE_MAGIC, SKIPPABLE_MAGIC_MASK, ZSTD_MAGIC } from "./format.ts";

/** One frame of a buffer, as {@linkcode readFrameInfo} finds it. */
export interface FrameInfo {
  /** `"zstd"` for a Zstandard frame, `"skippable"` for a skippable frame (user data). */
  kind: "zstd" | "skippable";
  /** Byte offset of the frame (its magic number) in the buffer. */
  offset: number;
  /** Bytes the frame occupies: header, blocks and checksum (a skippable frame: 8 + its data). */
  compressedSize: number;
  /**
   * Size of the content the frame decodes to, or `undefined` when its header does not say
   * (a frame written by a stream of unknown length). 0 for a skippable frame, which decodes to
   * nothing.
   */
  contentSize: number | undefined;
  /** Window size in bytes: the memory a decoder needs for history (0 for a skippable frame). */
  windowSize: number;
  /** ID of the dictionary the frame needs; 0 when none is named. */
  dictionaryId: number;
  /** Whether the frame ends with an XXH64 checksum of its content. */
  hasChecksum: boolean;
  /** Number of blocks (0 for a skippable frame). */
  blocks: number;
}

/** Largest frame header: magic, descriptor, window byte, 4-byte dictionary ID, 8-byte size. */
const FRAME_HEADER_MAX = 18;

/**
 * Walks the frames of an input of `size` bytes read through `readAt` (which returns at most
 * `length` bytes at `pos`, fewer at the end), appending each to `frames`. On a `ZstdError`,
 * `cursor.pos` is the offset of the frame, block or checksum that could not be read. Shared by
 * {@linkcode readFrameInfo} and the command line's `-l`, which reads a file a few bytes at a time.
 */
export function walkFrames(
  size: number,
  readAt: (pos: number, length: number) => Uint8Array,
  frames: FrameInfo[],
  cursor: { pos: number } = { pos: 0 },
): void {
  if (size === 0) throw new ZstdError("input_truncated", "Cannot read frames: the input is empty");
  const header = new FrameHeader();
  let pos = 0;
  const truncated = (start: number): never => {
    cursor.pos = start;
    throw new ZstdError(
      "input_truncated",
      `Cannot read frames: the input ends inside the frame at offset ${start}`,
    );
  };
  while (pos < size) {
    cursor.pos = pos;
    const start = pos;
    if (size - pos < 4) truncated(start);
    const head = readAt(pos, FRAME_HEADER_MAX);
    const magic = readU32(head, 0);
    if ((magic & SKIPPABLE_MAGIC_MASK) === SKIPPABLE_MAGIC) {
      if (head.length < 8) truncated(start);
      pos += 8 + readU32(head, 4);
      if (pos > size) truncated(start);
      frames.push({
        kind: "skippable",
        offset: start,
        compressedSize: pos - start,
        contentSize: 0,
        windowSize: 0,
        dictionaryId: 0,
        hasChecksum: false,
        blocks: 0,
      });
      continue;
    }
    if (magic !== ZSTD_MAGIC) {
      throw new ZstdError(
        "prefix_unknown",
        `Cannot read frames: no Zstandard or skippable frame magic number at offset ${pos}`,
      );
    }
    if (head.length < 5 || head.length < frameHeaderSize(head[4])) truncated(start);
    parseFrameHeader(header, head, 0, Infinity);
    pos += header.headerSize;
    let blocks = 0;
    for (;;) {
      cursor.pos = pos;
      const block = readAt(pos, 3);
      if (block.length < 3) truncated(start);
      const blockHeader = block[0] | (block[1] << 8) | (block[2] << 16);
      const type = (blockHeader >>> 1) & 3;
      if (type === 3) {
        throw new ZstdError(
          "corruption_detected",
          `Cannot read frames: reserved block type at offset ${pos}`,
        );
      }
      blocks++;
      // An RLE block stores one byte, whatever the size it regenerates.
      pos += 3 + (type === 1 ? 1 : blockHeader >>> 3);
      if ((blockHeader & 1) !== 0) break;
    }
    if (header.hasChecksum) {
      cursor.pos = pos;
      if (readAt(pos, 4).length < 4) truncated(start);
      pos += 4;
    }
    if (pos > size) truncated(start);
    frames.push({
      kind: "zstd",
      offset: start,
      compressedSize: pos - start,
      contentSize: header.contentSize < 0 ? undefined : header.contentSize,
      windowSize: header.windowSize,
      dictionaryId: header.dictionaryId,
      hasChecksum: header.hasChecksum,
      blocks,
    });
  }
}

/**
 * Lists the frames of `bytes` (Zstandard frames and skippable frames, one after another) with
 * what `zstd -l` shows of them: content size, window size, dictionary ID, checksum flag, and
 * where each frame starts and ends. Only the frame and block headers are read, nothing is
 * decoded: use it to learn how large the content will be, how much memory decoding needs, or
 * which dictionary a frame wants, before decompressing.
 *
 * @param bytes One or more whole frames.
 * @returns One entry per frame, in order.
 * @throws {ZstdError} `input_truncated` when `bytes` is empty or ends inside a frame,
 * `prefix_unknown` when a frame does not start with a Zstandard or skippable magic number (data
 * that is not Zstandard, or trailing bytes after the last frame), `frame_header_invalid` when a
 * frame header sets its reserved bit, `corruption_detected` on a block of the reserved type.
 * @throws {TypeError} when `bytes` is not a Uint8Array or views a detached buffer.
 *
 * @example Sizes, window and dictionary of each frame
 * ```ts
 * import { compress, readFrameInfo } from "@x/zstd";
 * const text = new TextEncoder().encode("hello ".repeat(1000));
 * const two = new Uint8Array([...compress(text), ...compress(text, { checksum: true })]);
 * const frames = readFrameInfo(two);
 * console.log(frames.length); // 2
 * console.log(frames[0].contentSize); // 6000
 * console.log(frames[1].hasChecksum, frames[1].offset === frames[0].compressedSize); // true true
 * console.log(frames[0].dictionaryId); // 0
 * ```
 */
export function readFrameInfo(bytes: Uint8Array): FrameInfo[] {
  const src = toBytes(bytes, "bytes");
  const frames: FrameInfo[] = [];
  walkFrames(src.length, (pos, length) => src.subarray(pos, pos + length), frames);
  return frames;
}
