/**
 * The frame header (RFC 8878 §3.1.1.1) as libzstd writes it: single-segment when the content
 * size is known and fits the window, the smallest content-size and dictionary-ID fields.
 *
 * @module
 */

import { ZSTD_MAGIC } from "../format.ts";

/**
 * Writes a frame header at `out[pos]` (room for 18 bytes); returns the new position.
 * `contentSize` is −1 when not recorded; `dictionaryId` 0 when none.
 */
export function writeFrameHeader(
  out: Uint8Array,
  pos: number,
  windowLog: number,
  contentSize: number,
  checksum: boolean,
  dictionaryId: number,
): number {
  const known = contentSize >= 0;
  const singleSegment = known && 2 ** windowLog >= contentSize;
  const fcsCode = !known ? 0 : (contentSize >= 256 ? 1 : 0) + (contentSize >= 65536 + 256 ? 1 : 0) +
    (contentSize >= 0xffffffff ? 1 : 0);
  out[pos] = ZSTD_MAGIC;
  out[pos + 1] = ZSTD_MAGIC >>> 8;
  out[pos + 2] = ZSTD_MAGIC >>> 16;
  out[pos + 3] = ZSTD_MAGIC >>> 24;
  const idCode = dictionaryId === 0 ? 0 : dictionaryId < 256 ? 1 : dictionaryId < 65536 ? 2 : 3;
  out[pos + 4] = (checksum ? 4 : 0) | (singleSegment ? 0x20 : 0) | (fcsCode << 6) | idCode;
  pos += 5;
  if (!singleSegment) out[pos++] = (windowLog - 10) << 3;
  for (let i = 0; i < (idCode === 3 ? 4 : idCode); i++) out[pos++] = dictionaryId >>> (8 * i);
  switch (fcsCode) {
    case 0:
      if (singleSegment) out[pos++] = contentSize;
      break;
    case 1: {
      const v = contentSize - 256;
      out[pos++] = v;
      out[pos++] = v >>> 8;
      break;
    }
    case 2:
      out[pos++] = contentSize;
      out[pos++] = contentSize >>> 8;
      out[pos++] = contentSize >>> 16;
      out[pos++] = contentSize >>> 24;
      break;
    default: {
      const high = Math.floor(contentSize / 2 ** 32);
      const low = contentSize - high * 2 ** 32;
      for (let i = 0; i < 4; i++) out[pos++] = low >>> (8 * i);
      for (let i = 0; i < 4; i++) out[pos++] = high >>> (8 * i);
    }
  }
  return pos;
}
