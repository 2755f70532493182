/**
 * The hash-chain match finder shared by the greedy, lazy and lazy2 strategies (libzstd's
 * `ZSTD_HcFindBestMatch`), as one typed-array class: `hashTable` holds the newest position of
 * each hash, `chainTable` links every position to the previous one with the same hash. The
 * search walks the chain and compares as it walks, with no candidate list: at most
 * `1 << searchLog` candidates, each first tested on the four bytes that end where the best match
 * so far ends (a candidate that differs there cannot be longer), and the walk stops at the
 * window's edge, at the end of input, or (above 16 KiB) after three candidates in a row fail
 * before any passes (MISS_LIMIT).
 *
 * Positions are inserted ahead of the searches, in segments hashed in a loop of their own, and a
 * search starts from its own position's link: it hashes nothing (see {@linkcode HashChain.search}).
 * Matches are counted through {@linkcode countRun}, so a long match found at ip is not counted
 * again at ip + 1 and ip + 2 by the lazy lookahead.
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

// Positions inserted ahead of a search at most (see search()).
const SEGMENT = 256;
/**
 * Candidates a lookahead search walks at most (ours; libzstd walks `1 << searchLog` for every
 * search). A match at ip + 1 or ip + 2 must beat the one in hand by libzstd's gain rule, and the
 * deeper candidates are the older ones, whose offsets cost more. Where searchLog is 5 or more
 * (levels 7 to 10 up to 16 KiB, 9 and 10 up to 256 KiB): 16 KiB of JSON 1.25-1.63x at levels 7
 * to 10, 64 KiB to 200 KB of real files 1.1-1.6x at levels 9 and 10, in both runtimes; +0.07% to
 * +0.24% of total size over decodecorpus's files and slices of real files up to 200 KB (all
 * within +0.36% of libzstd's total; docs/perf/2026-12-06-chain-ahead.md).
 */
const LOOKAHEAD_ATTEMPTS = 16;
/**
 * Candidates in a row that may fail before a walk finds one that beats its floor (ours; libzstd
 * walks on). A candidate fails when its bytes differ where the floor ends: a position of another
 * string that shares the hash (the chain has no tags to tell them apart, as the rows do), or, in
 * a lookahead search, a match too short to replace the one in hand. After three such in a row the
 * older candidates seldom do better; once one passes, the walk goes on to its `1 << searchLog`.
 * Twentieth session of 12-07 (docs/perf/2026-12-07-chain-misses.md), levels 5 to 10 on 200 KB
 * slices of six real inputs, A/B in CPU time, medians: Deno levels 7 to 10 1.06-1.20x, 5 and 6
 * 1.0-1.07x; Bun alike. Sizes against Bun's libzstd (decodecorpus's files up to 256 KiB and 16 to
 * 250 KB slices): level 6 0.9984 -> 0.9996, 8 0.9974 -> 0.9996, 10 1.0009 -> 1.0023. Two: 0.1%
 * more for the same speed. Not up to 16 KiB (windowLog 14), where 16 KiB slices at levels 7 and 8
 * already write 1.005 of libzstd's total and would write 1.0065.
 */
const MISS_LIMIT = 3;
/**
 * From this searchLog on, walks have no miss limit: the deep chains of levels 9 and 10 up to
 * 16 KiB and of levels 11 and 12 from 16 to 128 KiB (encoder/params.ts, TABLES),
 * which stand in for libzstd's binary trees. With the limit, levels 11 and 12 wrote 0.15% more
 * there (1.0031 and 1.0043 of libzstd's total over slices of real files, against 1.0016 and
 * 1.0026), at 1.1x the speed.
 */
const DEEP_SEARCH_LOG = 9;

/**
 * Inserts positions `from` to `stop` (exclusive) into `chainTable` and `hashTable`, hashing `mls`
 * bytes (4 to 6): HashChain.search's insertion ahead and insertUpTo. Each loop is the last
 * statement of its function (insert4, insert5, insert6): written out in search, V8 compiled a long
 * insertion on stack (OSR) and left that code at `low + base` below the loop, which had no type
 * feedback yet, at every long insertion (`--trace-deopt`: 201-360 times in 40 calls of 20 and
 * 200 KB at levels 8 to 10), keeping the code. The loops take numbers and typed arrays only (an
 * earlier insertUpTo() that read the match state's fields had run 10 KiB of random bytes at level
 * 9 at 0.84-0.86x of the loop written out).
 */
