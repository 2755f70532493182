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
import { FseDecodeScratch, readNormalizedCounts, spreadSymbols } from "../entropy/fse_decoder.ts";
import {
  LL_BASELINES,
  LL_DEFAULT_LOG,
  LL_DEFAULT_NORM,
  LL_EXTRA_BITS,
  LL_ML_MAX_LOG,
  MAX_LL_CODE,
  MAX_ML_CODE,
  MAX_OF_CODE,
  ML_BASELINES,
  ML_DEFAULT_LOG,
  ML_DEFAULT_NORM,
  ML_EXTRA_BITS,
  OF_DEFAULT_LOG,
  OF_DEFAULT_NORM,
  OF_MAX_LOG,
} from "../entropy/sequence_codes.ts";

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

function offsetKind(): StreamKind {
  const baselines = new Int32Array(MAX_OF_CODE + 1);
  const extraBits = new Uint8Array(MAX_OF_CODE + 1);
  // Code 31 would have baseline 2^31, beyond int32; such offsets exceed every window we accept,
  // so its baseline is saturated and the sequence loop rejects it.
  for (let c = 0; c <= MAX_OF_CODE; c++) {
    baselines[c] = c < 31 ? 1 << c : 0x7fffffff;
    extraBits[c] = c;
  }
  return { baselines, extraBits, maxSymbol: MAX_OF_CODE, maxLog: OF_MAX_LOG };
}

/** Literal lengths: codes 0..35. */
export const LITERAL_LENGTHS: StreamKind = {
  baselines: LL_BASELINES,
  extraBits: LL_EXTRA_BITS,
  maxSymbol: MAX_LL_CODE,
  maxLog: LL_ML_MAX_LOG,
};
/** Match lengths: codes 0..52. */
export const MATCH_LENGTHS: StreamKind = {
  baselines: ML_BASELINES,
  extraBits: ML_EXTRA_BITS,
  maxSymbol: MAX_ML_CODE,
  maxLog: LL_ML_MAX_LOG,
};
/** Offsets: codes 0..31. */
export const OFFSETS: StreamKind = offsetKind();

/**
 * Fills `table` from normalized counts: spreads the symbols over the states and writes each
 * state's packed cell directly (no intermediate table: this runs per block at high levels, where
 * libzstd splits blocks small).
 */
export function buildSequenceTable(
  scratch: FseDecodeScratch,
  table: SequenceTable,
  kind: StreamKind,
  counts: Int16Array,
  symbolCount: number,
  tableLog: number,
): void {
  const size = 1 << tableLog;
  const { spread, symbolNext } = scratch;
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
  scratch: FseDecodeScratch,
  table: SequenceTable,
  kind: StreamKind,
  src: Uint8Array,
  pos: number,
  end: number,
): number {
  const counts = scratch.counts;
  const used = readNormalizedCounts(counts, src, pos, end, kind.maxSymbol, kind.maxLog);
  buildSequenceTable(scratch, table, kind, counts.counts, counts.symbolCount, counts.tableLog);
  return used;
}

function predefined(kind: StreamKind, log: number, norm: Int16Array): SequenceTable {
  const t = new SequenceTable();
  buildSequenceTable(new FseDecodeScratch(), t, kind, norm, norm.length, log);
  return t;
}

// Predefined distributions (RFC 8878 §3.1.1.3.2.2).
/** Predefined literal-length table. */
export const PREDEFINED_LITERAL_LENGTHS: SequenceTable = predefined(
  LITERAL_LENGTHS,
  LL_DEFAULT_LOG,
  LL_DEFAULT_NORM,
);
/** Predefined match-length table. */
export const PREDEFINED_MATCH_LENGTHS: SequenceTable = predefined(
  MATCH_LENGTHS,
  ML_DEFAULT_LOG,
  ML_DEFAULT_NORM,
);
/** Predefined offset table. */
export const PREDEFINED_OFFSETS: SequenceTable = predefined(
  OFFSETS,
  OF_DEFAULT_LOG,
  OF_DEFAULT_NORM,
);
