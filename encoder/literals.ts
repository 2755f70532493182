/**
 * The literals section of a compressed block (RFC 8878 §3.1.1.3.1): raw, RLE, or Huffman-coded
 * in one or four streams with a new table or the previous block's. The choices follow libzstd's
 * `ZSTD_compressLiterals` and `HUF_compress_internal`, so that sizes match its at equal input.
 *
 * @module
 */

import { optimalTableLog } from "../entropy/fse_encoder.ts";
import {
  buildHuffmanTable,
  encodeHuffman4Streams,
  encodeHuffmanStream,
  HUFFMAN_MAX_LENGTH,
  huffmanCanEncode,
  huffmanEncodedSize,
  HuffmanEncodeScratch,
  HuffmanEncodeTable,
  writeHuffmanTable,
} from "../entropy/huffman_encoder.ts";
import { Strategy } from "./params.ts";

/** Whether a Huffman table may be reused: none, only after checking it, or without checking. */
export const enum Repeat {
  None = 0,
  Check = 1,
  Valid = 2,
}

/** Huffman side of the entropy state carried from block to block. */
export class LiteralsState {
  readonly table: HuffmanEncodeTable = new HuffmanEncodeTable();
  repeat: Repeat = Repeat.None;

  copyFrom(other: LiteralsState): void {
    if (other.repeat !== Repeat.None) this.table.copyFrom(other.table);
    this.repeat = other.repeat;
  }
}

/** libzstd's minimum gain for a compressed form to be worth it (`ZSTD_minGain`). */
export function minGain(size: number, strategy: Strategy): number {
  const minLog = strategy >= Strategy.BtUltra ? strategy - 1 : 6;
  return (size >>> minLog) + 2;
}

/** Writes raw literals (only their header unless `copy`); returns the new position. */
export function writeRawLiterals(
  lits: Uint8Array,
  count: number,
  out: Uint8Array,
  pos: number,
  copy: boolean = true,
): number {
  pos = writeLiteralsHeaderRawOrRle(0, count, out, pos);
  if (copy) out.set(lits.subarray(0, count), pos);
  return pos + count;
}

function writeLiteralsHeaderRawOrRle(type: number, count: number, out: Uint8Array, pos: number) {
  if (count < 32) {
    out[pos] = type | (count << 3);
    return pos + 1;
  }
  if (count < 4096) {
    const h = type | (1 << 2) | (count << 4);
    out[pos] = h;
    out[pos + 1] = h >>> 8;
    return pos + 2;
  }
  const h = type | (3 << 2) | (count << 4);
  out[pos] = h;
  out[pos + 1] = h >>> 8;
  out[pos + 2] = h >>> 16;
  return pos + 3;
}

function writeRleLiterals(byte: number, count: number, out: Uint8Array, pos: number): number {
  pos = writeLiteralsHeaderRawOrRle(1, count, out, pos);
  out[pos] = byte;
  return pos + 1;
}

/**
 * The literals stage of one workspace: what {@linkcode compressLiterals} is asked besides the
 * literals and the states (set per frame and per call), and its scratch. Used by one block at a
 * time.
 */
export class LiteralsStage {
  /** The strategy in force (the thresholds depend on it). */
  strategy: Strategy = Strategy.Fast;
  /** Leave every literal raw (libzstd does at the negative levels). */
  disabled = false;
  /** The block looks incompressible: sample the literals before counting them all. */
  suspectUncompressible = false;
  /**
   * Make the same choices but, for Huffman-coded literals, return the position the section would
   * end at (from the symbol counts) without coding them, nor falling back to raw literals.
   */
  estimate = false;
  /**
   * False: raw literals would make the block go out raw, so their bytes are not copied (the
   * section's size is still returned).
   */
  copyRaw = true;
  /** Byte histogram of the literals. */
  readonly counts: Uint32Array = new Uint32Array(256);
  /** The table built for the block at hand (copied into the next state if it is used). */
  readonly fresh: HuffmanEncodeTable = new HuffmanEncodeTable();
  /** Scratch of building, describing and coding with Huffman tables. */
  readonly huffman: HuffmanEncodeScratch = new HuffmanEncodeScratch();
}

