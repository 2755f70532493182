/**
 * The Sequences_Section of a compressed block (RFC 8878 §3.1.1.3.2), decoded and executed in one
 * pass: each sequence is read from the backward bit stream and immediately copied (literals, then
 * match) into the output, so no sequence is ever stored.
 *
 * Buffer contract: the block's literals sit in out[litPos, litEnd), where litEnd is
 * blockStart + blockMaxSize + WILD_SLACK, and the block writes from `op` upward; `out` has room
 * for reads past `litEnd` (see OUTPUT_SLACK). A sequence may run only while
 * `op + matchLength + WILD_SLACK <= litPos` (checked per sequence): the write position then never
 * passes the literals still to be read, and the block never exceeds its maximum size.
 *
 * @module
 */

import { corrupt } from "../errors.ts";
import { backwardStreamBits } from "../entropy/huffman_decoder.ts";
import type { BlockContext } from "./context.ts";
import {
  buildRleTable,
  LITERAL_LENGTHS,
  MATCH_LENGTHS,
  OFFSETS,
  PREDEFINED_LITERAL_LENGTHS,
  PREDEFINED_MATCH_LENGTHS,
  PREDEFINED_OFFSETS,
  readSequenceTable,
  type SequenceTable,
  type StreamKind,
} from "./sequence_tables.ts";

/**
 * Bytes between the block's maximum end and its literals, the overshoot room of the 16-byte
 * copies: with it, a valid block never comes closer than this to its unread literals, so the
 * fast path needs no test of the distance (a rarely taken branch there made JavaScriptCore
 * leave its optimized code at the end of every block).
 */
export const WILD_SLACK = 16;
/** Bytes `out` must have past a block's room: the wild-copy gap plus reads past the literals. */
export const OUTPUT_SLACK = WILD_SLACK + 32;
/** Runs of 2^LONG_COPY_LOG bytes or more use copyWithin (a fixed call cost, then memmove speed). */
const LONG_COPY_LOG = 8;
/** Matches shorter than this (or overlapping their source) are copied byte by byte. */
const SHORT_MATCH = 32;
/** Literal runs shorter than this are copied byte by byte. */
const SHORT_LITERALS = 32;

/**
 * Zero bits in front of the copied stream (the context's `streamWords`): a corrupt stream may run
 * 89 bits (one sequence) below its start before the check after that sequence catches it.
 */
export const STREAM_BIT_BASE = 128;

/**
 * The table of one stream for `mode`; leaves the bytes its description took in `ctx.tableBytes`.
 */
function selectTable(
  mode: number,
  kind: StreamKind,
  own: SequenceTable,
  predefinedTable: SequenceTable,
  previous: SequenceTable | null,
  ctx: BlockContext,
  src: Uint8Array,
  pos: number,
  end: number,
): SequenceTable {
  switch (mode) {
    case 0:
      ctx.tableBytes = 0;
      return predefinedTable;
    case 1:
      if (pos >= end) corrupt("RLE sequence table is truncated");
      buildRleTable(own, kind, src[pos]);
      ctx.tableBytes = 1;
      return own;
    case 2:
      ctx.tableBytes = readSequenceTable(ctx.fse, own, kind, src, pos, end);
      return own;
    default:
      if (previous === null) corrupt("repeat sequence table without a previous table");
      ctx.tableBytes = 0;
      return previous;
  }
}

/**
 * Decodes and executes the sequences section at src[pos, end). Literals are in out[litPos, litEnd);
 * output goes to out from `op`. Returns the new output position (last literals included).
 */
