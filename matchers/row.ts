/**
 * The row-based match finder (libzstd's `ZSTD_RowFindBestMatch`), used by greedy, lazy and
 * lazy2 for windows above 256 KiB at searchLog 4 and above: levels 7 to 12 (libzstd: above 16
 * KiB, every depth; see `usesRowFinder`). The hash table
 * is cut into rows of 16, 32 or 64 entries (`rowLog` = searchLog bounded to 4..6); a position's
 * hash picks a row and an 8-bit tag. Each row is a ring of its newest positions, and a tag table
 * keeps one tag byte per entry, its first byte of each row holding the ring's head. A search
 * compares the row's tags with ours four at a time (SWAR on int32 words) and tests only the
 * candidates whose tag matches, newest first: against the hash chain it reads a row or two of
 * cache lines instead of following a chain across the whole table.
 *
 * @module
 */

import { countMatch, countRun, type MatchState } from "./match_state.ts";
import type { ChainSearch } from "./hash_chain.ts";
import { type CompressionParameters, Strategy } from "./strategy.ts";

// Bits of the hash kept as the tag.
const TAG_BITS = 8;
// Greedy: after a match this long, only its first and last positions are inserted (libzstd's
// kSkipThreshold, kMaxMatchStartPositionsToUpdate, kMaxMatchEndPositionsToUpdate).
const SKIP_THRESHOLD = 384;
const UPDATE_START_POSITIONS = 96;
const UPDATE_END_POSITIONS = 32;
/**
 * Lazy and lazy2, ours: after a match longer than 16, its first and last 4 positions are
 * inserted, and every second one between. A row keeps its 15 newest positions, and a long match
 * filled its rows with positions whose bytes the input already had (the match's source): half as
 * many keep more of the older entries, which the next matches need. On the low-entropy megabyte
 * (patterns of 64 to 175 bytes repeated) levels 6 to 12 compress 3.5-4.5% smaller and run
 * 1.23-1.30x faster (Bun, A/B); on the other inputs sizes move by at most +0.15% (levels 10-12:
 * JSON, logs) and speed within noise. Greedy keeps libzstd's rule: with ours it lost 0.3-0.7% on
 * that megabyte. The threshold was 64 with edges of 16 until the eighth session of 12-06; as in
 * lazy_rows.ts, 16 and 4 moved level 11's total over the 13 lazy inputs by +0.02% (JSON +0.28%)
 * for 0.97-1.11x in Deno and 1.0-1.09x in Bun (A/B, best rounds).
 */
const SPARSE_THRESHOLD = 16;
const SPARSE_EDGE = 4;
/**
 * Hashes are computed ahead of insertion in batches of this many positions, and computing them
 * reads their rows. libzstd prefetches the row of the position 8 ahead; JS has no prefetch, and
 * a load that misses holds up every instruction after it until it completes, so instead the
 * rows of 8 positions are read back to back, their misses overlapping, and the positions then
 * find their rows in cache. On a 1 MiB input at level 8 (5 MiB of rows) a dependent miss costs
 * 55 to 120 ns on our CI machines, and each search waited for two: batching took 7% off level 8
 * there (interleaved A/B); the rest of the misses' cost remains (see BENCHMARKS.md).
 */
const BATCH = 8;
// Hash cache slots: the batch in use and the next one.
const CACHE_MASK = 2 * BATCH - 1;

/**
 * Whether the finder hashes ahead in batches (lazy2 with a large table: levels 8 to 12 on inputs
 * above 1 MiB) rather than each position as it is inserted (the others). Ours: the batches pay
 * where a search looks at several positions in a row (lazy2 searches ip, ip + 1 and ip + 2, each
 * row read early); where most of the work is inserting the positions of matches, the loop that
 * hashes and inserts each position in turn, with nothing between, lets the processor overlap the
 * rows' misses by itself, and the cache's bookkeeping costs more than it saves. Against batches
 * (A/B, CPU time, median of 9 paired rounds, z000033, four real files, both synthetic logs):
 * level 5 0.94-1.39x in Bun and 1.06-1.59x in Deno, level 6 0.91-1.26x / 0.95-1.29x, level 7
 * 0.90-1.11x / 0.94-1.18x; lazy2 without batches read 0.80-1.03x at levels 9 to 12. Nor do they
 * pay below 2^20 entries (4 MiB of positions, 1 MiB of tags): there the rows mostly hit the
 * caches (level 8 with 2^19 entries, A/B, CPU, median of 9 paired rounds, without batches
 * against with: Bun 1.01-1.16x on z000033, four real files and the low-entropy megabyte,
 * 1.06-1.11x on their first 64 KiB; Deno 0.98-1.12x).
 */
