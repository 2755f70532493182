/**
 * The sequences section of a compressed block (RFC 8878 §3.1.1.3.2): the sequence count, the
 * mode of each of the three streams (predefined, RLE, FSE-compressed, repeat) chosen as libzstd's
 * `ZSTD_selectEncodingType` chooses, their table descriptions, and the interleaved bit stream.
 *
 * @module
 */

import {
  buildFseEncodeTable,
  buildFseRleTable,
  FseEncodeTable,
  fseInitState,
  fseTableCost,
  normalizeCounts,
  optimalTableLog,
  writeNormalizedCounts,
} from "../entropy/fse_encoder.ts";
import {
  DEFAULT_MAX_OF_CODE,
  LL_DEFAULT_LOG,
  LL_DEFAULT_NORM,
  LL_EXTRA_BITS,
  LL_ML_MAX_LOG,
  llCodeOf,
  MAX_LL_CODE,
  MAX_ML_CODE,
  MAX_OF_CODE,
  MIN_MATCH,
  ML_DEFAULT_LOG,
  ML_DEFAULT_NORM,
  ML_EXTRA_BITS,
  mlCodeOf,
  OF_DEFAULT_LOG,
  OF_DEFAULT_NORM,
  OF_MAX_LOG,
} from "../entropy/sequence_codes.ts";
import { highbit } from "../entropy/bits.ts";
import { viewOf } from "../entropy/byte_view.ts";
import { Repeat } from "./literals.ts";
import { Strategy } from "./params.ts";
import type { SeqStore } from "./seq_store.ts";

/** Stream modes as the sequences header spells them. */
const enum Mode {
  Predefined = 0,
  Rle = 1,
  Compressed = 2,
  Repeat = 3,
}

/** The FSE side of the entropy state: one table and repeat flag per stream. */
export class SequencesState {
  readonly ll: FseEncodeTable = new FseEncodeTable();
  readonly of: FseEncodeTable = new FseEncodeTable();
  readonly ml: FseEncodeTable = new FseEncodeTable();
  llRepeat: Repeat = Repeat.None;
  ofRepeat: Repeat = Repeat.None;
  mlRepeat: Repeat = Repeat.None;

  copyFrom(other: SequencesState): void {
    if (other.llRepeat !== Repeat.None) this.ll.copyFrom(other.ll);
    if (other.ofRepeat !== Repeat.None) this.of.copyFrom(other.of);
    if (other.mlRepeat !== Repeat.None) this.ml.copyFrom(other.ml);
    this.llRepeat = other.llRepeat;
    this.ofRepeat = other.ofRepeat;
    this.mlRepeat = other.mlRepeat;
  }
}

// The tables below are built once, at load, by calls marked pure: bundlers drop them, and the FSE
// encoder with them, from bundles that only decompress.

/** Predefined tables. */
const LL_PREDEFINED = /* @__PURE__ */ predefinedTable(LL_DEFAULT_NORM, MAX_LL_CODE, LL_DEFAULT_LOG);
const ML_PREDEFINED = /* @__PURE__ */ predefinedTable(ML_DEFAULT_NORM, MAX_ML_CODE, ML_DEFAULT_LOG);
const OF_PREDEFINED = /* @__PURE__ */ predefinedTable(
  OF_DEFAULT_NORM,
  DEFAULT_MAX_OF_CODE,
  OF_DEFAULT_LOG,
);

function predefinedTable(norm: Int16Array, maxCode: number, tableLog: number): FseEncodeTable {
  const table = new FseEncodeTable();
  buildFseEncodeTable(table, norm, maxCode, tableLog);
  return table;
}

// −log2(x / 256) · 256 for x in 1..255 (0 for x = 0): the cost estimates' probability table.
const INVERSE_PROBABILITY_LOG256 = /* @__PURE__ */ inverseProbabilityLog256();

function inverseProbabilityLog256(): Uint32Array {
  const table = new Uint32Array(256);
  for (let x = 1; x < 256; x++) table[x] = Math.floor(-Math.log2(x / 256) * 256);
  return table;
}

// Histograms of the three code streams, made by computeCodes as it computes them.
const llCounts = new Uint32Array(64);
const ofCounts = new Uint32Array(64);
const mlCounts = new Uint32Array(64);

/**
 * Fills the literal-length, match-length and offset codes of every sequence, and their
 * histograms (read by {@linkcode compressSequences}).
 */