export function decodeSequences(
  ctx: BlockContext,
  src: Uint8Array,
  pos: number,
  end: number,
  out: Uint8Array,
  op: number,
  litPos: number,
  litEnd: number,
  historyStart: number,
): number {
  if (pos >= end) corrupt("sequences section is missing");
  let nbSeq = src[pos++];
  if (nbSeq >= 128) {
    if (nbSeq < 255) {
      if (pos >= end) corrupt("sequence count is truncated");
      nbSeq = ((nbSeq - 128) << 8) + src[pos++];
    } else {
      if (pos + 2 > end) corrupt("sequence count is truncated");
      nbSeq = src[pos] + (src[pos + 1] << 8) + 0x7f00;
      pos += 2;
    }
  }
  if (nbSeq === 0) {
    if (pos !== end) corrupt("bytes after an empty sequences section");
    return copyLastLiterals(out, op, litPos, litEnd);
  }
  if (pos >= end) corrupt("sequence modes are missing");
  const modes = src[pos++];
  if ((modes & 3) !== 0) corrupt("reserved bits of the sequence modes are set");
  const llTable = selectTable(
    modes >>> 6,
    LITERAL_LENGTHS,
    ctx.ownLiteralLengths,
    PREDEFINED_LITERAL_LENGTHS,
    ctx.literalLengths,
    ctx,
    src,
    pos,
    end,
  );
  pos += ctx.tableBytes;
  const ofTable = selectTable(
    (modes >>> 4) & 3,
    OFFSETS,
    ctx.ownOffsets,
    PREDEFINED_OFFSETS,
    ctx.offsets,
    ctx,
    src,
    pos,
    end,
  );
  pos += ctx.tableBytes;
  const mlTable = selectTable(
    (modes >>> 2) & 3,
    MATCH_LENGTHS,
    ctx.ownMatchLengths,
    PREDEFINED_MATCH_LENGTHS,
    ctx.matchLengths,
    ctx,
    src,
    pos,
    end,
  );
  pos += ctx.tableBytes;
  ctx.literalLengths = llTable;
  ctx.offsets = ofTable;
  ctx.matchLengths = mlTable;
  if (pos >= end) corrupt("sequence bit stream is missing");
  return executeSequences(
    ctx,
    llTable.cells,
    llTable.tableLog,
    ofTable.cells,
    ofTable.tableLog,
    mlTable.cells,
    mlTable.tableLog,
    nbSeq,
    src,
    pos,
    end,
    out,
    op,
    litPos,
    litEnd,
    historyStart,
  );
}

function copyLastLiterals(out: Uint8Array, op: number, litPos: number, litEnd: number): number {
  const n = litEnd - litPos;
  if (op !== litPos) {
    if (n < SHORT_LITERALS) {
      for (let i = 0; i < n; i++) out[op + i] = out[litPos + i];
    } else {
      out.copyWithin(op, litPos, litEnd);
    }
  }
  return op + n;
}

