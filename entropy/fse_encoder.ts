/**
 * FSE (tANS) encoding: choosing an accuracy log, normalizing a histogram to a power-of-two total,
 * writing the table description (RFC 8878 §4.1.1), and building the per-symbol transforms that
 * the encoding loops use. The normalization follows libzstd's (`FSE_normalizeCount`), so the
 * tables we choose cost what libzstd's cost.
 *
 * Encoding contract: a state is a value in `[size, 2·size)`. To encode symbol `s` from state `x`,
 * emit the low `nb = (x + deltaNbBits[s]) >> 16` bits of `x`, then
 * `x = stateTable[(x >> nb) + deltaFindState[s]]`. The first symbol sets the state without
 * emitting bits ({@linkcode fseInitState}); the last state is flushed as `tableLog` bits.
 *
 * @module
 */

import { highbit } from "./bits.ts";
import { spreadSymbols } from "./fse_decoder.ts";

/** Smallest accuracy log of any FSE table. */
export const FSE_MIN_LOG = 5;
/** Largest accuracy log libzstd uses for a table it writes. */
const FSE_MAX_LOG = 12;

/** An FSE encoding table for up to 64 symbols and 2^9 states, reused across blocks. */
export class FseEncodeTable {
  /** Accuracy log; 0 for a one-symbol (RLE) table. */
  tableLog = 0;
  /** Largest symbol the table can encode. */
  maxSymbol = 0;
  /** Normalized counts the table was built from (0 = symbol absent). */
  readonly norm: Int16Array = new Int16Array(64);
  /** Next state, by `(state >> nb) + deltaFindState[symbol]`. */
  readonly stateTable: Uint16Array = new Uint16Array(1 << 9);
  /** Per symbol: `(maxBitsOut << 16) - minStatePlus`. */
  readonly deltaNbBits: Int32Array = new Int32Array(64);
  /** Per symbol: offset of its states in `stateTable`. */
  readonly deltaFindState: Int32Array = new Int32Array(64);

  /** Copies another table (used to carry a repeated table into the next block's state). */
  copyFrom(other: FseEncodeTable): void {
    this.tableLog = other.tableLog;
    this.maxSymbol = other.maxSymbol;
    this.norm.set(other.norm);
    this.stateTable.set(other.stateTable);
    this.deltaNbBits.set(other.deltaNbBits);
    this.deltaFindState.set(other.deltaFindState);
  }
}

/** Smallest accuracy log that can represent `total` samples of symbols up to `maxSymbol`. */
function minTableLog(total: number, maxSymbol: number): number {
  const bySrc = highbit(total) + 1;
  const bySymbols = highbit(maxSymbol) + 2;
  return bySrc < bySymbols ? bySrc : bySymbols;
}

/**
 * libzstd's accuracy-log choice (`FSE_optimalTableLog_internal`): at most `maxLog`, no more than
 * the sample count justifies (`minus` = 2 for FSE, 1 for Huffman), enough for the alphabet.
 */
export function optimalTableLog(
  maxLog: number,
  total: number,
  maxSymbol: number,
  minus: number,
): number {
  const bySrc = highbit(total - 1) - minus;
  let log = maxLog;
  if (bySrc < log) log = bySrc;
  const min = minTableLog(total, maxSymbol);
  if (min > log) log = min;
  if (log < FSE_MIN_LOG) log = FSE_MIN_LOG;
  if (log > FSE_MAX_LOG) log = FSE_MAX_LOG;
  return log;
}

// Thresholds (in 2^-20 units) above which a small probability rounds up rather than down:
// libzstd's `rtbTable`, tuned so that rare symbols are not starved.
const ROUND_UP_THRESHOLD = [0, 473195, 504333, 520860, 550000, 700000, 750000, 830000];

/**
 * Normalizes `counts[0..maxSymbol]` (summing to `total`, two symbols or more) to `1 << tableLog`
 * into `norm`. With `useLowProb`, symbols rarer than one cell get −1 ("less than 1").
 */
export function normalizeCounts(
  norm: Int16Array,
  tableLog: number,
  counts: Uint32Array,
  total: number,
  maxSymbol: number,
  useLowProb: boolean,
): void {
  const lowProb = useLowProb ? -1 : 1;
  const scale = (1 << tableLog) / total;
  const lowThreshold = Math.floor(total / (1 << tableLog));
  let stillToDistribute = 1 << tableLog;
  let largest = 0;
  let largestP = 0;
  for (let s = 0; s <= maxSymbol; s++) {
    const c = counts[s];
    if (c === 0) {
      norm[s] = 0;
      continue;
    }
    if (c <= lowThreshold) {
      norm[s] = lowProb;
      stillToDistribute--;
      continue;
    }
    const exact = c * scale;
    let p = Math.floor(exact);
    if (p < 8 && exact - p > ROUND_UP_THRESHOLD[p] / 1048576) p++;
    if (p > largestP) {
      largestP = p;
      largest = s;
    }
    norm[s] = p;
    stillToDistribute -= p;
  }
  if (-stillToDistribute >= norm[largest] >> 1) {
    normalizeSecondary(norm, tableLog, counts, total, maxSymbol, lowProb);
  } else {
    norm[largest] += stillToDistribute;
  }
}

