/**
 * The "double fast" strategy (levels 2 to 4): two hash tables, one on 8 bytes (`hashTable`,
 * `hashLog` bits) for long matches and one on `minMatch` bytes (`chainTable`, `chainLog` bits)
 * for short ones. A short match is extended only after checking whether the next position starts
 * a longer one. As libzstd's `ZSTD_compressBlock_doubleFast_noDict_generic`.
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import { countMatch, hash4, hashLong, type MatchState, windowLow } from "./match_state.ts";

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
  const params = ms.params;
  const hashLogL = params.hashLog;
  const hashLogS = params.chainLog;
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const longTable = ms.hashTable;
  const shortTable = ms.chainTable;
  const base = ms.base;
  const view = ms.view;
  const low = windowLow(params.windowLog, end);
  const ilimit = end - 8;

  let anchor = start;
  let ip = start;
  if (ip === low) ip++;
  let rep1 = rep[0];
  let rep2 = rep[1];
  let saved1 = 0;
  let saved2 = 0;
  {
    const maxRep = ip - windowLow(params.windowLog, ip);
    if (rep2 > maxRep) {
      saved2 = rep2;
      rep2 = 0;
    }
    if (rep1 > maxRep) {
      saved1 = rep1;
      rep1 = 0;
    }
  }

  outer: for (;;) {
    let step = 1;
    let nextStep = ip + STEP_INCREASE_EVERY;
    let ip1 = ip + step;
    if (ip1 > ilimit) break;
    let hashL0 = hashLong(view, ip, hashLogL, 8);
    let indexL0 = longTable[hashL0];
    let current = ip;
    let length = 0;
    let offset = 0;
    let hashL1 = 0;

    search: {
      do {
        const hashS0 = mls === 4 ? hash4(view, ip, hashLogS) : hashLong(view, ip, hashLogS, mls);
        const indexS0 = shortTable[hashS0];
        current = ip;
        longTable[hashL0] = shortTable[hashS0] = ip + base;

        // Repeat offset at ip + 1.
        if (rep1 > 0 && view.getInt32(ip + 1 - rep1, true) === view.getInt32(ip + 1, true)) {
          length = countMatch(view, src, ip + 5, ip + 5 - rep1, end) + 4;
          ip++;
          storeSequence(seqs, src, anchor, ip - anchor, 1, length);
          break search;
        }

        hashL1 = hashLong(view, ip1, hashLogL, 8);
        // Long match at ip.
        let matchL = indexL0 - base;
        if (
          matchL >= low && view.getInt32(matchL, true) === view.getInt32(ip, true) &&
          view.getInt32(matchL + 4, true) === view.getInt32(ip + 4, true)
        ) {
          length = countMatch(view, src, ip + 8, matchL + 8, end) + 8;
          offset = ip - matchL;
          while (ip > anchor && matchL > low && src[ip - 1] === src[matchL - 1]) {
            ip--;
            matchL--;
            length++;
          }
          break search;
        }

        const indexL1 = longTable[hashL1];
        // Short match at ip: look for a long one at ip + 1 before settling.
        let matchS = indexS0 - base;
        if (matchS >= low && view.getInt32(matchS, true) === view.getInt32(ip, true)) {
          length = countMatch(view, src, ip + 4, matchS + 4, end) + 4;
          offset = ip - matchS;
          const matchL1 = indexL1 - base;
          if (
            matchL1 > low && view.getInt32(matchL1, true) === view.getInt32(ip1, true) &&
            view.getInt32(matchL1 + 4, true) === view.getInt32(ip1 + 4, true)
          ) {
            const length1 = countMatch(view, src, ip1 + 8, matchL1 + 8, end) + 8;
            if (length1 > length) {
              ip = ip1;
              length = length1;
              offset = ip - matchL1;
              matchS = matchL1;
            }
          }
          while (ip > anchor && matchS > low && src[ip - 1] === src[matchS - 1]) {
            ip--;
            matchS--;
            length++;
          }
          break search;
        }

        if (ip1 >= nextStep) {
          step++;
          nextStep += STEP_INCREASE_EVERY;
        }
        ip = ip1;
        ip1 += step;
        hashL0 = hashL1;
        indexL0 = indexL1;
      } while (ip1 <= ilimit);
      // No match until the end of the block.
      break outer;
    }

    if (offset !== 0) {
      // A new offset (the repeat path stored its sequence already and leaves offset at 0).
      rep2 = rep1;
      rep1 = offset;
      // Safe to record ip1 only if the search resumes after it (a match is at least 4 bytes).
      if (step < 4) longTable[hashL1] = ip1 + base;
      storeSequence(seqs, src, anchor, ip - anchor, offset + 3, length);
    }
    ip += length;
    anchor = ip;

    if (ip <= ilimit) {
      // Complementary insertions inside the match, then immediate repeat matches.
      const p = current + 2;
      longTable[hashLong(view, p, hashLogL, 8)] = p + base;
      longTable[hashLong(view, ip - 2, hashLogL, 8)] = ip - 2 + base;
      shortTable[mls === 4 ? hash4(view, p, hashLogS) : hashLong(view, p, hashLogS, mls)] = p +
        base;
      const q = ip - 1;
      shortTable[mls === 4 ? hash4(view, q, hashLogS) : hashLong(view, q, hashLogS, mls)] = q +
        base;
      while (
        ip <= ilimit && rep2 > 0 && view.getInt32(ip, true) === view.getInt32(ip - rep2, true)
      ) {
        const repLength = countMatch(view, src, ip + 4, ip + 4 - rep2, end) + 4;
        const t = rep2;
        rep2 = rep1;
        rep1 = t;
        shortTable[mls === 4 ? hash4(view, ip, hashLogS) : hashLong(view, ip, hashLogS, mls)] = ip +
          base;
        longTable[hashLong(view, ip, hashLogL, 8)] = ip + base;
        storeSequence(seqs, src, anchor, 0, 1, repLength);
        ip += repLength;
        anchor = ip;
      }
    }
  }

  if (saved1 !== 0 && rep1 !== 0) saved2 = saved1;
  rep[0] = rep1 !== 0 ? rep1 : saved1;
  rep[1] = rep2 !== 0 ? rep2 : saved2;
  return end - anchor;
}
