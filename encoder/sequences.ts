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
  FseEncodeScratch,
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
import { ByteViews } from "../entropy/byte_view.ts";
import { Repeat } from "./literals.ts";
import { Strategy } from "./params.ts";
import type { SeqStore } from "./seq_store.ts";

/** Stream modes as the sequences header spells them. */
export const enum Mode {
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
  buildFseEncodeTable(new FseEncodeScratch(), table, norm, maxCode, tableLog);
  return table;
}

// −log2(x / 256) · 256 for x in 1..255 (0 for x = 0): the cost estimates' probability table.
const INVERSE_PROBABILITY_LOG256 = /* @__PURE__ */ inverseProbabilityLog256();

function inverseProbabilityLog256(): Uint32Array {
  const table = new Uint32Array(256);
  for (let x = 1; x < 256; x++) table[x] = Math.floor(-Math.log2(x / 256) * 256);
  return table;
}

/**
 * The sequences stage of one workspace: the histograms and scratch of
 * {@linkcode compressSequences}, and the results it gives besides the position. Used by one
 * block at a time.
 */
export class SequencesStage {
  /** Histograms of the three code streams, made by computeCodes as it computes them. */
  readonly llCounts: Uint32Array = new Uint32Array(64);
  readonly ofCounts: Uint32Array = new Uint32Array(64);
  readonly mlCounts: Uint32Array = new Uint32Array(64);
  /** The histogram of the stream at hand (codeCounts copies it here). */
  readonly counts: Uint32Array = new Uint32Array(64);
  readonly norm: Int16Array = new Int16Array(64);
  /** Scratch of building FSE tables. */
  readonly fse: FseEncodeScratch = new FseEncodeScratch();
  /** The sequence stream encoder's view of its output. */
  readonly views: ByteViews = new ByteViews();
  /** Where table descriptions are written to learn their size. */
  readonly scratch: Uint8Array = new Uint8Array(512);
  /** Result of selectMode besides the mode: the stream's next repeat flag. */
  selectedRepeat: Repeat = Repeat.None;
  /** Result of writeStreamTable besides the position: the stream's mode. */
  mode: Mode = Mode.Predefined;
  /** Size of the last FSE table description written for the block (0: none). */
  lastTableSize = 0;
  /**
   * Result of {@linkcode compressSequences} besides the position: true when the block must go
   * out raw (a corner case old decoders mishandle).
   */
  needRawBlock = false;
}

/** One of the three code streams: its limits, default distribution and predefined table. */
interface CodeStream {
  readonly maxCode: number;
  readonly maxLog: number;
  readonly defaultNorm: Int16Array;
  readonly defaultLog: number;
  readonly predefined: FseEncodeTable;
  /** The largest code the predefined distribution covers. */
  readonly defaultMaxCode: number;
}

const LITERAL_LENGTHS: CodeStream = {
  maxCode: MAX_LL_CODE,
  maxLog: LL_ML_MAX_LOG,
  defaultNorm: LL_DEFAULT_NORM,
  defaultLog: LL_DEFAULT_LOG,
  predefined: LL_PREDEFINED,
  defaultMaxCode: MAX_LL_CODE,
};
const OFFSETS: CodeStream = {
  maxCode: MAX_OF_CODE,
  maxLog: OF_MAX_LOG,
  defaultNorm: OF_DEFAULT_NORM,
  defaultLog: OF_DEFAULT_LOG,
  predefined: OF_PREDEFINED,
  defaultMaxCode: DEFAULT_MAX_OF_CODE,
};
const MATCH_LENGTHS: CodeStream = {
  maxCode: MAX_ML_CODE,
  maxLog: LL_ML_MAX_LOG,
  defaultNorm: ML_DEFAULT_NORM,
  defaultLog: ML_DEFAULT_LOG,
  predefined: ML_PREDEFINED,
  defaultMaxCode: MAX_ML_CODE,
};

/**
 * Fills the literal-length, match-length and offset codes of every sequence, and their
 * histograms in `stage` (read by {@linkcode compressSequences}).
 */