// countBytes' four tables and sampleLargest's (int32: JavaScriptCore checks each uint32 load for
// the int32 range). Module-level on purpose, the one exception to the workspace (listed in
// tests/layers_test.ts): JavaScriptCore treats a module-level typed array as a constant, so
// `c0[lits[i]]` (a byte into 256 entries) needs no bounds check; read from the workspace, 10 KiB of
// random bytes compressed 38% slower at level 1 in Bun (V8: no difference). Scratch of one call,
// which calls nothing: no other compression can see them.
const counts0 = new Int32Array(256);
const counts1 = new Int32Array(256);
const counts2 = new Int32Array(256);
const counts3 = new Int32Array(256);
const sampleCounts = new Int32Array(256);

/**
 * Byte histogram of `lits[0, count)` into `counts`: four tables, one for each byte of four, so
 * that runs of equal bytes do not serialize on one counter. (Byte reads: faster than a word read
 * split four ways, by 23% under JavaScriptCore.)
 */
function countBytes(stage: LiteralsStage, lits: Uint8Array, count: number): void {
  const c0 = counts0;
  const c1 = counts1;
  const c2 = counts2;
  const c3 = counts3;
  c0.fill(0);
  c1.fill(0);
  c2.fill(0);
  c3.fill(0);
  const end8 = count & ~7;
  countBytes8(lits, end8);
  for (let i = end8; i < count; i++) c0[lits[i]]++;
  const c = stage.counts;
  for (let s = 0; s < 256; s++) c[s] = c0[s] + c1[s] + c2[s] + c3[s];
}

/**
 * countBytes' loop over `lits[0, end8)`, 8 bytes a turn, in a function whose loop is its last
 * statement: V8 compiles such a loop on stack (OSR) during its first long call, and in countBytes
 * the operations after it, which had not run yet, then left the compiled loop at every call that
 * entered it (`--trace-deopt`: 8-39 times in 40 calls of levels 1 to 4), the code kept.
 */
function countBytes8(lits: Uint8Array, end8: number): void {
  const c0 = counts0;
  const c1 = counts1;
  const c2 = counts2;
  const c3 = counts3;
  for (let i = 0; i < end8; i += 8) {
    c0[lits[i]]++;
    c1[lits[i + 1]]++;
    c2[lits[i + 2]]++;
    c3[lits[i + 3]]++;
    c0[lits[i + 4]]++;
    c1[lits[i + 5]]++;
    c2[lits[i + 6]]++;
    c3[lits[i + 7]]++;
  }
}
/**
 * Writes the literals section of `lits[0, count)` at `out[pos]`; returns the new position.
 * `prev` is the state after the last compressed block; `next` receives the state to commit if
 * this block is emitted compressed. `out` needs `count + 200` bytes of room. `stage` says how
 * (strategy, estimate or write, …) and holds the scratch.
 */
