/**
 * The optimal parsers, levels 16 to 22 (libzstd's `ZSTD_compressBlock_opt_generic`): btopt
 * (optLevel 0), btultra and btultra2 (optLevel 2) over the binary-tree finder.
 *
 * From a position with matches, a forward pass prices every way to reach the positions ahead:
 * by a literal from the position before, or by any length of any match found at an earlier
 * reached position (each match covers the lengths down to the previous, shorter match). A
 * position's entry holds its cheapest "stretch", a match followed by some literals, with the
 * repeat offsets in force there. The pass ends at the farthest position priced, or at once when
 * a match is longer than `targetLength` (the "sufficient length"); the cheapest path is then
 * read backwards and stored.
 *
 * Prices are in 1/256 bit, from statistics of the symbols already chosen: literal bytes,
 * literal-length, match-length and offset codes. They start from the block's bytes and flat
 * code frequencies (or from a dictionary's entropy tables), carry over from block to block
 * scaled down, and are updated after each stored path. btultra prices with fractional bits;
 * btultra2 also runs the first block twice, the first time only to learn its statistics.
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import { highbit } from "../entropy/bits.ts";
import type { FseEncodeTable } from "../entropy/fse_encoder.ts";
import type { HuffmanEncodeTable } from "../entropy/huffman_encoder.ts";
import { BLOCK_SIZE_MAX } from "../format.ts";
import {
  LL_EXTRA_BITS,
  llCodeOf,
  MAX_LL_CODE,
  MAX_ML_CODE,
  MAX_OF_CODE,
  ML_EXTRA_BITS,
  mlCodeOf,
} from "../entropy/sequence_codes.ts";
import { getAllMatches, MatchList, OPT_NUM } from "./binary_tree.ts";
import type { MatchState } from "./match_state.ts";
import type { MatchWorkspace } from "./workspace.ts";

/**
 * What the optimal parser reads of a dictionary: the entropy tables whose code lengths seed the
 * first block's statistics (the encoder's dictionary state is one).
 */
export interface DictionaryEntropy {
  /** The literals' Huffman table, read only when `huffmanRepeat` is 2. */
  readonly huffman: HuffmanEncodeTable;
  /** 2 when `huffman` codes every byte (libzstd's HUF_repeat_valid, the encoder's Repeat.Valid). */
  readonly huffmanRepeat: number;
  /** Literal lengths. */
  readonly ll: FseEncodeTable;
  /** Match lengths. */
  readonly ml: FseEncodeTable;
  /** Offsets. */
  readonly of: FseEncodeTable;
}

// Price scale: 1/256 bit.
const BITCOST = 256;
const MAX_PRICE = 1 << 30;
// Literal statistics grow by this per literal, adapting faster than the codes' (libzstd's).
const LITFREQ_ADD = 2;
// Blocks this small are priced from fixed guesses rather than statistics.
const PREDEF_THRESHOLD = 8;
const OPT_SIZE = OPT_NUM + 3;
// Added to every match-length price: the fifth of a bit, as fewer sequences decode faster.
const ML_BONUS = (BITCOST / 5) | 0;

const BASE_LL_FREQS = [
  4,
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
];
const BASE_OF_FREQS = [
  6,
  2,
  1,
  1,
  2,
  3,
  4,
  4,
  4,
  3,
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
];

