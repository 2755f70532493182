/**
 * The double-fast finder with buckets and lookahead (ours; level 5): dfast's two tables, the
 * long one (8 bytes, `hashLog` bits) in buckets of 2 positions (searchLog 3) or 4 (searchLog 4
 * and above), newest first, in one cache line, the short one (`minMatch` bytes, `chainLog` bits) with one position
 * per entry. At each position: the repeat offset at ip + 1, the bucket's candidates (the longest
 * wins), then the short candidate, which gives way to a longer match from ip + 1's bucket. Once a
 * match is chosen, the bucket of the bytes just past it is read for a longer match that starts up
 * to 3 bytes later (its first bytes are then found again by backward extension). Inside a match
 * every second position is inserted (past 256 bytes only the first and last 32). Repeat matches
 * are counted with countRun, which remembers long runs across calls and blocks.
 *
 * Designed after klauspost/compress's "better" mode (pure Go: a long table whose entries keep one
 * previous position, the lookahead at ip + 1 and the check at the match's end), with deeper
 * buckets. Against the row finder's greedy (libzstd's level 5), per position it reads one bucket
 * (one line) and one short entry instead of a row of tags and a row of positions, and it searches
 * no candidate whose 8 bytes do not hash alike: over the 13 inputs of `bench/scenarios.ts`
 * (lazy), total size 0.990 of libzstd's level 5 (the low-entropy megabyte +9%: fewer candidates
 * per pattern) at 1.3-2x the speed of our greedy (see BENCHMARKS.md).
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import {
  countMatch,
  countRun,
  type MatchState,
  repeatsAtEnd,
  repeatsAtStart,
  windowLow,
} from "./match_state.ts";
import type { CompressionParameters } from "./strategy.ts";

// Literal positions between step increases (libzstd's kSearchStrength).
const SEARCH_STRENGTH = 8;
// Inside a match longer than this, only its first and last EDGE positions are inserted.
const SPARSE_THRESHOLD = 256;
const SPARSE_EDGE = 32;
// The check at a match's end looks for a match starting this many bytes later (klauspost's
// "skipBeginning").
const END_SKIP = 3;
// PRIME_LOW and PRIME_HIGH (hashLong's multipliers), as literals.
const PRIME_LOW = -1640531535;
const PRIME_HIGH = -2048144777;

/**
 * log2 of the long table's bucket size for `params` (dfast with searchLog above 2): 1 for
 * searchLog 3, 2 above.
 */
export function bucketLog(params: CompressionParameters): number {
  return params.searchLog > 3 ? 2 : 1;
}

/**
 * Inserts position `p` (table index `index`; 8 bytes readable) into the long table's bucket
 * (newest first) and the short table.
 */
export function insertPosition(
  ms: MatchState,
  p: number,
  index: number,
): void {
  const params = ms.params;
  const waysLog = bucketLog(params);
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const view = ms.view;
  const lo = view.getInt32(p, true);
  const hi = view.getInt32(p + 4, true);
  const mixed = Math.imul(lo, PRIME_LOW);
  const bucket = ((mixed ^ Math.imul(hi, PRIME_HIGH)) >>> (32 - params.hashLog + waysLog)) <<
    waysLog;
  const long = ms.hashTable;
  if (waysLog === 2) {
    long[bucket + 3] = long[bucket + 2];
    long[bucket + 2] = long[bucket + 1];
  }
  long[bucket + 1] = long[bucket];
  long[bucket] = index;
  const shiftS = 32 - params.chainLog;
  ms.chainTable[
    mls === 4 ? mixed >>> shiftS : (mixed ^ Math.imul(hi << ((8 - mls) << 3), PRIME_HIGH)) >>>
      shiftS
  ] = index;
}

