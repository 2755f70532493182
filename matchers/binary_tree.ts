/**
 * The binary-tree match finder of the optimal parsers (libzstd's `ZSTD_insertBt1` and
 * `ZSTD_insertBtAndGetAllMatches`). Positions with the same hash form a binary search tree
 * ordered by the bytes that follow them; the chain table holds two links per position (the
 * "smaller" and "larger" subtrees), `1 << (chainLog - 1)` positions deep. Inserting a position
 * walks the tree from the newest root, re-rooting it at the new position, and the walk meets the
 * longest matches on the way: each candidate starts with at least the common prefix of the two
 * bounds it lies between, so comparisons resume there.
 *
 * {@linkcode getAllMatches} lists, for one position, every match longer than the previous one
 * (repeat offsets first, then a 3-byte hash table when minMatch is 3, then the tree), which is
 * what the optimal parser prices. Indices are absolute (`position + ms.base`), as in every
 * finder; 0 is the null link.
 *
 * The walk's step (hang the node on the open side, descend, stop at `btLow`) is written out in
 * each walk here and in btlazy2.ts, as in libzstd: a shared helper gave the same output but
 * measured 4% (Deno) to 20% (Bun) slower at level 13.
 *
 * @module
 */

import {
  countMatch,
  countMatchLong,
  equalLowBytes,
  hash4,
  hashLong,
  type MatchState,
  windowLow,
} from "./match_state.ts";
import { CARRY_ENTRIES } from "./workspace.ts";

/** Longest match the parsers consider in one step (libzstd's ZSTD_OPT_NUM). */
export const OPT_NUM = 1 << 12;
/** Largest hash log of the 3-byte table (libzstd's ZSTD_HASHLOG3_MAX). */
export const HASH_LOG3_MAX = 17;

/** Hash of the 3 bytes at `p` to `hashLog` bits (reads 4). */
export function hash3(view: DataView, p: number, hashLog: number): number {
  // libzstd's 3-byte multiplier, as a literal (see PRIME_LOW).
  return Math.imul(view.getInt32(p, true) << 8, 506832829) >>> (32 - hashLog);
}

/** Hash of the `mls` bytes at `p` (3 to 8) to `hashLog` bits. */
export function hashBt(view: DataView, p: number, hashLog: number, mls: number): number {
  return mls === 3
    ? hash3(view, p, hashLog)
    : mls === 4
    ? hash4(view, p, hashLog)
    : hashLong(view, p, hashLog, mls);
}

/**
 * Inserts every position from `ms.nextToUpdate` up to `ip` into the trees (libzstd's
 * `ZSTD_updateTree`), with matches counted up to `end`. Each insertion searches at most
 * `1 << searchLog` nodes inside the window, and may skip the positions after it: past a long
 * repetition, the positions inside it add nothing to the tree. (One loop over the positions
 * rather than a call per position: on repetitive input most positions are inserted here.)
 */
