/**
 * Huffman encoding of literals: building depth-limited code lengths from a histogram, writing the
 * table description (weights, FSE-compressed or 4-bit direct, RFC 8878 §4.2.1), and encoding one
 * or four bit streams.
 *
 * Codes are canonical as the format requires: within a length, values increase with the symbol;
 * the longest codes take the lowest values. Symbols are written last to first so that the decoder,
 * reading the stream backward, meets the first symbol first.
 *
 * @module
 */

import { ByteViews } from "./byte_view.ts";
import {
  buildFseEncodeTable,
  FseEncodeScratch,
  FseEncodeTable,
  fseInitState,
  normalizeCounts,
  optimalTableLog,
  writeNormalizedCounts,
} from "./fse_encoder.ts";

/** Largest code length the format allows. */
export const HUFFMAN_MAX_LENGTH = 11;

/** A Huffman encoding table for byte symbols, reused across blocks. */
export class HuffmanEncodeTable {
  /** Code length of each symbol; 0 = absent. */
  readonly lengths: Uint8Array = new Uint8Array(256);
  /** `code << 4 | length` per symbol: one load per symbol in the encoding loop. */
  readonly packed: Int32Array = new Int32Array(256);
  /** Largest symbol with a code. */
  maxSymbol = 0;
  /** Longest code length. */
  tableLog = 0;

  /** Copies another table. */
  copyFrom(other: HuffmanEncodeTable): void {
    this.lengths.set(other.lengths);
    this.packed.set(other.packed);
    this.maxSymbol = other.maxSymbol;
    this.tableLog = other.tableLog;
  }
}

// Widest digit of the sort: counts below 2^10 are sorted in one pass.
const COUNT_BITS = 10;
// Head of an empty queue: above any count (at most a block, 2^17).
const EMPTY_QUEUE = 1 << 30;

/**
 * Scratch of building, describing and coding with Huffman tables ({@linkcode buildHuffmanTable},
 * {@linkcode writeHuffmanTable}, the stream encoders): its owner (an encoder workspace's literals
 * stage) does one at a time.
 */
export class HuffmanEncodeScratch {
  // buildHuffmanTable (2·256 tree nodes).
  readonly sortedSymbols: Uint8Array = new Uint8Array(256);
  readonly radixScratch: Uint8Array = new Uint8Array(256);
  readonly countStarts: Int32Array = new Int32Array(1 << COUNT_BITS);
  readonly leafCount: Int32Array = new Int32Array(257);
  readonly innerCount: Int32Array = new Int32Array(256);
  readonly nodeParent: Int32Array = new Int32Array(512);
  readonly nodeDepth: Uint8Array = new Uint8Array(512);
  readonly sortedLength: Uint8Array = new Uint8Array(256);
  readonly rankLast: Int32Array = new Int32Array(HUFFMAN_MAX_LENGTH + 2);
  readonly perLength: Uint16Array = new Uint16Array(HUFFMAN_MAX_LENGTH + 2);
  readonly runEnd: Int32Array = new Int32Array(HUFFMAN_MAX_LENGTH + 2);
  readonly nextCode: Uint16Array = new Uint16Array(HUFFMAN_MAX_LENGTH + 2);
  // writeHuffmanTable.
  readonly weights: Uint8Array = new Uint8Array(256);
  readonly weightCounts: Uint32Array = new Uint32Array(16);
  readonly weightNorm: Int16Array = new Int16Array(16);
  readonly weightTable: FseEncodeTable = new FseEncodeTable();
  readonly fse: FseEncodeScratch = new FseEncodeScratch();
  /** The stream encoders' view of their output. */
  readonly views: ByteViews = new ByteViews();
}

/**
 * Builds `table` for `counts[0..maxSymbol]` (at least two symbols present) with codes of at most
 * `maxLength` bits.
 */
