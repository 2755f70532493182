/**
 * The greedy, lazy and lazy2 strategies (levels 5 to 12) over the hash-chain finder, as
 * libzstd's `ZSTD_compressBlock_lazy_generic`: at each position, the repeat offset at ip + 1 and
 * the best chain match at ip; then, for lazy (depth 1) and lazy2 (depth 2), the next one or two
 * positions are searched and a match there replaces the current one when its gain
 * (4 × length − log2(offset)) is larger, with a bonus for the match in hand (2 at ip + 1, 5 at
 * ip + 2; libzstd's are 4 and 7: see LOOKAHEAD GAINS below). Long runs of literals speed up the
 * scan (libzstd's kSearchStrength) and, past 8 positions a step, stop filling the chains and rows
 * (its "lazy skipping"; btlazy2's trees link every position, as libzstd's).
 *
 * Each position is searched once: the lookahead moves forward only, and a stored match ends past
 * every position searched for it, so no search result needs caching.
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import { highbit } from "../entropy/bits.ts";
import { HashChain } from "./hash_chain.ts";
import { fillHashCache, prepareRows, searchRow } from "./row.ts";
import { searchTree } from "./btlazy2.ts";
import {
  countRun,
  finishBlock,
  type MatchState,
  repeatsAtStart,
  windowLow,
} from "./match_state.ts";

// LOOKAHEAD GAINS. A match found at ip + 1 replaces the one in hand when its gain is larger by
// more than 2, at ip + 2 by more than 5 (libzstd: 4 and 7; dfast_lazy.ts's lookahead keeps
// libzstd's 4, see there). A smaller bonus takes the later match more often: over the 13 inputs of
// `bench/compress_interleaved.ts --scenarios=lazy`, totals against Bun's libzstd moved from
// 1.0018 to 0.9963 at level 7, 1.0019 to 0.9990 at 8, 1.0003 to 0.9977 at 9, 1.0016 to 0.9989 at
// 11 and 1.0000 to 0.9958 at 13 (btlazy2): JSON 2.3-3.0% smaller, the large logs 0.4-1.1%, the
// other real files within +0.1%. Decodecorpus's 100 files even or smaller at levels 5-15, and
// slices of 8 KiB to 2 MiB of the real files 0.01-0.2% smaller. Speed even (A/B 0.95-1.05x).
// Tried: 3 and 6 (half the gain), 1 and 2 (x86 code and prose +0.1-0.2%), 2 and 3 or 4 (even in
// total: JSON smaller, prose larger).

// Literal positions between step increases (libzstd's kSearchStrength).
const SEARCH_STRENGTH = 8;
// Steps above this stop inserting every skipped position (libzstd's kLazySkippingStep).
const LAZY_SKIPPING_STEP = 8;

// Match finders of the lazy loop.
const CHAIN = 0;
const ROW = 1;
const TREE = 2;
/**
 * Ours: over the binary tree (btlazy2: levels 13 to 15 above 256 KiB, 11 and 12 from 128 to 256
 * KiB), a match of this many bytes or more is not looked past: the positions after it are
 * checked for the repeat offset but not searched. On the low-entropy megabyte (patterns of 64 to
 * 175 bytes repeated) a search at ip + 1 or ip + 2 behind such a match walked trees whose nodes
 * share their first hundred bytes or more with it. Twenty-fourth session of 12-08, A/B in one
 * process (CPU, medians of 5): that megabyte at levels 13, 14 and 15 1.24x, 1.39x and 1.46x in
 * Deno (0.51-0.54x -> 0.68-0.76x native), about 1.2x, 1.4x and 1.4x in Bun (both import orders),
 * and 200 KB of it at levels 11 and 12 1.35-1.36x in Deno (level 11 0.48x -> 0.65x); 1 MiB of TS
 * declarations, JSON, prose and x86 code and z000033 even (0.96-1.04x). Sizes against Bun's
 * libzstd: the megabyte 0.9995 -> 1.0007 (level 13), 0.9984 -> 1.0018 (14), 0.9983 -> 1.0080
 * (15); the lazy inputs of 1 MiB and more in total +0.01% at most; decodecorpus's files of 256
 * KiB to 1 MiB 0.9999 -> 0.9999 (z000079 and z000097 alone now 1.011-1.018 of libzstd). With 128
 * bytes as the bound, the megabyte ran 1.6-1.7x at +0.6-1.1%; not looking ahead at all past such
 * matches (their repeat offsets unchecked) cost z000079 +3%.
 */
