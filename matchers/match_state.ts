/**
 * What every match finder shares: the match state (hash tables and window bounds), the block
 * compressor signature, hashing of 4 to 8 bytes, and forward match counting.
 *
 * Positions in the tables are absolute: `index = position in src + base`. The tables come from a
 * {@linkcode MatchWorkspace} (workspace.ts): a one-shot compression starts `base` above
 * everything already in them, so stale entries fall below the window and are rejected by the
 * ordinary bounds test (tables are reused without clearing); a stream's start zeroed.
 *
 * @module
 */

import { type CompressionParameters, Strategy } from "./strategy.ts";
import type { SeqStore } from "../encoder/seq_store.ts";
import type { OptState } from "./opt.ts";
import type { ChainSearch, HashChain } from "./hash_chain.ts";
import { getIndexLimit, type MatchWorkspace } from "./workspace.ts";

/**
 * A block compressor: finds the sequences of `src[start, end)` into `seqs`, using and updating
 * the repeat offsets `rep` (rep[0], rep[1]; 0 marks an offset that is not usable). Bytes of `src`
 * before `start` are history. Returns the number of trailing literals (from `end - n` to `end`),
 * which the caller appends.
 */
export type BlockCompressor = (
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
) => number;

/** Match-finder state of one compression. */
export class MatchState {
  /** Parameters in force. */
  params: CompressionParameters;
  /** Main hash table (`1 << hashLog` entries). */
  hashTable: Int32Array;
  /** Second table: dfast's short hash, the hash chains of lazy strategies (`1 << chainLog`). */
  chainTable: Int32Array;
  /** Row finder's tags, one byte per hash-table entry (empty when the finder is not used). */
  tagTable: Uint8Array;
  /** The same bytes as int32 words, for comparing four tags at once. */
  tagWords: Int32Array;
  /** Table index of src[0]. */
  base = 0;
  /** View on src for word reads. */
  view: DataView;
  /** Source of this compression. */
  src: Uint8Array;
  /** First position not yet inserted in the tables (lazy strategies). */
  nextToUpdate = 0;
  /**
   * Set while a row loop (lazy_rows.ts, lazy_rows32.ts) holds this state's row tables in its
   * module arrays: hands them back into `hashTable` and `tagWords` (see
   * {@linkcode MatchState.ownTables}).
   */
  lendsTables: ((ms: MatchState) => void) | null = null;
  /** Row finder: hashes of the positions from nextToUpdate to cacheEnd (see row.ts). */
  hashCache: Int32Array;
  /** Row finder: log2 of a row's entries (set by row.ts's `prepareRows`). */
  rowLog = 0;
  /** Row finder: the right shift of a hash to its row and tag bits. */
  rowShift = 0;
  /** Row finder: candidates a search tests at most. */
  rowAttempts = 0;
  /** Row finder: whether it hashes ahead in batches. */
  rowBatches = false;
  /** Row finder: first position not in the hash cache. */
  cacheEnd = 0;
  /** Row finder: last position the hash cache may hash (8 bytes readable). */
  hashLimit = 0;
  /** Sink of the row finder's early reads (see row.ts); never read. */
  touched = 0;
  /**
   * The last long match counted (see {@linkcode countRun}): `src[p] === src[p − runOffset]` for
   * every p in [runStart, runEnd), and runEnd is where that ends: a mismatch, or `runLimit`, the
   * end of the block it was counted in. runOffset 0: nothing known.
   */
  runOffset = 0;
  /** First position of the known run. */
  runStart = 0;
  /** End of the known run. */
  runEnd = 0;
  /** The `end` the run was counted against: when runEnd is that, the run may go on past it. */
  runLimit = 0;
  /** The last position the run may answer for: runEnd, or 2^31 − 1 while it may go on; −1: none. */
  runReach = -1;
  /** The hash-chain finder over these tables (hash_chain.ts); null until a lazy strategy uses it. */
  chain: HashChain | null = null;
  /** The optimal parsers' statistics and tables (opt.ts); null for other strategies. */
  opt: OptState | null = null;
  /** The working memory the tables and scratch come from. */
  readonly workspace: MatchWorkspace;
  /** Slots of {@linkcode repeatsAtStart}: usable rep1, rep2, then the offsets set aside. */
  readonly repeats: Int32Array;
  /** The lazy finders' search result besides the length (the workspace's). */
  readonly found: ChainSearch;

