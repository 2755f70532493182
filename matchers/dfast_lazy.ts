/**
 * The double-fast finder with buckets and lookahead (ours; levels 5 and 6): dfast's two tables, the
 * long one (8 bytes, `hashLog` bits) in buckets of 2, 4 or 8 positions (searchLog 3, 4, 5 and
 * above) in one cache line, each search's position put first (see insertAt), the short one
 * (`minMatch` bytes, `chainLog` bits) with one position per entry. At each position: the repeat
 * offset at ip + 1, the bucket's candidates whose 8 bytes equal ours (the longest wins, the newest
 * among equals), then the short candidate. Then a lookahead: at searchLog 3 with targetLength below
 * 4 (klauspost's) a short match gives way to a longer one from ip + 1's bucket; otherwise
 * (libzstd's lazy, with its gains) a match shorter than 32 bytes gives way to ip + 1's repeat or
 * search, and so on. Once a match is chosen, the bucket of the bytes just past it is read for a
 * longer match that starts 3 bytes later (its first bytes are then found again by backward
 * extension). Inside a match every second position is inserted (past 256 bytes only the first and
 * last 32). Repeat matches are counted with countRun, which remembers long runs across calls and
 * blocks.
 *
 * Designed after klauspost/compress's "better" mode (pure Go: a long table whose entries keep one
 * previous position, the lookahead at ip + 1 and the check at the match's end), with deeper
 * buckets and libzstd's lazy decisions. Against the row finder (libzstd's levels 5 and 6), per
 * position it reads one bucket (one line) and one short entry instead of a row of tags and a row
 * of positions, and it compares no candidate whose 8 bytes hash differently. Over the 13 inputs
 * of `bench/scenarios.ts` (lazy): libzstd's total sizes (level 5 1.0002, level 6 1.0011; the
 * low-entropy megabyte +16%: fewer candidates per pattern) at 1.3-2x the row finder's speed (see
 * BENCHMARKS.md).
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import {
  countMatch,
  countRun,
  finishBlock,
  type MatchState,
  repeatsAtStart,
  windowLow,
} from "./match_state.ts";
import { type CompressionParameters, Strategy } from "./strategy.ts";
import type { ChainSearch } from "./hash_chain.ts";
import { highbit } from "../entropy/bits.ts";

// Literal positions between step increases (libzstd's kSearchStrength).
const SEARCH_STRENGTH = 8;
// Inside a match longer than this, only its first and last EDGE positions are inserted.
const SPARSE_THRESHOLD = 256;
const SPARSE_EDGE = 32;
// ... and, for a match from 2^16 bytes back or more, every MATCH_SAMPLE-th position between its
// edges: a third copy of the same bytes, beyond the window from the first, can only find this
// copy's positions (a copy from nearer back can be found from the nearer copy, and 16 MiB of
// four log lines repeated, one long match from 300 bytes back, would pay for nothing). Over 12
// inputs of random bytes copied twice, the third copy beyond the window from the first: level 5
// 0.9969 -> 0.8308 of libzstd's total, level 6 1.1427 -> 0.9523 (with the edges of a match that
// runs to the block's end, below, 0.8466 and 0.9704, one input at 1.066).
const MATCH_SAMPLE = 64;
const FAR_OFFSET = 1 << 16;
// The check at a match's end looks for a match starting this many bytes later (klauspost's
// "skipBeginning").
const END_SKIP = 3;
// The lazy lookahead follows matches shorter than this only (libzstd's follows every match): after
// longer ones it cost more than it found (level 6 prototype, JSON: 0.9907 of libzstd's size with
// the limit, 1.0699 without).
const LAZY_LIMIT = 32;
// PRIME_LOW and PRIME_HIGH (hashLong's multipliers), as literals.
const PRIME_LOW = -1640531535;
const PRIME_HIGH = -2048144777;

/**
 * Whether `params` select this finder: dfast with searchLog above 2 (libzstd's dfast rows have 1
 * or 2, and take dfast.ts).
 */
export function usesBuckets(params: CompressionParameters): boolean {
  return params.strategy === Strategy.DFast && params.searchLog > 2;
}

/**
 * log2 of the long table's bucket size for `params` (dfast with searchLog above 2): 1 for
 * searchLog 3, 2 for 4, 3 above.
 */
export function bucketLog(params: CompressionParameters): number {
  return params.searchLog > 4 ? 3 : params.searchLog - 2;
}

/**
 * Whether the finder looks ahead as libzstd's lazy (searchLog 4 and above, or targetLength 4 and
 * above: 2-position buckets with lazy decisions, level 5 from 256 KiB to 1 MiB) rather than as
 * klauspost's "better" mode.
 */
export function lazyLookahead(params: CompressionParameters): boolean {
  return params.searchLog > 3 || params.targetLength >= 4;
}