/** The parser's statistics and working tables; statistics live for one frame. */
export class OptState {
  readonly litFreq: Int32Array = new Int32Array(256);
  readonly llFreq: Int32Array = new Int32Array(MAX_LL_CODE + 1);
  readonly mlFreq: Int32Array = new Int32Array(MAX_ML_CODE + 1);
  readonly ofFreq: Int32Array = new Int32Array(MAX_OF_CODE + 1);
  litSum = 0;
  /** 0 until the first block sets the statistics. */
  llSum = 0;
  mlSum = 0;
  ofSum = 0;
  litSumPrice = 0;
  llSumPrice = 0;
  mlSumPrice = 0;
  ofSumPrice = 0;
  // What each symbol adds to the price besides its statistics' sum price, kept up to date as
  // the statistics change (see refreshCosts, updateStats): a literal's weight; a length or
  // offset code's extra bits minus its weight (plus, for match lengths, the fifth of a bit).
  // The parser prices every length of every match, so this spares a weight per price.
  readonly litWeight: Int32Array = new Int32Array(256);
  readonly llCost: Int32Array = new Int32Array(MAX_LL_CODE + 1);
  readonly mlCost: Int32Array = new Int32Array(MAX_ML_CODE + 1);
  readonly ofCost: Int32Array = new Int32Array(MAX_OF_CODE + 1);
  /** Fixed guesses instead of statistics (tiny first block). */
  predef = false;
  /** Dictionary whose entropy tables seed the first block's statistics. */
  dict: DictionaryEntropy | null = null;
  readonly matches: MatchList = new MatchList();

  // The price table: per position ahead, the cheapest stretch reaching it.
  readonly price: Int32Array = new Int32Array(OPT_SIZE + 1);
  readonly off: Int32Array = new Int32Array(OPT_SIZE + 1);
  readonly mlen: Int32Array = new Int32Array(OPT_SIZE + 1);
  readonly litlen: Int32Array = new Int32Array(OPT_SIZE + 1);
  readonly rep0: Int32Array = new Int32Array(OPT_SIZE + 1);
  readonly rep1: Int32Array = new Int32Array(OPT_SIZE + 1);
  readonly rep2: Int32Array = new Int32Array(OPT_SIZE + 1);
  /** btultra2's copy of the repeat offsets for its learning pass. */
  readonly learnRep: Int32Array = new Int32Array(3);

  /** Forgets the statistics: the next block is a frame's first. */
  reset(dict: DictionaryEntropy | null, minMatch: number, windowLog: number): void {
    this.llSum = 0;
    this.dict = dict;
    this.matches.prepare(minMatch, windowLog);
  }
}

/**
 * The parser state of a new frame, the workspace's (made on first use). A stream's 3-byte table
 * is zeroed, as its other tables are (its indices start at 1 again); a one-shot compression's
 * stale entries lie below its base.
 */
export function newOptState(
  ws: MatchWorkspace,
  dict: DictionaryEntropy | null,
  minMatch: number,
  windowLog: number,
): OptState {
  const st = ws.opt ??= new OptState();
  st.reset(dict, minMatch, windowLog);
  if (ws.forStream) st.matches.hash3.fill(0);
  return st;
}

/** Cost of a symbol of frequency `stat`: whole bits (btopt) or interpolated (btultra). */
function weight(stat: number, frac: boolean): number {
  const s = stat + 1;
  const hb = 31 - Math.clz32(s);
  return frac ? hb * BITCOST + ((s << 8) >>> hb) : hb * BITCOST;
}

// The cost-table entry of one code, from its frequency (see OptState.llCost).
function refreshLl(st: OptState, code: number, frac: boolean): void {
  st.llCost[code] = LL_EXTRA_BITS[code] * BITCOST - weight(st.llFreq[code], frac);
}
function refreshMl(st: OptState, code: number, frac: boolean): void {
  st.mlCost[code] = ML_EXTRA_BITS[code] * BITCOST - weight(st.mlFreq[code], frac) + ML_BONUS;
}
function refreshOf(st: OptState, code: number, frac: boolean): void {
  st.ofCost[code] = code * BITCOST - weight(st.ofFreq[code], frac);
}

/** Recomputes every entry of the per-symbol cost tables from the statistics. */
function refreshCosts(st: OptState, frac: boolean): void {
  for (let b = 0; b < 256; b++) st.litWeight[b] = weight(st.litFreq[b], frac);
  for (let c = 0; c <= MAX_LL_CODE; c++) refreshLl(st, c, frac);
  for (let c = 0; c <= MAX_ML_CODE; c++) refreshMl(st, c, frac);
  for (let c = 0; c <= MAX_OF_CODE; c++) refreshOf(st, c, frac);
}