/**
 * The fallback normalization (libzstd's `FSE_normalizeM2`) for flat distributions where rounding
 * would take too much from the largest symbol: small symbols get 1 (or −1) first, the rest is
 * shared in proportion with exact integer arithmetic, so the total is always exact.
 */
function normalizeSecondary(
  norm: Int16Array,
  tableLog: number,
  counts: Uint32Array,
  total: number,
  maxSymbol: number,
  lowProb: number,
): void {
  const NOT_YET = -2;
  let distributed = 0;
  const lowThreshold = Math.floor(total / (1 << tableLog));
  let lowOne = Math.floor((total * 3) / (1 << (tableLog + 1)));
  for (let s = 0; s <= maxSymbol; s++) {
    const c = counts[s];
    if (c === 0) {
      norm[s] = 0;
    } else if (c <= lowThreshold) {
      norm[s] = lowProb;
      distributed++;
      total -= c;
    } else if (c <= lowOne) {
      norm[s] = 1;
      distributed++;
      total -= c;
    } else {
      norm[s] = NOT_YET;
    }
  }
  let toDistribute = (1 << tableLog) - distributed;
  if (toDistribute === 0) return;
  if (Math.floor(total / toDistribute) > lowOne) {
    lowOne = Math.floor((total * 3) / (toDistribute * 2));
    for (let s = 0; s <= maxSymbol; s++) {
      if (norm[s] === NOT_YET && counts[s] <= lowOne) {
        norm[s] = 1;
        distributed++;
        total -= counts[s];
      }
    }
    toDistribute = (1 << tableLog) - distributed;
  }
  if (distributed === maxSymbol + 1) {
    // Every symbol is rare: give the remaining cells to the most frequent one.
    let maxS = 0;
    for (let s = 1; s <= maxSymbol; s++) if (counts[s] > counts[maxS]) maxS = s;
    norm[maxS] += toDistribute;
    return;
  }
  if (total === 0) {
    // Everything was assigned 1 or −1: spread the rest round-robin over the positive ones.
    for (let s = 0; toDistribute > 0; s = (s + 1) % (maxSymbol + 1)) {
      if (norm[s] > 0) {
        toDistribute--;
        norm[s]++;
      }
    }
    return;
  }
  // Cumulative rounding: symbol s gets round(C_after·k/T) − round(C_before·k/T), computed as
  // floor((2·C·k + T) / 2T). Products stay below 2^53 (C ≤ 2^17, k ≤ 2^12).
  let cumulative = 0;
  let prevEnd = Math.floor(total / (2 * total));
  for (let s = 0; s <= maxSymbol; s++) {
    if (norm[s] !== NOT_YET) continue;
    cumulative += counts[s];
    const end = Math.floor((2 * cumulative * toDistribute + total) / (2 * total));
    norm[s] = end - prevEnd;
    prevEnd = end;
  }
}

/**
 * Writes the table description of `norm[0..maxSymbol]` at `out[pos]`; returns the new position.
 * `out` needs `((maxSymbol + 1) * tableLog + 6) / 8 + 3` bytes of room.
 */
export function writeNormalizedCounts(
  out: Uint8Array,
  pos: number,
  norm: Int16Array,
  maxSymbol: number,
  tableLog: number,
): number {
  let bits = tableLog - FSE_MIN_LOG;
  let bitCount = 4;
  let remaining = (1 << tableLog) + 1;
  let threshold = 1 << tableLog;
  let nbBits = tableLog + 1;
  let symbol = 0;
  let previousZero = false;
  while (symbol <= maxSymbol && remaining > 1) {
    if (previousZero) {
      // A run of zero-probability symbols: 16-bit "24 more" words, 2-bit "3 more", then the rest.
      let start = symbol;
      while (symbol <= maxSymbol && norm[symbol] === 0) symbol++;
      while (symbol >= start + 24) {
        start += 24;
        bits |= 0xffff << bitCount;
        out[pos++] = bits;
        out[pos++] = bits >>> 8;
        bits = (bits >>> (16)) | 0;
      }
      while (symbol >= start + 3) {
        start += 3;
        bits |= 3 << bitCount;
        bitCount += 2;
      }
      bits |= (symbol - start) << bitCount;
      bitCount += 2;
      if (bitCount > 16) {
        out[pos++] = bits;
        out[pos++] = bits >>> 8;
        bits = (bits >>> (16)) | 0;
        bitCount -= 16;
      }
    }
    let count = norm[symbol++];
    const max = 2 * threshold - 1 - remaining;
    remaining -= count < 0 ? -count : count;
    count++;
    if (count >= threshold) count += max;
    bits |= count << bitCount;
    bitCount += nbBits;
    if (count < max) bitCount--;
    previousZero = count === 1;
    while (remaining < threshold) {
      nbBits--;
      threshold >>= 1;
    }
    if (bitCount > 16) {
      out[pos++] = bits;
      out[pos++] = bits >>> 8;
      bits = (bits >>> (16)) | 0;
      bitCount -= 16;
    }
  }
  out[pos] = bits;
  out[pos + 1] = bits >>> 8;
  return pos + ((bitCount + 7) >>> 3);
}