export function updateTree(ms: MatchState, ip: number, end: number, mls: number): void {
  const params = ms.params;
  const hashTable = ms.hashTable;
  const bt = ms.chainTable;
  const btMask = (1 << (params.chainLog - 1)) - 1;
  const base = ms.base;
  const view = ms.view;
  const src = ms.src;
  const hashLog = params.hashLog;
  const searchCompares = 1 << params.searchLog;
  const lowIndex = windowLow(params.windowLog, ip) + base;
  const ws = ms.workspace;
  const carry = ws.carry;
  if (ws.carrySerial > CARRY_SERIAL_LIMIT) {
    carry.fill(-1);
    ws.carrySerial = 0;
  }
  let serial = ws.carrySerial;
  let p = ms.nextToUpdate;
  // The position inserted by the previous iteration (−1: none yet in this call).
  let previous = -1;
  while (p < ip) {
    const h = hashBt(view, p, hashLog, mls);
    const curr = p + base;
    // The lengths measured by the previous insertion carry over when it was at p − 1 (entries of
    // any other insertion have another serial).
    serial++;
    const carried = previous === p - 1 ? serial - 1 : -1;
    previous = p;
    const btLow = btMask >= curr ? 0 : curr - btMask;
    let matchIndex = hashTable[h];
    hashTable[h] = curr;
    // Slots still to be written with the smaller and larger subtrees of the new root.
    let smallerSlot = 2 * (curr & btMask);
    let largerSlot = smallerSlot + 1;
    let commonSmaller = 0;
    let commonLarger = 0;
    let matchEnd = curr + 9;
    let bestLength = 8;
    for (let compares = searchCompares; compares > 0 && matchIndex >= lowIndex; compares--) {
      const next = 2 * (matchIndex & btMask);
      const match = matchIndex - base;
      const distance = curr - matchIndex;
      const slot = (distance & CARRY_MASK) << 2;
      let length: number;
      if (carry[slot] === carried && carry[slot + 1] === distance && carry[slot + 2] > 0) {
        length = carry[slot + 2] - 1;
      } else {
        length = commonSmaller < commonLarger ? commonSmaller : commonLarger;
        length += countMatchLong(view, src, p + length, match + length, end);
      }
      carry[slot] = serial;
      carry[slot + 1] = distance;
      carry[slot + 2] = length;
      if (length > bestLength) {
        bestLength = length;
        if (length > matchEnd - matchIndex) matchEnd = matchIndex + length;
      }
      // Equal up to the end: its order is unknown, so stop rather than corrupt the tree.
      if (p + length === end) break;
      if (src[match + length] < src[p + length]) {
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
    const skip = bestLength > 384 ? Math.min(192, bestLength - 384) : 0;
    const reach = matchEnd - (curr + 8);
    p += skip > reach ? skip : reach;
  }
  ws.carrySerial = serial;
  ms.nextToUpdate = ip;
}

// Match lengths carried from one insertion to the next (updateTree). If the candidate at
// distance d of position p − 1 matched L > 0 bytes, the candidate at distance d of p matches
// exactly L − 1: no need to compare them. On repetitive input most candidates of p are those of
// p − 1 moved by one (low-entropy 1 MiB at level 16: 93% of 8.8 million, 1.8x faster in Deno,
// 2.2x in Bun). Entries by distance (direct-mapped): serial of the insertion, distance, length,
// padding. Serials number the insertions made with one workspace (the table is the workspace's,
// matchers/workspace.ts); the table is cleared when they wrap.
const CARRY_MASK = CARRY_ENTRIES - 1;
const CARRY_SERIAL_LIMIT = 1 << 30;

/** Matches found at one position, shortest first: offset values and lengths. */
export class MatchList {
  readonly offBase: Int32Array = new Int32Array(OPT_NUM + 8);
  readonly length: Int32Array = new Int32Array(OPT_NUM + 8);
  /** The 3-byte hash table (minMatch 3), and the first position not yet in it. */
  hash3: Int32Array = new Int32Array(0);
  hashLog3 = 0;
  nextToUpdate3 = 0;
  /** The position of the matches listed (the scan of getAllMatches may move past its start). */
  position = 0;

  /** Sizes the 3-byte table for `windowLog` (none unless minMatch is 3). */
  prepare(minMatch: number, windowLog: number): void {
    this.hashLog3 = minMatch === 3 ? Math.min(HASH_LOG3_MAX, windowLog) : 0;
    const size = this.hashLog3 > 0 ? 1 << this.hashLog3 : 0;
    if (this.hash3.length < size) this.hash3 = new Int32Array(size);
  }
}

/**
 * Lists the matches at `ip` (not before `ms.nextToUpdate`) into `list`, each longer than the one
 * before and at least `lengthToBeat` long: the repeat offsets `r0..r2` (shifted when `ll0`, no
 * literals precede), the 3-byte table, then the tree, into which `ip` is inserted. Matches are
 * counted up to `end`; the search stops at a match longer than `sufficientLength` (repeats) or
 * {@linkcode OPT_NUM} (tree). Returns the number of matches; `list.position` says where.
 *
 * With `scanEnd`, a position without matches moves the search to the next one (with `ll0` 0,
 * as literals now precede), up to `scanEnd - 1`: the optimal parser's search for its first match.
 * On input with few matches, the call per position had cost as much as the search (+40% on
 * random input at level 16).
 */
export function getAllMatches(
  ms: MatchState,
  list: MatchList,
  ip: number,
  end: number,
  r0: number,
  r1: number,
  r2: number,
  ll0: number,
  lengthToBeat: number,
  mls: number,
  sufficientLength: number,
  scanEnd: number = 0,
): number {
  const params = ms.params;
  const view = ms.view;
  const src = ms.src;
  const base = ms.base;
  const minMatch = mls === 3 ? 3 : 4;
  // Bytes compared to accept a repeat: the first minMatch (3: the low three of the word).
  const shift = minMatch === 3 ? 8 : 0;
  const offs = list.offBase;
  const lens = list.length;
  // Positions with no match, in scan mode, go round this loop rather than back to the caller.
  for (;; ip++, ll0 = 0) {
    if (ip < ms.nextToUpdate) {
      // Inside a repetition already skipped.
      if (ip + 1 < scanEnd) continue;
      list.position = ip;
      return 0;
    }
    if (ms.nextToUpdate < ip) updateTree(ms, ip, end, mls);
    const curr = ip + base;
    const low = windowLow(params.windowLog, ip);
    const lowIndex = low + base;
    let count = 0;
    let bestLength = lengthToBeat - 1;

    const word = view.getInt32(ip, true);
    // With minMatch 3, the tree's root is read first: on large tables it is a cache miss, which
    // then overlaps the repeat and 3-byte checks below rather than follows them (1 MiB of random
    // bytes, L18/L19: +6–22% in both runtimes). With other minMatch values, hashing or reading
    // it here made V8 slower (L16/L17 −6 to −20%), so it is read after the checks.
    const hashTable = ms.hashTable;
    let h = 0;
    let matchIndex = 0;
    if (mls === 3) {
      h = hash3(view, ip, params.hashLog);
      matchIndex = hashTable[h];
    }
    // The three repeat offsets in code order, first checked on minMatch bytes without a loop:
    // most positions match none of them.
    const span = ip - low;
    const repA = ll0 === 0 ? r0 : r1;
    const repB = ll0 === 0 ? r1 : r2;
    const repC = ll0 === 0 ? r2 : r0 - 1;
    let hits = 0;
    if (repA >= 1 && repA <= span && ((view.getInt32(ip - repA, true) ^ word) << shift) === 0) {
      hits = 1;
    }
    if (repB >= 1 && repB <= span && ((view.getInt32(ip - repB, true) ^ word) << shift) === 0) {
      hits |= 2;
    }
    if (repC >= 1 && repC <= span && ((view.getInt32(ip - repC, true) ^ word) << shift) === 0) {
      hits |= 4;
    }
    for (let k = 0; hits !== 0; k++, hits >>>= 1) {
      if ((hits & 1) === 0) continue;
      const repOffset = k === 0 ? repA : k === 1 ? repB : repC;
      const length = countMatch(view, src, ip + minMatch, ip + minMatch - repOffset, end) +
        minMatch;
      if (length > bestLength) {
        bestLength = length;
        offs[count] = k + 1;
        lens[count] = length;
        count++;
        if (length > sufficientLength || ip + length === end) {
          list.position = ip;
          return count;
        }
      }
    }

    if (mls === 3 && bestLength < 3) {
      // Short matches from the 3-byte table, within 256 KiB.
      const hash3Table = list.hash3;
      const hashLog3 = list.hashLog3;
      for (let p = list.nextToUpdate3; p < ip; p++) hash3Table[hash3(view, p, hashLog3)] = p + base;
      list.nextToUpdate3 = ip;
      const index3 = hash3Table[hash3(view, ip, hashLog3)];
      // (A table shared with earlier compressions may hold indices above curr after a dictionary
      // moved the base back: they are not positions of this input.)
      if (index3 >= lowIndex && index3 < curr && curr - index3 < 1 << 18) {
        // Three bytes compared in the word already read: most candidates end there.
        const match3 = index3 - base;
        const length = ((view.getInt32(match3, true) ^ word) << 8) === 0
          ? countMatch(view, src, ip + 3, match3 + 3, end) + 3
          : 0;
        if (length >= 3) {
          bestLength = length;
          offs[0] = curr - index3 + 3;
          lens[0] = length;
          count = 1;
          if (length > sufficientLength || ip + length === end) {
            ms.nextToUpdate = ip + 1;
            list.position = ip;
            return 1;
          }
        }
      }
    }

    const bt = ms.chainTable;
    const btMask = (1 << (params.chainLog - 1)) - 1;
    const btLow = btMask >= curr ? 0 : curr - btMask;
    if (mls !== 3) {
      h = hashBt(view, ip, params.hashLog, mls);
      matchIndex = hashTable[h];
    }
    hashTable[h] = curr;
    let smallerSlot = 2 * (curr & btMask);
    let largerSlot = smallerSlot + 1;
    let commonSmaller = 0;
    let commonLarger = 0;
    let matchEnd = curr + 9;
    let compares = 1 << params.searchLog;
    for (; compares > 0 && matchIndex >= lowIndex; compares--) {
      const next = 2 * (matchIndex & btMask);
      const match = matchIndex - base;
      let length = commonSmaller < commonLarger ? commonSmaller : commonLarger;
      // The first word here: JavaScriptCore calls countMatch rather than inlining it, and most
      // candidates differ within four bytes.
      if (ip + length + 4 <= end) {
        const diff = view.getInt32(ip + length, true) ^ view.getInt32(match + length, true);
        length += diff !== 0
          ? equalLowBytes(diff)
          : 4 + countMatch(view, src, ip + length + 4, match + length + 4, end);
      } else {
        length += countMatch(view, src, ip + length, match + length, end);
      }
      if (length > bestLength) {
        if (length > matchEnd - matchIndex) matchEnd = matchIndex + length;
        bestLength = length;
        offs[count] = curr - matchIndex + 3;
        lens[count] = length;
        count++;
        // Beyond what a step can use, or equal to the end (order unknown): stop.
        if (length > OPT_NUM || ip + length === end) break;
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
    // Skip the positions of a long repetition.
    ms.nextToUpdate = matchEnd - 8 - base;
    if (count === 0 && ip + 1 < scanEnd) continue;
    list.position = ip;
    return count;
  }
}
