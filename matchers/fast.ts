/**
 * The "fast" strategy (level 1 and the negative levels): one hash table, one candidate per
 * position, the repeat offset tried two positions ahead, and a step that grows while nothing
 * matches (`targetLength` sets the starting step: the negative levels' acceleration).
 *
 * The search is pipelined as libzstd's `ZSTD_compressBlock_fast_noDict_generic`: positions are
 * visited in pairs (ip0, ip1 = ip0 + 1), the hash of the next position computed before the
 * current one is compared, so that the loads of one position overlap the compare of the other.
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

// Positions between step increases: libzstd's kSearchStrength (8), halved because the step
// applies to pairs of positions.
const STEP_INCREASE_EVERY = 1 << 7;

const NO_MATCH = 0;
const REPEAT_MATCH = 1;
const NEW_MATCH = 2;

/** Block compressor of the fast strategy. */
export function compressBlockFast(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const anchor = fastLoop(ms, seqs, rep, src, start, end);
  return finishBlock(ms, rep, endRep1, endRep2, anchor, end);
}

// What fastLoop leaves for the block's end (see there).
let endRep1 = 0;
let endRep2 = 0;

/**
 * The parse of compressBlockFast: returns its anchor (the first literal not stored), the repeat
 * offsets in endRep1 and endRep2 (finishBlock applies libzstd's rule for the next block). After
 * its loop only stores of module variables and the return of a local, which need no type feedback
 * (see lazyLoop in lazy.ts: V8 compiles the loop on stack before the code after it has run; here
 * 17-25 exits at the end of a block in 40 calls of level 1).
 */
