/**
 * FSE (tANS) decoding tables: reading a normalized-count table description (RFC 8878 §4.1.1) and
 * spreading it into a decoding table. Used for the Huffman weights and the three sequence streams.
 *
 * @module
 */

import { corrupt } from "../errors.ts";

/** Result slots of {@linkcode readNormalizedCounts}: what the call returns besides the byte count. */
export class NormalizedCounts {
  /** Normalized count per symbol; −1 means "less than 1" (one cell at the top of the table). */
  readonly counts: Int16Array = new Int16Array(256);
  /** Accuracy log of the table described. */
  tableLog = 0;
  /** Largest symbol present + 1. */
  symbolCount = 0;
}

/** Reads up to four bytes little-endian at `pos`, bytes at or past `end` read as zero. */
function peek32(src: Uint8Array, pos: number, end: number): number {
  if (pos + 4 <= end) {
    return (src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0;
  }
  let v = 0;
  for (let i = 3; i >= 0; i--) v = (v << 8) | (pos + i < end ? src[pos + i] : 0);
  return v >>> 0;
}

/**
 * Reads an FSE table description from `src[pos, end)` into `out`.
 * Returns the number of bytes it occupies. Throws `corruption_detected` on any inconsistency
 * (accuracy log above `maxLog`, symbols above `maxSymbol`, probabilities that do not sum exactly).
 */
export function readNormalizedCounts(
  out: NormalizedCounts,
  src: Uint8Array,
  pos: number,
  end: number,
  maxSymbol: number,
  maxLog: number,
): number {
  if (pos >= end) corrupt("FSE table description is empty");
  const counts = out.counts;
  const startBit = pos * 8;
  const endBit = end * 8;
  let bitPos = startBit;
  const tableLog = (src[pos] & 15) + 5;
  if (tableLog > maxLog) corrupt(`FSE accuracy log ${tableLog} exceeds ${maxLog}`);
  bitPos += 4;
  let remaining = (1 << tableLog) + 1;
  let threshold = 1 << tableLog;
  let nbBits = tableLog + 1;
  let symbol = 0;
  let previousZero = false;
  while (remaining > 1 && symbol <= maxSymbol) {
    if (previousZero) {
      // Runs of zero-probability symbols: 2-bit repeat flags, 3 meaning "3 more and continue".
      let n = symbol;
      for (;;) {
        if (bitPos + 2 > endBit) corrupt("FSE table description is truncated");
        const flag = (peek32(src, bitPos >>> 3, end) >>> (bitPos & 7)) & 3;
        bitPos += 2;
        n += flag;
        if (flag !== 3) break;
        if (n > maxSymbol + 1) break;
      }
      if (n > maxSymbol + 1) corrupt("FSE table description has too many symbols");
      while (symbol < n) counts[symbol++] = 0;
      if (symbol > maxSymbol) break;
    }
    const bits = peek32(src, bitPos >>> 3, end) >>> (bitPos & 7);
    const max = 2 * threshold - 1 - remaining;
    let count: number;
    if ((bits & (threshold - 1)) < max) {
      count = bits & (threshold - 1);
      bitPos += nbBits - 1;
    } else {
      count = bits & (2 * threshold - 1);
      if (count >= threshold) count -= max;
      bitPos += nbBits;
    }
    count--;
    remaining -= count < 0 ? -count : count;
    counts[symbol++] = count;
    previousZero = count === 0;
    while (remaining < threshold) {
      nbBits--;
      threshold >>= 1;
    }
    if (bitPos > endBit) corrupt("FSE table description is truncated");
  }
  if (remaining !== 1) corrupt("FSE probabilities do not sum to the table size");
  if (bitPos > endBit) corrupt("FSE table description is truncated");
  out.tableLog = tableLog;
  out.symbolCount = symbol;
  return ((bitPos - startBit + 7) >>> 3);
}

/**
 * Spreads the symbols of normalized counts over the `1 << tableLog` states (RFC 8878 §4.1.1):
 * "less than 1" symbols take the top states, the others are stepped through the rest. Writes the
 * symbol of each state to `spread` and each symbol's first state index to `symbolNext`.
 */
export function spreadSymbols(
  counts: Int16Array,
  symbolCount: number,
  tableLog: number,
  spread: Uint8Array,
  symbolNext: Uint16Array,
): void {
  const size = 1 << tableLog;
  const mask = size - 1;
  let high = size - 1;
  for (let s = 0; s < symbolCount; s++) {
    const c = counts[s];
    if (c === -1) {
      spread[high--] = s;
      symbolNext[s] = 1;
    } else {
      symbolNext[s] = c;
    }
  }
  const step = (size >>> 1) + (size >>> 3) + 3;
  let position = 0;
  if (high === size - 1) {
    // No "less than 1" symbols: every step lands on a free state.
    for (let s = 0; s < symbolCount; s++) {
      for (let i = counts[s]; i > 0; i--) {
        spread[position] = s;
        position = (position + step) & mask;
      }
    }
  } else {
    for (let s = 0; s < symbolCount; s++) {
      for (let i = counts[s]; i > 0; i--) {
        spread[position] = s;
        do position = (position + step) & mask; while (position > high);
      }
    }
  }
  if (position !== 0) corrupt("FSE table cannot be spread");
}

/**
 * Scratch of reading and building FSE decoding tables (here, for Huffman weights, and in
 * decoder/sequence_tables.ts): the counts read, the spread of symbols over the states and each
 * symbol's next state. Its owner builds one table at a time.
 */
export class FseDecodeScratch {
  readonly counts: NormalizedCounts = new NormalizedCounts();
  readonly spread: Uint8Array = new Uint8Array(1 << 9);
  readonly symbolNext: Uint16Array = new Uint16Array(256);
}

/**
 * Builds a plain FSE decoding table of `1 << tableLog` states: per state its symbol
 * (`symbols`), the bits to read (`nbBitsOut`) and the base of the next state (`baseOut`).
 */
export function buildFseTable(
  scratch: FseDecodeScratch,
  counts: Int16Array,
  symbolCount: number,
  tableLog: number,
  symbols: Uint8Array,
  nbBitsOut: Uint8Array,
  baseOut: Uint16Array,
): void {
  const size = 1 << tableLog;
  const { spread, symbolNext } = scratch;
  spreadSymbols(counts, symbolCount, tableLog, spread, symbolNext);
  for (let u = 0; u < size; u++) {
    const s = spread[u];
    const next = symbolNext[s]++;
    const nb = tableLog - (31 - Math.clz32(next));
    symbols[u] = s;
    nbBitsOut[u] = nb;
    baseOut[u] = (next << nb) - size;
  }
}