export function buildHuffmanTable(
  scratch: HuffmanEncodeScratch,
  table: HuffmanEncodeTable,
  counts: Uint32Array,
  maxSymbol: number,
  maxLength: number,
): void {
  const { sortedSymbols, countStarts, leafCount, innerCount, nodeParent, nodeDepth } = scratch;
  const { sortedLength, runEnd, perLength } = scratch;
  // Symbols present, by decreasing count (ties: lower symbol first): a stable radix sort of the
  // symbols in increasing order, from the lowest digit of the count. No allocation, and no
  // builtin sort (JavaScriptCore's costs several microseconds a call).
  let n = 0;
  let largest = 0;
  let from = sortedSymbols;
  let to = scratch.radixScratch;
  for (let s = 0; s <= maxSymbol; s++) {
    const c = counts[s];
    if (c !== 0) {
      to[n++] = s;
      if (c > largest) largest = c;
    }
  }
  // Digits as wide as the buckets allow: one pass for counts below 1024 (most blocks of the
  // pre-split levels), two of at most 8 bits up to 65535.
  const bits = 32 - Math.clz32(largest);
  const passes = bits <= COUNT_BITS ? 1 : (bits + 7) >>> 3;
  const width = ((bits + passes - 1) / passes) | 0;
  const mask = (1 << width) - 1;
  for (let shift = 0; shift < bits; shift += width) {
    const swap = from;
    from = to;
    to = swap;
    countStarts.fill(0, 0, mask + 1);
    // Bucket mask − digit: larger digits first.
    for (let i = 0; i < n; i++) countStarts[mask - ((counts[from[i]] >>> shift) & mask)]++;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const k = countStarts[d];
      countStarts[d] = sum;
      sum += k;
    }
    for (let i = 0; i < n; i++) {
      const s = from[i];
      to[countStarts[mask - ((counts[s] >>> shift) & mask)]++] = s;
    }
  }
  if (to !== sortedSymbols) {
    for (let i = 0; i < n; i++) sortedSymbols[i] = to[i];
  }

  // Tree by the two-queue method: leaves in increasing count, internal nodes in creation order,
  // which is also increasing count; each step takes the smaller head, the leaf on a tie. An
  // empty queue's head reads as a count above any real one. Node ids: leaves 0..n-1, the k-th
  // internal node n + k.
  for (let i = 0; i < n; i++) leafCount[i] = counts[sortedSymbols[n - 1 - i]];
  leafCount[n] = EMPTY_QUEUE;
  innerCount.fill(EMPTY_QUEUE, 0, n);
  let leaf = 0;
  let inner = 0;
  for (let k = 0; k < n - 1; k++) {
    let a: number, b: number, sum: number;
    let lc = leafCount[leaf];
    let ic = innerCount[inner];
    if (lc <= ic) {
      sum = lc;
      a = leaf++;
      lc = leafCount[leaf];
    } else {
      sum = ic;
      a = n + inner++;
      ic = innerCount[inner];
    }
    if (lc <= ic) {
      sum += lc;
      b = leaf++;
    } else {
      sum += ic;
      b = n + inner++;
    }
    innerCount[k] = sum;
    nodeParent[a] = n + k;
    nodeParent[b] = n + k;
  }
  const root = 2 * n - 2;
  nodeDepth[root] = 0;
  for (let i = root - 1; i >= 0; i--) nodeDepth[i] = nodeDepth[nodeParent[i]] + 1;
  // sortedLength[i]: length of the i-th most frequent symbol; non-decreasing in i.
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const d = nodeDepth[n - 1 - i];
    sortedLength[i] = d;
    if (d > longest) longest = d;
  }
  if (longest > maxLength) limitLengths(scratch, n, counts, maxLength);

  const lengths = table.lengths;
  lengths.fill(0);
  // The lengths are non-decreasing in i: each length's count is where its run ends minus where
  // the previous one ended (stores only, rather than an increment per symbol).
  runEnd.fill(0);
  for (let i = 0; i < n; i++) {
    const len = sortedLength[i];
    lengths[sortedSymbols[i]] = len;
    runEnd[len] = i + 1;
  }
  let tableLog = 0;
  let previousEnd = 0;
  for (let len = 1; len <= HUFFMAN_MAX_LENGTH; len++) {
    const end = runEnd[len];
    if (end === 0) {
      perLength[len] = 0;
    } else {
      perLength[len] = end - previousEnd;
      previousEnd = end;
      tableLog = len;
    }
  }
  assignCanonicalCodes(scratch, table, maxSymbol, tableLog);
}