/** Scratch of {@linkcode buildFseEncodeTable}: its owner builds one table at a time. */
export class FseEncodeScratch {
  readonly spread: Uint8Array = new Uint8Array(1 << 9);
  readonly symbolNext: Uint16Array = new Uint16Array(256);
  readonly cumulative: Int32Array = new Int32Array(65);
}

/** Builds `table` from `norm[0..maxSymbol]` at accuracy log `tableLog`. */
export function buildFseEncodeTable(
  scratch: FseEncodeScratch,
  table: FseEncodeTable,
  norm: Int16Array,
  maxSymbol: number,
  tableLog: number,
): void {
  const { spread, symbolNext, cumulative } = scratch;
  const size = 1 << tableLog;
  spreadSymbols(norm, maxSymbol + 1, tableLog, spread, symbolNext);
  cumulative[0] = 0;
  for (let s = 0; s <= maxSymbol; s++) {
    const n = norm[s];
    cumulative[s + 1] = cumulative[s] + (n === -1 ? 1 : n);
  }
  const stateTable = table.stateTable;
  for (let u = 0; u < size; u++) stateTable[cumulative[spread[u]]++] = size + u;
  const deltaNbBits = table.deltaNbBits;
  const deltaFindState = table.deltaFindState;
  let total = 0;
  for (let s = 0; s <= maxSymbol; s++) {
    const n = norm[s];
    table.norm[s] = n;
    if (n === 0) {
      // Absent symbols cost more than any present one (used by the repeat-table cost check).
      deltaNbBits[s] = ((tableLog + 1) << 16) - size;
      deltaFindState[s] = 0;
    } else if (n === -1 || n === 1) {
      deltaNbBits[s] = (tableLog << 16) - size;
      deltaFindState[s] = total - 1;
      total++;
    } else {
      const maxBitsOut = tableLog - highbit(n - 1);
      deltaNbBits[s] = (maxBitsOut << 16) - (n << maxBitsOut);
      deltaFindState[s] = total - n;
      total += n;
    }
  }
  for (let s = maxSymbol + 1; s < 64; s++) table.norm[s] = 0;
  table.tableLog = tableLog;
  table.maxSymbol = maxSymbol;
}

/** Builds the one-state table of RLE mode: encoding `symbol` emits no bits. */
export function buildFseRleTable(table: FseEncodeTable, symbol: number): void {
  table.norm.fill(0);
  table.norm[symbol] = 1;
  table.stateTable[0] = 0;
  table.deltaNbBits[symbol] = 0;
  table.deltaFindState[symbol] = 0;
  table.tableLog = 0;
  table.maxSymbol = symbol;
}

/** The state after encoding the first symbol (emits nothing). */
export function fseInitState(table: FseEncodeTable, symbol: number): number {
  const delta = table.deltaNbBits[symbol];
  const nb = (delta + (1 << 15)) >> 16;
  const value = (nb << 16) - delta;
  return table.stateTable[(value >> nb) + table.deltaFindState[symbol]];
}

/**
 * Estimated cost in bits of coding `counts[0..maxSymbol]` with `table` (libzstd's
 * `ZSTD_fseBitCost`, 1/256-bit accuracy), or −1 when the table cannot code one of the symbols.
 */
export function fseTableCost(
  table: FseEncodeTable,
  counts: Uint32Array,
  maxSymbol: number,
): number {
  if (table.maxSymbol < maxSymbol) return -1;
  const tableLog = table.tableLog;
  const size = 1 << tableLog;
  let cost = 0;
  for (let s = 0; s <= maxSymbol; s++) {
    const c = counts[s];
    if (c === 0) continue;
    if (table.norm[s] === 0) return -1;
    const delta = table.deltaNbBits[s];
    const minNbBits = delta >> 16;
    const threshold = (minNbBits + 1) << 16;
    const fromThreshold = threshold - (delta + size);
    const bitCost = ((minNbBits + 1) << 8) - ((fromThreshold << 8) >> tableLog);
    cost += c * bitCost;
  }
  return (cost / 256) | 0;
}