  /**
   * The tables come from `workspace`: a one-shot workspace's are shared between compressions
   * (entries of earlier calls lie below `base`), a stream's are zeroed and its own.
   */
  constructor(params: CompressionParameters, src: Uint8Array, workspace: MatchWorkspace) {
    this.params = params;
    this.src = src;
    this.view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    this.workspace = workspace;
    workspace.user = this;
    const hashSize = 1 << params.hashLog;
    const row = usesRowFinder(params);
    const chainSize = params.strategy === Strategy.Fast || row ? 0 : 1 << params.chainLog;
    const tagWords = row ? hashSize >> 2 : 0;
    // A fresh typed array costs microseconds in Deno: the workspace's serve every compression.
    this.hashCache = workspace.hashCache;
    this.repeats = workspace.repeats;
    this.found = workspace.found;
    if (workspace.forStream) {
      this.base = 1;
      this.hashTable = workspace.hashTable(hashSize);
      this.chainTable = workspace.chainTable(chainSize);
      this.tagWords = workspace.tagWords(tagWords);
      this.tagTable = new Uint8Array(this.tagWords.buffer);
      return;
    }
    // Every table entry from earlier compressions is below this base, hence outside the window.
    // (Tags need no clearing: a stale tag leads to a stale position, which is below the window.)
    this.base = workspace.takeBase(src.length);
    this.tagWords = workspace.tagWords(tagWords);
    this.tagTable = new Uint8Array(this.tagWords.buffer);
    this.hashTable = workspace.hashTable(hashSize);
    this.chainTable = workspace.chainTable(chainSize);
  }

  /**
   * Makes `hashTable` and `tagWords` hold this state's rows: before anything but the row loops
   * (lazy_rows.ts, lazy_rows32.ts) reads or writes them, since a row loop may hold them in its
   * module arrays.
   */
  ownTables(): void {
    if (this.lendsTables !== null) this.lendsTables(this);
  }

  /**
   * Replaces the tables' contents with tables primed for history at the start of `src` (see
   * prime.ts), whose indices were made with table index `base` for src[0].
   */
  adoptTables(hashTable: Int32Array, chainTable: Int32Array, tagWords: Int32Array, base: number) {
    this.ownTables();
    this.hashTable.set(hashTable);
    this.chainTable.set(chainTable);
    this.tagWords.set(tagWords);
    // Every entry the search can reach was replaced, so the base may go back; later one-shot
    // compressions must still start above everything written here.
    if (this.base !== base) this.workspace.reserveUpTo(base, this.src.length);
    this.base = base;
  }

  /**
   * Makes every table entry written so far fall outside the window, as if the first `length`
   * bytes of `src` had never been seen (btultra2's first pass).
   */
  forgetHistory(length: number): void {
    this.ownTables();
    this.base += length;
    this.forgetRun();
    this.workspace.reserveUpTo(this.base, this.src.length);
  }

  /**
   * A stream moved or regrew its buffer: `src` is the new buffer, and the byte formerly at
   * position `p` is now at `p - shift`. Table indices stay valid by moving `base` up; when it
   * nears the int32 limit, every index is lowered (`#lowerIndices`).
   */
  moveSource(src: Uint8Array, shift: number): void {
    this.src = src;
    this.view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    this.base += shift;
    this.nextToUpdate = Math.max(0, this.nextToUpdate - shift);
    this.forgetRun();
    if (this.base + src.length >= getIndexLimit()) this.#lowerIndices();
  }

  /** Forgets the known run (see countRun): the source moved, or a block is not after it. */
  forgetRun(): void {
    this.runOffset = 0;
    this.runReach = -1;
  }