/**
 * Caps the code lengths of `sortedLength[0..n)` at `maxLength` and restores a complete code.
 * Capping overfills the Kraft sum; it is repaid by lengthening the cheapest short codes, choosing
 * each time the rank whose lengthening repays the largest power of two not above the debt,
 * unless two codes one rank longer are cheaper (libzstd's `HUF_setMaxHeight` idea).
 */
function limitLengths(
  scratch: HuffmanEncodeScratch,
  n: number,
  counts: Uint32Array,
  maxLength: number,
): void {
  const { sortedLength, rankLast, sortedSymbols } = scratch;
  // Debt in units of 2^-maxLength.
  let debt = 0;
  const longest = sortedLength[n - 1];
  for (let i = n - 1; i >= 0 && sortedLength[i] > maxLength; i--) {
    debt += (1 << (longest - maxLength)) - (1 << (longest - sortedLength[i]));
    sortedLength[i] = maxLength;
  }
  debt >>= longest - maxLength;
  // rankLast[r]: index of the least frequent symbol of length maxLength - r, or −1.
  rankLast.fill(-1);
  for (let i = 0; i < n; i++) {
    const r = maxLength - sortedLength[i];
    if (r > 0) rankLast[r] = i;
  }
  while (debt > 0) {
    let r = 32 - Math.clz32(debt); // lengthening a code of rank r repays 2^(r-1)
    if (r > maxLength) r = maxLength;
    for (; r > 1; r--) {
      const high = rankLast[r];
      const low = rankLast[r - 1];
      if (high === -1) continue;
      if (low === -1) break;
      if (counts[sortedSymbols[high]] <= 2 * counts[sortedSymbols[low]]) break;
    }
    while (r <= maxLength && rankLast[r] === -1) r++;
    const i = rankLast[r];
    debt -= 1 << (r - 1);
    sortedLength[i]++;
    if (rankLast[r - 1] === -1) rankLast[r - 1] = i;
    if (i === 0 || sortedLength[i - 1] !== maxLength - r) rankLast[r] = -1;
    else rankLast[r] = i - 1;
  }
  // Overshoot: shorten the most frequent codes of maximal length until the code is complete.
  while (debt < 0) {
    let i = 0;
    while (sortedLength[i] !== maxLength) i++;
    sortedLength[i]--;
    debt++;
  }
}

/**
 * Codes from the lengths (and `perLength`, their counts). `packed` is left stale for absent
 * symbols: nothing codes them (a table is only used for symbols it has lengths for).
 */
function assignCanonicalCodes(
  scratch: HuffmanEncodeScratch,
  table: HuffmanEncodeTable,
  maxSymbol: number,
  tableLog: number,
) {
  const { nextCode, perLength } = scratch;
  const lengths = table.lengths;
  let min = 0;
  for (let len = tableLog; len > 0; len--) {
    nextCode[len] = min;
    min = (min + perLength[len]) >>> 1;
  }
  const packed = table.packed;
  const next = nextCode;
  for (let s = 0; s <= maxSymbol; s++) {
    const len = lengths[s];
    if (len !== 0) packed[s] = (next[len]++ << 4) | len;
  }
  table.maxSymbol = maxSymbol;
  table.tableLog = tableLog;
}

/** Size in bytes of coding `counts[0..maxSymbol]` with `table` (streams only, rounded down). */
export function huffmanEncodedSize(
  table: HuffmanEncodeTable,
  counts: Uint32Array,
  maxSymbol: number,
): number {
  const lengths = table.lengths;
  let bits = 0;
  for (let s = 0; s <= maxSymbol; s++) bits += counts[s] * lengths[s];
  return bits >>> 3;
}

