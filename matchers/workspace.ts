/**
 * The match finders' part of a compression's working memory: the hash, chain and tag tables, the
 * row finder's hash cache, the optimal parsers' state, the binary trees' carried match lengths,
 * the repeat-offset slots and the lazy finders' search result. One {@linkcode MatchWorkspace} serves one compression at a time;
 * the encoder's `Workspace` (encoder/workspace.ts) holds one, and decides who owns it (one-shot
 * calls share a cached one, each stream owns one). It lives here, not in encoder/, because the
 * matchers use it and must not import the encoder.
 *
 * Two ways of using the tables, set at construction:
 * - one-shot (`forStream` false): tables are reused without clearing. Every compression takes
 *   its table indices above everything already in them ({@linkcode MatchWorkspace.takeBase}),
 *   so stale entries fall below the window; the tables are cleared only when the indices would
 *   leave int32 range.
 * - stream (`forStream` true): tables are zeroed when a stream takes them, and indices start at
 *   1; the stream moves them itself (MatchState.moveSource).
 *
 * Memory: a table up to {@linkcode KEEP_ENTRIES} entries is kept for the next compression; a
 * larger one only by a WeakRef, so that an idle workspace does not pin multi-megabyte tables
 * (the garbage collector may reclaim them, and the next compression then allocates afresh).
 *
 * Module-level state that stays: `indexLimit`, a test hook (see {@linkcode setIndexLimit}).
 *
 * @module
 */

import { ChainSearch } from "./hash_chain.ts";
import type { OptState } from "./opt.ts";

// Largest index before the tables are cleared: keeps `index + window` inside int32.
let indexLimit = 1 << 30;

/**
 * Sets the index limit, returning the previous one. For tests only: a small limit makes short
 * streams go through the correction of `MatchState.moveSource`.
 */
export function setIndexLimit(limit: number): number {
  const previous = indexLimit;
  indexLimit = limit;
  return previous;
}

/** The index limit in force (see {@linkcode setIndexLimit}). */
export function getIndexLimit(): number {
  return indexLimit;
}

/** Tables up to this many entries are kept between compressions; larger ones only weakly. */
export const KEEP_ENTRIES = 1 << 20;

/** The reach probe's entries stay below this (position + base; reach.ts). */
const PROBE_INDEX_LIMIT = 1 << 30;

/** Row finder hash cache: two batches of 8 positions (row.ts). */
export const HASH_CACHE_SIZE = 16;

/** Carried match lengths of the binary trees (binary_tree.ts): entries by distance. */
export const CARRY_ENTRIES = 256;

/**
 * One table kind's memory between compressions. Up to KEEP_ENTRIES entries it is kept; a larger
 * table is held by a WeakRef, so the next compression reuses it unless the garbage collector has
 * reclaimed it meanwhile (its memory is then the runtime's again). A fresh multi-megabyte table
 * costs a page fault per 4 KiB touched, in random order: on a 1 MiB input at level 13 (two 8 MiB
 * tables), reusing them took 28% off the compression; under JavaScriptCore a stream's fresh
 * tables cost it more still.
 */
class TablePool {
  #kept: Int32Array = new Int32Array(0);
  #weak: WeakRef<Int32Array> | null = null;