/** The hot loop: read one sequence, copy its literals and match, repeat. */
function executeSequences(
  ctx: BlockContext,
  llCells: Int32Array,
  llLog: number,
  ofCells: Int32Array,
  ofLog: number,
  mlCells: Int32Array,
  mlLog: number,
  nbSeq: number,
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  op: number,
  litPos: number,
  litEnd: number,
  historyStart: number,
): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const reps = ctx.reps;
  let rep0 = reps[0];
  let rep1 = reps[1];
  let rep2 = reps[2];
  const windowSize = ctx.windowSize;
  // The stream is copied into aligned words after STREAM_BIT_BASE zero bits; ptr is the bit
  // position (in `words`) below which the bits not yet consumed lie.
  const total = backwardStreamBits(src, start, end);
  ctx.streamBytes.set(src.subarray(start, end), STREAM_BIT_BASE >>> 3);
  const words = ctx.streamWords;
  let ptr = STREAM_BIT_BASE + total;
  let s: number;
  let w: number;

  // Initial states: literal lengths, offsets, match lengths.
  ptr -= llLog;
  s = ptr;
  w = s >>> 5;
  let llState = (words[w] >>> (s & 31) | ((words[w + 1] << 1) << (31 - (s & 31)))) &
    ((1 << llLog) - 1);
  ptr -= ofLog;
  s = ptr;
  w = s >>> 5;
  let ofState = (words[w] >>> (s & 31) | ((words[w + 1] << 1) << (31 - (s & 31)))) &
    ((1 << ofLog) - 1);
  ptr -= mlLog;
  s = ptr;
  w = s >>> 5;
  let mlState = (words[w] >>> (s & 31) | ((words[w + 1] << 1) << (31 - (s & 31)))) &
    ((1 << mlLog) - 1);
  if (ptr < STREAM_BIT_BASE) corrupt("sequence bit stream is too short");

  for (let i = nbSeq; i > 0; i--) {
    const ofPacked = ofCells[2 * ofState];
    const llPacked = llCells[2 * llState];
    const mlPacked = mlCells[2 * mlState];

    // Extra bits: offset, then match length, then literal length, high to low. One 31-bit read
    // covers all three in the common case.
    const ofBits = ofPacked >>> 24;
    const mlBits = mlPacked >>> 24;
    const llBits = llPacked >>> 24;
    const extra = ofBits + mlBits + llBits;
    let offsetValue: number;
    let ml: number;
    let ll: number;
    if (extra <= 31) {
      ptr -= extra;
      s = ptr;
      w = s >>> 5;
      const v = words[w] >>> (s & 31) | ((words[w + 1] << 1) << (31 - (s & 31)));
      ll = llCells[2 * llState + 1] + (v & ((1 << llBits) - 1));
      ml = mlCells[2 * mlState + 1] + ((v >>> llBits) & ((1 << mlBits) - 1));
      offsetValue = ofCells[2 * ofState + 1] + ((v >>> (llBits + mlBits)) & ((1 << ofBits) - 1));
    } else {
      if (ofBits <= 24) {
        ptr -= ofBits;
        offsetValue = ofCells[2 * ofState + 1] + readWordBits(words, ptr, ofBits);
      } else {
        offsetValue = readLongOffset(words, ptr, ofBits);
        ptr -= ofBits;
      }
      ptr -= mlBits;
      ml = mlCells[2 * mlState + 1] + readWordBits(words, ptr, mlBits);
      ptr -= llBits;
      ll = llCells[2 * llState + 1] + readWordBits(words, ptr, llBits);
    }

    // Repeat offsets (RFC 8878 §3.1.2.5).
    let offset: number;
    if (offsetValue > 3) {
      offset = offsetValue - 3;
      rep2 = rep1;
      rep1 = rep0;
      rep0 = offset;
    } else {
      let index = offsetValue - 1;
      if (ll === 0) index++;
      if (index === 0) {
        offset = rep0;
      } else {
        if (index === 1) {
          offset = rep1;
        } else if (index === 2) {
          offset = rep2;
        } else {
          offset = rep0 - 1;
          if (offset === 0) corrupt("repeat offset resolves to zero");
        }
        if (index > 1) rep2 = rep1;
        rep1 = rep0;
        rep0 = offset;
      }
    }

    if (i > 1) {
      // State updates: literal lengths, match lengths, offsets (not after the last sequence),
      // at most 9 + 9 + 8 bits: one read.
      const llNb = (llPacked >>> 16) & 15;
      const mlNb = (mlPacked >>> 16) & 15;
      const ofNb = (ofPacked >>> 16) & 15;
      ptr -= llNb + mlNb + ofNb;
      s = ptr;
      w = s >>> 5;
      const v = words[w] >>> (s & 31) | ((words[w + 1] << 1) << (31 - (s & 31)));
      ofState = (ofPacked & 0xffff) + (v & ((1 << ofNb) - 1));
      mlState = (mlPacked & 0xffff) + ((v >>> ofNb) & ((1 << mlNb) - 1));
      llState = (llPacked & 0xffff) + ((v >>> (ofNb + mlNb)) & ((1 << llNb) - 1));
      if (ptr < STREAM_BIT_BASE) corrupt("sequence bit stream is too short");
    }

    // Execute: literals, then match.
    const litNext = litPos + ll;
    if (litNext > litEnd) corrupt("sequence literal length exceeds the literals");
    // Literals start WILD_SLACK past the block's maximum end: this is the exact size check.
    if (ml > litPos - op - WILD_SLACK) corrupt("sequences exceed the block size");
    if (offset > op + ll - historyStart || offset > windowSize) {
      // Before the frame's output: into the dictionary's content, or an error.
      copyFromDictionary(ctx, out, op, litPos, ll, ml, offset, op + ll - historyStart);
      op += ll + ml;
      litPos = litNext;
      continue;
    }
    if (((ll | ml) >>> LONG_COPY_LOG) === 0 && offset >= 4) {
      // Fast path: 16 bytes unconditionally (most runs are shorter: no loop-exit branch to
      // mispredict), then 8-byte steps. Overshoot stays below the unread literals (checked
      // above: at least WILD_SLACK bytes remain after the match), and each 4-byte step reads
      // only bytes already written (offset >= 4).
      view.setInt32(op, view.getInt32(litPos, true), true);
      view.setInt32(op + 4, view.getInt32(litPos + 4, true), true);
      view.setInt32(op + 8, view.getInt32(litPos + 8, true), true);
      view.setInt32(op + 12, view.getInt32(litPos + 12, true), true);
      if (ll > 16) {
        let k = 16;
        do {
          view.setInt32(op + k, view.getInt32(litPos + k, true), true);
          view.setInt32(op + k + 4, view.getInt32(litPos + k + 4, true), true);
          k += 8;
        } while (k < ll);
      }
      op += ll;
      litPos = litNext;
      const from = op - offset;
      view.setInt32(op, view.getInt32(from, true), true);
      view.setInt32(op + 4, view.getInt32(from + 4, true), true);
      view.setInt32(op + 8, view.getInt32(from + 8, true), true);
      view.setInt32(op + 12, view.getInt32(from + 12, true), true);
      if (ml > 16) {
        let k = 16;
        do {
          view.setInt32(op + k, view.getInt32(from + k, true), true);
          view.setInt32(op + k + 4, view.getInt32(from + k + 4, true), true);
          k += 8;
        } while (k < ml);
      }
      op += ml;
      continue;
    }
    if (ll < SHORT_LITERALS) {
      for (let k = 0; k < ll; k++) out[op + k] = out[litPos + k];
    } else {
      out.copyWithin(op, litPos, litNext);
    }
    op += ll;
    litPos = litNext;
    const from = op - offset;
    if (ml < SHORT_MATCH) {
      for (let k = 0; k < ml; k++) out[op + k] = out[from + k];
    } else if (offset >= ml) {
      out.copyWithin(op, from, from + ml);
    } else if (offset === 1) {
      out.fill(out[from], op, op + ml);
    } else {
      // A long match over its own output repeats a period of `offset` bytes: copy whole periods,
      // doubling, so each copyWithin has a non-overlapping source.
      const end = op + ml;
      let to = op;
      while (to < end) {
        const n = Math.min(to - from, end - to);
        out.copyWithin(to, from, from + n);
        to += n;
      }
    }
    op += ml;
  }
  if (ptr !== STREAM_BIT_BASE) corrupt("sequence bit stream is not consumed exactly");
  reps[0] = rep0;
  reps[1] = rep1;
  reps[2] = rep2;
  return copyLastLiterals(out, op, litPos, litEnd);
}