function batchesHashes(params: CompressionParameters): boolean {
  // Both fields read at every call: JavaScriptCore compiles the right side of `&&` as an exit
  // until a call has evaluated it, and level 8 after level 7 (lazy) in one Bun process left
  // prepareRows, inlined into the row loop, at every block (BENCHMARKS.md, "Bun: a shared loop
  // compiled by other levels").
  const large = params.hashLog > 19;
  return params.strategy === Strategy.Lazy2 && large;
}

/** Row size (log2 of entries) for a search depth, as libzstd. */
export function rowLogOf(searchLog: number): number {
  return searchLog < 4 ? 4 : searchLog > 6 ? 6 : searchLog;
}

/**
 * Row hash (tag in the low 8 bits) of the `mls` bytes at `p`; reads 8 bytes. The multipliers
 * are PRIME_LOW and PRIME_HIGH, as literals.
 */
export function rowHash(view: DataView, p: number, shift: number, mls: number): number {
  let hash = Math.imul(view.getInt32(p, true), -1640531535);
  if (mls !== 4) hash ^= Math.imul(view.getInt32(p + 4, true) << ((8 - mls) << 3), -2048144777);
  return hash >>> shift;
}

/** Sets `ms`'s row-finder constants from its parameters (before each block). */
export function prepareRows(ms: MatchState): void {
  const params = ms.params;
  const rowLog = rowLogOf(params.searchLog);
  ms.rowLog = rowLog;
  ms.rowShift = 32 - (params.hashLog - rowLog + TAG_BITS);
  ms.rowAttempts = 1 << (params.searchLog < rowLog ? params.searchLog : rowLog);
  ms.rowBatches = batchesHashes(params);
}

/**
 * Hashes the next batch of positions (from `ms.cacheEnd`, none past `ms.hashLimit`) into the
 * hash cache and reads the start of their tag and position rows.
 */
function hashBatch(ms: MatchState, mls: number): void {
  const rowLog = ms.rowLog;
  const shift = ms.rowShift;
  const cache = ms.hashCache;
  const tags = ms.tagTable;
  const hashTable = ms.hashTable;
  const view = ms.view;
  let p = ms.cacheEnd;
  const stop = Math.min(p + BATCH, ms.hashLimit + 1);
  let touched = ms.touched;
  for (; p < stop; p++) {
    const hash = rowHash(view, p, shift, mls);
    cache[p & CACHE_MASK] = hash;
    const row = (hash >>> TAG_BITS) << rowLog;
    touched = (touched + tags[row] + hashTable[row] + hashTable[row + ((rowLog - 4) << 4)]) | 0;
  }
  ms.touched = touched;
  ms.cacheEnd = stop;
}

/**
 * Restarts the hash cache at position `p`, hashing no position past `limit` (whose 8 bytes must
 * be readable). Called where insertion restarts: a block's start, the end of a skipped stretch.
 */
export function fillHashCache(ms: MatchState, p: number, limit: number, mls: number): void {
  ms.cacheEnd = p;
  ms.hashLimit = limit;
  hashBatch(ms, mls);
  hashBatch(ms, mls);
}

/** Hash of position `p` from the cache, hashing the next batch when `p` enters the last one. */
function cachedHash(ms: MatchState, p: number, mls: number): number {
  if (p + BATCH >= ms.cacheEnd && ms.cacheEnd <= ms.hashLimit) hashBatch(ms, mls);
  return ms.hashCache[p & CACHE_MASK];
}

/**
 * Puts table index `index` with hash `hash` into the row at `row`, in the slot below the head:
 * the head (slot 0 of the tag row) cycles down from rowMask to 1, so the row is a ring whose
 * oldest entry is overwritten.
 */