  /**
   * Lowers `base` and every index in the tables by the same amount, as libzstd's overflow
   * correction: the search sees the same candidates. Hash chains and binary trees place an
   * index at `index mod their size`, so the amount is a multiple of that size. Indices that
   * fall below 1 were outside the window: they become 0, an empty entry (which keeps them off
   * btlazy2's −1 mark, and the mark stays). When no multiple keeps the indices in int32 (a chain
   * table of 2^30 entries), the tables are emptied instead.
   */
  #lowerIndices(): void {
    this.ownTables();
    const params = this.params;
    const strategy = params.strategy;
    const byIndex = strategy >= Strategy.Greedy && !usesRowFinder(params);
    // `1 <<`, not `2 **`: a double here would make `base` one, and JavaScriptCore's optimized
    // code exits on doubles at every use of a position.
    const cycle = byIndex ? 1 << params.chainLog : 1;
    let base = this.base & (cycle - 1);
    if (base < 1) base += cycle;
    const tables = [this.hashTable, this.chainTable];
    if (this.opt !== null) tables.push(this.opt.matches.hash3);
    if (base + this.src.length > 0x7fffffff) {
      for (const table of tables) table.fill(0);
      this.base = 1;
      return;
    }
    const correction = this.base - base;
    const keepMarks = strategy === Strategy.BtLazy2;
    for (const table of tables) {
      for (let i = 0; i < table.length; i++) {
        const index = table[i];
        if (keepMarks && index === -1) continue;
        table[i] = index - correction >= 1 ? index - correction : 0;
      }
    }
    this.base = base;
  }
}

/**
 * Whether greedy, lazy and lazy2 use the row finder rather than the hash chain: for windows above
 * 256 KiB. libzstd (with SIMD) uses it above 16 KiB. Ours: for windows of 32 to 128 KiB (inputs
 * of 16 to 128 KiB at levels 7 to 10) the chain writes libzstd's sizes, where the row finder's
 * smaller tables wrote 0.6-1.9% more, and runs 1.0-1.9x faster in both runtimes (slices of 32,
 * 64 and 128 KiB of six real inputs; docs/perf/2026-12-06-small-inputs.md). Since the chain
 * inserts ahead of its searches, the same holds at 256 KiB (inputs of 128 to 256 KiB, levels 7
 * to 10): the row finder wrote 1.0-1.3% more than libzstd on prose and x86 code, the chain
 * 0.998-1.000, and it ran 0.97-1.36x the row finder's speed in Deno and 0.92-1.26x in Bun
 * (docs/perf/2026-12-06-chain-ahead.md). At 512 KiB and 1 MiB the chain is still smaller
 * (0.998 against 1.010) but runs 0.7-0.9x at levels 7 and 8 (searchLog 4). At searchLog 3 (a
 * level's parameters have none above 256 KiB windows; level 6 up to 1 MiB had, until its rows of
 * 16 with a quarter of libzstd's table, see MID_LEVELS_5_6 in encoder/params.ts) the chain stays
 * at every window. Levels 5 and 6 at 256 KiB windows, with 2^17 row entries against the chain's
 * 2^17 heads (encoder/params.ts), inputs in turn (nineteenth session of 12-07): level 5 on rows of
 * 32 1.04x in Deno but 0.93x in Bun and slower on x86 code in both; level 6 on rows of 16 1.06x in
 * Deno but 0.85x in Bun (0.4% smaller). Both keep the chain. Levels 8 to 10 from 256 KiB to
 * 1 MiB take the chain with 2^18 heads and links, a quarter or half of the input's power of two
 * (`hashChain`, MID_CHAIN_LOG in encoder/params.ts: 1.0-1.4x the rows' speed).
 */
export function usesRowFinder(params: CompressionParameters): boolean {
  return lazyWithLargeWindow(params) && params.searchLog > 3 && params.hashChain !== true;
}

/**
 * Greedy, lazy or lazy2 with a window above 256 KiB: the row finder's, but at searchLog 3 the hash
 * chain's (see usesRowFinder); the reach probe's too (matchers/reach.ts).
 */
export function lazyWithLargeWindow(params: CompressionParameters): boolean {
  return params.strategy >= Strategy.Greedy && params.strategy <= Strategy.Lazy2 &&
    params.windowLog > 18;
}

/** Lowest position a match may start at when compressing up to `end` with window `windowLog`. */
export function windowLow(windowLog: number, end: number): number {
  // Positions stay below 2^31, so a 2 GiB window reaches back to 0 (and `1 << 31` is negative).
  if (windowLog > 30) return 0;
  const low = end - (1 << windowLog);
  return low > 0 ? low : 0;
}