/**
 * Executes a sequence whose match starts `offset` bytes back, before the frame's first
 * `produced` bytes (the output when the match starts): in the dictionary's content, which is
 * referenced where it is, never copied in front of the output. Throws when the offset reaches
 * past the dictionary or the window.
 */
function copyFromDictionary(
  ctx: BlockContext,
  out: Uint8Array,
  op: number,
  litPos: number,
  ll: number,
  ml: number,
  offset: number,
  produced: number,
): void {
  const dict = ctx.dictionaryContent;
  const back = offset - produced;
  if (offset > ctx.windowSize || back > dict.length) {
    corrupt(`offset ${offset} reaches before the start of the window`);
  }
  for (let k = 0; k < ll; k++) out[op + k] = out[litPos + k];
  op += ll;
  const fromDict = Math.min(back, ml);
  const at = dict.length - back;
  if (fromDict < SHORT_MATCH) {
    for (let k = 0; k < fromDict; k++) out[op + k] = dict[at + k];
  } else {
    out.set(dict.subarray(at, at + fromDict), op);
  }
  op += fromDict;
  // The rest continues at the frame's first byte, `offset` back (forward: overlaps repeat).
  const from = op - offset;
  for (let k = 0; k < ml - fromDict; k++) out[op + k] = out[from + k];
}

/** Offsets with more than 24 extra bits (windows above 16 MiB), read in two parts. */
function readLongOffset(words: Int32Array, ptr: number, ofBits: number): number {
  if (ofBits > 30) corrupt(`offset code ${ofBits} is beyond any supported window`);
  const highBits = ofBits - 24;
  const high = readWordBits(words, ptr - highBits, highBits);
  const low = readWordBits(words, ptr - ofBits, 24);
  return (1 << ofBits) + high * 0x1000000 + low;
}

/** n ≤ 25 bits at bit position s of `words` (the copied sequence stream). */
function readWordBits(words: Int32Array, s: number, n: number): number {
  const w = s >>> 5;
  return (words[w] >>> (s & 31) | ((words[w + 1] << 1) << (31 - (s & 31)))) & ((1 << n) - 1);
}