function insertRow(
  tags: Uint8Array,
  hashTable: Int32Array,
  row: number,
  rowMask: number,
  hash: number,
  index: number,
): void {
  insertBelowHead(tags, hashTable, row, rowMask, tags[row], hash, index);
}

/** {@linkcode insertRow} with the row's head (`tags[row]`) already read. */
function insertBelowHead(
  tags: Uint8Array,
  hashTable: Int32Array,
  row: number,
  rowMask: number,
  head: number,
  hash: number,
  index: number,
): void {
  let slot = (head - 1) & rowMask;
  if (slot === 0) slot = rowMask;
  tags[row] = slot;
  tags[row + slot] = hash;
  hashTable[row + slot] = index;
}

/**
 * Inserts every position from `ms.nextToUpdate` up to `ip`; after a long match, only the first
 * and the last positions of the gap.
 */
function updateRows(ms: MatchState, ip: number, mls: number, rowLog: number): void {
  const rowMask = (1 << rowLog) - 1;
  const hashTable = ms.hashTable;
  const tags = ms.tagTable;
  const base = ms.base;
  let p = ms.nextToUpdate;
  const greedy = ms.params.strategy === Strategy.Greedy;
  const batches = ms.rowBatches;
  const shift = ms.rowShift;
  const view = ms.view;
  const long = ip - p > (greedy ? SKIP_THRESHOLD : SPARSE_THRESHOLD);
  let stop = long ? p + (greedy ? UPDATE_START_POSITIONS : SPARSE_EDGE) : ip;
  for (;;) {
    if (batches) {
      for (; p < stop; p++) {
        const hash = cachedHash(ms, p, mls);
        insertRow(tags, hashTable, (hash >>> TAG_BITS) << rowLog, rowMask, hash, p + base);
      }
    } else {
      for (; p < stop; p++) {
        const hash = rowHash(view, p, shift, mls);
        insertRow(tags, hashTable, (hash >>> TAG_BITS) << rowLog, rowMask, hash, p + base);
      }
    }
    if (stop === ip) break;
    const last = ip - (greedy ? UPDATE_END_POSITIONS : SPARSE_EDGE);
    if (!greedy) {
      for (p++; p < last; p += 2) {
        const hash = rowHash(view, p, shift, mls);
        insertRow(tags, hashTable, (hash >>> TAG_BITS) << rowLog, rowMask, hash, p + base);
      }
    }
    p = last;
    stop = ip;
    if (batches) fillHashCache(ms, p, ms.hashLimit, mls);
  }
  ms.nextToUpdate = ip;
}

/** Inserts every position from `ms.nextToUpdate` up to `end` (hashed directly: no cache). */
export function fillRows(ms: MatchState, end: number, mls: number): void {
  ms.ownTables();
  prepareRows(ms);
  const rowLog = ms.rowLog;
  const rowMask = (1 << rowLog) - 1;
  const shift = ms.rowShift;
  const tags = ms.tagTable;
  for (let p = ms.nextToUpdate; p < end; p++) {
    const hash = rowHash(ms.view, p, shift, mls);
    insertRow(tags, ms.hashTable, (hash >>> TAG_BITS) << rowLog, rowMask, hash, p + ms.base);
  }
  ms.nextToUpdate = end;
}

/**
 * Bit i set for each of the 16 tags of group `group` of the row at `row` equal to the tag in
 * every byte of `splat`; never bit 0 of group 0, slot 0, which holds the head.
 */
function groupMatches(words: Int32Array, row: number, group: number, splat: number): number {
  return tagMatches(words, (row >> 2) + (group << 2), splat) & (group === 0 ? 0xfffe : 0xffff);
}

/**
 * Bit i set for each of the 16 tags at tag-table word `word` (4 words) equal to `tag`
 * (`splat` = tag in every byte).
 */
function tagMatches(words: Int32Array, word: number, splat: number): number {
  return (equalTags(words[word + 3] ^ splat) << 12) | (equalTags(words[word + 2] ^ splat) << 8) |
    (equalTags(words[word + 1] ^ splat) << 4) | equalTags(words[word] ^ splat);
}