export function computeCodes(seqs: SeqStore): void {
  const n = seqs.count;
  const litLength = seqs.litLength;
  const matchLength = seqs.matchLength;
  const offBase = seqs.offBase;
  const llCode = seqs.llCode;
  const mlCode = seqs.mlCode;
  const ofCode = seqs.ofCode;
  const llc = llCounts;
  const ofc = ofCounts;
  const mlc = mlCounts;
  llc.fill(0);
  ofc.fill(0);
  mlc.fill(0);
  for (let i = 0; i < n; i++) {
    const ll = llCodeOf(litLength[i]);
    const ml = mlCodeOf(matchLength[i] - MIN_MATCH);
    const of = highbit(offBase[i]);
    llCode[i] = ll;
    mlCode[i] = ml;
    ofCode[i] = of;
    llc[ll]++;
    mlc[ml]++;
    ofc[of]++;
  }
}

const counts = new Uint32Array(64);
const norm = new Int16Array(64);
const scratch = new Uint8Array(512);

/** Copies a histogram of computeCodes into `counts`; returns the largest code present. */
function codeCounts(from: Uint32Array, maxCode: number): number {
  let max = maxCode;
  while (max > 0 && from[max] === 0) max--;
  const c = counts;
  for (let s = 0; s <= max; s++) c[s] = from[s];
  return max;
}

function largestCount(max: number): number {
  let largest = 0;
  for (let s = 0; s <= max; s++) if (counts[s] > largest) largest = counts[s];
  return largest;
}

/** Cost in bits of coding `counts` with `norm` (accuracy log ≤ 8) (`ZSTD_crossEntropyCost`). */
function crossEntropyCost(defaultNorm: Int16Array, log: number, max: number): number {
  const shift = 8 - log;
  let cost = 0;
  for (let s = 0; s <= max; s++) {
    const n = defaultNorm[s] === -1 ? 1 : defaultNorm[s];
    cost += counts[s] * INVERSE_PROBABILITY_LOG256[n << shift];
  }
  // `| 0`, not Math.floor: a result computed as a double stays a double once optimized, and
  // positions added to it became doubles that JavaScriptCore's optimized callees exit on.
  return (cost / 256) | 0;
}

/** Entropy bound in bits of `counts` (`ZSTD_entropyCost`). */
function entropyCost(max: number, total: number): number {
  let cost = 0;
  for (let s = 0; s <= max; s++) {
    const c = counts[s];
    if (c === 0) continue;
    let n = ((256 * c) / total) | 0;
    if (n === 0) n = 1;
    cost += c * INVERSE_PROBABILITY_LOG256[n];
  }
  return (cost / 256) | 0;
}

function useLowProbCount(n: number): boolean {
  return n >= 2048;
}

/** Size in bytes of the table description libzstd would write for `counts`. */
function tableDescriptionCost(max: number, n: number, maxLog: number): number {
  const log = optimalTableLog(maxLog, n, max, 2);
  normalizeCounts(norm, log, counts, n, max, useLowProbCount(n));
  return writeNormalizedCounts(scratch, 0, norm, max, log);
}

// Result slot of selectMode: the next repeat flag.
let selectedRepeat: Repeat = Repeat.None;

/** libzstd's `ZSTD_selectEncodingType`: the cheapest mode, by heuristics below lazy. */
function selectMode(
  repeat: Repeat,
  max: number,
  mostFrequent: number,
  n: number,
  maxLog: number,
  prevTable: FseEncodeTable,
  defaultNorm: Int16Array,
  defaultLog: number,
  defaultAllowed: boolean,
  strategy: Strategy,
): Mode {
  if (mostFrequent === n) {
    selectedRepeat = Repeat.None;
    // Two sequences or fewer: predefined costs 5–6 bits each, RLE a byte.
    return defaultAllowed && n <= 2 ? Mode.Predefined : Mode.Rle;
  }
  if (strategy < Strategy.Lazy) {
    if (defaultAllowed) {
      const dynamicMin = ((1 << defaultLog) * (10 - strategy)) >>> 3;
      if (repeat === Repeat.Valid && n < 1000) {
        selectedRepeat = repeat;
        return Mode.Repeat;
      }
      if (n < dynamicMin || mostFrequent < n >>> (defaultLog - 1)) {
        selectedRepeat = Repeat.None;
        return Mode.Predefined;
      }
    }
  } else {
    const basicCost = defaultAllowed ? crossEntropyCost(defaultNorm, defaultLog, max) : Infinity;
    let repeatCost = Infinity;
    if (repeat !== Repeat.None) {
      const c = fseTableCost(prevTable, counts, max);
      if (c >= 0) repeatCost = c;
    }
    const compressedCost = tableDescriptionCost(max, n, maxLog) * 8 + entropyCost(max, n);
    if (basicCost <= repeatCost && basicCost <= compressedCost) {
      selectedRepeat = Repeat.None;
      return Mode.Predefined;
    }
    if (repeatCost <= compressedCost) {
      selectedRepeat = repeat;
      return Mode.Repeat;
    }
  }
  selectedRepeat = Repeat.Check;
  return Mode.Compressed;
}