function insertPositions(
  view: DataView,
  chainTable: Int32Array,
  hashTable: Int32Array,
  from: number,
  stop: number,
  base: number,
  chainMask: number,
  hashLog: number,
  mls: number,
): void {
  if (from >= stop) return;
  if (mls === 4) insert4(view, chainTable, hashTable, from, stop, base, chainMask, hashLog);
  else if (mls === 5) insert5(view, chainTable, hashTable, from, stop, base, chainMask, hashLog);
  else insert6(view, chainTable, hashTable, from, stop, base, chainMask, hashLog);
}

/** insertPositions hashing 4 bytes. */
function insert4(
  view: DataView,
  chainTable: Int32Array,
  hashTable: Int32Array,
  from: number,
  stop: number,
  base: number,
  chainMask: number,
  hashLog: number,
): void {
  const shift = 32 - hashLog;
  for (let p = from; p < stop; p++) {
    const h = Math.imul(view.getInt32(p, true), -1640531535) >>> shift;
    chainTable[(p + base) & chainMask] = hashTable[h];
    hashTable[h] = p + base;
  }
}

/**
 * insertPositions hashing 5 bytes: hashAt's hash, with one read per position. The word at p + 1
 * holds byte p + 4 in its top byte and is the next position's first word. Ours: with hashAt in
 * the loop (two reads, the shift by mls) V8 ran 200 KB of x86 code's insertion in 0.87 ms, this
 * loop in 0.30 ms (Bun 0.39 and 0.27 ms; tables of 2^17, twenty-third session of 12-08).
 */
function insert5(
  view: DataView,
  chainTable: Int32Array,
  hashTable: Int32Array,
  from: number,
  stop: number,
  base: number,
  chainMask: number,
  hashLog: number,
): void {
  const shift = 32 - hashLog;
  let word = view.getInt32(from, true);
  for (let p = from; p < stop; p++) {
    const next = view.getInt32(p + 1, true);
    const h = (Math.imul(word, -1640531535) ^ Math.imul(next & -16777216, -2048144777)) >>> shift;
    chainTable[(p + base) & chainMask] = hashTable[h];
    hashTable[h] = p + base;
    word = next;
  }
}

/**
 * insertPositions hashing 6 bytes (no level's parameters: an explicit minMatch of 6): hashAt's
 * hash, the word at p + 2 holding bytes p + 4 and p + 5 in its top half.
 */
function insert6(
  view: DataView,
  chainTable: Int32Array,
  hashTable: Int32Array,
  from: number,
  stop: number,
  base: number,
  chainMask: number,
  hashLog: number,
): void {
  const shift = 32 - hashLog;
  for (let p = from; p < stop; p++) {
    const h = (Math.imul(view.getInt32(p, true), -1640531535) ^
      Math.imul(view.getInt32(p + 2, true) & -65536, -2048144777)) >>> shift;
    chainTable[(p + base) & chainMask] = hashTable[h];
    hashTable[h] = p + base;
  }
}

/** The hash chain of one match state (see the module's description). */
export class HashChain {
  /** Offset value (offset + 3) of the last search's match. */
  offBase = 0;
  // The match state's tables and source, as of the last bind().
  hashTable!: Int32Array;
  chainTable!: Int32Array;
  view!: DataView;
  src!: Uint8Array;
  base = 0;
  hashLog: number;
  chainLog: number;
  searchLog: number;
  /** MISS_LIMIT above 16 KiB (windowLog 15 and more) below DEEP_SEARCH_LOG, else 0: no limit. */
  missLimit: number;