/** Whether `table` has a code for every symbol present in `counts[0..maxSymbol]`. */
export function huffmanCanEncode(
  table: HuffmanEncodeTable,
  counts: Uint32Array,
  maxSymbol: number,
): boolean {
  if (table.tableLog === 0 || table.maxSymbol < maxSymbol) return false;
  const lengths = table.lengths;
  for (let s = 0; s <= maxSymbol; s++) if (counts[s] !== 0 && lengths[s] === 0) return false;
  return true;
}

/**
 * Writes the description of `table` at `out[pos]` (room for 129 bytes); returns the new position,
 * or −1 when the table cannot be described (more than 128 weights that FSE does not shrink).
 */
export function writeHuffmanTable(
  scratch: HuffmanEncodeScratch,
  table: HuffmanEncodeTable,
  out: Uint8Array,
  pos: number,
): number {
  const weights = scratch.weights;
  const maxSymbol = table.maxSymbol;
  const tableLog = table.tableLog;
  const lengths = table.lengths;
  // The last symbol's weight is implied by the others.
  const count = maxSymbol;
  for (let s = 0; s < count; s++) weights[s] = lengths[s] === 0 ? 0 : tableLog + 1 - lengths[s];
  const compressed = compressWeights(scratch, count, out, pos + 1);
  if (compressed > 1 && compressed < count >>> 1) {
    out[pos] = compressed;
    return pos + 1 + compressed;
  }
  if (count > 128) return -1;
  out[pos] = 127 + count;
  weights[count] = 0;
  for (let s = 0; s < count; s += 2) out[pos + 1 + (s >>> 1)] = (weights[s] << 4) | weights[s + 1];
  return pos + 1 + ((count + 1) >>> 1);
}

/** FSE-compresses `weights[0..count)` at `out[pos]`; returns its size, or 0/1 when unsuitable. */
function compressWeights(
  scratch: HuffmanEncodeScratch,
  count: number,
  out: Uint8Array,
  pos: number,
): number {
  const { weights, weightCounts, weightNorm, weightTable } = scratch;
  if (count <= 1) return 0;
  weightCounts.fill(0);
  let maxWeight = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i];
    weightCounts[w]++;
    if (w > maxWeight) maxWeight = w;
  }
  let largest = 0;
  for (let w = 0; w <= maxWeight; w++) if (weightCounts[w] > largest) largest = weightCounts[w];
  if (largest === count) return 1;
  if (largest === 1) return 0;
  const log = optimalTableLog(6, count, maxWeight, 2);
  normalizeCounts(weightNorm, log, weightCounts, count, maxWeight, false);
  const start = pos;
  pos = writeNormalizedCounts(out, pos, weightNorm, maxWeight, log);
  buildFseEncodeTable(scratch.fse, weightTable, weightNorm, maxWeight, log);
  // Two interleaved states; the decoder starts with state 1 on weights[0].
  const stateTable = weightTable.stateTable;
  const deltaNbBits = weightTable.deltaNbBits;
  const deltaFindState = weightTable.deltaFindState;
  let i = count;
  let state1: number, state2: number;
  let bits = 0;
  let n = 0;
  if (count & 1) {
    state1 = fseInitState(weightTable, weights[--i]);
    state2 = fseInitState(weightTable, weights[--i]);
    const w = weights[--i];
    const nb = (state1 + deltaNbBits[w]) >> 16;
    bits = state1 & ((1 << nb) - 1);
    n = nb;
    state1 = stateTable[(state1 >> nb) + deltaFindState[w]];
  } else {
    state2 = fseInitState(weightTable, weights[--i]);
    state1 = fseInitState(weightTable, weights[--i]);
  }
  while (i > 0) {
    let w = weights[--i];
    let nb = (state2 + deltaNbBits[w]) >> 16;
    bits |= (state2 & ((1 << nb) - 1)) << n;
    n += nb;
    state2 = stateTable[(state2 >> nb) + deltaFindState[w]];
    w = weights[--i];
    nb = (state1 + deltaNbBits[w]) >> 16;
    bits |= (state1 & ((1 << nb) - 1)) << n;
    n += nb;
    state1 = stateTable[(state1 >> nb) + deltaFindState[w]];
    while (n >= 8) {
      out[pos++] = bits;
      bits = (bits >>> (8)) | 0;
      n -= 8;
    }
  }
  const mask = (1 << log) - 1;
  bits |= (state2 & mask) << n;
  n += log;
  while (n >= 8) {
    out[pos++] = bits;
    bits = (bits >>> (8)) | 0;
    n -= 8;
  }
  bits |= (state1 & mask) << n;
  n += log;
  bits |= 1 << n;
  n++;
  while (n > 0) {
    out[pos++] = bits;
    bits = (bits >>> (8)) | 0;
    n -= 8;
  }
  return pos - start;
}