/** Index of the long-table bucket of the 8 bytes whose words are `lo` (`mixed` = lo × PRIME_LOW), `hi`. */
function longBucket(mixed: number, hi: number, shiftL: number, waysLog: number): number {
  return ((mixed ^ Math.imul(hi, PRIME_HIGH)) >>> shiftL) << waysLog;
}

/** Index of the short-table entry of those bytes (their first `mls` bytes). */
function shortEntry(
  mixed: number,
  hi: number,
  shiftS: number,
  shortIsWord: boolean,
  shortShift: number,
): number {
  return shortIsWord
    ? mixed >>> shiftS
    : (mixed ^ Math.imul(hi << shortShift, PRIME_HIGH)) >>> shiftS;
}

/** Puts table index `index` at the head of the `ways`-entry bucket at `bucket`, dropping its oldest. */
function pushBucket(long: Int32Array, bucket: number, ways: number, index: number): void {
  for (let k = bucket + ways - 1; k > bucket; k--) long[k] = long[k - 1];
  long[bucket] = index;
}

/**
 * Inserts position `p` (table index `index`; 8 bytes readable) into its long bucket and its short
 * entry. In buckets of 2 it goes to the head (pushBucket); in buckets of 4 or 8 it takes the slot
 * that its bits `p >> 1` choose, without reading the bucket. These are the insertions that no
 * search reads at once (inside matches, after repeats, priming), and a store does not wait for the
 * bucket's line as a read-and-shift does: level 6 above 1 MiB (one process, the two variants
 * alternating, medians of 7-9 rounds, 12-07) on prose, JSON, x86 code, the JS bundle, TS
 * declarations and the 16 MiB logs: Deno 1.01-1.12x, Bun 1.01-1.16x, for +0.11-0.45% of size
 * (against Bun's libzstd 0.9733-1.0130 -> 0.9777-1.0141). The bucket then holds its newest entries
 * in no order: searchBucket breaks ties between equal lengths by the newer candidate. In buckets of
 * 2 the slot store wrote +0.1-0.5% for 1.0-1.09x (level 5) and is not used.
 */
function insertAt(
  long: Int32Array,
  short: Int32Array,
  view: DataView,
  p: number,
  index: number,
  shiftL: number,
  waysLog: number,
  shiftS: number,
  shortIsWord: boolean,
  shortShift: number,
): void {
  const hi = view.getInt32(p + 4, true);
  const mixed = Math.imul(view.getInt32(p, true), PRIME_LOW);
  const bucket = longBucket(mixed, hi, shiftL, waysLog);
  if (waysLog > 1) {
    long[bucket + ((p >> 1) & ((1 << waysLog) - 1))] = index;
  } else {
    pushBucket(long, bucket, 1 << waysLog, index);
  }
  short[shortEntry(mixed, hi, shiftS, shortIsWord, shortShift)] = index;
}

/**
 * Inserts positions `from`, `from + step`, ... below `to` (8 bytes readable at each) as the search
 * does: priming with history (prime.ts).
 */
export function insertPositions(ms: MatchState, from: number, to: number, step: number): void {
  const params = ms.params;
  const waysLog = bucketLog(params);
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const shiftL = 32 - params.hashLog + waysLog;
  const shiftS = 32 - params.chainLog;
  const base = ms.base;
  for (let p = from; p < to; p += step) {
    insertAt(
      ms.hashTable,
      ms.chainTable,
      ms.view,
      p,
      p + base,
      shiftL,
      waysLog,
      shiftS,
      mls === 4,
      (8 - mls) << 3,
    );
  }
}

/**
 * Longest match at `p` among the candidates of the long bucket at `bucket` whose 8 bytes (`lo`,
 * `hi`) equal ours, the newest among equals, 0 if none; its position in `found.offBase` (as
 * `p − match + 3`). Then inserts `p` at the bucket's head.
 */
function searchBucket(
  long: Int32Array,
  view: DataView,
  src: Uint8Array,
  p: number,
  lo: number,
  hi: number,
  bucket: number,
  ways: number,
  base: number,
  low: number,
  end: number,
  found: ChainSearch,
): number {
  let best = 0;
  let bestC = 0;
  const last = bucket + ways - 1;
  for (let k = bucket; k <= last; k++) {
    const c = long[k] - base;
    if (c >= low && view.getInt32(c, true) === lo && view.getInt32(c + 4, true) === hi) {
      const length = countMatch(view, src, p + 8, c + 8, end) + 8;
      if (length > best || (length === best && c > bestC)) {
        best = length;
        bestC = c;
      }
    }
  }
  pushBucket(long, bucket, ways, p + base);
  if (best > 0) found.offBase = p - bestC + 3;
  return best;
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
  const anchor = bucketsLoop(ms, seqs, rep, src, start, end);
  return finishBlock(ms, rep, endRep1, endRep2, anchor, end);
}