export function computeCodes(seqs: SeqStore, stage: SequencesStage): void {
  const n = seqs.count;
  const litLength = seqs.litLength;
  const matchLength = seqs.matchLength;
  const offBase = seqs.offBase;
  const llCode = seqs.llCode;
  const mlCode = seqs.mlCode;
  const ofCode = seqs.ofCode;
  const llc = stage.llCounts;
  const ofc = stage.ofCounts;
  const mlc = stage.mlCounts;
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

/** Copies a histogram of computeCodes into `stage.counts`; returns the largest code present. */
function codeCounts(stage: SequencesStage, from: Uint32Array, maxCode: number): number {
  let max = maxCode;
  while (max > 0 && from[max] === 0) max--;
  const c = stage.counts;
  for (let s = 0; s <= max; s++) c[s] = from[s];
  return max;
}

function largestCount(counts: Uint32Array, max: number): number {
  let largest = 0;
  for (let s = 0; s <= max; s++) if (counts[s] > largest) largest = counts[s];
  return largest;
}

/** Cost in bits of coding `counts` with `norm` (accuracy log ≤ 8) (`ZSTD_crossEntropyCost`). */
function crossEntropyCost(
  counts: Uint32Array,
  defaultNorm: Int16Array,
  log: number,
  max: number,
): number {
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
function entropyCost(counts: Uint32Array, max: number, total: number): number {
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

/** Size in bytes of the table description libzstd would write for `stage.counts`. */
function tableDescriptionCost(stage: SequencesStage, max: number, n: number, maxLog: number) {
  const log = optimalTableLog(maxLog, n, max, 2);
  normalizeCounts(stage.norm, log, stage.counts, n, max, useLowProbCount(n));
  return writeNormalizedCounts(stage.scratch, 0, stage.norm, max, log);
}

/**
 * libzstd's `ZSTD_selectEncodingType`: the cheapest mode for the histogram in `stage.counts`,
 * by heuristics below lazy. Sets `stage.selectedRepeat` to the stream's next repeat flag.
 */
function selectMode(
  stage: SequencesStage,
  kind: CodeStream,
  repeat: Repeat,
  max: number,
  n: number,
  prevTable: FseEncodeTable,
  strategy: Strategy,
): Mode {
  const counts = stage.counts;
  const mostFrequent = largestCount(counts, max);
  const defaultNorm = kind.defaultNorm;
  const defaultLog = kind.defaultLog;
  const defaultAllowed = max <= kind.defaultMaxCode;
  if (mostFrequent === n) {
    stage.selectedRepeat = Repeat.None;
    // Two sequences or fewer: predefined costs 5–6 bits each, RLE a byte.
    return defaultAllowed && n <= 2 ? Mode.Predefined : Mode.Rle;
  }
  if (strategy < Strategy.Lazy) {
    if (defaultAllowed) {
      const dynamicMin = ((1 << defaultLog) * (10 - strategy)) >>> 3;
      if (repeat === Repeat.Valid && n < 1000) {
        stage.selectedRepeat = repeat;
        return Mode.Repeat;
      }
      if (n < dynamicMin || mostFrequent < n >>> (defaultLog - 1)) {
        stage.selectedRepeat = Repeat.None;
        return Mode.Predefined;
      }
    }
  } else {
    const basicCost = defaultAllowed
      ? crossEntropyCost(counts, defaultNorm, defaultLog, max)
      : Infinity;
    let repeatCost = Infinity;
    if (repeat !== Repeat.None) {
      const c = fseTableCost(prevTable, counts, max);
      if (c >= 0) repeatCost = c;
    }
    const compressedCost = tableDescriptionCost(stage, max, n, kind.maxLog) * 8 +
      entropyCost(counts, max, n);
    if (basicCost <= repeatCost && basicCost <= compressedCost) {
      stage.selectedRepeat = Repeat.None;
      return Mode.Predefined;
    }
    if (repeatCost <= compressedCost) {
      stage.selectedRepeat = repeat;
      return Mode.Repeat;
    }
  }
  stage.selectedRepeat = Repeat.Check;
  return Mode.Compressed;
}

/**
 * Fills `table` for `mode` and writes its description at `out[pos]`; returns the new position.
 * `stage.counts` holds the histogram of `codes`.
 */
function buildTable(
  stage: SequencesStage,
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
      const counts = stage.counts;
      const norm = stage.norm;
      const log = optimalTableLog(maxLog, n, max, 2);
      // The last sequence's code is the initial state, never coded: leave it out of the counts.
      let total = n;
      if (counts[codes[n - 1]] > 1) {
        counts[codes[n - 1]]--;
        total--;
      }
      normalizeCounts(norm, log, counts, total, max, useLowProbCount(total));
      const end = writeNormalizedCounts(out, pos, norm, max, log);
      buildFseEncodeTable(stage.fse, table, norm, max, log);
      return end;
    }
  }
}

/**
 * One code stream's part of the section: selects its mode from its histogram `from`, fills
 * `table` (from `prevTable`, whose repeat flag is `repeat`) and writes its description at
 * `out[pos]`. Returns the new position; the mode and the next repeat flag are left in `stage`.
 */
function writeStreamTable(
  stage: SequencesStage,
  kind: CodeStream,
  from: Uint32Array,
  codes: Uint8Array,
  repeat: Repeat,
  prevTable: FseEncodeTable,
  table: FseEncodeTable,
  n: number,
  strategy: Strategy,
  out: Uint8Array,
  pos: number,
): number {
  const max = codeCounts(stage, from, kind.maxCode);
  const mode = selectMode(stage, kind, repeat, max, n, prevTable, strategy);
  stage.mode = mode;
  const end = buildTable(
    stage,
    mode,
    table,
    prevTable,
    kind.predefined,
    codes,
    n,
    max,
    kind.maxLog,
    out,
    pos,
  ); // deno-fmt-ignore
  if (mode === Mode.Compressed) stage.lastTableSize = end - pos;
  return end;
}

/**
 * Writes the sequences section of `seqs` at `out[pos]`; returns the new position. Fills `next`
 * from `prev` with the tables used. Sets `stage.needRawBlock` when the block must go out raw (a
 * corner case old decoders mishandle). `estimate`: write the header and tables, then return
 * where the section would end, from the tables' costs, without coding the stream.
 */
export function compressSequences(
  stage: SequencesStage,
  seqs: SeqStore,
  prev: SequencesState,
  next: SequencesState,
  strategy: Strategy,
  out: Uint8Array,
  pos: number,
  estimate: boolean = false,
): number {
  stage.needRawBlock = false;
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
  computeCodes(seqs, stage);
  const modesPos = pos++;
  stage.lastTableSize = 0;

  pos = writeStreamTable(
    stage,
    LITERAL_LENGTHS,
    stage.llCounts,
    seqs.llCode,
    prev.llRepeat,
    prev.ll,
    next.ll,
    n,
    strategy,
    out,
    pos,
  );
  next.llRepeat = stage.selectedRepeat;
  const llMode = stage.mode;
  pos = writeStreamTable(
    stage,
    OFFSETS,
    stage.ofCounts,
    seqs.ofCode,
    prev.ofRepeat,
    prev.of,
    next.of,
    n,
    strategy,
    out,
    pos,
  );
  next.ofRepeat = stage.selectedRepeat;
  const ofMode = stage.mode;
  pos = writeStreamTable(
    stage,
    MATCH_LENGTHS,
    stage.mlCounts,
    seqs.mlCode,
    prev.mlRepeat,
    prev.ml,
    next.ml,
    n,
    strategy,
    out,
    pos,
  );
  next.mlRepeat = stage.selectedRepeat;
  const mlMode = stage.mode;

  out[modesPos] = (llMode << 6) | (ofMode << 4) | (mlMode << 2);
  if (estimate) return pos + (streamCost(stage, seqs, next) >> 3);
  const streamStart = pos;
  pos = encodeSequenceStream(stage.views.of(out), seqs, next.ll, next.of, next.ml, pos);
  // Decoders up to 1.3.4 misread a last table description of 2–3 bytes followed by a stream
  // shorter than 4 bytes in total; libzstd emits such blocks raw, and so do we.
  const lastTableSize = stage.lastTableSize;
  if (lastTableSize !== 0 && lastTableSize + (pos - streamStart) < 4) stage.needRawBlock = true;
  return pos;
}

/**
 * Bits of the sequence stream of `seqs` coded with the tables of `state`, from the histograms
 * computeCodes made of its codes.
 */
function streamCost(stage: SequencesStage, seqs: SeqStore, state: SequencesState): number {
  const n = seqs.count;
  return codesCost(stage, state.ll, stage.llCounts, MAX_LL_CODE, LL_EXTRA_BITS, n) +
    codesCost(stage, state.of, stage.ofCounts, MAX_OF_CODE, null, n) +
    codesCost(stage, state.ml, stage.mlCounts, MAX_ML_CODE, ML_EXTRA_BITS, n);
}

/**
 * Bits of `n` codes of histogram `from` coded with `table` (none for an RLE table), with their
 * extra bits (`extraBits` per code; null: as many as the code, as offsets have).
 */
function codesCost(
  stage: SequencesStage,
  table: FseEncodeTable,
  from: Uint32Array,
  maxCode: number,
  extraBits: Uint8Array | null,
  n: number,
): number {
  const max = codeCounts(stage, from, maxCode);
  const counts = stage.counts;
  let bits = 0;
  for (let s = 0; s <= max; s++) bits += counts[s] * (extraBits === null ? s : extraBits[s]);
  if (table.tableLog === 0) return bits;
  const cost = fseTableCost(table, counts, max);
  return bits + (cost < 0 ? n * 80 : cost);
}

/**
 * Writes the interleaved bit stream of all sequences (last to first, so the decoder reads the
 * first first) through `view` (of the output) at `pos`; returns the new position. Invariant
 * between fields: fewer than 8 bits pending, so any group of fields of at most 24 bits can be
 * added before the next flush.
 */
function encodeSequenceStream(
  view: DataView,
  seqs: SeqStore,
  llTable: FseEncodeTable,
  ofTable: FseEncodeTable,
  mlTable: FseEncodeTable,
  pos: number,
): number {
  pos = encodeSequenceFields(view, seqs, llTable, ofTable, mlTable, pos);
  let bits = endBits;
  let count = endCount;
  // Final states: match length, offset, literal length (read first by the decoder).
  let log = mlTable.tableLog;
  bits |= (endMlState & ((1 << log) - 1)) << count;
  count += log;
  log = ofTable.tableLog;
  bits |= (endOfState & ((1 << log) - 1)) << count;
  count += log;
  view.setInt32(pos, bits, true);
  pos += count >>> 3;
  bits = (bits >>> (count & ~7)) | 0;
  count &= 7;
  log = llTable.tableLog;
  bits |= (endLlState & ((1 << log) - 1)) << count;
  count += log;
  bits |= 1 << count;
  count++;
  view.setInt32(pos, bits, true);
  return pos + ((count + 7) >>> 3);
}

// What encodeSequenceFields leaves for the final states: the bits pending and their count, and the
// three states.
let endBits = 0;
let endCount = 0;
let endLlState = 0;
let endMlState = 0;
let endOfState = 0;

/**
 * The sequences' fields and states of encodeSequenceStream, up to its final states: returns the
 * position, the rest in the module variables above. After its loop it only stores them and
 * returns, which needs no type feedback: V8 compiles the loop on stack (OSR) during the first
 * blocks, before the code after it has run, and with the final states written here the compiled
 * loop was left at their first operation at the end of up to one block in two (`--trace-deopt`,
 * 95 times in 40 calls on 1 MiB of x86 code at level 5), the code kept.
 */
function encodeSequenceFields(
  view: DataView,
  seqs: SeqStore,
  llTable: FseEncodeTable,
  ofTable: FseEncodeTable,
  mlTable: FseEncodeTable,
  pos: number,
): number {
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

  endBits = bits;
  endCount = count;
  endLlState = llState;
  endMlState = mlState;
  endOfState = ofState;
  return pos;
}
