/**
 * The hash-chain match finder shared by the greedy, lazy and lazy2 strategies (libzstd's
 * `ZSTD_HcFindBestMatch`), as one typed-array class: `hashTable` holds the newest position of
 * each hash, `chainTable` links every position to the previous one with the same hash. The
 * search walks the chain and compares as it walks, with no candidate list: at most
 * `1 << searchLog` candidates, each first tested on the four bytes that end where the best match
 * so far ends (a candidate that differs there cannot be longer), and the walk stops at the
 * window's edge or at the end of input.
 *
 * What one search learns serves the next: the hash of the searched position is kept, and the
 * next search, which inserts that position first, does not hash it again (every searched
 * position was hashed twice); matches are counted through {@linkcode countRun}, so a long match
 * found at ip is not counted again at ip + 1 and ip + 2 by the lazy lookahead.
 *
 * @module
 */

import { countMatch, countRun, type MatchState } from "./match_state.ts";

/** Search results besides the length: the offset value (offset + 3) of the best match. */
export class ChainSearch {
  offBase = 0;
}

/** Hash of the `mls` bytes at `p` (4 to 6) to `hashLog` bits (reads 8 bytes when mls > 4). */
function hashAt(view: DataView, p: number, hashLog: number, mls: number): number {
  const low = Math.imul(view.getInt32(p, true), -1640531535);
  if (mls === 4) return low >>> (32 - hashLog);
  const high = view.getInt32(p + 4, true) << ((8 - mls) << 3);
  return (low ^ Math.imul(high, -2048144777)) >>> (32 - hashLog);
}

/** The hash chain of one match state (see the module's description). */
export class HashChain {
  /** Offset value (offset + 3) of the last search's match. */
  offBase = 0;
  /** The position whose hash is `lastHash` (−1: none). */
  hashPos = -1;
  /** The hash of `hashPos`. */
  lastHash = 0;
  // The match state's tables and source, as of the last bind().
  hashTable!: Int32Array;
  chainTable!: Int32Array;
  view!: DataView;
  src!: Uint8Array;
  base = 0;
  hashLog: number;
  chainLog: number;
  searchLog: number;

  /** A finder over `ms`'s tables, hashing `mls` bytes (4 to 6). */
  constructor(readonly ms: MatchState, readonly mls: number) {
    const params = ms.params;
    this.hashLog = params.hashLog;
    this.chainLog = params.chainLog;
    this.searchLog = params.searchLog;
    this.bind();
  }

  /** Takes the match state's tables and source again (at each block: a stream may move them). */
  bind(): void {
    const ms = this.ms;
    this.hashTable = ms.hashTable;
    this.chainTable = ms.chainTable;
    this.view = ms.view;
    this.src = ms.src;
    this.base = ms.base;
  }

  /** Forgets the kept hash: the source moved or the tables were replaced. */
  reset(): void {
    this.hashPos = -1;
  }

  /** Inserts every position from `ms.nextToUpdate` up to `end` (priming with history). */
  insertUpTo(end: number): void {
    const ms = this.ms;
    const chainMask = (1 << this.chainLog) - 1;
    const base = this.base;
    for (let p = ms.nextToUpdate; p < end; p++) {
      const h = hashAt(this.view, p, this.hashLog, this.mls);
      this.chainTable[(p + base) & chainMask] = this.hashTable[h];
      this.hashTable[h] = p + base;
    }
    ms.nextToUpdate = end;
  }

  /**
   * Longest match for `src[ip..]` among the chain of `ip`'s hash, not reading at or past `end`,
   * with matches starting at or after `low`, longer than `floor` (at least 3, below `end − ip`:
   * the lazy lookahead asks only for matches that could replace the one in hand). Returns its
   * length (0 if none) and sets {@linkcode offBase}.
   */
  search(ip: number, end: number, low: number, skipping: boolean, floor: number): number {
    const chainSize = 1 << this.chainLog;
    const chainMask = chainSize - 1;
    const chainTable = this.chainTable;
    const base = this.base;
    const view = this.view;
    const src = this.src;
    const current = ip + base;
    const lowIndex = low + base;
    // Chain entries older than the chain table's span have been overwritten.
    const minChain = current > chainSize ? current - chainSize : 0;
    let attempts = 1 << this.searchLog;
    let best = floor;
    // Insert the positions up to ip, only the first while skipping (in this method: as a method
    // of its own, JavaScriptCore called it, 10% slower on small inputs).
    const ms = this.ms;
    const hashLog = this.hashLog;
    const hashTable = this.hashTable;
    const mls = this.mls;
    let p = ms.nextToUpdate;
    if (p < ip) {
      const h = p === this.hashPos ? this.lastHash : hashAt(view, p, hashLog, mls);
      chainTable[(p + base) & chainMask] = hashTable[h];
      hashTable[h] = p + base;
      if (!skipping) {
        for (p++; p < ip; p++) {
          const h = hashAt(view, p, hashLog, mls);
          chainTable[(p + base) & chainMask] = hashTable[h];
          hashTable[h] = p + base;
        }
      }
    }
    ms.nextToUpdate = ip;
    const h = hashAt(view, ip, hashLog, mls);
    this.hashPos = ip;
    this.lastHash = h;
    let index = hashTable[h];
    while (index >= lowIndex && attempts > 0) {
      const match = index - base;
      // Can this candidate beat `best`? Its bytes best-3..best must equal ours.
      if (view.getInt32(match + best - 3, true) === view.getInt32(ip + best - 3, true)) {
        // Past every known run (most candidates), the plain count: no run bookkeeping.
        const length = ip <= ms.runReach
          ? countRun(ms, view, src, ip, ip - match, end)
          : countMatch(view, src, ip, match, end);
        if (length > best) {
          best = length;
          this.offBase = ip - match + 3;
          if (ip + length === end) break;
        }
      }
      if (index <= minChain) break;
      index = chainTable[index & chainMask];
      attempts--;
    }
    return best > floor ? best : 0;
  }
}
