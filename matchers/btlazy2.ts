/**
 * The match finder of the btlazy2 strategy (levels 13 to 15): libzstd's "deferred update binary
 * tree" (`ZSTD_DUBT_findBestMatch`). Positions enter their tree unsorted, linked like a hash
 * chain and marked; a search first sorts the unsorted candidates it meets (oldest first, each
 * placed in the tree below it), then walks the tree for `ip` as the optimal parsers' finder does
 * (binary_tree.ts), keeping the match with the best gain of length over offset cost. The lazy
 * loop (lazy.ts, depth 2) drives it.
 *
 * @module
 */

import type { ChainSearch } from "./hash_chain.ts";
import { hashBt } from "./binary_tree.ts";
import { countMatchLong, countRun, type MatchState, windowLow } from "./match_state.ts";

// Marks a tree node whose position is linked but not yet sorted (no index is negative).
const UNSORTED = -1;

/**
 * Sorts the node of `curr` (an index) into the tree below it, comparing at most `compares`
 * nodes above `lowIndex`; nodes at or below `btLow` may have been overwritten.
 */
function insertDubt1(
  ms: MatchState,
  curr: number,
  end: number,
  compares: number,
  btLow: number,
): void {
  const bt = ms.chainTable;
  const btMask = (1 << (ms.params.chainLog - 1)) - 1;
  const base = ms.base;
  const view = ms.view;
  const src = ms.src;
  const ip = curr - base;
  const lowIndex = windowLow(ms.params.windowLog, ip) + base;
  let smallerSlot = 2 * (curr & btMask);
  let largerSlot = smallerSlot + 1;
  // The unsorted node's first link leads to the next candidate, already sorted.
  let matchIndex = bt[smallerSlot];
  let commonSmaller = 0;
  let commonLarger = 0;
  for (; compares > 0 && matchIndex > lowIndex; compares--) {
    const next = 2 * (matchIndex & btMask);
    const match = matchIndex - base;
    let length = commonSmaller < commonLarger ? commonSmaller : commonLarger;
    length += ip + length <= ms.runReach
      ? countRun(ms, view, src, ip + length, ip - match, end)
      : countMatchLong(view, src, ip + length, match + length, end);
    if (ip + length === end) break; // order unknown
    if (src[match + length] < src[ip + length]) {
      bt[smallerSlot] = matchIndex;
      commonSmaller = length;
      if (matchIndex <= btLow) {
        smallerSlot = -1;
        break;
      }
      smallerSlot = next + 1;
      matchIndex = bt[next + 1];
    } else {
      bt[largerSlot] = matchIndex;
      commonLarger = length;
      if (matchIndex <= btLow) {
        largerSlot = -1;
        break;
      }
      largerSlot = next;
      matchIndex = bt[next];
    }
  }
  if (smallerSlot >= 0) bt[smallerSlot] = 0;
  if (largerSlot >= 0) bt[largerSlot] = 0;
}

/**
 * Best match for `src[ip..]` (not reading at or past `end`): links the positions since the last
 * search, sorts the candidates of `ip`'s tree, then walks it. Returns the length (0 if under 4)
 * and sets `result.offBase`.
 *
 * Every position is linked, also those the lazy loop steps over while it skips through literals
 * (as libzstd's DUBT; its row and hash-chain finders skip them). Skipping them here, as those
 * finders do, ran the random megabyte 3.2-3.8x faster at levels 13-15, but the decodecorpus
 * files whose copies reach back into long runs of literals lost their matches: levels 11-12 on
 * inputs under 256 KiB (btlazy2 there) wrote z000074 11% and z000095 15% larger than libzstd,
 * the decodecorpus total at level 12 1.0104 of libzstd's (1.0058 with the near inputs' finder);
 * every 4th position linked still left them 1-3% larger. Without it random bytes run 0.6-0.7x
 * native at levels 13 and 15 in Deno.
 */