  /** A finder over `ms`'s tables, hashing `mls` bytes (4 to 6). */
  constructor(readonly ms: MatchState, readonly mls: number) {
    const params = ms.params;
    this.hashLog = params.hashLog;
    this.chainLog = params.chainLog;
    this.searchLog = params.searchLog;
    this.missLimit = params.windowLog > 14 && params.searchLog < DEEP_SEARCH_LOG ? MISS_LIMIT : 0;
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

  /** Inserts every position from `ms.nextToUpdate` up to `end` (whose 8 bytes are readable). */
  insertUpTo(end: number): void {
    const ms = this.ms;
    const chainMask = (1 << this.chainLog) - 1;
    insertPositions(
      this.view,
      this.chainTable,
      this.hashTable,
      ms.nextToUpdate,
      end,
      this.base,
      chainMask,
      this.hashLog,
      this.mls,
    );
    ms.nextToUpdate = end;
  }

  /**
   * Longest match for `src[ip..]` among the chain of `ip`'s hash, not reading at or past `end`,
   * with matches starting at or after `low`, longer than `floor` (at least 3, below `end − ip`:
   * the lazy lookahead asks only for matches that could replace the one in hand). Returns its
   * length (0 if none) and sets {@linkcode offBase}. `ip` is at most `end − 8`.
   *
   * Ours: positions are inserted ahead of the search, in segments of up to 256 (a tight loop of
   * their own, each position hashed once), and the search starts from `ip`'s own chain link, the
   * newest earlier position with its hash: what libzstd's `hashTable[hash(ip)]` holds once the
   * positions before ip are inserted. The chains are libzstd's, so are the matches: the 1 to
   * 128 KiB slices of real files, logs, z000033 and random bytes at levels 4 to 10 came out the
   * same in total (97% of them byte for byte; the others differ where a segment reached into a
   * run of literals that is then skipped). A search no longer hashes its position, tests whether
   * the last search hashed it, or starts an insertion loop: levels 4 to 10 up to 128 KiB ran
   * 1.10-1.35x faster in Deno and 1.02-1.15x in Bun (A/B, docs/perf/2026-12-06-chain-ahead.md).
   * While `skipping`, only the searched positions are inserted, as libzstd's lazy skipping. A
   * `lookahead` search (at ip + 1 or ip + 2) walks at most LOOKAHEAD_ATTEMPTS candidates. Above
   * 16 KiB a walk ends after MISS_LIMIT candidates in a row fail before one beats `floor`.
   */
  search(
    ip: number,
    end: number,
    low: number,
    skipping: boolean,
    floor: number,
    lookahead: boolean,
  ): number {
    const chainSize = 1 << this.chainLog;
    const chainMask = chainSize - 1;
    const chainTable = this.chainTable;
    const base = this.base;
    const view = this.view;
    const ms = this.ms;
    let inserted = ms.nextToUpdate;
    if (ip >= inserted) {
      if (skipping) {
        // Skipping through literals: only the searched positions.
        const h = hashAt(view, ip, this.hashLog, this.mls);
        chainTable[(ip + base) & chainMask] = this.hashTable[h];
        this.hashTable[h] = ip + base;
        inserted = ip + 1;
        ms.nextToUpdate = inserted;
      } else {
        // A segment is at most a quarter of the chain table: the links below ip stay unwritten.
        let stop = ip + (SEGMENT < chainSize >> 2 ? SEGMENT : chainSize >> 2);
        if (stop > end - 7) stop = end - 7;
        insertPositions(
          view,
          chainTable,
          this.hashTable,
          inserted,
          stop,
          base,
          chainMask,
          this.hashLog,
          this.mls,
        );
        ms.nextToUpdate = inserted = stop;
      }
    }
    const src = this.src;
    const lowIndex = low + base;
    // Links of positions older than the chain table's span before the newest inserted one have
    // been overwritten.
    const top = inserted + base;
    const minChain = top > chainSize ? top - chainSize : 0;
    let attempts = 1 << this.searchLog;
    if (lookahead && attempts > LOOKAHEAD_ATTEMPTS) attempts = LOOKAHEAD_ATTEMPTS;
    let best = floor;
    // Our bytes best-3..best, which a candidate must equal to beat `best`.
    let word = view.getInt32(ip + best - 3, true);
    let index = chainTable[(ip + base) & chainMask];
    const missLimit = this.missLimit;
    for (;;) {
      // The next candidate that passes, in a loop without calls (as the row finder's scan): same
      // bytes; A/B in Deno at 64 KiB, levels 7 and 9, 1.02-1.16x, even at 4 KiB and 256 KiB-1 MiB
      // and in Bun (0.95-1.06x).
      let match = -1;
      // Candidates failed in a row (see MISS_LIMIT): counted until one beats the floor.
      let misses = 0;
      while (index >= lowIndex && attempts > 0) {
        const candidate = index - base;
        const passes = view.getInt32(candidate + best - 3, true) === word;
        if (index <= minChain) {
          index = -1;
        } else {
          index = chainTable[index & chainMask];
          attempts--;
        }
        if (passes) {
          match = candidate;
          break;
        }
        if (++misses === missLimit && best === floor) break;
      }
      if (match < 0) break;
      // Past every known run (most candidates), the plain count: no run bookkeeping.
      const length = ip <= ms.runReach
        ? countRun(ms, view, src, ip, ip - match, end)
        : countMatch(view, src, ip, match, end);
      if (length > best) {
        best = length;
        this.offBase = ip - match + 3;
        if (ip + length === end) break;
        word = view.getInt32(ip + best - 3, true);
      }
    }
    return best > floor ? best : 0;
  }
}