function setBasePrices(st: OptState, frac: boolean): void {
  st.litSumPrice = weight(st.litSum, frac);
  st.llSumPrice = weight(st.llSum, frac);
  st.mlSumPrice = weight(st.mlSum, frac);
  st.ofSumPrice = weight(st.ofSum, frac);
}

/** Each count becomes 1 (or, `keepZeros`, 0 when it was 0) + count >> shift; returns the sum. */
function downscale(table: Int32Array, shift: number, keepZeros: boolean): number {
  let sum = 0;
  for (let s = 0; s < table.length; s++) {
    const v = (keepZeros && table[s] === 0 ? 0 : 1) + (table[s] >> shift);
    table[s] = v;
    sum += v;
  }
  return sum;
}

/** Scales `table` down so its sum is about `1 << logTarget`; returns the sum. */
function scale(table: Int32Array, logTarget: number): number {
  let sum = 0;
  for (let s = 0; s < table.length; s++) sum += table[s];
  const factor = sum >>> logTarget;
  return factor <= 1 ? sum : downscale(table, highbit(factor), false);
}

/** Frequencies `1 << (scaleLog - bits)` for the code lengths of a table. */
function fseFreqs(table: Int32Array, fse: FseEncodeTable, scaleLog: number): number {
  let sum = 0;
  for (let s = 0; s < table.length; s++) {
    const bits = s <= fse.maxSymbol ? (fse.deltaNbBits[s] + 0xffff) >> 16 : 0;
    table[s] = bits > 0 ? 1 << (scaleLog - bits) : 1;
    sum += table[s];
  }
  return sum;
}

/** libzstd's ZSTD_rescaleFreqs: statistics at the start of a block. */
function rescaleFreqs(
  st: OptState,
  src: Uint8Array,
  start: number,
  end: number,
  frac: boolean,
): void {
  st.predef = false;
  if (st.llSum === 0) {
    if (end - start <= PREDEF_THRESHOLD) st.predef = true;
    const dict = st.dict;
    if (dict !== null && dict.huffmanRepeat === 2) {
      st.predef = false;
      const lengths = dict.huffman.lengths;
      let sum = 0;
      for (let b = 0; b < 256; b++) {
        const bits = lengths[b];
        st.litFreq[b] = bits > 0 ? 1 << (11 - bits) : 1;
        sum += st.litFreq[b];
      }
      st.litSum = sum;
      st.llSum = fseFreqs(st.llFreq, dict.ll, 10);
      st.mlSum = fseFreqs(st.mlFreq, dict.ml, 10);
      st.ofSum = fseFreqs(st.ofFreq, dict.of, 10);
    } else {
      const litFreq = st.litFreq;
      litFreq.fill(0);
      countLiterals(litFreq, src, start, end);
      st.litSum = downscale(litFreq, 8, true);
      st.llFreq.set(BASE_LL_FREQS);
      st.llSum = 4 + 2 + 34;
      st.mlFreq.fill(1);
      st.mlSum = MAX_ML_CODE + 1;
      st.ofFreq.set(BASE_OF_FREQS);
      let sum = 0;
      for (let s = 0; s <= MAX_OF_CODE; s++) sum += BASE_OF_FREQS[s];
      st.ofSum = sum;
    }
  } else {
    st.litSum = scale(st.litFreq, 12);
    st.llSum = scale(st.llFreq, 11);
    st.mlSum = scale(st.mlFreq, 11);
    st.ofSum = scale(st.ofFreq, 11);
  }
  setBasePrices(st, frac);
  refreshCosts(st, frac);
}

