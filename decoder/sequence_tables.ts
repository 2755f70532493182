/**
 * Decoding tables of the three sequence streams (literal lengths, offsets, match lengths): the
 * baselines and extra-bit counts of every code (RFC 8878 §3.1.1.3.2.1), the predefined
 * distributions, and the conversion of an FSE table into one packed cell per state.
 *
 * A cell is two int32 slots: `packed = nextStateBase | nbBits << 16 | extraBits << 24` and the
 * code's baseline, so one state lookup yields everything the sequence loop needs.
 *
 * @module
 */

import { corrupt } from "../errors.ts";
import {
  type NormalizedCounts,
  readNormalizedCounts,
  spreadSymbols,
} from "../entropy/fse_decoder.ts";

/** One sequence-stream decoding table of up to 2^9 states. */
export class SequenceTable {
  readonly cells: Int32Array = new Int32Array(2 << 9);
  tableLog = 0;
}

/** Per-stream constants: code baselines, extra bits, limits. */
export interface StreamKind {
  readonly baselines: Int32Array;
  readonly extraBits: Uint8Array;
  readonly maxSymbol: number;
  readonly maxLog: number;
}

function literalLengthKind(): StreamKind {
  const baselines = new Int32Array(36);
  const extraBits = new Uint8Array(36);
  const tail = [
    [16, 1],
    [18, 1],
    [20, 1],
    [22, 1],
    [24, 2],
    [28, 2],
    [32, 3],
    [40, 3],
    [48, 4],
    [64, 6],
    [128, 7],
    [256, 8],
    [512, 9],
    [1024, 10],
    [2048, 11],
    [4096, 12],
    [8192, 13],
    [16384, 14],
    [32768, 15],
    [65536, 16],
  ];
  for (let c = 0; c < 16; c++) baselines[c] = c;
  for (let i = 0; i < tail.length; i++) {
    baselines[16 + i] = tail[i][0];
    extraBits[16 + i] = tail[i][1];
  }
  return { baselines, extraBits, maxSymbol: 35, maxLog: 9 };
}

function matchLengthKind(): StreamKind {
  const baselines = new Int32Array(53);
  const extraBits = new Uint8Array(53);
  const tail = [
    [35, 1],
    [37, 1],
    [39, 1],
    [41, 1],
    [43, 2],
    [47, 2],
    [51, 3],
    [59, 3],
    [67, 4],
    [83, 4],
    [99, 5],
    [131, 7],
    [259, 8],
    [515, 9],
    [1027, 10],
    [2051, 11],
    [4099, 12],
    [8195, 13],
    [16387, 14],
    [32771, 15],
    [65539, 16],
  ];
  for (let c = 0; c < 32; c++) baselines[c] = c + 3;
  for (let i = 0; i < tail.length; i++) {
    baselines[32 + i] = tail[i][0];
    extraBits[32 + i] = tail[i][1];
  }
  return { baselines, extraBits, maxSymbol: 52, maxLog: 9 };
}

function offsetKind(): StreamKind {
  const baselines = new Int32Array(32);
  const extraBits = new Uint8Array(32);
  // Code 31 would have baseline 2^31, beyond int32; such offsets exceed every window we accept,
  // so its baseline is saturated and the sequence loop rejects it.
  for (let c = 0; c < 32; c++) {
    baselines[c] = c < 31 ? 1 << c : 0x7fffffff;
    extraBits[c] = c;
  }
  return { baselines, extraBits, maxSymbol: 31, maxLog: 8 };
}

/** Literal lengths: codes 0..35. */
export const LITERAL_LENGTHS: StreamKind = literalLengthKind();
/** Match lengths: codes 0..52. */
export const MATCH_LENGTHS: StreamKind = matchLengthKind();
/** Offsets: codes 0..31. */
export const OFFSETS: StreamKind = offsetKind();

const spread = new Uint8Array(1 << 9);
const symbolNext = new Uint16Array(64);

/**
 * Fills `table` from normalized counts: spreads the symbols over the states and writes each
 * state's packed cell directly (no intermediate table: this runs per block at high levels, where
 * libzstd splits blocks small).
 */
export function buildSequenceTable(
  table: SequenceTable,
  kind: StreamKind,
  counts: Int16Array,
  symbolCount: number,
  tableLog: number,
): void {
  const size = 1 << tableLog;
  spreadSymbols(counts, symbolCount, tableLog, spread, symbolNext);
  const cells = table.cells;
  const extraBits = kind.extraBits;
  const baselines = kind.baselines;
  for (let u = 0; u < size; u++) {
    const s = spread[u];
    const next = symbolNext[s]++;
    const nb = tableLog - (31 - Math.clz32(next));
    cells[2 * u] = ((next << nb) - size) | (nb << 16) | (extraBits[s] << 24);
    cells[2 * u + 1] = baselines[s];
  }
  table.tableLog = tableLog;
}

/** Fills `table` with the one-state table of RLE mode. */
export function buildRleTable(table: SequenceTable, kind: StreamKind, symbol: number): void {
  if (symbol > kind.maxSymbol) corrupt(`RLE sequence symbol ${symbol} is out of range`);
  table.cells[0] = kind.extraBits[symbol] << 24;
  table.cells[1] = kind.baselines[symbol];
  table.tableLog = 0;
}

/** Reads an FSE table description for a sequence stream; returns the bytes it occupies. */
export function readSequenceTable(
  table: SequenceTable,
  kind: StreamKind,
  scratch: NormalizedCounts,
  src: Uint8Array,
  pos: number,
  end: number,
): number {
  const used = readNormalizedCounts(scratch, src, pos, end, kind.maxSymbol, kind.maxLog);
  buildSequenceTable(table, kind, scratch.counts, scratch.symbolCount, scratch.tableLog);
  return used;
}

function predefined(kind: StreamKind, log: number, dist: number[]): SequenceTable {
  const t = new SequenceTable();
  buildSequenceTable(t, kind, Int16Array.from(dist), dist.length, log);
  return t;
}

// Predefined distributions (RFC 8878 §3.1.1.3.2.2).
/** Predefined literal-length table. */
export const PREDEFINED_LITERAL_LENGTHS: SequenceTable = predefined(LITERAL_LENGTHS, 6, [
  4,
  3,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  2,
  3,
  2,
  1,
  1,
  1,
  1,
  1,
  -1,
  -1,
  -1,
  -1,
]);
/** Predefined match-length table. */
export const PREDEFINED_MATCH_LENGTHS: SequenceTable = predefined(MATCH_LENGTHS, 6, [
  1,
  4,
  3,
  2,
  2,
  2,
  2,
  2,
  2,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
  -1,
]);
/** Predefined offset table. */
export const PREDEFINED_OFFSETS: SequenceTable = predefined(OFFSETS, 5, [
  1,
  1,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  -1,
  -1,
  -1,
  -1,
  -1,
]);
