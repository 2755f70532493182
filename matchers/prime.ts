/**
 * Priming the match tables with history that precedes the input, such as a dictionary's
 * content: every position of `src[0, end)` is inserted as the strategy's own search would have
 * inserted it, so that matches into the history are found from the first byte on.
 *
 * @module
 */

import { updateTree } from "./binary_tree.ts";
import { HashChain } from "./hash_chain.ts";
import { hash4, hashLong, MatchState, usesRowFinder } from "./match_state.ts";
import { insertPositions, usesBuckets } from "./dfast_lazy.ts";
import { fillRows } from "./row.ts";
import { Strategy } from "./strategy.ts";
import { MatchWorkspace } from "./workspace.ts";

/** Tables primed for one dictionary and one set of table parameters. */
export interface PrimedTables {
  hashTable: Int32Array;
  chainTable: Int32Array;
  tagWords: Int32Array;
  base: number;
  nextToUpdate: number;
}

/**
 * Primes `ms` with `history`, which starts its source: the tables are primed once per table
 * parameters and kept in `cache` (a dictionary's), then copied in, as libzstd copies a digested
 * dictionary's tables. With no cache (a multi-core job's prefix, used once), the history is
 * inserted into `ms`'s own tables: no tables of its own to allocate, fill and copy (at level 19,
 * some 80 MiB per job).
 */
export function primeFromCache(
  ms: MatchState,
  history: Uint8Array,
  cache: Map<string, PrimedTables> | null,
): void {
  if (cache === null) {
    primeTables(ms, history.length, true);
    return;
  }
  const p = ms.params;
  const row = usesRowFinder(p);
  const key = `${p.strategy} ${p.hashLog} ${p.chainLog} ${p.searchLog} ${p.minMatch} ${row}`;
  let primed = cache.get(key);
  if (primed === undefined) {
    // Eight bytes of slack: the last hashes read past the history.
    const src = new Uint8Array(history.length + 8);
    src.set(history);
    // A workspace of its own: the tables become the cache's.
    const fresh = new MatchState(p, src, new MatchWorkspace(true));
    primeTables(fresh, history.length, false);
    primed = {
      hashTable: fresh.hashTable,
      chainTable: fresh.chainTable,
      tagWords: fresh.tagWords,
      base: fresh.base,
      nextToUpdate: fresh.nextToUpdate,
    };
    cache.set(key, primed);
  }
  ms.adoptTables(primed.hashTable, primed.chainTable, primed.tagWords, primed.base);
  ms.nextToUpdate = primed.nextToUpdate;
}

/**
 * The step of a quick priming (see primeTables). libzstd primes a multi-core job's prefix at
 * every third position (`ZSTD_dtlm_fast`); ours takes every sixth. A 2 MiB prefix at level 3
 * (Deno, median of 30 jobs of 2 MiB prefix + 64 KiB): every position 22 ms, every third 5.5-8.7
 * ms, every sixth 3.5-3.9 ms, of 50 ms that an 8 MiB job takes in a worker. The frames of 64 MiB
 * of source text in 8 jobs grow by 0.05% (levels 1, 3 and 4; +0.12% against one thread at
 * level 3): matches into the prefix start at a sixth of its positions and extend from there.
 */
const QUICK_PRIME_STEP = 6;

/**
 * Inserts the positions of `ms.src[0, end)` (whose 8 bytes are readable) into the tables.
 * `quick`: fast and dfast insert every {@linkcode QUICK_PRIME_STEP}th position only (a multi-core
 * job's prefix, used once).
 */
function primeTables(ms: MatchState, end: number, quick: boolean): void {
  const params = ms.params;
  const last = end - 8;
  if (last < 0) return;
  const base = ms.base;
  const view = ms.view;
  const strategy = params.strategy;
  if (strategy <= Strategy.DFast) {
    // A table on minMatch bytes (fast's only table, dfast's short one) and, for dfast, a long
    // table on 8 bytes. fast fills its table as libzstd fills a dictionary's: every third
    // position, the two after it only into empty slots (older positions widen the coverage).
    const mls = params.minMatch >= 5 && params.minMatch <= 7 ? params.minMatch : 4;
    const dfast = strategy === Strategy.DFast;
    if (usesBuckets(params)) {
      // dfast with buckets (dfast_lazy.ts): as its search inserts them.
      insertPositions(ms, 0, last + 1, quick ? QUICK_PRIME_STEP : 1);
      return;
    }
    const table = dfast ? ms.chainTable : ms.hashTable;
    const tableLog = dfast ? params.chainLog : params.hashLog;
    if (quick) {
      for (let p = 0; p <= last; p += QUICK_PRIME_STEP) {
        table[mls === 4 ? hash4(view, p, tableLog) : hashLong(view, p, tableLog, mls)] = p + base;
        if (dfast) ms.hashTable[hashLong(view, p, params.hashLog, 8)] = p + base;
      }
      return;
    }
    for (let p = 0; p <= last; p++) {
      const h = mls === 4 ? hash4(view, p, tableLog) : hashLong(view, p, tableLog, mls);
      if (dfast || p % 3 === 0 || table[h] < base) table[h] = p + base;
      if (dfast) ms.hashTable[hashLong(view, p, params.hashLog, 8)] = p + base;
    }
    return;
  }
  if (strategy >= Strategy.BtLazy2) {
    // The binary trees, sorted, for btlazy2 as for the optimal parsers (as libzstd).
    const mls = params.minMatch < 3 ? 3 : params.minMatch > 6 ? 6 : params.minMatch;
    updateTree(ms, last, end, strategy === Strategy.BtLazy2 && mls === 3 ? 4 : mls);
    return;
  }
  const mls = params.minMatch >= 5 && params.minMatch <= 6 ? params.minMatch : 4;
  if (usesRowFinder(params)) fillRows(ms, last + 1, mls);
  else new HashChain(ms, mls).insertUpTo(last + 1);
}
