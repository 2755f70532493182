/**
 * The "double fast" strategy (levels 2 to 4): two hash tables, one on 8 bytes (`hashTable`,
 * `hashLog` bits) for long matches and one on `minMatch` bytes (`chainTable`, `chainLog` bits)
 * for short ones. A short match is extended only after checking whether the next position starts
 * a longer one. As libzstd's `ZSTD_compressBlock_doubleFast_noDict_generic`.
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import {
  countMatch,
  finishBlock,
  type MatchState,
  repeatsAtStart,
  windowLow,
} from "./match_state.ts";

// Positions between step increases (libzstd's kSearchStrength).
const STEP_INCREASE_EVERY = 1 << 8;

/** Block compressor of the dfast strategy. */
export function compressBlockDoubleFast(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const anchor = doubleFastLoop(ms, seqs, rep, src, start, end);
  ms.touched = endTouched;
  return finishBlock(ms, rep, endRep1, endRep2, anchor, end);
}

// What doubleFastLoop leaves for the block's end (see there).
let endRep1 = 0;
let endRep2 = 0;
let endTouched = 0;

/**
 * The parse of compressBlockDoubleFast: returns its anchor (the first literal not stored), the
 * repeat offsets and the touched word in endRep1, endRep2 and endTouched. After its loop only
 * stores of module variables and the return of a local, which need no type feedback (see lazyLoop
 * in lazy.ts; here 12-31 exits at the end of a block in 40 calls of levels 3 and 4).
 */