function fastLoop(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  const params = ms.params;
  const hashLog = params.hashLog;
  const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
  const stepSize = params.targetLength + (params.targetLength === 0 ? 1 : 0) + 1;
  const table = ms.hashTable;
  const base = ms.base;
  const view = ms.view;
  const low = windowLow(params.windowLog, end);
  const ilimit = end - 8;
  // Hash of `mls` bytes: the first word, and the next mls − 4 bytes shifted up.
  const shift = 32 - hashLog;
  const shortIsWord = mls === 4;
  const highShift = (8 - mls) << 3;
  // PRIME_LOW and PRIME_HIGH as literals (see dfast.ts).
  const primeLow = -1640531535;
  const primeHigh = -2048144777;

  let anchor = start;
  let ip0 = start;
  if (ip0 === low) ip0++;
  const repeats = ms.repeats;
  repeatsAtStart(repeats, rep, ip0 - windowLow(params.windowLog, ip0));
  let rep1 = repeats[0];
  let rep2 = repeats[1];

  for (;;) {
    let step = stepSize;
    let nextStep = ip0 + STEP_INCREASE_EVERY;
    let ip1 = ip0 + 1;
    let ip2 = ip0 + step;
    let ip3 = ip2 + 1;
    if (ip3 >= ilimit) break;
    let hash0 = shortIsWord
      ? Math.imul(view.getInt32(ip0, true), primeLow) >>> shift
      : (Math.imul(view.getInt32(ip0, true), primeLow) ^
        Math.imul(view.getInt32(ip0 + 4, true) << highShift, primeHigh)) >>> shift;
    let hash1 = shortIsWord
      ? Math.imul(view.getInt32(ip1, true), primeLow) >>> shift
      : (Math.imul(view.getInt32(ip1, true), primeLow) ^
        Math.imul(view.getInt32(ip1 + 4, true) << highShift, primeHigh)) >>> shift;
    let matchIndex = table[hash0];
    let current0 = ip0;
    let found = NO_MATCH;
    let match0 = 0;
    do {
      const repValue = view.getInt32(ip2 - rep1, true);
      current0 = ip0;
      table[hash0] = ip0 + base;
      if (rep1 > 0 && view.getInt32(ip2, true) === repValue) {
        table[hash1] = ip1 + base;
        found = REPEAT_MATCH;
        ip0 = ip2;
        break;
      }
      match0 = matchIndex - base;
      if (match0 >= low && view.getInt32(ip0, true) === view.getInt32(match0, true)) {
        table[hash1] = ip1 + base;
        found = NEW_MATCH;
        break;
      }
      matchIndex = table[hash1];
      hash0 = hash1;
      hash1 = shortIsWord
        ? Math.imul(view.getInt32(ip2, true), primeLow) >>> shift
        : (Math.imul(view.getInt32(ip2, true), primeLow) ^
          Math.imul(view.getInt32(ip2 + 4, true) << highShift, primeHigh)) >>> shift;
      ip0 = ip1;
      ip1 = ip2;
      ip2 = ip3;

      current0 = ip0;
      table[hash0] = ip0 + base;
      match0 = matchIndex - base;
      if (match0 >= low && view.getInt32(ip0, true) === view.getInt32(match0, true)) {
        // The next position's entry is safe to write only if the search resumes after it.
        if (step <= 4) table[hash1] = ip1 + base;
        found = NEW_MATCH;
        break;
      }
      matchIndex = table[hash1];
      hash0 = hash1;
      hash1 = shortIsWord
        ? Math.imul(view.getInt32(ip2, true), primeLow) >>> shift
        : (Math.imul(view.getInt32(ip2, true), primeLow) ^
          Math.imul(view.getInt32(ip2 + 4, true) << highShift, primeHigh)) >>> shift;
      ip0 = ip1;
      ip1 = ip2;
      ip2 = ip0 + step;
      ip3 = ip1 + step;
      if (ip2 >= nextStep) {
        step++;
        nextStep += STEP_INCREASE_EVERY;
      }
    } while (ip3 < ilimit);
    if (found === NO_MATCH) break;

    let offBase: number;
    let length: number;
    if (found === REPEAT_MATCH) {
      match0 = ip0 - rep1;
      const back = src[ip0 - 1] === src[match0 - 1] ? 1 : 0;
      ip0 -= back;
      match0 -= back;
      offBase = 1;
      length = 4 + back;
    } else {
      rep2 = rep1;
      rep1 = ip0 - match0;
      offBase = rep1 + 3;
      length = 4;
      while (ip0 > anchor && match0 > low && src[ip0 - 1] === src[match0 - 1]) {
        ip0--;
        match0--;
        length++;
      }
    }
    length += countMatch(view, src, ip0 + length, match0 + length, end);
    storeSequence(seqs, src, anchor, ip0 - anchor, offBase, length);
    ip0 += length;
    anchor = ip0;

    if (ip0 <= ilimit) {
      // Fill the table at two positions inside the match, then take immediate repeat matches.
      const p = current0 + 2;
      table[
        shortIsWord
          ? Math.imul(view.getInt32(p, true), primeLow) >>> shift
          : (Math.imul(view.getInt32(p, true), primeLow) ^
            Math.imul(view.getInt32(p + 4, true) << highShift, primeHigh)) >>> shift
      ] = p + base;
      const q = ip0 - 2;
      table[
        shortIsWord
          ? Math.imul(view.getInt32(q, true), primeLow) >>> shift
          : (Math.imul(view.getInt32(q, true), primeLow) ^
            Math.imul(view.getInt32(q + 4, true) << highShift, primeHigh)) >>> shift
      ] = q + base;
      if (rep2 > 0) {
        while (ip0 <= ilimit && view.getInt32(ip0, true) === view.getInt32(ip0 - rep2, true)) {
          const repLength = countMatch(view, src, ip0 + 4, ip0 + 4 - rep2, end) + 4;
          const t = rep2;
          rep2 = rep1;
          rep1 = t;
          table[
            shortIsWord
              ? Math.imul(view.getInt32(ip0, true), primeLow) >>> shift
              : (Math.imul(view.getInt32(ip0, true), primeLow) ^
                Math.imul(view.getInt32(ip0 + 4, true) << highShift, primeHigh)) >>> shift
          ] = ip0 +
            base;
          ip0 += repLength;
          storeSequence(seqs, src, anchor, 0, 1, repLength);
          anchor = ip0;
        }
      }
    }
  }

  endRep1 = rep1;
  endRep2 = rep2;
  return anchor;
}