/**
 * Number of equal bytes at the start of two little-endian words whose XOR is `diff` (not 0):
 * the lowest set bit's byte, without branches (the mismatch byte is unpredictable). The lowest
 * bit is `diff & (~diff + 1)`, not `diff & -diff`: negating −2^31 leaves int32, and the engines
 * then deoptimize the whole caller; `| 0` lets them add without an overflow check.
 */
export function equalLowBytes(diff: number): number {
  return (31 - Math.clz32(diff & ((~diff + 1) | 0))) >>> 3;
}

/**
 * Length of the common prefix of `src[a..]` and `src[b..]` (b < a), not reading at or past
 * `end`. Compares four bytes at a time.
 */
export function countMatch(
  view: DataView,
  src: Uint8Array,
  a: number,
  b: number,
  end: number,
): number {
  const start = a;
  const end4 = end - 3;
  while (a < end4) {
    const diff = view.getInt32(a, true) ^ view.getInt32(b, true);
    if (diff !== 0) return a - start + equalLowBytes(diff);
    a += 4;
    b += 4;
  }
  while (a < end && src[a] === src[b]) {
    a++;
    b++;
  }
  return a - start;
}

// Matches at least this long are remembered by countRun.
const RUN_MIN = 32;

/**
 * Length of the match at `p` with offset `offset` (`src[p..]` against `src[p − offset..]`), not
 * reading at or past `end`, which must be the same for every call in a block: as countMatch, but
 * a match inside the last long one counted, with the same offset or a multiple of it, is known
 * without comparing again. The lazy strategies look for matches at ip, ip + 1 and ip + 2 and
 * check the repeat offset at each, so in repetitive input the same run was counted up to six
 * times, to the block's end. The finders ask only at or before `ms.runReach`.
 */
export function countRun(
  ms: MatchState,
  view: DataView,
  src: Uint8Array,
  p: number,
  offset: number,
  end: number,
): number {
  // Most questions come after every known run: one load and one test.
  if (p <= ms.runReach) {
    const known = knownRun(ms, view, src, p, offset, end);
    if (known >= 0) return known;
  }
  const length = countMatch(view, src, p, p - offset, end);
  if (length >= RUN_MIN) recordRun(ms, p, offset, length, end);
  return length;
}

/** The match at `p` with `offset` as far as the known run tells it (−1: it does not). */
function knownRun(
  ms: MatchState,
  view: DataView,
  src: Uint8Array,
  p: number,
  offset: number,
  end: number,
): number {
  const period = ms.runOffset;
  const start = ms.runStart;
  // Inside a run of period P, every multiple kP of it matches too from (k − 1)P past its
  // start: src[x] = src[x − P] = … = src[x − kP] while each step stays in the run.
  if (offset !== period && (p - offset + period < start || offset % period !== 0)) return -1;
  let runEnd = ms.runEnd;
  if (runEnd === ms.runLimit && runEnd < end) {
    // The run reached an earlier block's end: carry it on to this one's.
    runEnd += countMatchLong(view, src, runEnd, runEnd - period, end);
    ms.runEnd = runEnd;
    ms.runLimit = end;
    if (runEnd < end) ms.runReach = runEnd;
  }
  if (p > runEnd) return -1;
  if (offset !== period) {
    return runEnd === end
      ? end - p
      : runEnd - p + countMatchLong(view, src, runEnd, runEnd - offset, end);
  }
  if (p >= start) return runEnd - p;
  const n = countMatch(view, src, p, p - offset, start);
  if (n < start - p) return n;
  ms.runStart = p;
  return runEnd - p;
}

/** Remembers the match of `length` at `p` with `offset`, counted up to `end`, as the run. */
function recordRun(ms: MatchState, p: number, offset: number, length: number, end: number): void {
  const period = ms.runOffset;
  // A run of a shorter period that covers p answers more offsets than this one: keep it.
  if (p <= ms.runEnd && period !== 0 && offset % period === 0) return;
  ms.runOffset = offset;
  ms.runStart = p;
  ms.runEnd = p + length;
  ms.runLimit = end;
  // A run that reached `end` may go on into later blocks.
  ms.runReach = p + length < end ? p + length : 0x7fffffff;
}