/** Block compressor of dfast with buckets (searchLog above 2; libzstd's dfast rows have 1 or 2). */
export function compressBlockDoubleFastLazy(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const params = ms.params;
  const four = bucketLog(params) === 2;
  const waysLog = four ? 2 : 1;
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const long = ms.hashTable;
  const short = ms.chainTable;
  const base = ms.base | 0;
  const view = ms.view;
  const low = windowLow(params.windowLog, end);
  // 8 bytes are read at ip + 1.
  const ilimit = end - 10;
  const shiftL = 32 - params.hashLog + waysLog;
  const shiftS = 32 - params.chainLog;
  const shortIsWord = mls === 4;
  const shortShift = (8 - mls) << 3;

  let anchor = start | 0;
  let ip = anchor;
  if (ip === low) ip++;
  const repeats = ms.repeats;
  repeatsAtStart(repeats, rep, ip - windowLow(params.windowLog, ip));
  let rep1 = repeats[0];
  let rep2 = repeats[1];
  const saved1 = repeats[2];
  const saved2 = repeats[3];
  // A run known from an earlier block stays true unless this block is not after it.
  if (ms.runLimit > end) ms.forgetRun();

  while (ip < ilimit) {
    let matched = 0;
    let match = 0;
    let repeat = false;
    // The first position after the match's start not yet inserted.
    let from = 0;
    for (;;) {
      const lo = view.getInt32(ip, true);
      const hi = view.getInt32(ip + 4, true);
      const mixed = Math.imul(lo, PRIME_LOW);
      const bucket = ((mixed ^ Math.imul(hi, PRIME_HIGH)) >>> shiftL) << waysLog;
      const hS = shortIsWord
        ? mixed >>> shiftS
        : (mixed ^ Math.imul(hi << shortShift, PRIME_HIGH)) >>> shiftS;
      const c0 = long[bucket] - base;
      const c1 = long[bucket + 1] - base;
      let c2 = -1;
      let c3 = -1;
      if (four) {
        c2 = long[bucket + 2] - base;
        c3 = long[bucket + 3] - base;
        long[bucket + 3] = c2 + base;
        long[bucket + 2] = c1 + base;
      }
      long[bucket + 1] = c0 + base;
      long[bucket] = ip + base;
      const cS = short[hS] - base;
      short[hS] = ip + base;
      // The repeat offset at ip + 1.
      from = ip + 1;
      if (rep1 > 0 && view.getInt32(ip + 1 - rep1, true) === ((lo >>> 8) | (hi << 24))) {
        matched = countRun(ms, view, src, ip + 1, rep1, end);
        repeat = true;
        break;
      }
      // The bucket's candidates: the longest.
      if (c0 >= low && view.getInt32(c0, true) === lo && view.getInt32(c0 + 4, true) === hi) {
        matched = countMatch(view, src, ip + 8, c0 + 8, end) + 8;
        match = c0;
      }
      if (c1 >= low && view.getInt32(c1, true) === lo && view.getInt32(c1 + 4, true) === hi) {
        const length = countMatch(view, src, ip + 8, c1 + 8, end) + 8;
        if (length > matched) {
          matched = length;
          match = c1;
        }
      }
      if (four) {
        if (c2 >= low && view.getInt32(c2, true) === lo && view.getInt32(c2 + 4, true) === hi) {
          const length = countMatch(view, src, ip + 8, c2 + 8, end) + 8;
          if (length > matched) {
            matched = length;
            match = c2;
          }
        }
        if (c3 >= low && view.getInt32(c3, true) === lo && view.getInt32(c3 + 4, true) === hi) {
          const length = countMatch(view, src, ip + 8, c3 + 8, end) + 8;
          if (length > matched) {
            matched = length;
            match = c3;
          }
        }
      }
      if (matched > 0) break;
      if (cS >= low && view.getInt32(cS, true) === lo) {
        matched = countMatch(view, src, ip + 4, cS + 4, end) + 4;
        match = cS;
        // A longer match at ip + 1 from its bucket (ip + 1 is inserted: the search resumes past
        // it).
        const ip1 = ip + 1;
        const lo1 = view.getInt32(ip1, true);
        const hi1 = view.getInt32(ip1 + 4, true);
        const bucket1 = ((Math.imul(lo1, PRIME_LOW) ^ Math.imul(hi1, PRIME_HIGH)) >>> shiftL) <<
          waysLog;
        const d0 = long[bucket1] - base;
        const d1 = long[bucket1 + 1] - base;
        let found1 = false;
        if (d0 >= low && view.getInt32(d0, true) === lo1 && view.getInt32(d0 + 4, true) === hi1) {
          const length = countMatch(view, src, ip1 + 8, d0 + 8, end) + 8;
          if (length > matched) {
            matched = length;
            match = d0;
            found1 = true;
          }
        }
        if (d1 >= low && view.getInt32(d1, true) === lo1 && view.getInt32(d1 + 4, true) === hi1) {
          const length = countMatch(view, src, ip1 + 8, d1 + 8, end) + 8;
          if (length > matched) {
            matched = length;
            match = d1;
            found1 = true;
          }
        }
        if (four) {
          const d2 = long[bucket1 + 2] - base;
          const d3 = long[bucket1 + 3] - base;
          if (
            d2 >= low && view.getInt32(d2, true) === lo1 && view.getInt32(d2 + 4, true) === hi1
          ) {
            const length = countMatch(view, src, ip1 + 8, d2 + 8, end) + 8;
            if (length > matched) {
              matched = length;
              match = d2;
              found1 = true;
            }
          }
          if (
            d3 >= low && view.getInt32(d3, true) === lo1 && view.getInt32(d3 + 4, true) === hi1
          ) {
            const length = countMatch(view, src, ip1 + 8, d3 + 8, end) + 8;
            if (length > matched) {
              matched = length;
              match = d3;
              found1 = true;
            }
          }
          long[bucket1 + 3] = d2 + base;
          long[bucket1 + 2] = d1 + base;
        }
        long[bucket1 + 1] = d0 + base;
        long[bucket1] = ip1 + base;
        if (found1) ip = ip1;
        from = ip1 + 1;
        break;
      }
      ip += ((ip - anchor) >> SEARCH_STRENGTH) + 1;
      if (ip >= ilimit) break;
    }
    if (matched === 0) break;

    if (repeat) {
      // At ip + 1, with the last offset: no backward extension (a repeat with no literals
      // before it would mean the second offset).
      storeSequence(seqs, src, anchor, ip + 1 - anchor, 1, matched);
      ip += 1 + matched;
    } else {
      // A longer match a few bytes later, from the bucket of the bytes just past this one.
      const e = ip + matched;
      if (e < ilimit) {
        const bucketE = ((Math.imul(view.getInt32(e, true), PRIME_LOW) ^
          Math.imul(view.getInt32(e + 4, true), PRIME_HIGH)) >>> shiftL) << waysLog;
        const s2 = ip + END_SKIP;
        const word = view.getInt32(s2, true);
        const shift = END_SKIP - matched - base;
        const ways = four ? 4 : 2;
        let at = ip;
        for (let k = 0; k < ways; k++) {
          const c = long[bucketE + k] + shift;
          if (c >= low && c < s2 && view.getInt32(c, true) === word) {
            const length = countMatch(view, src, s2 + 4, c + 4, end) + 4;
            if (length > matched) {
              matched = length;
              match = c;
              at = s2;
            }
          }
        }
        ip = at;
      }
      while (ip > anchor && match > low && src[ip - 1] === src[match - 1]) {
        ip--;
        match--;
        matched++;
      }
      rep2 = rep1;
      rep1 = ip - match;
      storeSequence(seqs, src, anchor, ip - anchor, rep1 + 3, matched);
      ip += matched;
    }
    anchor = ip;
    if (ip >= ilimit) break;

    // Every second position inside the match; past SPARSE_THRESHOLD only the edges.
    let to = ip - 1;
    if (to - from > SPARSE_THRESHOLD) {
      for (let p = from; p < from + SPARSE_EDGE; p += 2) insertPosition(ms, p, p + base);
      from = to - SPARSE_EDGE;
    }
    if (to > ilimit) to = ilimit;
    for (let p = from; p < to; p += 2) insertPosition(ms, p, p + base);

    // Immediate repeat matches with the second offset.
    while (ip < ilimit && rep2 > 0) {
      if (view.getInt32(ip, true) !== view.getInt32(ip - rep2, true)) break;
      const length = countRun(ms, view, src, ip, rep2, end);
      insertPosition(ms, ip, ip + base);
      const t = rep2;
      rep2 = rep1;
      rep1 = t;
      storeSequence(seqs, src, anchor, 0, 1, length);
      ip += length;
      anchor = ip;
    }
  }

  repeatsAtEnd(rep, rep1, rep2, saved1, saved2);
  return end - anchor;
}
