/**
 * Frame-level parsing (RFC 8878 §3.1.1): magic numbers, the frame header, block headers.
 *
 * @module
 */

import { corrupt, ZstdError } from "../errors.ts";

/** Magic number of a Zstandard frame, little-endian. */
export const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use the 16 magics 0x184D2A50..0x184D2A5F. */
export const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
/** The first skippable magic. */
export const SKIPPABLE_MAGIC = 0x184d2a50;
/** Absolute limit on a block's size, whatever the window. */
export const BLOCK_SIZE_MAX = 128 * 1024;
/** Smallest possible frame header: magic + descriptor + 1 byte. */
export const FRAME_HEADER_MIN = 5;

/** A parsed frame header; one object is reused. */
export class FrameHeader {
  /** Bytes the header occupies, magic included. */
  headerSize = 0;
  /** Content size, or −1 when the header does not give it. */
  contentSize = -1;
  /** Window size in bytes. */
  windowSize = 0;
  /** min(window, 128 KiB). */
  blockMaxSize = 0;
  /** Dictionary ID, 0 when absent. */
  dictionaryId = 0;
  hasChecksum = false;
  singleSegment = false;
}

/** Reads a little-endian uint32. */
export function readU32(src: Uint8Array, pos: number): number {
  return (src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0;
}

/** Size of the frame header whose descriptor byte is `fhd` (magic included). */
export function frameHeaderSize(fhd: number): number {
  const single = (fhd >>> 5) & 1;
  const dictBytes = [0, 1, 2, 4][fhd & 3];
  const fcsFlag = fhd >>> 6;
  const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag];
  return 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
}

/**
 * Parses the frame header at src[pos, pos + frameHeaderSize) (the magic already checked) and
 * applies the window limit.
 */
export function parseFrameHeader(
  header: FrameHeader,
  src: Uint8Array,
  pos: number,
  maxWindowSize: number,
): void {
  const fhd = src[pos + 4];
  if ((fhd & 8) !== 0) {
    throw new ZstdError(
      "frame_header_invalid",
      "Cannot decode frame: the reserved bit of the frame header descriptor is set",
    );
  }
  const single = (fhd & 32) !== 0;
  let p = pos + 5;
  let windowSize = 0;
  if (!single) {
    const wd = src[p++];
    const exponent = wd >>> 3;
    const windowLog = 10 + exponent;
    // Shifts while the size fits an int32 (windowLog 30, mantissa 7: under 2^31): a size computed
    // as a double (`2 **`) stays a double, and positions derived from it made JavaScriptCore's
    // optimized code exit on every block.
    const base = windowLog <= 30 ? 1 << windowLog : 2 ** windowLog;
    windowSize = windowLog <= 30 ? base + (base >> 3) * (wd & 7) : base + (base / 8) * (wd & 7);
  }
  let dictionaryId = 0;
  switch (fhd & 3) {
    case 1:
      dictionaryId = src[p];
      p += 1;
      break;
    case 2:
      dictionaryId = src[p] | (src[p + 1] << 8);
      p += 2;
      break;
    case 3:
      dictionaryId = readU32(src, p);
      p += 4;
      break;
  }
  let contentSize = -1;
  switch (fhd >>> 6) {
    case 0:
      if (single) contentSize = src[p++];
      break;
    case 1:
      contentSize = (src[p] | (src[p + 1] << 8)) + 256;
      p += 2;
      break;
    case 2:
      contentSize = readU32(src, p);
      p += 4;
      break;
    case 3: {
      const low = readU32(src, p);
      const high = readU32(src, p + 4);
      // 2^64 - 1 is libzstd's ZSTD_CONTENTSIZE_UNKNOWN: it reads the field as "unknown", so do
      // we (a single-segment frame then needs an unbounded window: window_too_large, as libzstd).
      contentSize = low === 0xffffffff && high === 0xffffffff ? -1 : low + high * 0x100000000;
      p += 8;
      break;
    }
  }
  if (single) windowSize = contentSize === -1 ? 2 ** 64 : contentSize;
  if (windowSize > maxWindowSize) {
    throw new ZstdError(
      "window_too_large",
      `Cannot decode frame: window size ${windowSize} exceeds the limit of ${maxWindowSize}`,
    );
  }
  if (windowSize <= 0x7fffffff) windowSize |= 0;
  header.headerSize = p - pos;
  header.contentSize = contentSize;
  header.windowSize = windowSize;
  header.blockMaxSize = Math.min(windowSize, BLOCK_SIZE_MAX);
  header.dictionaryId = dictionaryId;
  header.hasChecksum = (fhd & 4) !== 0;
  header.singleSegment = single;
}

/** Checks a block header's type and size against the frame; returns the block type. */
export function checkBlockHeader(blockHeader: number, blockMaxSize: number): number {
  const type = (blockHeader >>> 1) & 3;
  const size = blockHeader >>> 3;
  if (type === 3) corrupt("reserved block type");
  // RLE blocks give their regenerated size; the others their size in the input.
  if (size > blockMaxSize) corrupt(`block size ${size} exceeds the maximum of ${blockMaxSize}`);
  return type;
}