/**
 * Fills `table` for `mode` and writes its description at `out[pos]`; returns the new position.
 * `counts` holds the histogram of `codes`.
 */
function buildTable(
  mode: Mode,
  table: FseEncodeTable,
  prevTable: FseEncodeTable,
  predefined: FseEncodeTable,
  codes: Uint8Array,
  n: number,
  max: number,
  maxLog: number,
  out: Uint8Array,
  pos: number,
): number {
  switch (mode) {
    case Mode.Rle:
      buildFseRleTable(table, codes[0]);
      out[pos] = codes[0];
      return pos + 1;
    case Mode.Repeat:
      if (table !== prevTable) table.copyFrom(prevTable);
      return pos;
    case Mode.Predefined:
      table.copyFrom(predefined);
      return pos;
    default: {
      const log = optimalTableLog(maxLog, n, max, 2);
      // The last sequence's code is the initial state, never coded: leave it out of the counts.
      let total = n;
      if (counts[codes[n - 1]] > 1) {
        counts[codes[n - 1]]--;
        total--;
      }
      normalizeCounts(norm, log, counts, total, max, useLowProbCount(total));
      const end = writeNormalizedCounts(out, pos, norm, max, log);
      buildFseEncodeTable(table, norm, max, log);
      return end;
    }
  }
}

/** Result of {@linkcode compressSequences} besides the position: true → emit a raw block. */
export let sequencesNeedRawBlock = false;

/**
 * Writes the sequences section of `seqs` at `out[pos]`; returns the new position. Fills `next`
 * from `prev` with the tables used. Sets {@linkcode sequencesNeedRawBlock} when the block must
 * go out raw (a corner case old decoders mishandle). `estimate`: write the header and tables,
 * then return where the section would end, from the tables' costs, without coding the stream.
 */
export function compressSequences(
  seqs: SeqStore,
  prev: SequencesState,
  next: SequencesState,
  strategy: Strategy,
  out: Uint8Array,
  pos: number,
  estimate: boolean = false,
): number {
  sequencesNeedRawBlock = false;
  const n = seqs.count;
  if (n < 128) {
    out[pos++] = n;
  } else if (n < 0x7f00) {
    out[pos++] = (n >>> 8) + 0x80;
    out[pos++] = n;
  } else {
    out[pos++] = 0xff;
    out[pos++] = n - 0x7f00;
    out[pos++] = (n - 0x7f00) >>> 8;
  }
  if (n === 0) {
    next.copyFrom(prev);
    return pos;
  }
  computeCodes(seqs);
  const modesPos = pos++;
  let lastTableSize = 0;

  let max = codeCounts(llCounts, MAX_LL_CODE);
  const llMode = selectMode(
    prev.llRepeat,
    max,
    largestCount(max),
    n,
    LL_ML_MAX_LOG,
    prev.ll,
    LL_DEFAULT_NORM,
    LL_DEFAULT_LOG,
    true,
    strategy,
  );
  next.llRepeat = selectedRepeat;
  let end = buildTable(
    llMode,
    next.ll,
    prev.ll,
    LL_PREDEFINED,
    seqs.llCode,
    n,
    max,
    LL_ML_MAX_LOG,
    out,
    pos,
  ); // deno-fmt-ignore
  if (llMode === Mode.Compressed) lastTableSize = end - pos;
  pos = end;

  max = codeCounts(ofCounts, MAX_OF_CODE);
  const ofMode = selectMode(
    prev.ofRepeat,
    max,
    largestCount(max),
    n,
    OF_MAX_LOG,
    prev.of,
    OF_DEFAULT_NORM,
    OF_DEFAULT_LOG,
    max <= DEFAULT_MAX_OF_CODE,
    strategy,
  );
  next.ofRepeat = selectedRepeat;
  end = buildTable(
    ofMode,
    next.of,
    prev.of,
    OF_PREDEFINED,
    seqs.ofCode,
    n,
    max,
    OF_MAX_LOG,
    out,
    pos,
  ); // deno-fmt-ignore
  if (ofMode === Mode.Compressed) lastTableSize = end - pos;
  pos = end;

  max = codeCounts(mlCounts, MAX_ML_CODE);
  const mlMode = selectMode(
    prev.mlRepeat,
    max,
    largestCount(max),
    n,
    LL_ML_MAX_LOG,
    prev.ml,
    ML_DEFAULT_NORM,
    ML_DEFAULT_LOG,
    true,
    strategy,
  );
  next.mlRepeat = selectedRepeat;
  end = buildTable(
    mlMode,
    next.ml,
    prev.ml,
    ML_PREDEFINED,
    seqs.mlCode,
    n,
    max,
    LL_ML_MAX_LOG,
    out,
    pos,
  ); // deno-fmt-ignore
  if (mlMode === Mode.Compressed) lastTableSize = end - pos;
  pos = end;

  out[modesPos] = (llMode << 6) | (ofMode << 4) | (mlMode << 2);
  if (estimate) return pos + (streamCost(seqs, next) >> 3);
  const streamStart = pos;
  pos = encodeSequenceStream(seqs, next.ll, next.of, next.ml, out, pos);
  // Decoders up to 1.3.4 misread a last table description of 2–3 bytes followed by a stream
  // shorter than 4 bytes in total; libzstd emits such blocks raw, and so do we.
  if (lastTableSize !== 0 && lastTableSize + (pos - streamStart) < 4) sequencesNeedRawBlock = true;
  return pos;
}