const TREE_LOOKAHEAD_STOP = 192;

/**
 * Best match at `ip` from the finder (length, offset in `ms.found`); `lookahead` for the searches
 * at ip + 1 and ip + 2 (the hash chain walks fewer candidates there).
 */
function search(
  ms: MatchState,
  ip: number,
  end: number,
  mls: number,
  skipping: boolean,
  finder: number,
  floor: number,
  lookahead: boolean,
  windowSize: number,
): number {
  const found = ms.found;
  if (finder === TREE) return searchTree(ms, ip, end, mls, found);
  const low = ip > windowSize ? ip - windowSize : 0;
  if (finder === ROW) return searchRow(ms, ip, end, low, mls, skipping, floor, found);
  const chain = ms.chain!;
  // No candidate at all, told before the call once ip's link is in (positions are inserted ahead
  // of the searches): most searches through literals. The same bytes; one process, with and
  // without, medians of 15 rounds (12-07): Deno 1.31-1.36x on 1 KiB of random bytes at levels 5
  // and 7, 1.15-1.2x on 4 KiB of log lines and 10 KiB of random bytes, 1.05-1.10x on 16 and
  // 64 KiB slices of real files; Bun 1.34-1.46x, 1.10-1.21x; 200 KB to 1 MiB even (0.94-1.04x).
  if (
    ip < ms.nextToUpdate &&
    chain.chainTable[(ip + chain.base) & ((1 << chain.chainLog) - 1)] < low + chain.base
  ) {
    return 0;
  }
  const length = chain.search(ip, end, low, skipping, floor, lookahead);
  found.offBase = chain.offBase;
  return length;
}

/**
 * The longest match length at a lookahead position that cannot replace the match in hand
 * (`length`, `offBase`): a match of `l` bytes there wins when `4l − log2(its offBase)` exceeds
 * `4 × length − log2(offBase) + gain` (the lookahead gain: 2 at ip + 1, 5 at ip + 2), and its
 * offBase is at least 4 (log2 ≥ 2), so `4l` must exceed `4 × length − log2(offBase) + gain + 2`.
 * The search then skips every candidate no longer than this: it counts fewer matches and finds
 * the same winner (the longest, the newest among equals). At least 3, below `end − ip` so that
 * the search's first read stays inside the input.
 */
export function floorFor(
  length: number,
  offBase: number,
  gain: number,
  ip: number,
  end: number,
): number {
  const floor = (length * 4 - highbit(offBase) + gain + 2) >> 2;
  const most = end - ip - 1;
  return floor < 3 ? 3 : floor > most ? most : floor;
}

// The repeat offsets at the end of lazyLoop's parse (see compressBlockLazyGeneric).
let endRep1 = 0;
let endRep2 = 0;

/**
 * The block compressor of every strategy here: lazyLoop's parse, then the repeat offsets saved
 * for the next block. Ours: after its loop, the parse only stores the offsets in module variables
 * and returns a local, whose bytecodes have no type feedback to miss (see lazyLoop).
 */
function compressBlockLazyGeneric(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  depth: number,
  finder: number,
): number {
  const anchor = lazyLoop(ms, seqs, rep, src, start, end, depth, finder);
  return finishBlock(ms, rep, endRep1, endRep2, anchor, end);
}