/**
 * Encodes `src[start, end)` as one bit stream at `out[pos]` (room for the worst case plus 8);
 * returns the new position.
 */
export function encodeHuffmanStream(
  scratch: HuffmanEncodeScratch,
  table: HuffmanEncodeTable,
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  pos: number,
): number {
  pos = encodeHuffmanSymbols(scratch, table, src, start, end, out, pos);
  // End mark: the highest set bit of the last byte.
  const bits = endBits | (1 << endCount);
  out[pos] = bits;
  out[pos + 1] = bits >>> 8;
  return pos + ((endCount + 8) >>> 3);
}

// The bits encodeHuffmanSymbols leaves pending, and their count.
let endBits = 0;
let endCount = 0;

/**
 * The symbols of encodeHuffmanStream, without its end mark: returns the position, the bits pending
 * in endBits and endCount. After its loop it only stores them and returns, which needs no type
 * feedback: V8 compiles the loop on stack (OSR) during its first long call, and with the end mark
 * written here the compiled loop was left there at the end of a stream (`--trace-deopt`, 43 times
 * in 40 calls of 1 MiB at level 4), the code kept.
 */
function encodeHuffmanSymbols(
  scratch: HuffmanEncodeScratch,
  table: HuffmanEncodeTable,
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  pos: number,
): number {
  const view = scratch.views.of(out);
  const packed = table.packed;
  let bits = 0;
  let n = 0;
  let i = end;
  // An odd symbol first, then two per flush: at most 7 + 2·11 bits pending.
  if ((end - start) & 1) {
    const p = packed[src[--i]];
    bits = p >>> 4;
    n = p & 15;
    view.setInt32(pos, bits, true);
    const k = n >>> 3;
    pos += k;
    bits = (bits >>> (k << 3)) | 0;
    n &= 7;
  }
  while (i > start) {
    const p1 = packed[src[i - 1]];
    const p2 = packed[src[i - 2]];
    i -= 2;
    bits |= (p1 >>> 4) << n;
    n += p1 & 15;
    bits |= (p2 >>> 4) << n;
    n += p2 & 15;
    view.setInt32(pos, bits, true);
    const k = n >>> 3;
    pos += k;
    bits = (bits >>> (k << 3)) | 0;
    n &= 7;
  }
  endBits = bits;
  endCount = n;
  return pos;
}

/**
 * Encodes `src[start, end)` as four streams with their 6-byte jump table at `out[pos]`; returns
 * the new position.
 */
export function encodeHuffman4Streams(
  scratch: HuffmanEncodeScratch,
  table: HuffmanEncodeTable,
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  pos: number,
): number {
  const segment = (end - start + 3) >>> 2;
  const jump = pos;
  pos += 6;
  let from = start;
  for (let k = 0; k < 4; k++) {
    const to = k < 3 ? from + segment : end;
    const streamStart = pos;
    pos = encodeHuffmanStream(scratch, table, src, from, to, out, pos);
    if (k < 3) {
      const size = pos - streamStart;
      out[jump + 2 * k] = size;
      out[jump + 2 * k + 1] = size >>> 8;
    }
    from = to;
  }
  return pos;
}