/** Bit i (0..3) set where byte i of `x` is zero. */
export function equalTags(x: number): number {
  // High bit of each byte set where the byte of x is non-zero: the low 7 bits plus 0x7f carry
  // into it unless they are all zero (no carry crosses bytes), or the byte's own high bit.
  const nonZero = ((((x & 0x7f7f7f7f) + 0x7f7f7f7f) | 0) | x) & 0x80808080;
  const equal = (~nonZero >>> 7) & 0x01010101;
  // Gathers the four byte flags (bits 0, 8, 16, 24) into bits 28..31, in byte order.
  return Math.imul(equal, 0x10204080) >>> 28;
}

/**
 * Longest match for `src[ip..]` among the row of `ip`'s hash, as `HashChain.search`: not
 * reading at or past `end`, starting at or after `low`, at most `1 << min(searchLog, rowLog)`
 * candidates, longer than `floor` (at least 3, below `end − ip`; 0 when none is). Inserts the
 * positions up to `ip` first (only `ip` while `skipping`), then `ip`.
 */
export function searchRow(
  ms: MatchState,
  ip: number,
  end: number,
  low: number,
  mls: number,
  skipping: boolean,
  floor: number,
  result: ChainSearch,
): number {
  const rowLog = ms.rowLog;
  const rowMask = (1 << rowLog) - 1;
  const view = ms.view;
  let hash: number;
  if (skipping) {
    // Skipping through literals inserts only the searched positions; the cache is not kept.
    hash = rowHash(view, ip, ms.rowShift, mls);
    ms.nextToUpdate = ip;
  } else {
    if (ms.nextToUpdate < ip) updateRows(ms, ip, mls, rowLog);
    hash = ms.rowBatches ? cachedHash(ms, ip, mls) : rowHash(view, ip, ms.rowShift, mls);
  }
  const row = (hash >>> TAG_BITS) << rowLog;
  const hashTable = ms.hashTable;
  const tags = ms.tagTable;
  const words = ms.tagWords;
  const src = ms.src;
  const base = ms.base;
  const lowIndex = low + base;
  const head = tags[row] & rowMask;
  const splat = Math.imul(hash & 0xff, 0x01010101);
  const lastGroup = rowMask >> 4;
  let attempts = ms.rowAttempts;
  let best = floor;
  // Our bytes best-3..best, which a candidate must equal to beat `best`.
  let word = view.getInt32(ip + best - 3, true);

  // Newest first: the ring runs from the head up to the row's end, then from slot 1 to just
  // below the head. In 16-entry groups: the head's group from the head, the groups after it,
  // those before it, and the head's group again below the head.
  const headGroup = head >> 4;
  const headBit = head & 15;
  const headMatches = groupMatches(words, row, headGroup, splat);
  let bits = headMatches & (0xffff << headBit);
  let group = headGroup;
  let step = 0;
  search: for (;;) {
    // The next candidate whose bytes best-3..best equal ours (most do not), in a loop without
    // calls: the count's call outside it lets the engines keep the tables' checks out of it
    // (same bytes; A/B at levels 9 and 10, Bun 1.02-1.09x, Deno 0.98-1.07x).
    let match = -1;
    scan: for (;;) {
      while (bits !== 0) {
        const slot = (group << 4) + 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const index = hashTable[row + slot];
        if (index < lowIndex) break search;
        attempts--;
        if (view.getInt32(index - base + best - 3, true) === word) {
          match = index - base;
          break scan;
        }
        if (attempts === 0) break search;
      }
      step++;
      if (step > lastGroup) {
        if (step > lastGroup + 1) break search;
        group = headGroup;
        bits = headMatches & ((1 << headBit) - 1);
      } else {
        group = (headGroup + step) & lastGroup;
        bits = groupMatches(words, row, group, splat);
      }
    }
    // Past every known run (most candidates), the plain count: no run bookkeeping.
    const length = ip <= ms.runReach
      ? countRun(ms, view, src, ip, ip - match, end)
      : countMatch(view, src, ip, match, end);
    if (length > best) {
      best = length;
      result.offBase = ip - match + 3;
      if (ip + length === end) break;
      word = view.getInt32(ip + best - 3, true);
    }
    if (attempts === 0) break;
  }

  // Insert ip now (the next search starts after it).
  insertBelowHead(tags, hashTable, row, rowMask, head, hash, ip + base);
  ms.nextToUpdate = ip + 1;
  return best > floor ? best : 0;
}