/**
 * The parse of compressBlockLazyGeneric: returns its anchor (the first literal not stored), the
 * repeat offsets in endRep1 and endRep2. Nothing after its loop may need type feedback: V8
 * compiles the loop on stack (OSR) during a block's first call, before the code after the loop
 * has ever run, and an operation there without feedback is a deoptimization that leaves the
 * compiled code in place. With `repeatsAtEnd` and `end - anchor` after the loop, 200 KB of x86 code
 * at level 5 left the optimized loop at the end of 504 of 538 calls in one Deno process (`--trace-
 * deopt`: "Insufficient type feedback for binary operation"), each call then re-entering it on
 * stack; 3-6% of the time (a process warmed on small inputs first, which gives those operations
 * feedback, ran that much faster).
 */
function lazyLoop(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  depth: number,
  finder: number,
): number {
  const row = finder === ROW;
  // The row finder's hash cache, where it hashes ahead.
  if (row) prepareRows(ms);
  const cached = row && ms.rowBatches;
  const params = ms.params;
  const mls = params.minMatch >= 5 && params.minMatch <= 6 ? params.minMatch : 4;
  const windowLog = params.windowLog;
  // Positions stay below 2^31: a window of 2^31 or more reaches back to 0.
  const windowSize = windowLog > 30 ? 0x7fffffff : 1 << windowLog;
  const view = ms.view;
  // libzstd stops the row finder's searches 8 bytes earlier, for its hash cache.
  const ilimit = row ? end - 16 : end - 8;
  const prefixLow = windowLow(windowLog, end);
  let anchor = start;
  let ip = start;
  if (ip === prefixLow) ip++;
  // After a very long match, index only the last part of it (libzstd's limited update).
  if (start > ms.nextToUpdate + 384) {
    ms.nextToUpdate = start - Math.min(192, start - ms.nextToUpdate - 384);
  }
  if (ms.nextToUpdate < prefixLow) ms.nextToUpdate = prefixLow;
  // A run known from an earlier block stays true unless this block is not after it.
  if (ms.runLimit > end) ms.forgetRun();
  const found = ms.found;
  const repeats = ms.repeats;
  repeatsAtStart(repeats, rep, ip - windowLow(windowLog, ip));
  let rep1 = repeats[0];
  let rep2 = repeats[1];
  let skipping = false;
  // Ours: the hash chain at searchLog 9 and above (levels 9 and 10 on inputs up to 16 KiB, 11 and
  // 12 from 16 to 128 KiB, which libzstd gives btlazy2) inserts every position, as the binary tree
  // does: skipped stretches of literals are what later matches copy in decodecorpus's small files
  // (+2.1% with skipping up to 16 KiB; at searchLog 8, which skips, level 11 from 16 to 128 KiB
  // wrote +2.3% over those files).
  const skips = finder !== CHAIN || params.searchLog < 9;
  const lookStop = finder === TREE ? TREE_LOOKAHEAD_STOP : 0x7fffffff;
  if (cached) fillHashCache(ms, ms.nextToUpdate, end - 8, mls);
  if (finder === CHAIN) {
    if (ms.chain === null) ms.chain = new HashChain(ms, mls);
    else ms.chain.bind();
  }

  while (ip < ilimit) {
    let length = 0;
    let offBase = 1;
    let matchStart = ip + 1;
    // Repeat offset at ip + 1.
    if (rep1 > 0 && view.getInt32(ip + 1 - rep1, true) === view.getInt32(ip + 1, true)) {
      length = countRun(ms, view, src, ip + 1, rep1, end);
    }
    if (depth > 0 || length === 0) {
      // Only a match longer than the repeat at ip + 1 replaces it.
      const floor0 = length > 3 ? length : 3;
      const l = search(ms, ip, end, mls, skipping, finder, floor0, false, windowSize);
      if (l > length) {
        length = l;
        offBase = found.offBase;
        matchStart = ip;
      }
      if (length < 4) {
        const step = ((ip - anchor) >> SEARCH_STRENGTH) + 1;
        ip += step;
        skipping = skips && step > LAZY_SKIPPING_STEP;
        continue;
      }
      // Look one or two positions further for a better match (not with the tree once the match
      // in hand is long: see TREE_LOOKAHEAD_STOP).
      while (depth > 0 && ip < ilimit) {
        ip++;
        if (
          offBase !== 0 && rep1 > 0 && view.getInt32(ip, true) === view.getInt32(ip - rep1, true)
        ) {
          const repLength = countRun(ms, view, src, ip, rep1, end);
          if (repLength * 3 > length * 3 - highbit(offBase) + 1) {
            length = repLength;
            offBase = 1;
            matchStart = ip;
          }
        }
        const floor1 = floorFor(length, offBase, 2, ip, end);
        let l = length >= lookStop
          ? 0
          : search(ms, ip, end, mls, skipping, finder, floor1, true, windowSize);
        if (l >= 4 && l * 4 - highbit(found.offBase) > length * 4 - highbit(offBase) + 2) {
          length = l;
          offBase = found.offBase;
          matchStart = ip;
          continue;
        }
        if (depth === 2 && ip < ilimit) {
          ip++;
          if (
            offBase !== 0 && rep1 > 0 && view.getInt32(ip, true) === view.getInt32(ip - rep1, true)
          ) {
            const repLength = countRun(ms, view, src, ip, rep1, end);
            if (repLength * 4 > length * 4 - highbit(offBase) + 1) {
              length = repLength;
              offBase = 1;
              matchStart = ip;
            }
          }
          const floor2 = floorFor(length, offBase, 5, ip, end);
          l = length >= lookStop
            ? 0
            : search(ms, ip, end, mls, skipping, finder, floor2, true, windowSize);
          if (l >= 4 && l * 4 - highbit(found.offBase) > length * 4 - highbit(offBase) + 5) {
            length = l;
            offBase = found.offBase;
            matchStart = ip;
            continue;
          }
        }
        break;
      }
      if (offBase > 3) {
        // A new offset: extend backward, then shift the repeat offsets.
        const offset = offBase - 3;
        while (
          matchStart > anchor && matchStart - offset > prefixLow &&
          src[matchStart - 1] === src[matchStart - 1 - offset]
        ) {
          matchStart--;
          length++;
        }
        rep2 = rep1;
        rep1 = offset;
      }
    }
    storeSequence(seqs, src, anchor, matchStart - anchor, offBase, length);
    ip = anchor = matchStart + length;
    if (skipping) {
      // The row finder's hash cache was left behind while skipping.
      if (cached) fillHashCache(ms, ms.nextToUpdate, end - 8, mls);
      skipping = false;
    }

    // Immediate repeat matches with the second offset.
    while (ip <= ilimit && rep2 > 0 && view.getInt32(ip, true) === view.getInt32(ip - rep2, true)) {
      const repLength = countRun(ms, view, src, ip, rep2, end);
      const t = rep2;
      rep2 = rep1;
      rep1 = t;
      storeSequence(seqs, src, anchor, 0, 1, repLength);
      ip = anchor = ip + repLength;
    }
  }

  endRep1 = rep1;
  endRep2 = rep2;
  return anchor;
}

/** Block compressor of the greedy strategy. */
export function compressBlockGreedy(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 0, CHAIN);
}

/** Block compressor of the greedy strategy over the row finder. */
export function compressBlockGreedyRow(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 0, ROW);
}

/** Block compressor of the lazy strategy. */
export function compressBlockLazy(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 1, CHAIN);
}

/** Block compressor of the lazy strategy over the row finder. */
export function compressBlockLazyRow(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 1, ROW);
}

/** Block compressor of the lazy2 strategy. */
export function compressBlockLazy2(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 2, CHAIN);
}

/** Block compressor of the lazy2 strategy over the row finder. */
export function compressBlockLazy2Row(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 2, ROW);
}

/** Block compressor of the btlazy2 strategy: lazy2 over the binary tree (btlazy2.ts). */
export function compressBlockBtLazy2(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  return compressBlockLazyGeneric(ms, seqs, rep, src, start, end, 2, TREE);
}