/**
 * Bits of the sequence stream of `seqs` coded with the tables of `state`, from the histograms
 * computeCodes made of its codes.
 */
function streamCost(seqs: SeqStore, state: SequencesState): number {
  const n = seqs.count;
  return codesCost(state.ll, llCounts, MAX_LL_CODE, LL_EXTRA_BITS, n) +
    codesCost(state.of, ofCounts, MAX_OF_CODE, null, n) +
    codesCost(state.ml, mlCounts, MAX_ML_CODE, ML_EXTRA_BITS, n);
}

/**
 * Bits of `n` codes of histogram `from` coded with `table` (none for an RLE table), with their
 * extra bits (`extraBits` per code; null: as many as the code, as offsets have).
 */
function codesCost(
  table: FseEncodeTable,
  from: Uint32Array,
  maxCode: number,
  extraBits: Uint8Array | null,
  n: number,
): number {
  const max = codeCounts(from, maxCode);
  let bits = 0;
  for (let s = 0; s <= max; s++) bits += counts[s] * (extraBits === null ? s : extraBits[s]);
  if (table.tableLog === 0) return bits;
  const cost = fseTableCost(table, counts, max);
  return bits + (cost < 0 ? n * 80 : cost);
}

/**
 * Writes the interleaved bit stream of all sequences (last to first, so the decoder reads the
 * first first); returns the new position. Invariant between fields: fewer than 8 bits pending,
 * so any group of fields of at most 24 bits can be added before the next flush.
 */