export function compressLiterals(
  stage: LiteralsStage,
  lits: Uint8Array,
  count: number,
  prev: LiteralsState,
  next: LiteralsState,
  out: Uint8Array,
  pos: number,
): number {
  const strategy = stage.strategy;
  const copyRaw = stage.copyRaw;
  const counts = stage.counts;
  const fresh = stage.fresh;
  next.copyFrom(prev);
  if (stage.disabled) return writeRawLiterals(lits, count, out, pos, copyRaw);
  // Too few literals to pay for a table (tighter as the strategy gets stronger).
  const shift = Math.min(9 - strategy, 3);
  const minToCompress = prev.repeat === Repeat.Valid ? 6 : 8 << shift;
  if (count < minToCompress) return writeRawLiterals(lits, count, out, pos, copyRaw);

  const headerSize = 3 + (count >= 1024 ? 1 : 0) + (count >= 16384 ? 1 : 0);
  let singleStream = count < 256;
  let repeat = prev.repeat;
  const preferRepeat = strategy < Strategy.Lazy && count <= 1024;
  if (repeat === Repeat.Valid && headerSize === 3) singleStream = true;

  const start = pos + headerSize;
  let end = -1; // end of the streams, −1: not compressible
  let table: HuffmanEncodeTable | null = null;
  let usedRepeat = false;
  let isRle = false;
  let maxSymbol = -1; // counted up to here; -1: not counted
  if (preferRepeat && repeat === Repeat.Valid) {
    table = prev.table;
    usedRepeat = true;
  } else {
    // Incompressible data is detected on two small samples before a full histogram.
    let skip = false;
    if (stage.suspectUncompressible && count >= 4096 * 10) {
      const largest = sampleLargest(lits, 0, 4096) + sampleLargest(lits, count - 4096, count);
      if (largest <= ((2 * 4096) >>> 7) + 4) skip = true;
    }
    if (!skip) {
      countBytes(stage, lits, count);
      maxSymbol = 255;
      while (counts[maxSymbol] === 0) maxSymbol--;
      let largest = 0;
      for (let s = 0; s <= maxSymbol; s++) if (counts[s] > largest) largest = counts[s];
      if (largest === count) {
        isRle = true;
      } else if (largest > (count >>> 7) + 4) {
        if (repeat === Repeat.Check && !huffmanCanEncode(prev.table, counts, maxSymbol)) {
          repeat = Repeat.None;
        }
        if (preferRepeat && repeat !== Repeat.None) {
          table = prev.table;
          usedRepeat = true;
        } else {
          const log = optimalTableLog(HUFFMAN_MAX_LENGTH, count, maxSymbol, 1);
          buildHuffmanTable(stage.huffman, fresh, counts, maxSymbol, log);
          const headerEnd = writeHuffmanTable(stage.huffman, fresh, out, start);
          const tableSize = headerEnd - start;
          if (headerEnd >= 0) {
            let reuse = false;
            if (repeat !== Repeat.None) {
              const oldSize = huffmanEncodedSize(prev.table, counts, maxSymbol);
              const newSize = huffmanEncodedSize(fresh, counts, maxSymbol);
              reuse = oldSize <= tableSize + newSize || tableSize + 12 >= count;
            }
            if (reuse) {
              table = prev.table;
              usedRepeat = true;
            } else if (tableSize + 12 < count) {
              table = fresh;
              end = headerEnd;
            }
          }
        }
      }
    }
  }
  if (isRle) return writeRleLiterals(lits[0], count, out, pos);
  if (table === null) return writeRawLiterals(lits, count, out, pos, copyRaw);
  if (usedRepeat) end = start;
  if (stage.estimate) {
    if (maxSymbol < 0) {
      countBytes(stage, lits, count);
      maxSymbol = 255;
    }
    return end + huffmanEncodedSize(table, counts, maxSymbol) + (singleStream ? 0 : 6);
  }
  end = singleStream
    ? encodeHuffmanStream(stage.huffman, table, lits, 0, count, out, end)
    : encodeHuffman4Streams(stage.huffman, table, lits, 0, count, out, end);
  const compressedSize = end - start;
  if (compressedSize >= count - minGain(count, strategy)) {
    return writeRawLiterals(lits, count, out, pos, copyRaw);
  }
  if (!usedRepeat) {
    next.table.copyFrom(fresh);
    next.repeat = Repeat.Check;
  }
  // Header: type (2 = compressed, 3 = repeat), size format, regenerated and compressed sizes.
  const type = usedRepeat ? 3 : 2;
  if (headerSize === 3) {
    const h = type | ((singleStream ? 0 : 1) << 2) | (count << 4) | (compressedSize << 14);
    out[pos] = h;
    out[pos + 1] = h >>> 8;
    out[pos + 2] = h >>> 16;
  } else if (headerSize === 4) {
    const h = type | (2 << 2) | (count << 4) | (compressedSize << 18);
    out[pos] = h;
    out[pos + 1] = h >>> 8;
    out[pos + 2] = h >>> 16;
    out[pos + 3] = h >>> 24;
  } else {
    const h = type | (3 << 2) | (count << 4) | (compressedSize << 22);
    out[pos] = h;
    out[pos + 1] = h >>> 8;
    out[pos + 2] = h >>> 16;
    out[pos + 3] = h >>> 24;
    out[pos + 4] = compressedSize >>> 10;
  }
  return end;
}

/** Largest count of one byte value in `lits[from, to)`. */
function sampleLargest(lits: Uint8Array, from: number, to: number): number {
  const c = sampleCounts;
  c.fill(0);
  for (let i = from; i < to; i++) c[lits[i]]++;
  let largest = 0;
  for (let s = 0; s < 256; s++) if (c[s] > largest) largest = c[s];
  return largest;
}