// What bucketsLoop leaves for the block's end (see there).
let endRep1 = 0;
let endRep2 = 0;

/**
 * The parse of compressBlockDoubleFastLazy: returns its anchor (the first literal not stored), the
 * repeat offsets in endRep1 and endRep2. After its loop only stores of module variables and the
 * return of a local, which need no type feedback (see lazyLoop in lazy.ts; here 109 exits at the
 * end of a block in 40 calls of z000033 at level 8, the near path, and none after).
 */
function bucketsLoop(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const params = ms.params;
  const waysLog = bucketLog(params);
  const ways = 1 << waysLog;
  // Lookahead: libzstd's lazy (any match shorter than LAZY_LIMIT against ip + 1's repeat and
  // search) at searchLog 4 and above or targetLength 4 and above (libzstd's lazy rows have 4 or
  // more, its greedy rows 2), else klauspost's (a short match against ip + 1's bucket).
  const lazy = lazyLookahead(params);
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const long = ms.hashTable;
  const short = ms.chainTable;
  const base = ms.base | 0;
  const view = ms.view;
  const found = ms.found;
  const low = windowLow(params.windowLog, end);
  // Candidates may lie up to a window back from the position searched, as in libzstd's lazy
  // finders (its dfast, and ours at levels 3 and 4, take the block's end: `low`): with `low`,
  // a copy 2 MiB - 8 KiB back wrote 1.05x libzstd's size at levels 5 and 6, one exactly 2 MiB
  // back 1.33x (the first 2 MiB - 8 KiB of the input's positions could not reach it).
  const windowSize = params.windowLog > 30 ? 0x7fffffff : 1 << params.windowLog;
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
  // A run known from an earlier block stays true unless this block is not after it.
  if (ms.runLimit > end) ms.forgetRun();

  while (ip < ilimit) {
    let matched = 0;
    // offset + 3, or 1 for a repeat match at ip (not extended backward).
    let offBase = 0;
    // The first position after the match's start not yet inserted.
    let from = 0;
    for (;;) {
      const lo = view.getInt32(ip, true);
      const hi = view.getInt32(ip + 4, true);
      const mixed = Math.imul(lo, PRIME_LOW);
      const bucket = longBucket(mixed, hi, shiftL, waysLog);
      const hS = shortEntry(mixed, hi, shiftS, shortIsWord, shortShift);
      const cS = short[hS] - base;
      short[hS] = ip + base;
      from = ip + 1;
      // The repeat offset at ip + 1.
      if (rep1 > 0 && view.getInt32(ip + 1 - rep1, true) === ((lo >>> 8) | (hi << 24))) {
        pushBucket(long, bucket, ways, ip + base);
        ip++;
        matched = countRun(ms, view, src, ip, rep1, end);
        offBase = 1;
        break;
      }
      // The bucket's candidates: the longest.
      const floor = ip > windowSize ? ip - windowSize : 0;
      matched = searchBucket(long, view, src, ip, lo, hi, bucket, ways, base, floor, end, found);
      if (matched > 0) {
        offBase = found.offBase;
        break;
      }
      if (cS >= floor && view.getInt32(cS, true) === lo) {
        matched = countMatch(view, src, ip + 4, cS + 4, end) + 4;
        offBase = ip - cS + 3;
        if (!lazy) {
          // A longer match at ip + 1 from its bucket (which gets ip + 1).
          const ip1 = ip + 1;
          const lo1 = view.getInt32(ip1, true);
          const hi1 = view.getInt32(ip1 + 4, true);
          const bucket1 = longBucket(Math.imul(lo1, PRIME_LOW), hi1, shiftL, waysLog);
          const length = searchBucket(
            long,
            view,
            src,
            ip1,
            lo1,
            hi1,
            bucket1,
            ways,
            base,
            ip1 > windowSize ? ip1 - windowSize : 0,
            end,
            found,
          );
          from = ip1 + 1;
          if (length > matched) {
            matched = length;
            offBase = found.offBase;
            ip = ip1;
          }
        }
        break;
      }
      ip += ((ip - anchor) >> SEARCH_STRENGTH) + 1;
      if (ip >= ilimit) break;
    }
    if (matched === 0) break;

    // libzstd's lazy: the next position's repeat and search against the match in hand.
    while (lazy && matched < LAZY_LIMIT && ip + 1 < ilimit) {
      const p = ip + 1;
      if (offBase !== 1 && rep1 > 0 && view.getInt32(p, true) === view.getInt32(p - rep1, true)) {
        const length = countRun(ms, view, src, p, rep1, end);
        if (length * 3 > matched * 3 - highbit(offBase) + 1) {
          // Taken without searching p (it is inserted with the match's positions).
          matched = length;
          offBase = 1;
          ip = p;
          continue;
        }
      }
      const lo = view.getInt32(p, true);
      const hi = view.getInt32(p + 4, true);
      const mixed = Math.imul(lo, PRIME_LOW);
      const bucket = longBucket(mixed, hi, shiftL, waysLog);
      const hS = shortEntry(mixed, hi, shiftS, shortIsWord, shortShift);
      const cS = short[hS] - base;
      short[hS] = p + base;
      from = p + 1;
      const floor = p > windowSize ? p - windowSize : 0;
      let length = searchBucket(long, view, src, p, lo, hi, bucket, ways, base, floor, end, found);
      let ob = found.offBase;
      if (length === 0 && cS >= floor && view.getInt32(cS, true) === lo) {
        length = countMatch(view, src, p + 4, cS + 4, end) + 4;
        ob = p - cS + 3;
      }
      // libzstd's bonus 4 (not lazy.ts's 2, see LOOKAHEAD GAINS there): 2 wrote 0.15% less at
      // level 6 above 1 MiB (0.9972 of libzstd's total over the 13 lazy inputs, against 0.9987)
      // but ran 0.90-0.92x on the large logs and x86 code (Deno, A/B).
      if (length > 0 && length * 4 - highbit(ob) > matched * 4 - highbit(offBase) + 4) {
        matched = length;
        offBase = ob;
        ip = p;
        continue;
      }
      break;
    }

    if (offBase === 1) {
      // With the last offset: no backward extension (a repeat with no literals before it
      // would mean the second offset).
      storeSequence(seqs, src, anchor, ip - anchor, 1, matched);
    } else {
      // A longer match a few bytes later, from the bucket of the bytes just past this one.
      let match = ip - offBase + 3;
      const e = ip + matched;
      if (e < ilimit) {
        const bucketE = longBucket(
          Math.imul(view.getInt32(e, true), PRIME_LOW),
          view.getInt32(e + 4, true),
          shiftL,
          waysLog,
        );
        const s2 = ip + END_SKIP;
        const floor = s2 > windowSize ? s2 - windowSize : 0;
        const word = view.getInt32(s2, true);
        const shift = END_SKIP - matched - base;
        let at = ip;
        for (let k = bucketE; k < bucketE + ways; k++) {
          const c = long[k] + shift;
          if (c >= floor && c < s2 && view.getInt32(c, true) === word) {
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
      // The distance stays: a match within the window stays there.
      while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
        ip--;
        match--;
        matched++;
      }
      rep2 = rep1;
      rep1 = ip - match;
      storeSequence(seqs, src, anchor, ip - anchor, rep1 + 3, matched);
    }
    ip += matched;
    anchor = ip;

    // Every second position inside the match; past SPARSE_THRESHOLD the edges (and samples, see
    // MATCH_SAMPLE). A match that runs to the block's end too: its positions were left out, and
    // four of five inputs of random bytes copied twice (the second copy 0.7-1 MiB after the first,
    // the third 1.3-1.9 MiB after the original) wrote 1.22-1.31x libzstd's size at level 6.
    let to = ip - 1;
    if (to > ilimit) to = ilimit;
    if (to - from > SPARSE_THRESHOLD) {
      for (let p = from; p < from + SPARSE_EDGE; p += 2) {
        insertAt(long, short, view, p, p + base, shiftL, waysLog, shiftS, shortIsWord, shortShift);
      }
      if (rep1 >= FAR_OFFSET) {
        for (let p = from + SPARSE_EDGE; p < to - SPARSE_EDGE; p += MATCH_SAMPLE) {
          insertAt(
            long,
            short,
            view,
            p,
            p + base,
            shiftL,
            waysLog,
            shiftS,
            shortIsWord,
            shortShift,
          );
        }
      }
      from = to - SPARSE_EDGE;
    }
    for (let p = from; p < to; p += 2) {
      insertAt(long, short, view, p, p + base, shiftL, waysLog, shiftS, shortIsWord, shortShift);
    }
    if (ip >= ilimit) break;

    // Immediate repeat matches with the second offset.
    while (ip < ilimit && rep2 > 0) {
      if (view.getInt32(ip, true) !== view.getInt32(ip - rep2, true)) break;
      const length = countRun(ms, view, src, ip, rep2, end);
      insertAt(long, short, view, ip, ip + base, shiftL, waysLog, shiftS, shortIsWord, shortShift);
      const t = rep2;
      rep2 = rep1;
      rep1 = t;
      storeSequence(seqs, src, anchor, 0, 1, length);
      ip += length;
      anchor = ip;
    }
  }

  endRep1 = rep1;
  endRep2 = rep2;
  return anchor;
}