/**
 * Adds the bytes of `src[start, end)` to `freq`. A function of its own, whose loop is its last
 * statement: inside rescaleFreqs, V8 compiled this loop on stack (OSR) on a first block and left it
 * at the operations after it, which had not run yet, at later first blocks (11-14 times in 40
 * calls of 200 KB at levels 13 to 19), the code kept.
 */
function countLiterals(freq: Int32Array, src: Uint8Array, start: number, end: number): void {
  for (let p = start; p < end; p++) freq[src[p]]++;
}

/** Price of one literal byte. */
function literalPrice(st: OptState, byte: number): number {
  if (st.predef) return 6 * BITCOST;
  const max = st.litSumPrice - BITCOST;
  const p = st.litWeight[byte];
  return st.litSumPrice - (p > max ? max : p);
}

/** Price of the literal-length symbol for `litLength`. */
function litLengthPrice(st: OptState, litLength: number, frac: boolean): number {
  if (st.predef) return weight(litLength, frac);
  // A whole block of literals cannot be coded; price it a bit above the largest that can.
  if (litLength === BLOCK_SIZE_MAX) return BITCOST + litLengthPrice(st, BLOCK_SIZE_MAX - 1, frac);
  return st.llCost[llCodeOf(litLength)] + st.llSumPrice;
}

/** Price of the offset part of a match with offset value `offBase`. */
function offsetPrice(st: OptState, offBase: number, optLevel: number): number {
  const ofCode = highbit(offBase);
  if (st.predef) return (16 + ofCode) * BITCOST;
  let price = st.ofCost[ofCode] + st.ofSumPrice;
  // btopt favors nearer offsets, for decompression speed.
  if (optLevel < 2 && ofCode >= 20) price += (ofCode - 19) * 2 * BITCOST;
  return price;
}

/** Price of the match-length part of a match of `length` bytes. */
function lengthPrice(st: OptState, length: number, frac: boolean): number {
  const mlBase = length - 3;
  if (st.predef) return weight(mlBase, frac);
  return st.mlCost[mlCodeOf(mlBase)] + st.mlSumPrice;
}

function updateStats(
  st: OptState,
  src: Uint8Array,
  anchor: number,
  litLength: number,
  offBase: number,
  matchLength: number,
  frac: boolean,
): void {
  const litFreq = st.litFreq;
  const litWeight = st.litWeight;
  if (litLength < 256) {
    for (let p = anchor; p < anchor + litLength; p++) {
      const b = src[p];
      litFreq[b] += LITFREQ_ADD;
      litWeight[b] = weight(litFreq[b], frac);
    }
  } else {
    // A long run (incompressible input): count, then weigh each byte value once.
    for (let p = anchor; p < anchor + litLength; p++) litFreq[src[p]] += LITFREQ_ADD;
    for (let b = 0; b < 256; b++) litWeight[b] = weight(litFreq[b], frac);
  }
  st.litSum += litLength * LITFREQ_ADD;
  const ll = llCodeOf(litLength);
  st.llFreq[ll]++;
  st.llSum++;
  refreshLl(st, ll, frac);
  const of = highbit(offBase);
  st.ofFreq[of]++;
  st.ofSum++;
  refreshOf(st, of, frac);
  const ml = mlCodeOf(matchLength - 3);
  st.mlFreq[ml]++;
  st.mlSum++;
  refreshMl(st, ml, frac);
}

/**
 * Writes into entry `dst` the repeat offsets after a match with offset value `offBase` from the
 * offsets of entry `from` (`ll0`: no literals before the match).
 */
function newRep(st: OptState, dst: number, from: number, offBase: number, ll0: boolean): void {
  const r0 = st.rep0[from];
  const r1 = st.rep1[from];
  const r2 = st.rep2[from];
  if (offBase > 3) {
    st.rep0[dst] = offBase - 3;
    st.rep1[dst] = r0;
    st.rep2[dst] = r1;
    return;
  }
  const repCode = offBase - 1 + (ll0 ? 1 : 0);
  if (repCode === 0) {
    st.rep0[dst] = r0;
    st.rep1[dst] = r1;
    st.rep2[dst] = r2;
    return;
  }
  st.rep0[dst] = repCode === 3 ? r0 - 1 : repCode === 1 ? r1 : r2;
  st.rep1[dst] = r0;
  st.rep2[dst] = repCode >= 2 ? r1 : r2;
}

