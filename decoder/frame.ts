/**
 * Frame-level parsing (RFC 8878 §3.1.1): magic numbers, the frame header, block headers.
 *
 * @module
 */

import { corrupt, ZstdError } from "../errors.ts";
import { BLOCK_SIZE_MAX } from "../format.ts";

/** Smallest possible frame header: magic + descriptor + 1 byte. */
export const FRAME_HEADER_MIN = 5;

/** A parsed frame header; one object is reused. */
export class FrameHeader {
  /** Bytes the header occupies, magic included. */
  headerSize = 0;
  /** Content size, or −1 when the header does not give it; up to 2^64, so possibly a double. */
  contentSize = -1;
  /**
   * Window size in bytes, always an int32: a window of exactly 2^31 (maxWindowLog 31) reads as
   * 2^31 − 1, which no offset can exceed anyway. Sizes and positions derive from it, and a double
   * here once made every hot function of Bun's decoder leave its optimized code (BENCHMARKS.md,
   * "Bun: the decoder collapse").
   */
  windowSize = 0;
  /** min(window, 128 KiB), an int32. */
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
  // windowSize is an int32 on every path (see `header.windowSize`).
  let windowSize = 0;
  if (!single) {
    const wd = src[p++];
    const windowLog = 10 + (wd >>> 3);
    const mantissa = wd & 7;
    if (windowLog <= 30) {
      // At most 2^30 + 7 * 2^27, under 2^31.
      const base = 1 << windowLog;
      windowSize = base + (base >> 3) * mantissa;
    } else {
      windowSize = largeWindow(windowLog, mantissa, maxWindowSize);
    }
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
  // Only compared, never a position; a double only for sizes of 2^31 and more.
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
    case 3:
      contentSize = readU64(src, p);
      p += 8;
      break;
  }
  if (single) {
    // An unknown content size (2^64 − 1, see readU64) needs an unbounded window:
    // window_too_large, as libzstd.
    if (contentSize === -1 || contentSize > maxWindowSize) {
      windowTooLarge(contentSize, maxWindowSize);
    }
    // The content size as an int32 (2^31 itself, allowed by maxWindowLog 31, is clamped).
    windowSize = contentSize > MAX_WINDOW_INT ? MAX_WINDOW_INT : contentSize | 0;
  } else if (windowSize > maxWindowSize) {
    windowTooLarge(windowSize, maxWindowSize);
  }
  header.headerSize = p - pos;
  header.contentSize = contentSize;
  header.windowSize = windowSize;
  header.blockMaxSize = windowSize < BLOCK_SIZE_MAX ? windowSize : BLOCK_SIZE_MAX;
  header.dictionaryId = dictionaryId;
  header.hasChecksum = (fhd & 4) !== 0;
  header.singleSegment = single;
}

/**
 * How far offsets may reach: the window plus a dictionary's content before it, saturated at
 * 2^31 − 1 (beyond any offset) so that it stays an int32.
 */
export function windowReach(windowSize: number, dictSize: number): number {
  return windowSize > MAX_WINDOW_INT - dictSize ? MAX_WINDOW_INT : windowSize + dictSize;
}

/**
 * An 8-byte content size. Out of line: the double arithmetic here would otherwise make the
 * optimizing compilers type `contentSize` as a double on every path.
 */
function readU64(src: Uint8Array, pos: number): number {
  const low = readU32(src, pos);
  const high = readU32(src, pos + 4);
  // 2^64 − 1 is libzstd's ZSTD_CONTENTSIZE_UNKNOWN: it reads the field as "unknown", so do we.
  return low === 0xffffffff && high === 0xffffffff ? -1 : low + high * 0x100000000;
}

/** The largest window size stored: windows of 2^31 bytes are clamped to it. */
const MAX_WINDOW_INT = 0x7fffffff;

/**
 * A window of windowLog 31 or more (2^31 bytes or more): accepted only as 2^31 under
 * maxWindowLog 31, returned clamped to an int32; anything larger throws `window_too_large`.
 * Out of line, so that no double size is ever computed in `parseFrameHeader`'s own code.
 */
function largeWindow(windowLog: number, mantissa: number, maxWindowSize: number): number {
  const size = 2 ** windowLog + 2 ** (windowLog - 3) * mantissa;
  if (size > maxWindowSize) windowTooLarge(size, maxWindowSize);
  return MAX_WINDOW_INT;
}

/** Throws window_too_large for a window of `size` bytes (−1: unbounded). */
function windowTooLarge(size: number, maxWindowSize: number): never {
  const shown = size === -1 ? "2^64 (content size unknown)" : `${size}`;
  throw new ZstdError(
    "window_too_large",
    `Cannot decode frame: window size ${shown} exceeds the limit of ${maxWindowSize}`,
  );
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