export function searchTree(
  ms: MatchState,
  ip: number,
  end: number,
  mls: number,
  result: ChainSearch,
): number {
  if (ip < ms.nextToUpdate) return 0; // inside a repetition already skipped
  const params = ms.params;
  const hashLog = params.hashLog;
  const hashTable = ms.hashTable;
  const bt = ms.chainTable;
  const btMask = (1 << (params.chainLog - 1)) - 1;
  const base = ms.base;
  const view = ms.view;
  const src = ms.src;
  // Link the positions since the last search. The hash is hashBt's (mls 4 to 6 here) written
  // out: through the shared function this loop took 72% of level 15's time on random bytes,
  // where linking is most of the work (Deno). Written out (A/B, CPU, median of 5 paired rounds,
  // levels 13-15, same bytes): random bytes 1.71-1.80x in Deno and 1.06-1.15x in Bun; z000033,
  // four real files and the low-entropy megabyte 0.99-1.12x / 0.98-1.08x. A helper of its own,
  // its shifts computed once, gained less (random bytes 1.48x / 1.08x).
  const hashShift = 32 - hashLog;
  const highShift = (8 - mls) << 3;
  for (let p = ms.nextToUpdate; p < ip; p++) {
    const low = Math.imul(view.getInt32(p, true), -1640531535);
    const h =
      (mls === 4 ? low : low ^ Math.imul(view.getInt32(p + 4, true) << highShift, -2048144777)) >>>
      hashShift;
    const slot = 2 * ((p + base) & btMask);
    bt[slot] = hashTable[h];
    bt[slot + 1] = UNSORTED;
    hashTable[h] = p + base;
  }
  ms.nextToUpdate = ip;

  const h = hashBt(view, ip, hashLog, mls);
  const curr = ip + base;
  const lowIndex = windowLow(params.windowLog, ip) + base;
  const btLow = btMask >= curr ? 0 : curr - btMask;
  const unsortLimit = btLow > lowIndex ? btLow : lowIndex;
  let compares = 1 << params.searchLog;
  let candidates = compares;
  // Walk the unsorted candidates, reversing their links into a stack.
  let previous = 0;
  let matchIndex = hashTable[h];
  while (
    matchIndex > unsortLimit && bt[2 * (matchIndex & btMask) + 1] === UNSORTED && candidates > 1
  ) {
    const slot = 2 * (matchIndex & btMask);
    bt[slot + 1] = previous;
    previous = matchIndex;
    matchIndex = bt[slot];
    candidates--;
  }
  // Past the budget, an unsorted candidate is dropped (libzstd's speed trade).
  if (matchIndex > unsortLimit && bt[2 * (matchIndex & btMask) + 1] === UNSORTED) {
    bt[2 * (matchIndex & btMask)] = 0;
    bt[2 * (matchIndex & btMask) + 1] = 0;
  }
  // Sort the stacked candidates, oldest first.
  matchIndex = previous;
  while (matchIndex !== 0) {
    const nextIndex = bt[2 * (matchIndex & btMask) + 1];
    insertDubt1(ms, matchIndex, end, candidates, unsortLimit);
    matchIndex = nextIndex;
    candidates++;
  }

  // The search proper, inserting ip as the new root.
  let smallerSlot = 2 * (curr & btMask);
  let largerSlot = smallerSlot + 1;
  let commonSmaller = 0;
  let commonLarger = 0;
  let matchEnd = curr + 9;
  let bestLength = 0;
  let bestOffBase = 999999999;
  matchIndex = hashTable[h];
  hashTable[h] = curr;
  for (; compares > 0 && matchIndex > lowIndex; compares--) {
    const next = 2 * (matchIndex & btMask);
    const match = matchIndex - base;
    let length = commonSmaller < commonLarger ? commonSmaller : commonLarger;
    length += ip + length <= ms.runReach
      ? countRun(ms, view, src, ip + length, ip - match, end)
      : countMatchLong(view, src, ip + length, match + length, end);
    if (length > bestLength) {
      if (length > matchEnd - matchIndex) matchEnd = matchIndex + length;
      const gain = 4 * (length - bestLength);
      if (gain > (31 - Math.clz32(curr - matchIndex + 1)) - (31 - Math.clz32(bestOffBase))) {
        bestLength = length;
        bestOffBase = curr - matchIndex + 3;
      }
      if (ip + length === end) break; // order unknown
    }
    if (src[match + length] < src[ip + length]) {
      bt[smallerSlot] = matchIndex;
      commonSmaller = length;
      if (matchIndex <= btLow) {
        smallerSlot = -1;
        break;
      }
      smallerSlot = next + 1;
      matchIndex = bt[next + 1];
    } else {
      bt[largerSlot] = matchIndex;
      commonLarger = length;
      if (matchIndex <= btLow) {
        largerSlot = -1;
        break;
      }
      largerSlot = next;
      matchIndex = bt[next];
    }
  }
  if (smallerSlot >= 0) bt[smallerSlot] = 0;
  if (largerSlot >= 0) bt[largerSlot] = 0;
  ms.nextToUpdate = matchEnd - 8 - base;
  result.offBase = bestOffBase;
  return bestLength >= 4 ? bestLength : 0;
}
