/**
 * The hash-chain match finder shared by the greedy, lazy and lazy2 strategies (libzstd's
 * `ZSTD_HcFindBestMatch`): `hashTable` holds the newest position of each hash, `chainTable`
 * links every position to the previous one with the same hash. The search walks the chain and
 * compares as it walks, with no candidate list: at most `1 << searchLog` candidates, each first
 * tested on the four bytes that end where the best match so far ends (a candidate that differs
 * there cannot be longer), and the walk stops at the window's edge or at the end of input.
 *
 * @module
 */

import { countRun, hash4, hashLong, type MatchState } from "./match_state.ts";

/** Search results besides the length: the offset value (offset + 3) of the best match. */
export class ChainSearch {
  offBase = 0;
}

/** Hash of the `mls` bytes at `p`. */
function hashAt(ms: MatchState, p: number, hashLog: number, mls: number): number {
  return mls === 4 ? hash4(ms.view, p, hashLog) : hashLong(ms.view, p, hashLog, mls);
}

/**
 * Inserts every position from `ms.nextToUpdate` up to `ip` (one only while skipping through
 * incompressible data), then returns the table index of the newest position with `ip`'s hash.
 */
export function insertUpTo(ms: MatchState, ip: number, mls: number, skipping: boolean): number {
  const params = ms.params;
  const hashLog = params.hashLog;
  const chainMask = (1 << params.chainLog) - 1;
  const hashTable = ms.hashTable;
  const chainTable = ms.chainTable;
  const base = ms.base;
  for (let p = ms.nextToUpdate; p < ip; p++) {
    const h = hashAt(ms, p, hashLog, mls);
    chainTable[(p + base) & chainMask] = hashTable[h];
    hashTable[h] = p + base;
    if (skipping) break;
  }
  ms.nextToUpdate = ip;
  return hashTable[hashAt(ms, ip, hashLog, mls)];
}

/**
 * Longest match for `src[ip..]` among the chain of `ip`'s hash, not reading at or past `end`,
 * with matches starting at or after `low`. Returns its length (0 if none of at least 4 bytes) and
 * sets `result.offBase`.
 */
export function searchChain(
  ms: MatchState,
  ip: number,
  end: number,
  low: number,
  mls: number,
  skipping: boolean,
  result: ChainSearch,
): number {
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
  let index = insertUpTo(ms, ip, mls, skipping);
  while (index >= lowIndex && attempts > 0) {
    const match = index - base;
    // Can this candidate beat `best`? Its bytes best-3..best must equal ours.
    if (view.getInt32(match + best - 3, true) === view.getInt32(ip + best - 3, true)) {
      const length = countRun(ms, view, src, ip, ip - match, end);
      if (length > best) {
        best = length;
        result.offBase = ip - match + 3;
        if (ip + length === end) break;
      }
    }
    if (index <= minChain) break;
    index = chainTable[index & chainMask];
    attempts--;
  }
  return best > 3 ? best : 0;
}
