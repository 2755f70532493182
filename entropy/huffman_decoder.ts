/**
 * Huffman decoding for the literals section (RFC 8878 §4.2): the tree description (weights,
 * FSE-compressed or direct), a single-lookup decoding table, and the 1- and 4-stream decoders.
 *
 * Backward bit streams are read by bit position: `ptr` counts the bits not yet consumed from the
 * stream start, so reading n bits yields bits [ptr − n, ptr) and moves `ptr` down. Bits before the
 * start of the stream read as zero, as the format specifies for the final symbols.
 *
 * @module
 */

import { corrupt } from "../errors.ts";
import { buildFseTable, FseDecodeScratch, readNormalizedCounts } from "./fse_decoder.ts";

/** Zstandard's limit on Huffman code lengths. */
export const HUFFMAN_MAX_BITS = 11;

/** A Huffman decoding table: `cells[v] = symbol << 4 | codeLength` for every maxBits-bit value v. */
export class HuffmanTable {
  readonly cells: Uint16Array = new Uint16Array(1 << HUFFMAN_MAX_BITS);
  maxBits = 0;
}

/** Scratch of {@linkcode readHuffmanTable}: its owner reads one description at a time. */
export class HuffmanDecodeScratch {
  readonly weights: Uint8Array = new Uint8Array(256);
  readonly rankCount: Uint32Array = new Uint32Array(HUFFMAN_MAX_BITS + 2);
  readonly rankStart: Uint32Array = new Uint32Array(HUFFMAN_MAX_BITS + 2);
  /** The weights' FSE table (at most 2^6 states) and its scratch. */
  readonly weightSymbols: Uint8Array = new Uint8Array(64);
  readonly weightNbBits: Uint8Array = new Uint8Array(64);
  readonly weightBase: Uint16Array = new Uint16Array(64);
  readonly fse: FseDecodeScratch = new FseDecodeScratch();
}

/** Total bits of a backward stream in src[start, end): its last byte holds the end mark. */
export function backwardStreamBits(src: Uint8Array, start: number, end: number): number {
  if (end <= start) corrupt("empty bit stream");
  const last = src[end - 1];
  if (last === 0) corrupt("bit stream has no end mark");
  return (end - 1 - start) * 8 + (31 - Math.clz32(last));
}

/** Reads n ≤ 25 bits ending at bit `ptr` of the stream starting at byte `start`; ptr may be < n. */
function readBackwardSlow(src: Uint8Array, start: number, ptr: number, n: number): number {
  if (ptr <= 0 || n === 0) return 0;
  if (ptr >= n) {
    const s = ptr - n;
    const b = start + (s >>> 3);
    const w = src[b] | (src[b + 1] << 8) | (src[b + 2] << 16) | (src[b + 3] << 24);
    return (w >>> (s & 7)) & ((1 << n) - 1);
  }
  // Fewer than n bits remain: the missing low bits are zeros.
  const w = src[start] | (src[start + 1] << 8) | (src[start + 2] << 16) | (src[start + 3] << 24);
  return (w & ((1 << ptr) - 1)) << (n - ptr);
}

/**
 * Reads a Huffman tree description at src[pos, end) into `table`. Returns the bytes it occupies.
 */
export function readHuffmanTable(
  scratch: HuffmanDecodeScratch,
  table: HuffmanTable,
  src: Uint8Array,
  pos: number,
  end: number,
): number {
  const { weights, weightSymbols, weightNbBits, weightBase } = scratch;
  const weightCounts = scratch.fse.counts;
  if (pos >= end) corrupt("Huffman tree description is missing");
  const header = src[pos];
  let count: number;
  let size: number;
  if (header < 128) {
    // FSE-compressed weights, two interleaved states over one backward stream.
    size = 1 + header;
    if (header === 0 || pos + size > end) corrupt("Huffman weights are truncated");
    const descEnd = pos + size;
    const used = readNormalizedCounts(weightCounts, src, pos + 1, descEnd, 255, 6);
    buildFseTable(
      scratch.fse,
      weightCounts.counts,
      weightCounts.symbolCount,
      weightCounts.tableLog,
      weightSymbols,
      weightNbBits,
      weightBase,
    );
    const log = weightCounts.tableLog;
    const start = pos + 1 + used;
    if (start >= descEnd) corrupt("Huffman weights bit stream is missing");
    let ptr = backwardStreamBits(src, start, descEnd);
    ptr -= log;
    let s1 = readBackwardSlow(src, start, ptr + log, log);
    ptr -= log;
    let s2 = readBackwardSlow(src, start, ptr + log, log);
    if (ptr < 0) corrupt("Huffman weights bit stream is too short");
    count = 0;
    for (;;) {
      if (count > 253) corrupt("too many Huffman weights");
      weights[count++] = weightSymbols[s1];
      let nb = weightNbBits[s1];
      s1 = weightBase[s1] + readBackwardSlow(src, start, ptr, nb);
      ptr -= nb;
      if (ptr < 0) {
        weights[count++] = weightSymbols[s2];
        break;
      }
      if (count > 253) corrupt("too many Huffman weights");
      weights[count++] = weightSymbols[s2];
      nb = weightNbBits[s2];
      s2 = weightBase[s2] + readBackwardSlow(src, start, ptr, nb);
      ptr -= nb;
      if (ptr < 0) {
        weights[count++] = weightSymbols[s1];
        break;
      }
    }
  } else {
    count = header - 127;
    size = 1 + ((count + 1) >>> 1);
    if (pos + size > end) corrupt("Huffman weights are truncated");
    for (let i = 0; i < count; i += 2) {
      const b = src[pos + 1 + (i >>> 1)];
      weights[i] = b >>> 4;
      weights[i + 1] = b & 15;
    }
  }
  buildHuffmanTable(scratch, table, count);
  return size;
}