/** Copies entry `from` of the price table to `to`. */
function copyEntry(st: OptState, to: number, from: number): void {
  st.price[to] = st.price[from];
  st.off[to] = st.off[from];
  st.mlen[to] = st.mlen[from];
  st.litlen[to] = st.litlen[from];
  st.rep0[to] = st.rep0[from];
  st.rep1[to] = st.rep1[from];
  st.rep2[to] = st.rep2[from];
}

function compressBlockOptGeneric(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  optLevel: number,
): number {
  return end - optLoop(ms, seqs, rep, src, start, end, optLevel);
}

/**
 * The parse of compressBlockOptGeneric: returns its anchor (the first literal not stored), and
 * nothing after its loop but that return of a local. V8 compiles the loop on stack (OSR) during a
 * block's first call, before the code after it has run; `end - anchor` there, an operation without
 * type feedback, left the compiled loop at the end of a block, the code kept (`--trace-deopt`: 8-32
 * times in 40 calls of 200 KB at levels 13 and 19). Still there above 128 KiB: "exit from OSR'd
 * inner loop" at most once a block (about 25 ms) at levels 16 to 19.
 */
function optLoop(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  optLevel: number,
): number {
  const st = ms.opt!;
  const frac = optLevel > 0;
  const params = ms.params;
  const sufficientLength = Math.min(params.targetLength, OPT_NUM - 1);
  // btopt's skip (below): half a bit in libzstd, plus our levels' whole bits.
  const skipPrice = (params.skipBits ?? 0) * BITCOST + (BITCOST >> 1);
  const minMatch = params.minMatch === 3 ? 3 : 4;
  const mls = params.minMatch < 3 ? 3 : params.minMatch > 6 ? 6 : params.minMatch;
  const ilimit = end - 8;
  const list = st.matches;
  const offs = list.offBase;
  const lens = list.length;
  const price = st.price;
  const off = st.off;
  const mlen = st.mlen;
  const litlen = st.litlen;
  let ip = start;
  let anchor = start;
  list.nextToUpdate3 = ms.nextToUpdate;
  rescaleFreqs(st, src, start, end, frac);
  if (ip === 0) ip++;

  while (ip < ilimit) {
    let cur = 0;
    let lastPos = 0;
    // The last stretch of the path: its match and the literals after it.
    let lastMlen = 0;
    let lastOff = 0;
    let lastLitlen = 0;
    let lastRep0 = 0;
    let lastRep1 = 0;
    let lastRep2 = 0;

    // The first position with a match (positions without one are literals, whatever follows).
    let count = getAllMatches(
      ms,
      list,
      ip,
      end,
      rep[0],
      rep[1],
      rep[2],
      ip === anchor ? 1 : 0,
      minMatch,
      mls,
      sufficientLength,
      ilimit,
    );
    ip = list.position;
    if (count === 0) {
      ip++;
      continue;
    }
    const litLength0 = ip - anchor;
    // Entry 0: only the literals so far (their own price is the same on every path).
    mlen[0] = 0;
    litlen[0] = litLength0;
    price[0] = litLengthPrice(st, litLength0, frac);
    st.rep0[0] = rep[0];
    st.rep1[0] = rep[1];
    st.rep2[0] = rep[2];

    const maxLength = lens[count - 1];
    if (maxLength > sufficientLength) {
      // Long enough: take it at once.
      lastMlen = maxLength;
      lastOff = offs[count - 1];
      lastPos = maxLength;
    } else {
      let pos = 1;
      for (; pos < minMatch; pos++) {
        price[pos] = MAX_PRICE;
        mlen[pos] = 0;
        litlen[pos] = litLength0 + pos;
      }
      const ll0Price = litLengthPrice(st, 0, frac);
      for (let m = 0; m < count; m++) {
        const offBase = offs[m];
        const length = lens[m];
        const basePrice = price[0] + offsetPrice(st, offBase, optLevel) + ll0Price;
        for (; pos <= length; pos++) {
          mlen[pos] = pos;
          off[pos] = offBase;
          litlen[pos] = 0;
          price[pos] = basePrice + lengthPrice(st, pos, frac);
        }
      }
      lastPos = pos - 1;
      price[pos] = MAX_PRICE;

      let found = false;
      for (cur = 1; cur <= lastPos; cur++) {
        const inr = ip + cur;
        // One more literal after the path to cur − 1, if cheaper.
        const ll = litlen[cur - 1] + 1;
        const withLiteral = price[cur - 1] + literalPrice(st, src[inr - 1]) +
          litLengthPrice(st, ll, frac) - litLengthPrice(st, ll - 1, frac);
        if (withLiteral <= price[cur]) {
          const prevPrice = price[cur];
          const prevOff = off[cur];
          const prevMlen = mlen[cur];
          const prevLitlen = litlen[cur];
          copyEntry(st, cur, cur - 1);
          litlen[cur] = ll;
          price[cur] = withLiteral;
          if (
            optLevel >= 1 && prevLitlen === 0 &&
            litLengthPrice(st, 1, frac) - litLengthPrice(st, 0, frac) < 0 && inr < end
          ) {
            // The match replaced here may still be best followed by one literal.
            const lit = literalPrice(st, src[inr]);
            const with1 = prevPrice + lit + litLengthPrice(st, 1, frac) -
              litLengthPrice(st, 0, frac);
            const withMore = withLiteral + lit + litLengthPrice(st, ll + 1, frac) -
              litLengthPrice(st, ll, frac);
            if (with1 < withMore && with1 < price[cur + 1]) {
              const prev = cur - prevMlen;
              newRep(st, cur + 1, prev, prevOff, litlen[prev] === 0);
              mlen[cur + 1] = prevMlen;
              off[cur + 1] = prevOff;
              litlen[cur + 1] = 1;
              price[cur + 1] = with1;
              if (lastPos < cur + 1) lastPos = cur + 1;
            }
          }
        }
        // A match ends here: its repeat offsets are now known.
        if (litlen[cur] === 0) {
          const prev = cur - mlen[cur];
          newRep(st, cur, prev, off[cur], litlen[prev] === 0);
        }
        if (inr > ilimit) continue;
        if (cur === lastPos) break;
        // btopt skips positions that do not look promising: the next one is reachable for about
        // as much (prices are whole bits; see skipPrice).
        if (optLevel === 0 && price[cur + 1] <= price[cur] + skipPrice) continue;

        const ll0 = litlen[cur] === 0 ? 1 : 0;
        const basePrice = price[cur] + litLengthPrice(st, 0, frac);
        count = getAllMatches(
          ms,
          list,
          inr,
          end,
          st.rep0[cur],
          st.rep1[cur],
          st.rep2[cur],
          ll0,
          minMatch,
          mls,
          sufficientLength,
        );
        if (count === 0) continue;
        const longest = lens[count - 1];
        if (longest > sufficientLength || cur + longest >= OPT_NUM || inr + longest >= end) {
          lastMlen = longest;
          lastOff = offs[count - 1];
          lastPos = cur + longest;
          found = true;
          break;
        }
        for (let m = 0; m < count; m++) {
          const offBase = offs[m];
          const longestHere = lens[m];
          const shortest = m > 0 ? lens[m - 1] + 1 : minMatch;
          const matchBase = basePrice + offsetPrice(st, offBase, optLevel);
          for (let length = longestHere; length >= shortest; length--) {
            const p = cur + length;
            const candidate = matchBase + lengthPrice(st, length, frac);
            if (p > lastPos || candidate < price[p]) {
              while (lastPos < p) {
                lastPos++;
                price[lastPos] = MAX_PRICE;
                litlen[lastPos] = 1; // not the end of a match
              }
              mlen[p] = length;
              off[p] = offBase;
              litlen[p] = 0;
              price[p] = candidate;
            } else if (optLevel === 0) {
              break; // btopt: shorter lengths of this match will not do better
            }
          }
        }
        price[lastPos + 1] = MAX_PRICE;
      }
      if (!found) {
        lastMlen = mlen[lastPos];
        lastOff = off[lastPos];
        lastLitlen = litlen[lastPos];
        lastRep0 = st.rep0[lastPos];
        lastRep1 = st.rep1[lastPos];
        lastRep2 = st.rep2[lastPos];
        cur = lastPos - lastMlen;
      }
    }

    if (lastMlen === 0) {
      // Only literals: carry on after them.
      ip += lastPos;
      continue;
    }
    if (lastLitlen === 0) {
      newRep(st, OPT_SIZE, cur, lastOff, litlen[cur] === 0);
      rep[0] = st.rep0[OPT_SIZE];
      rep[1] = st.rep1[OPT_SIZE];
      rep[2] = st.rep2[OPT_SIZE];
    } else {
      rep[0] = lastRep0;
      rep[1] = lastRep1;
      rep[2] = lastRep2;
      cur -= lastLitlen;
    }

    // Read the path backwards into entries storeStart..storeEnd, now as sequences (literals,
    // then a match). Literals after the last match are parsed again from the next position.
    const storeEnd = cur + 2;
    let storeStart = storeEnd;
    let stretchPos = cur;
    mlen[storeEnd] = lastMlen;
    off[storeEnd] = lastOff;
    for (;;) {
      const stretchMlen = mlen[stretchPos];
      const stretchOff = off[stretchPos];
      const stretchLitlen = litlen[stretchPos];
      litlen[storeStart] = stretchLitlen;
      if (stretchMlen === 0) break;
      storeStart--;
      mlen[storeStart] = stretchMlen;
      off[storeStart] = stretchOff;
      stretchPos -= stretchLitlen + stretchMlen;
    }
    for (let s = storeStart; s <= storeEnd; s++) {
      const ll = litlen[s];
      const ml = mlen[s];
      const offBase = off[s];
      updateStats(st, src, anchor, ll, offBase, ml, frac);
      storeSequence(seqs, src, anchor, ll, offBase, ml);
      anchor += ll + ml;
    }
    ip = anchor;
    setBasePrices(st, frac);
  }
  return anchor;
}

/** Block compressor of the btopt strategy (levels 16 and 17). */
export function compressBlockBtOpt(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockOptGeneric(ms, seqs, rep, src, start, end, 0);
}

/** Block compressor of the btultra strategy (levels 18 and 19). */
export function compressBlockBtUltra(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockOptGeneric(ms, seqs, rep, src, start, end, 2);
}

/**
 * Block compressor of the btultra2 strategy (levels 20 to 22): btultra, except that a frame's
 * first block, without history, is first parsed once only to learn its statistics; the match
 * tables written by that pass are then forgotten.
 */
export function compressBlockBtUltra2(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const st = ms.opt!;
  if (
    st.llSum === 0 && st.dict === null && start === 0 && ms.nextToUpdate === 0 &&
    end - start > PREDEF_THRESHOLD
  ) {
    // The learning pass must leave the repeat offsets as they are: it works on a copy.
    const learnRep = st.learnRep;
    learnRep.set(rep);
    compressBlockOptGeneric(ms, seqs, learnRep, src, start, end, 2);
    seqs.reset();
    ms.forgetHistory(end);
    ms.nextToUpdate = start;
  }
  return compressBlockOptGeneric(ms, seqs, rep, src, start, end, 2);
}