/**
 * As {@linkcode countMatch}, eight bytes an iteration: for the binary trees' insertions (and
 * btlazy2's walks), which on repetitive input compare hundreds of bytes a candidate (V8 +30% on
 * such input at level 16). Not countMatch itself: the larger loop slows the short matches of the
 * other finders, and the optimal parsers' searches, under JavaScriptCore (−3 to −7%).
 */
export function countMatchLong(
  view: DataView,
  src: Uint8Array,
  a: number,
  b: number,
  end: number,
): number {
  const start = a;
  const end8 = end - 7;
  while (a < end8) {
    const low = view.getInt32(a, true) ^ view.getInt32(b, true);
    if (low !== 0) return a - start + equalLowBytes(low);
    const high = view.getInt32(a + 4, true) ^ view.getInt32(b + 4, true);
    if (high !== 0) return a - start + 4 + equalLowBytes(high);
    a += 8;
    b += 8;
  }
  return a - start + countMatch(view, src, a, b, end);
}

/**
 * Multiplier of the hashes' first word. Hot code spells it as a literal (−1640531535): V8 reloads
 * a module binding and converts it to an integer at every use, in every iteration (2–5% of levels
 * 1 to 13), and a local copy holds a register that an immediate does not (4% of level 3).
 */
export const PRIME_LOW: number = 0x9e3779b1 | 0;
/** Multiplier of the hashes' second word (as a literal: −2048144777). */
export const PRIME_HIGH: number = 0x85ebca77 | 0;

/** Hash of the 4 bytes at `p` to `hashLog` bits. */
export function hash4(view: DataView, p: number, hashLog: number): number {
  return Math.imul(view.getInt32(p, true), -1640531535) >>> (32 - hashLog);
}

/**
 * Hash of the `mls` bytes at `p` (5 to 8) to `hashLog` bits: the first four bytes and the next
 * `mls - 4`, each multiplied by its own odd constant. Reads 8 bytes: callers stay 8 bytes before
 * the end of src.
 */
export function hashLong(view: DataView, p: number, hashLog: number, mls: number): number {
  const high = view.getInt32(p + 4, true) << ((8 - mls) << 3);
  return (Math.imul(view.getInt32(p, true), -1640531535) ^ Math.imul(high, -2048144777)) >>>
    (32 - hashLog);
}

/**
 * libzstd's rule for the repeat offsets at a block's start: an offset reaching further back than
 * `maxRep` is unusable in the block (0 in `repeats[0..1]`) and set aside (`repeats[2..3]`);
 * `repeats` is the match state's.
 */
export function repeatsAtStart(repeats: Int32Array, rep: Int32Array, maxRep: number): void {
  const rep1 = rep[0];
  const rep2 = rep[1];
  const aside1 = rep1 > maxRep;
  const aside2 = rep2 > maxRep;
  repeats[0] = aside1 ? 0 : rep1;
  repeats[1] = aside2 ? 0 : rep2;
  repeats[2] = aside1 ? rep1 : 0;
  repeats[3] = aside2 ? rep2 : 0;
}

/**
 * A block compressor's last step: saves the offsets its parse ended with (`rep1`, `rep2`) for the
 * next block, with those repeatsAtStart set aside in `ms.repeats` (see repeatsAtEnd), and returns
 * the number of literals left after `anchor`. The parses hand these over in module variables, and
 * their block compressors call this (see lazyLoop in lazy.ts).
 */
export function finishBlock(
  ms: MatchState,
  rep: Int32Array,
  rep1: number,
  rep2: number,
  anchor: number,
  end: number,
): number {
  const repeats = ms.repeats;
  repeatsAtEnd(rep, rep1, rep2, repeats[2], repeats[3]);
  return end - anchor;
}

/** Saves the offsets for the next block, restoring those set aside that nothing replaced. */
export function repeatsAtEnd(
  rep: Int32Array,
  rep1: number,
  rep2: number,
  saved1: number,
  saved2: number,
): void {
  if (saved1 !== 0 && rep1 !== 0) saved2 = saved1;
  rep[0] = rep1 !== 0 ? rep1 : saved1;
  rep[1] = rep2 !== 0 ? rep2 : saved2;
}