/** Builds the decoding table from `weights[0, count)` plus the implied last weight. */
function buildHuffmanTable(scratch: HuffmanDecodeScratch, table: HuffmanTable, count: number) {
  const { weights, rankCount, rankStart } = scratch;
  rankCount.fill(0);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i];
    if (w > HUFFMAN_MAX_BITS) corrupt(`Huffman weight ${w} is too large`);
    rankCount[w]++;
    if (w > 0) total += 1 << (w - 1);
  }
  if (total === 0) corrupt("Huffman weights are all zero");
  const maxBits = 32 - Math.clz32(total);
  if (maxBits > HUFFMAN_MAX_BITS) corrupt("Huffman code is too deep");
  const rest = (1 << maxBits) - total;
  if ((rest & (rest - 1)) !== 0) corrupt("Huffman weights do not complete a power of two");
  const lastWeight = 32 - Math.clz32(rest);
  weights[count] = lastWeight;
  rankCount[lastWeight]++;
  const symbols = count + 1;
  // Cells are filled by increasing weight, then by symbol: the canonical code of the format.
  let next = 0;
  for (let w = 1; w <= maxBits; w++) {
    rankStart[w] = next;
    next += rankCount[w] << (w - 1);
  }
  const cells = table.cells;
  for (let s = 0; s < symbols; s++) {
    const w = weights[s];
    if (w === 0) continue;
    const len = 1 << (w - 1);
    const cell = (s << 4) | (maxBits + 1 - w);
    const from = rankStart[w];
    // fill() has a call cost that dominates the short runs of long codes.
    if (len < 16) {
      for (let i = from; i < from + len; i++) cells[i] = cell;
    } else {
      cells.fill(cell, from, from + len);
    }
    rankStart[w] = from + len;
  }
  table.maxBits = maxBits;
}

/**
 * Decodes one stream src[start, end) into dst[dstPos, dstEnd). The stream must be consumed
 * exactly.
 */
export function decodeHuffmanStream(
  table: HuffmanTable,
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstPos: number,
  dstEnd: number,
): void {
  const cells = table.cells;
  const maxBits = table.maxBits;
  const mask = (1 << maxBits) - 1;
  let ptr = backwardStreamBits(src, start, end);
  let op = dstPos;
  // Fast path: at least maxBits bits remain, so a 3-byte read covers the peek.
  const fastEnd = dstEnd;
  while (op < fastEnd && ptr >= maxBits) {
    const s = ptr - maxBits;
    const b = start + (s >>> 3);
    const cell = cells[((src[b] | (src[b + 1] << 8) | (src[b + 2] << 16)) >>> (s & 7)) & mask];
    dst[op++] = cell >>> 4;
    ptr -= cell & 15;
  }
  while (op < dstEnd) {
    const cell = cells[readBackwardSlow(src, start, ptr, maxBits)];
    dst[op++] = cell >>> 4;
    ptr -= cell & 15;
  }
  if (ptr !== 0) corrupt("Huffman stream is not consumed exactly");
}

/**
 * Decodes the 4-stream layout (6-byte jump table) of src[start, end) into dst[dstPos, dstPos+size).
 * `words` (viewed as `bytes`) is scratch of at least `(end - start) / 4 + 4` words, where the
 * streams are copied for aligned reads.
 */
