/**
 * The Literals_Section of a compressed block (RFC 8878 §3.1.1.3.1). Literals are decoded straight
 * into the output buffer, at the end of the space the block may use, so that executing sequences
 * copies them forward within one buffer (the write position never passes the read position; see
 * `decodeSequences`).
 *
 * @module
 */

import { corrupt } from "../errors.ts";
import {
  decodeHuffman4Streams,
  decodeHuffmanStream,
  readHuffmanTable,
} from "../entropy/huffman_decoder.ts";
import type { BlockContext } from "./context.ts";

/** Copies below this length go byte by byte; longer ones use `set`/`copyWithin`. */
const SHORT_COPY = 16;

/**
 * Decodes the literals section at src[pos, end) into out[litEnd − size, litEnd), where size is
 * the regenerated size, returned through `ctx.literalsSize`. Returns the bytes the section occupies.
 */
export function decodeLiterals(
  ctx: BlockContext,
  src: Uint8Array,
  pos: number,
  end: number,
  out: Uint8Array,
  litEnd: number,
): number {
  const b0 = src[pos];
  const type = b0 & 3;
  const sizeFormat = (b0 >>> 2) & 3;
  if (type < 2) {
    // Raw or RLE: 1, 2 or 3 header bytes.
    let size: number;
    let header: number;
    if ((sizeFormat & 1) === 0) {
      size = b0 >>> 3;
      header = 1;
    } else if (sizeFormat === 1) {
      if (pos + 2 > end) corrupt("literals header is truncated");
      size = (b0 >>> 4) | (src[pos + 1] << 4);
      header = 2;
    } else {
      if (pos + 3 > end) corrupt("literals header is truncated");
      size = (b0 >>> 4) | (src[pos + 1] << 4) | (src[pos + 2] << 12);
      header = 3;
    }
    if (size > ctx.blockMaxSize) corrupt(`literals size ${size} exceeds the block maximum`);
    const start = litEnd - size;
    const from = pos + header;
    if (type === 0) {
      if (from + size > end) corrupt("raw literals are truncated");
      if (size < SHORT_COPY) {
        for (let i = 0; i < size; i++) out[start + i] = src[from + i];
      } else {
        out.set(src.subarray(from, from + size), start);
      }
      ctx.literalsSize = size;
      return header + size;
    }
    if (from + 1 > end) corrupt("RLE literals are truncated");
    out.fill(src[from], start, litEnd);
    ctx.literalsSize = size;
    return header + 1;
  }
  // Compressed (2) or treeless (3): 3, 4 or 5 header bytes, 1 or 4 streams.
  let size: number;
  let compressedSize: number;
  let header: number;
  if (sizeFormat < 2) {
    if (pos + 3 > end) corrupt("literals header is truncated");
    const v = b0 | (src[pos + 1] << 8) | (src[pos + 2] << 16);
    size = (v >>> 4) & 0x3ff;
    compressedSize = (v >>> 14) & 0x3ff;
    header = 3;
  } else if (sizeFormat === 2) {
    if (pos + 4 > end) corrupt("literals header is truncated");
    const v = (b0 | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0;
    size = (v >>> 4) & 0x3fff;
    compressedSize = v >>> 18;
    header = 4;
  } else {
    if (pos + 5 > end) corrupt("literals header is truncated");
    const v = (b0 | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0;
    size = (v >>> 4) & 0x3ffff;
    compressedSize = (v >>> 22) | (src[pos + 4] << 10);
    header = 5;
  }
  if (size > ctx.blockMaxSize) corrupt(`literals size ${size} exceeds the block maximum`);
  let from = pos + header;
  const streamsEnd = from + compressedSize;
  if (streamsEnd > end) corrupt("compressed literals are truncated");
  if (type === 2) {
    from += readHuffmanTable(ctx.huffmanScratch, ctx.huffman, src, from, streamsEnd);
    ctx.huffmanValid = true;
  } else if (!ctx.huffmanValid) {
    corrupt("treeless literals without a previous Huffman table");
  }
  const start = litEnd - size;
  if (sizeFormat === 0) {
    decodeHuffmanStream(ctx.huffman, src, from, streamsEnd, out, start, litEnd);
  } else {
    decodeHuffman4Streams(
      ctx.huffman,
      ctx.literalWords,
      ctx.literalBytes,
      src,
      from,
      streamsEnd,
      out,
      start,
      size,
    );
  }
  ctx.literalsSize = size;
  return header + compressedSize;
}