  /** A table of at least `size` entries (stale contents). */
  take(size: number): Int32Array {
    if (size <= KEEP_ENTRIES) {
      if (this.#kept.length < size) this.#kept = new Int32Array(size);
      return this.#kept;
    }
    const table = this.#weak?.deref();
    if (table !== undefined && table.length >= size) return table;
    const fresh = new Int32Array(size);
    this.#weak = new WeakRef(fresh);
    return fresh;
  }

  /** A zeroed table of exactly `size` entries, reusing the kept or weak one of that size. */
  takeZeroed(size: number): Int32Array {
    if (size === 0) return new Int32Array(0);
    let table: Int32Array | undefined = size <= KEEP_ENTRIES ? this.#kept : this.#weak?.deref();
    if (table !== undefined && table.length === size) {
      table.fill(0);
      return table;
    }
    table = new Int32Array(size);
    if (size <= KEEP_ENTRIES) this.#kept = table;
    else this.#weak = new WeakRef(table);
    return table;
  }

  /** Zeroes the kept table and forgets the weak one. */
  clear(): void {
    this.#kept.fill(0);
    this.#weak = null;
  }
}

/** The match finders' working memory of one compression at a time (see the module comment). */
export class MatchWorkspace {
  /** Whether this serves streams (zeroed tables, indices from 1) rather than one-shot calls. */
  readonly forStream: boolean;
  /** Row finder: hashes of positions ahead (see row.ts). */
  readonly hashCache: Int32Array = new Int32Array(HASH_CACHE_SIZE);
  /**
   * Slots of `repeatsAtStart` (match_state.ts): usable rep1, rep2, then the offsets set aside.
   * Written at a block's start and read by the block compressor right after.
   */
  readonly repeats: Int32Array = new Int32Array(4);
  /**
   * The binary trees' carried match lengths (binary_tree.ts): per distance slot, the serial of
   * the insertion, distance, length and padding.
   */
  readonly carry: Int32Array = new Int32Array(4 * CARRY_ENTRIES).fill(-1);
  /** Serial of the last insertion that wrote `carry`. */
  carrySerial = 0;
  /** The lazy finders' search result besides the length (lazy.ts). */
  readonly found: ChainSearch = new ChainSearch();
  /** The optimal parsers' state (opt.ts), made by the first compression that needs it. */
  opt: OptState | null = null;
  /** One-shot: the table index the next compression starts above. */
  #next = 1;
  /**
   * The match state last given these tables (set by MatchState's constructor): a state whose
   * workspace has moved on to another no longer owns the tables' contents.
   */
  user: object | null = null;
  readonly #hash = new TablePool();
  readonly #chain = new TablePool();
  readonly #tags = new TablePool();
  // The reach probe's table (reach.ts), kept, and the base of its next probe's entries.
  #probe: Int32Array = new Int32Array(0);
  #probeNext = 1;

  constructor(forStream: boolean) {
    this.forStream = forStream;
  }

  /**
   * The reach probe's table (reach.ts), at least `size` entries. Kept from call to call, not
   * cleared: a probe's entries are positions plus {@linkcode probeBase}, above every entry of the
   * probes before it. Fresh memory costs its page faults (128 KiB about 0.4 ms here, more than
   * a probe), and clearing it 5% of level 6's time on random bytes.
   */
  probeTable(size: number): Int32Array {
    if (this.#probe.length < size) this.#probe = new Int32Array(size);
    return this.#probe;
  }

  /** The base of the entries of a probe of `length` bytes (see {@linkcode probeTable}). */
  probeBase(length: number): number {
    if (this.#probeNext + length + 1 >= PROBE_INDEX_LIMIT) {
      this.#probe.fill(0);
      this.#probeNext = 1;
    }
    const base = this.#probeNext;
    this.#probeNext += length + 1;
    return base;
  }

  /**
   * One-shot: the table index of src[0] for a compression of `length` bytes, above every entry
   * already in the tables (which are cleared first if the indices would leave int32 range).
   */
  takeBase(length: number): number {
    if (this.#next + length + 1 >= indexLimit) {
      this.#hash.clear();
      this.#chain.clear();
      this.#next = 1;
    }
    const base = this.#next;
    this.#next += length + 1;
    return base;
  }

  /**
   * One-shot: entries up to `base + length` were written (a primed or forgotten history moved
   * the base): later compressions must start above them.
   */
  reserveUpTo(base: number, length: number): void {
    if (this.#next < base + length + 1) this.#next = base + length + 1;
  }

  /** The main hash table, `size` entries: stale (one-shot) or zeroed (stream). */
  hashTable(size: number): Int32Array {
    return this.forStream ? this.#hash.takeZeroed(size) : this.#hash.take(size);
  }

  /** The second table (dfast's short hash, chains, trees), as {@linkcode hashTable}. */
  chainTable(size: number): Int32Array {
    return this.forStream ? this.#chain.takeZeroed(size) : this.#chain.take(size);
  }

  /** The row finder's tags as words; stale contents do no harm (see match_state.ts). */
  tagWords(size: number): Int32Array {
    return this.forStream ? this.#tags.takeZeroed(size) : this.#tags.take(size);
  }
}