function doubleFastLoop(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const params = ms.params;
  const hashLogL = params.hashLog;
  const hashLogS = params.chainLog;
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const longTable = ms.hashTable;
  const shortTable = ms.chainTable;
  const base = ms.base | 0;
  const view = ms.view;
  const low = windowLow(params.windowLog, end);
  const ilimit = end - 8;
  const shiftL = 32 - hashLogL;
  const shiftS = 32 - hashLogS;
  // The short hash covers `mls` bytes: the first word, and the next mls − 4 bytes shifted up.
  const shortIsWord = mls === 4;
  const shortShift = (8 - mls) << 3;
  // PRIME_LOW and PRIME_HIGH as literals: V8 then multiplies by an immediate, and keeps two
  // registers free (L3 +4% in Deno).
  const primeLow = -1640531535;
  const primeHigh = -2048144777;

  let touched = 0;
  // `| 0`: typed as int32 from here on, so that the loops keep positions untagged.
  let anchor = start | 0;
  let ip = anchor;
  if (ip === low) ip++;
  const repeats = ms.repeats;
  repeatsAtStart(repeats, rep, ip - windowLow(params.windowLog, ip));
  let rep1 = repeats[0];
  let rep2 = repeats[1];

  for (;;) {
    let step = 1;
    let nextStep = ip + STEP_INCREASE_EVERY;
    let ip1 = ip + step;
    if (ip1 > ilimit) break;
    // The 8 bytes at ip as two words, reused by the hashes and the match tests.
    let lo0 = view.getInt32(ip, true);
    let hi0 = view.getInt32(ip + 4, true);
    let hashL0 = (Math.imul(lo0, primeLow) ^ Math.imul(hi0, primeHigh)) >>> shiftL;
    let indexL0 = longTable[hashL0];
    // Touched before the inner loop, so that its checks are made once (V8 keeps them out of the
    // loop only for arrays already accessed before it).
    touched ^= shortTable[0];
    let hashL1 = 0;
    let indexS0 = 0;
    // What ended the search: 1 a repeat match at ip + 1, 2 a long match at ip, 3 a short one.
    // The loop only finds it; the matches are measured after it, which keeps the loop small.
    let found = 0;
    do {
      const mixedLow = Math.imul(lo0, primeLow);
      const hashS0 = shortIsWord
        ? mixedLow >>> shiftS
        : (mixedLow ^ Math.imul(hi0 << shortShift, primeHigh)) >>> shiftS;
      indexS0 = shortTable[hashS0];
      longTable[hashL0] = shortTable[hashS0] = ip + base;
      // Data first, then the condition (rep1 is 0 only before the first match, and the read is
      // then of ip + 1 itself), as libzstd.
      if (view.getInt32(ip + 1 - rep1, true) === ((lo0 >>> 8) | (hi0 << 24)) && rep1 > 0) {
        found = 1;
        break;
      }
      const lo1 = view.getInt32(ip1, true);
      const hi1 = view.getInt32(ip1 + 4, true);
      hashL1 = (Math.imul(lo1, primeLow) ^ Math.imul(hi1, primeHigh)) >>> shiftL;
      const matchL = indexL0 - base;
      // The candidate is read before the window test, at position 0 when it lies outside
      // (libzstd's selectAddr). The address comes from a mask made of the sign of matchL − low
      // (both int32, the difference above −2^31), not from a ternary, which compiled to a
      // branch and, in V8, a stack slot for the result. With the masks, L3's match search is
      // 11% faster in Deno and 15% in Bun, and whole L4 compressions 17% and 22%.
      const safeL = matchL & ~((matchL - low) >> 31);
      if (
        view.getInt32(safeL, true) === lo0 && matchL >= low &&
        view.getInt32(matchL + 4, true) === hi0
      ) {
        found = 2;
        break;
      }
      const indexL1 = longTable[hashL1];
      const matchS = indexS0 - base;
      // As the long candidate.
      const safeS = matchS & ~((matchS - low) >> 31);
      if (view.getInt32(safeS, true) === lo0 && matchS >= low) {
        found = 3;
        break;
      }
      if (ip1 >= nextStep) {
        step++;
        nextStep += STEP_INCREASE_EVERY;
      }
      ip = ip1;
      ip1 += step;
      lo0 = lo1;
      hi0 = hi1;
      hashL0 = hashL1;
      indexL0 = indexL1;
    } while (ip1 <= ilimit);
    // No match until the end of the block.
    if (found === 0) break;

    const current = ip;
    // The match: at ip + 1 with the repeat offset, or at ip from a table, `known` bytes checked.
    // (One countMatch and one storeSequence for the three kinds: V8 inlines them only in a few
    // places of a function this large.)
    let at = ip;
    let match = indexS0 - base;
    let known = 4;
    if (found === 1) {
      at = ip + 1;
      match = at - rep1;
    } else if (found === 2) {
      match = indexL0 - base;
      known = 8;
    }
    let length = countMatch(view, src, at + known, match + known, end) + known;
    let offBase = 1;
    if (found !== 1) {
      if (found === 3) {
        // A short match: a long one at ip + 1 wins if it is longer.
        const matchL1 = longTable[hashL1] - base;
        if (
          matchL1 > low && view.getInt32(matchL1, true) === view.getInt32(ip1, true) &&
          view.getInt32(matchL1 + 4, true) === view.getInt32(ip1 + 4, true)
        ) {
          const length1 = countMatch(view, src, ip1 + 8, matchL1 + 8, end) + 8;
          if (length1 > length) {
            at = ip1;
            length = length1;
            match = matchL1;
          }
        }
      }
      while (at > anchor && match > low && src[at - 1] === src[match - 1]) {
        at--;
        match--;
        length++;
      }
      // A new offset.
      rep2 = rep1;
      rep1 = at - match;
      offBase = rep1 + 3;
      // Safe to record ip1 only if the search resumes after it (a match is at least 4 bytes).
      if (step < 4) longTable[hashL1] = ip1 + base;
    }
    storeSequence(seqs, src, anchor, at - anchor, offBase, length);
    ip = at + length;
    anchor = ip;

    if (ip <= ilimit) {
      // Complementary insertions inside the match, then immediate repeat matches.
      const p = current + 2;
      let lo = view.getInt32(p, true);
      let hi = view.getInt32(p + 4, true);
      let mixed = Math.imul(lo, primeLow);
      longTable[(mixed ^ Math.imul(hi, primeHigh)) >>> shiftL] = p + base;
      shortTable[
        shortIsWord ? mixed >>> shiftS : (mixed ^ Math.imul(hi << shortShift, primeHigh)) >>> shiftS
      ] = p + base;
      const q = ip - 2;
      lo = view.getInt32(q, true);
      hi = view.getInt32(q + 4, true);
      mixed = Math.imul(lo, primeLow);
      longTable[(mixed ^ Math.imul(hi, primeHigh)) >>> shiftL] = q + base;
      // ip − 1 for the short table: its words are those at q shifted by one byte.
      lo = (lo >>> 8) | (hi << 24);
      hi = (hi >>> 8) | (src[ip + 6] << 24);
      mixed = Math.imul(lo, primeLow);
      shortTable[
        shortIsWord ? mixed >>> shiftS : (mixed ^ Math.imul(hi << shortShift, primeHigh)) >>> shiftS
      ] = q + 1 + base;
      while (ip <= ilimit && rep2 > 0) {
        lo = view.getInt32(ip, true);
        if (lo !== view.getInt32(ip - rep2, true)) break;
        const repLength = countMatch(view, src, ip + 4, ip + 4 - rep2, end) + 4;
        const t = rep2;
        rep2 = rep1;
        rep1 = t;
        hi = view.getInt32(ip + 4, true);
        mixed = Math.imul(lo, primeLow);
        shortTable[
          shortIsWord
            ? mixed >>> shiftS
            : (mixed ^ Math.imul(hi << shortShift, primeHigh)) >>> shiftS
        ] = ip + base;
        longTable[(mixed ^ Math.imul(hi, primeHigh)) >>> shiftL] = ip + base;
        storeSequence(seqs, src, anchor, 0, 1, repLength);
        ip += repLength;
        anchor = ip;
      }
    }
  }

  endRep1 = rep1;
  endRep2 = rep2;
  endTouched = touched;
  return anchor;
}