export function decodeHuffman4Streams(
  table: HuffmanTable,
  words: Int32Array,
  bytes: Uint8Array,
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstPos: number,
  size: number,
): void {
  if (end - start < 10) corrupt("4-stream Huffman literals are too short");
  const len1 = src[start] | (src[start + 1] << 8);
  const len2 = src[start + 2] | (src[start + 3] << 8);
  const len3 = src[start + 4] | (src[start + 5] << 8);
  const s1 = start + 6;
  const s2 = s1 + len1;
  const s3 = s2 + len2;
  const s4 = s3 + len3;
  if (s4 >= end || len1 === 0 || len2 === 0 || len3 === 0) corrupt("Huffman jump table is invalid");
  const segment = (size + 3) >>> 2;
  if (3 * segment > size) corrupt("Huffman 4-stream literals are too few");
  const cells = table.cells;
  const maxBits = table.maxBits;
  const mask = (1 << maxBits) - 1;
  let p1 = backwardStreamBits(src, s1, s2);
  let p2 = backwardStreamBits(src, s2, s3);
  let p3 = backwardStreamBits(src, s3, s4);
  let p4 = backwardStreamBits(src, s4, end);
  let o1 = dstPos;
  let o2 = dstPos + segment;
  let o3 = dstPos + 2 * segment;
  let o4 = dstPos + 3 * segment;
  const e1 = o2;
  const e4 = dstPos + size;
  // Interleaved fast loop: per stream, one 4-byte load yields 25 bits, enough for two codes of
  // at most 11 bits. Runs while every stream has 25 bits left and room for two symbols.
  const e2 = e1 + segment;
  const e3 = e2 + segment;
  const shift1 = 25 - maxBits;
  // The four streams, copied to aligned 32-bit words: a 25-bit window is two loads.
  bytes.set(src.subarray(s1, end), 0);
  const q1 = 0;
  const q2 = (s2 - s1) * 8;
  const q3 = (s3 - s1) * 8;
  const q4 = (s4 - s1) * 8;
  // Iterations that are safe for every stream: each consumes at most 2 * maxBits bits and
  // writes 2 bytes; a stream needs 25 bits left at the start of an iteration. One flat loop with
  // a batch countdown: nested loops here made V8 deoptimize on every exit from the OSR'd inner
  // loop (846 deopts in 4 s on a frame of small blocks).
  const step = 2 * maxBits;
  let n = safeIterations(p1, p2, p3, p4, e1 - o1, e2 - o2, e3 - o3, e4 - o4, step);
  while (n > 0) {
    let x = q1 + p1 - 25;
    let w = x >>> 5;
    let v = (words[w] >>> (x & 31) | ((words[w + 1] << 1) << (31 - (x & 31)))) & 0x1ffffff;
    let c = cells[(v >>> shift1) & mask];
    let len = c & 15;
    dst[o1] = c >>> 4;
    c = cells[(v >>> (shift1 - len)) & mask];
    dst[o1 + 1] = c >>> 4;
    p1 -= len + (c & 15);
    o1 += 2;
    x = q2 + p2 - 25;
    w = x >>> 5;
    v = (words[w] >>> (x & 31) | ((words[w + 1] << 1) << (31 - (x & 31)))) & 0x1ffffff;
    c = cells[(v >>> shift1) & mask];
    len = c & 15;
    dst[o2] = c >>> 4;
    c = cells[(v >>> (shift1 - len)) & mask];
    dst[o2 + 1] = c >>> 4;
    p2 -= len + (c & 15);
    o2 += 2;
    x = q3 + p3 - 25;
    w = x >>> 5;
    v = (words[w] >>> (x & 31) | ((words[w + 1] << 1) << (31 - (x & 31)))) & 0x1ffffff;
    c = cells[(v >>> shift1) & mask];
    len = c & 15;
    dst[o3] = c >>> 4;
    c = cells[(v >>> (shift1 - len)) & mask];
    dst[o3 + 1] = c >>> 4;
    p3 -= len + (c & 15);
    o3 += 2;
    x = q4 + p4 - 25;
    w = x >>> 5;
    v = (words[w] >>> (x & 31) | ((words[w + 1] << 1) << (31 - (x & 31)))) & 0x1ffffff;
    c = cells[(v >>> shift1) & mask];
    len = c & 15;
    dst[o4] = c >>> 4;
    c = cells[(v >>> (shift1 - len)) & mask];
    dst[o4 + 1] = c >>> 4;
    p4 -= len + (c & 15);
    o4 += 2;
    if (--n === 0) n = safeIterations(p1, p2, p3, p4, e1 - o1, e2 - o2, e3 - o3, e4 - o4, step);
  }
  finishStream(cells, maxBits, src, s1, p1, dst, o1, e1);
  finishStream(cells, maxBits, src, s2, p2, dst, o2, e2);
  finishStream(cells, maxBits, src, s3, p3, dst, o3, e3);
  finishStream(cells, maxBits, src, s4, p4, dst, o4, e4);
}

/** Fast-loop iterations that every stream can run without a bounds check. */
function safeIterations(
  p1: number,
  p2: number,
  p3: number,
  p4: number,
  room1: number,
  room2: number,
  room3: number,
  room4: number,
  step: number,
): number {
  if (p1 < 25 || p2 < 25 || p3 < 25 || p4 < 25) return 0;
  const bits = Math.min(p1, p2, p3, p4) - 25;
  return Math.min(((bits / step) | 0) + 1, room1 >> 1, room2 >> 1, room3 >> 1, room4 >> 1);
}

function finishStream(
  cells: Uint16Array,
  maxBits: number,
  src: Uint8Array,
  start: number,
  ptr: number,
  dst: Uint8Array,
  op: number,
  end: number,
): void {
  while (op < end) {
    const cell = cells[readBackwardSlow(src, start, ptr, maxBits)];
    dst[op++] = cell >>> 4;
    ptr -= cell & 15;
  }
  if (ptr !== 0) corrupt("Huffman stream is not consumed exactly");
}