function encodeSequenceStream(
  seqs: SeqStore,
  llTable: FseEncodeTable,
  ofTable: FseEncodeTable,
  mlTable: FseEncodeTable,
  out: Uint8Array,
  pos: number,
): number {
  const view = viewOf(out);
  const n = seqs.count;
  const litLength = seqs.litLength;
  const matchLength = seqs.matchLength;
  const offBase = seqs.offBase;
  const llCode = seqs.llCode;
  const mlCode = seqs.mlCode;
  const ofCode = seqs.ofCode;
  const llStates = llTable.stateTable;
  const llDeltaNb = llTable.deltaNbBits;
  const llDeltaFind = llTable.deltaFindState;
  const mlStates = mlTable.stateTable;
  const mlDeltaNb = mlTable.deltaNbBits;
  const mlDeltaFind = mlTable.deltaFindState;
  const ofStates = ofTable.stateTable;
  const ofDeltaNb = ofTable.deltaNbBits;
  const ofDeltaFind = ofTable.deltaFindState;
  // Module bindings as locals: a binding is loaded and checked at every use in the loop.
  const llExtraBits = LL_EXTRA_BITS;
  const mlExtraBits = ML_EXTRA_BITS;
  const minMatch = MIN_MATCH;

  let bits = 0;
  let count = 0;
  let i = n - 1;
  let llc = llCode[i];
  let mlc = mlCode[i];
  let ofc = ofCode[i];
  let mlState = fseInitState(mlTable, mlc);
  let ofState = fseInitState(ofTable, ofc);
  let llState = fseInitState(llTable, llc);

  // The last sequence's extra bits: literal length, match length, offset.
  let nb = llExtraBits[llc];
  bits |= (litLength[i] & ((1 << nb) - 1)) << count;
  count += nb;
  nb = mlExtraBits[mlc];
  if (count + nb > 31) {
    view.setInt32(pos, bits, true);
    pos += count >>> 3;
    bits = (bits >>> (count & ~7)) | 0;
    count &= 7;
  }
  bits |= ((matchLength[i] - minMatch) & ((1 << nb) - 1)) << count;
  count += nb;
  view.setInt32(pos, bits, true);
  pos += count >>> 3;
  bits = (bits >>> (count & ~7)) | 0;
  count &= 7;
  let ov = offBase[i];
  if (ofc > 24) {
    bits |= (ov & 0xffff) << count;
    count += 16;
    view.setInt32(pos, bits, true);
    pos += count >>> 3;
    bits = (bits >>> (count & ~7)) | 0;
    count &= 7;
    ov >>>= 16;
    nb = ofc - 16;
  } else {
    nb = ofc;
  }
  bits |= (ov & ((1 << nb) - 1)) << count;
  count += nb;
  view.setInt32(pos, bits, true);
  pos += count >>> 3;
  bits = (bits >>> (count & ~7)) | 0;
  count &= 7;

  for (i = n - 2; i >= 0; i--) {
    llc = llCode[i];
    mlc = mlCode[i];
    ofc = ofCode[i];
    // States: offset (≤ 8 bits) and match length (≤ 9), then literal length (≤ 9).
    nb = (ofState + ofDeltaNb[ofc]) >> 16;
    bits |= (ofState & ((1 << nb) - 1)) << count;
    count += nb;
    ofState = ofStates[(ofState >> nb) + ofDeltaFind[ofc]];
    nb = (mlState + mlDeltaNb[mlc]) >> 16;
    bits |= (mlState & ((1 << nb) - 1)) << count;
    count += nb;
    mlState = mlStates[(mlState >> nb) + mlDeltaFind[mlc]];
    view.setInt32(pos, bits, true);
    pos += count >>> 3;
    bits = (bits >>> (count & ~7)) | 0;
    count &= 7;
    nb = (llState + llDeltaNb[llc]) >> 16;
    bits |= (llState & ((1 << nb) - 1)) << count;
    count += nb;
    llState = llStates[(llState >> nb) + llDeltaFind[llc]];

    // Extra bits: literal length, match length (together ≤ 15 bits but for huge lengths).
    const llBits = llExtraBits[llc];
    const mlBits = mlExtraBits[mlc];
    if (llBits + mlBits > 15) {
      view.setInt32(pos, bits, true);
      pos += count >>> 3;
      bits = (bits >>> (count & ~7)) | 0;
      count &= 7;
      bits |= (litLength[i] & ((1 << llBits) - 1)) << count;
      count += llBits;
      view.setInt32(pos, bits, true);
      pos += count >>> 3;
      bits = (bits >>> (count & ~7)) | 0;
      count &= 7;
    } else {
      bits |= (litLength[i] & ((1 << llBits) - 1)) << count;
      count += llBits;
    }
    bits |= ((matchLength[i] - minMatch) & ((1 << mlBits) - 1)) << count;
    count += mlBits;
    view.setInt32(pos, bits, true);
    pos += count >>> 3;
    bits = (bits >>> (count & ~7)) | 0;
    count &= 7;

    ov = offBase[i];
    if (ofc > 24) {
      bits |= (ov & 0xffff) << count;
      count += 16;
      view.setInt32(pos, bits, true);
      pos += count >>> 3;
      bits = (bits >>> (count & ~7)) | 0;
      count &= 7;
      ov >>>= 16;
      nb = ofc - 16;
    } else {
      nb = ofc;
    }
    bits |= (ov & ((1 << nb) - 1)) << count;
    count += nb;
    view.setInt32(pos, bits, true);
    pos += count >>> 3;
    bits = (bits >>> (count & ~7)) | 0;
    count &= 7;
  }

  // Final states: match length, offset, literal length (read first by the decoder).
  let log = mlTable.tableLog;
  bits |= (mlState & ((1 << log) - 1)) << count;
  count += log;
  log = ofTable.tableLog;
  bits |= (ofState & ((1 << log) - 1)) << count;
  count += log;
  view.setInt32(pos, bits, true);
  pos += count >>> 3;
  bits = (bits >>> (count & ~7)) | 0;
  count &= 7;
  log = llTable.tableLog;
  bits |= (llState & ((1 << log) - 1)) << count;
  count += log;
  bits |= 1 << count;
  count++;
  view.setInt32(pos, bits, true);
  return pos + ((count + 7) >>> 3);
}
