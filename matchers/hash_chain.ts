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

import { countRun, type MatchState } from "./match_state.ts";

/** Search results besides the length: the offset value (offset + 3) of the best match. */
export class ChainSearch {
  offBase = 0;
}

/** The hash chain of one match state (see the module's description). */
export class HashChain {
  /** Offset value (offset + 3) of the last search's match. */
  offBase = 0;
  /** The position whose hash is `#hash` (−1: none). */
  #hashPos = -1;
  #hash = 0;

  /** A finder over `ms`'s tables, hashing `mls` bytes (4 to 6). */
  constructor(readonly ms: MatchState, readonly mls: number) {}

  /** Forgets the kept hash: the source moved or the tables were replaced. */
  reset(): void {
    this.#hashPos = -1;
  }

  /** Hash of the `mls` bytes at `p` to `hashLog` bits (reads 8 bytes when mls > 4). */
  hashAt(view: DataView, p: number, hashLog: number): number {
    const low = Math.imul(view.getInt32(p, true), -1640531535);
    if (this.mls === 4) return low >>> (32 - hashLog);
    const high = view.getInt32(p + 4, true) << ((8 - this.mls) << 3);
    return (low ^ Math.imul(high, -2048144777)) >>> (32 - hashLog);
  }

  /**
   * Inserts every position from `ms.nextToUpdate` up to `ip` (only the first while
   * `skipping` through incompressible data), then `ip`'s hash is returned and kept.
   */
  insertUpTo(ip: number, skipping: boolean): number {
    const ms = this.ms;
    const params = ms.params;
    const hashLog = params.hashLog;
    const chainMask = (1 << params.chainLog) - 1;
    const hashTable = ms.hashTable;
    const chainTable = ms.chainTable;
    const base = ms.base;
    const view = ms.view;
    let p = ms.nextToUpdate;
    if (p < ip) {
      const h = p === this.#hashPos ? this.#hash : this.hashAt(view, p, hashLog);
      chainTable[(p + base) & chainMask] = hashTable[h];
      hashTable[h] = p + base;
      if (!skipping) {
        for (p++; p < ip; p++) {
          const h = this.hashAt(view, p, hashLog);
          chainTable[(p + base) & chainMask] = hashTable[h];
          hashTable[h] = p + base;
        }
      }
    }
    ms.nextToUpdate = ip;
    const h = this.hashAt(view, ip, hashLog);
    this.#hashPos = ip;
    this.#hash = h;
    return h;
  }

  /**
   * Longest match for `src[ip..]` among the chain of `ip`'s hash, not reading at or past `end`,
   * with matches starting at or after `low`. Returns its length (0 if none of at least 4 bytes)
   * and sets {@linkcode offBase}.
   */
  search(ip: number, end: number, low: number, skipping: boolean): number {
    const ms = this.ms;
    const params = ms.params;
    const chainSize = 1 << params.chainLog;
    const chainMask = chainSize - 1;
    const chainTable = ms.chainTable;
    const base = ms.base;
    const view = ms.view;
    const src = ms.src;
    const current = ip + base;
    const lowIndex = low + base;
    // Chain entries older than the chain table's span have been overwritten.
    const minChain = current > chainSize ? current - chainSize : 0;
    let attempts = 1 << params.searchLog;
    let best = 3;
    let index = ms.hashTable[this.insertUpTo(ip, skipping)];
    while (index >= lowIndex && attempts > 0) {
      const match = index - base;
      // Can this candidate beat `best`? Its bytes best-3..best must equal ours.
      if (view.getInt32(match + best - 3, true) === view.getInt32(ip + best - 3, true)) {
        const length = countRun(ms, view, src, ip, ip - match, end);
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
    return best > 3 ? best : 0;
  }
}
