/**
 * Lazy and lazy2 over the row finder's rows of 32 entries (searchLog 5: levels 11 and 12 above
 * 256 KiB, level 10 from 256 KiB to 1 MiB): matchers/lazy_rows.ts with `ROW_BITS` 5 and
 * `ROW_LOG` 23, written by tools/gen_lazy_rows32.ts. Do not edit: edit lazy_rows.ts and run the
 * tool (see lazy_rows.ts's comment for the loop itself).
 *
 * @module
 */

import { type SeqStore, storeSequence } from "../encoder/seq_store.ts";
import { highbit } from "../entropy/bits.ts";
import { floorFor } from "./lazy.ts";
import {
  countMatch,
  countRun,
  finishBlock,
  type MatchState,
  repeatsAtStart,
  windowLow,
} from "./match_state.ts";
import { equalTags, prepareRows } from "./row.ts";
import type { CompressionParameters } from "./strategy.ts";

// As lazy.ts: literal positions between step increases (libzstd's kSearchStrength), and steps
// above LAZY_SKIPPING_STEP insert only the positions searched.
const SEARCH_STRENGTH = 8;
const LAZY_SKIPPING_STEP = 8;
// After a match longer than SPARSE_THRESHOLD, its first and last SPARSE_EDGE positions are
// inserted, and every second one between: row.ts's rule and numbers, repeated here because V8
// reloads an imported binding at each use. From 64 with edges of 16 to 16 with edges of 4 (eighth
// session of 12-06), total size over the 13 lazy inputs moved by -0.02% / -0.03% (levels 7 / 8;
// JSON +0.3%, the low-entropy megabyte -0.6%) and decodecorpus not at all, for 1.0-1.15x in Deno.
// Every third or fourth position between wrote up to +0.75% (TS, JS bundle) for no clear gain.
const SPARSE_THRESHOLD = 16;
const SPARSE_EDGE = 4;
// A match from FAR_OFFSET bytes back or more that ran past the last block's end leaves every
// MATCH_SAMPLE-th of the positions the limited update skips (below): a third copy of the same
// bytes, beyond the window from the first, can only find this copy's positions. Over 12 inputs of
// random bytes copied twice, the third copy beyond the window from the first: levels 7 and 8
// 1.0269 -> 0.9515 of libzstd's total (two inputs 1.19-1.22x); 16 MiB of four log lines repeated
// (one long match 300 bytes back a block) pays nothing.
const MATCH_SAMPLE = 64;
const FAR_OFFSET = 1 << 16;
// log2 of a row's entries, and their mask: 4 here, 5 in the generated lazy_rows32.ts. Module
// constants: the engines fold them, and the tests on them, into the code.
const ROW_BITS: number = 5;
const ROW_MASK = (1 << ROW_BITS) - 1;
// The sum of the row entries read ahead (touchRows), and the offBase of the last search's match.
// Module arrays, not the workspace's: JavaScriptCore folds a module's typed arrays into the code,
// and through the match state level 9 ran 0.88-1.07x of this loop in Bun instead of 1.08-1.18x.
const touched = /* @__PURE__ */ new Int32Array(1);
const result = /* @__PURE__ */ new Int32Array(1);

// The tables of the state this loop last ran in: tags (ROW_TAGS, as words in ROW_WORDS) and
// positions (ROW_TABLE) of rows of 2^ROW_BITS entries, the first `1 << hashLog` of each in use.
// V8 and JavaScriptCore fold a module constant's bounds and data into the code: through the state's
// tables (arguments and locals) the matcher alone ran 1.13-1.2x slower in Deno (a harness of the
// loop beside its bare-bones copy, which was that much faster), the whole compression about 1.04x
// at levels 7-9 (A/B medians Deno 1.01-1.13x, Bun 0.94-1.17x, mostly 1.01-1.09x). Untouched memory
// costs no resident pages in Deno, Bun or Node: the 20 MiB (2^22 entries, level 10 above 8 MiB)
// cost nothing until a level of this loop runs, then what its hashLog uses (2.5 MiB at levels 7-8,
// 10 MiB at level 9 above 2 MiB), and stay. lazy_rows32.ts has 2^23 entries (40 MiB, level 12's
// libzstd table: streams of unknown size and inputs above 8 MiB; resident memory after import and
// after a 3 MiB compression at level 11 unchanged by it in Deno and Bun).
const ROW_LOG = 23;
const ROW_TAGS = /* @__PURE__ */ new Uint8Array(1 << ROW_LOG);
const ROW_WORDS = /* @__PURE__ */ new Int32Array(ROW_TAGS.buffer);
const ROW_TABLE = /* @__PURE__ */ new Int32Array(1 << ROW_LOG);
// The state whose rows the tables hold (weakly: a state nobody holds needs nothing back), a bound
// above every index in them, and how many entries (from the first) any state has used since they
// were last wholly a state's own.
let holder: WeakRef<MatchState> | null = null;
let top = 0;
let extent = 0;

/**
 * Makes the module tables hold `ms`'s rows. The state that held them gets them back first if it
 * is a stream's that still has its workspace (a one-shot state's next block, if any, comes before
 * any other state's). `ms`'s own tables are copied in unless they hold nothing that the module
 * tables lack: a one-shot state nothing was inserted for yet, whose base is above every index
 * written there.
 */
function claimRows(ms: MatchState): void {
  const held = holder?.deref();
  if (held !== undefined) {
    // A stream's state gets its rows back, unless its workspace serves another state now.
    if (held.workspace.forStream && held.workspace.user === held) giveBack(held);
    held.lendsTables = null;
  }
  holder = new WeakRef(ms);
  ms.lendsTables = giveBack;
  const entries = 1 << ms.params.hashLog;
  const whole = entries >= extent;
  if (whole) extent = entries;
  if (!ms.workspace.forStream && ms.nextToUpdate === 0 && ms.base >= top) return;
  ROW_TABLE.set(ms.hashTable.subarray(0, entries));
  ROW_WORDS.set(ms.tagWords.subarray(0, entries >> 2));
  // Every index in `ms`'s tables is below this. When they now fill every entry in use, the bound
  // comes down with them: after a one-shot workspace starts its indices again from 1 (near the
  // int32 limit), the next compressions need not copy their tables in.
  const reach = ms.base + ms.src.length + 1;
  if (whole || reach > top) top = reach;
}

/** Copies the module tables back into `ms`'s own, and lets them go. */
function giveBack(ms: MatchState): void {
  const entries = 1 << ms.params.hashLog;
  ms.hashTable.set(ROW_TABLE.subarray(0, entries));
  ms.tagWords.set(ROW_WORDS.subarray(0, entries >> 2));
  ms.lendsTables = null;
  if (holder?.deref() === ms) holder = null;
}

/**
 * Row hash of the 5 bytes at `p` (row.ts's `rowHash` with minMatch 5, which every level of this
 * loop has): a local function with a constant shift for the second word. Through the imported
 * `rowHash`, whose minMatch is a variable, the matcher ran 1.02-1.07x slower in Deno.
 */
function hash5(view: DataView, p: number, shift: number): number {
  return (Math.imul(view.getInt32(p, true), -1640531535) ^
    Math.imul(view.getInt32(p + 4, true) << 24, -2048144777)) >>> shift;
}

/**
 * Reads the start of the rows of the positions from `from` (or `ip`, if later) to `ip + 16`, none
 * at or past `limit`, and returns where it stopped. JavaScript has no prefetch: rows read back to
 * back overlap their misses, which pays with tables of 2^21 entries and more (levels 9 and 10 above
 * 2 MiB) and not below.
 */
function touchRows(
  view: DataView,
  ip: number,
  from: number,
  limit: number,
  shift: number,
): number {
  let q = from > ip ? from : ip;
  const stop = ip + 16 < limit ? ip + 16 : limit;
  const tags = ROW_TAGS;
  const table = ROW_TABLE;
  let sum = touched[0];
  for (; q < stop; q++) {
    const row = (hash5(view, q, shift) >>> 8) << ROW_BITS;
    sum = (sum + tags[row] + table[row] + (ROW_BITS === 5 ? table[row + 16] : 0)) | 0;
  }
  touched[0] = sum;
  return stop;
}

/** Puts table index `index` with hash `hash` below the head of its row (row.ts's ring). */
function insert(hash: number, index: number): void {
  const tags = ROW_TAGS;
  const table = ROW_TABLE;
  const row = (hash >>> 8) << ROW_BITS;
  let slot = (tags[row] - 1) & ROW_MASK;
  if (slot === 0) slot = ROW_MASK;
  tags[row] = slot;
  tags[row + slot] = hash;
  table[row + slot] = index;
}

/**
 * Longest match at `ip` among the row of `hash`, newest first, longer than `floor` (0 if none;
 * its offBase in `result`), starting at table index `lowIndex` or later; then inserts `ip`. As
 * row.ts's `searchRow` with as many attempts as entries.
 */
function search(
  ms: MatchState,
  view: DataView,
  src: Uint8Array,
  ip: number,
  end: number,
  lowIndex: number,
  floor: number,
  base: number,
  hash: number,
): number {
  const tags = ROW_TAGS;
  const words = ROW_WORDS;
  const table = ROW_TABLE;
  const row = (hash >>> 8) << ROW_BITS;
  // The row's first position, read before its tags: the positions' line is then fetched beside
  // the tags' line instead of after them (the entry read below depends on the tags). Unused but
  // kept: a store, so that the engines keep the load. The same bytes; one process, alternating
  // (fifteenth session of 12-07, CPU time, medians of 7-11 rounds), levels 7 to 9 on 1 MiB
  // slices and 4 MiB real files, the logs and z000033: Deno 1.00-1.08x, Bun 0.98-1.15x (most
  // 1.03-1.10x); levels 10 to 12, whose rows are already read ahead above 2^20 entries, even.
  // Rows of 32 span two lines of positions: both are read, here and in touchRows (same bytes;
  // levels 11 and 12 on the 4 MiB real files and logs, Deno 0.91-1.23x, Bun 0.97-1.19x, x86
  // code 1.09-1.23x in both; 1 MiB slices at levels 10 and 11 even).
  touched[0] = ROW_BITS === 5 ? table[row] ^ table[row + 16] : table[row];
  const head = tags[row] & ROW_MASK;
  const splat = Math.imul(hash & 0xff, 0x01010101);
  const w = row >> 2;
  // Slot 0 holds the head; bit k of the rotated mask is slot (head + k) & ROW_MASK.
  let bits = ((equalTags(words[w + 3] ^ splat) << 12) | (equalTags(words[w + 2] ^ splat) << 8) |
    (equalTags(words[w + 1] ^ splat) << 4) | equalTags(words[w] ^ splat)) & 0xfffe;
  if (ROW_BITS === 4) {
    bits = ((bits >>> head) | (bits << (16 - head))) & 0xffff;
  } else {
    bits |= (equalTags(words[w + 7] ^ splat) << 28) | (equalTags(words[w + 6] ^ splat) << 24) |
      (equalTags(words[w + 5] ^ splat) << 20) | (equalTags(words[w + 4] ^ splat) << 16);
    // A shift by 32 is a shift by 0: at head 0, bits | bits.
    bits = (bits >>> head) | (bits << (32 - head));
  }
  let best = floor;
  // Our bytes best-3..best, which a candidate must equal to beat `best`.
  let word = view.getInt32(ip + best - 3, true);
  // Two copies of the candidate loop: outside a run (almost always), one without calls; inside a
  // run, `countRun`. With the call in the loop V8 reloaded the view's and the tables' bounds and
  // data pointers at each candidate; without it the matcher alone ran 1.04-1.17x faster in Deno.
  // V8 still checks the table's map and reloads its bounds per candidate (perf annotate, ninth
  // session of 12-06): a table read before the loop removes that, but measured 0.97-1.09x in Deno
  // and 0.87-1.02x in Bun, the loop waiting on the table entry and the window bytes either way.
  if (ip > ms.runReach) {
    while (bits !== 0) {
      const index = table[row + ((31 - Math.clz32(bits & -bits) + head) & ROW_MASK)];
      bits &= bits - 1;
      if (index < lowIndex) break;
      const match = index - base;
      if (view.getInt32(match + best - 3, true) !== word) continue;
      const length = countMatch(view, src, ip, match, end);
      if (length > best) {
        best = length;
        result[0] = ip - match + 3;
        if (ip + length === end) break;
        word = view.getInt32(ip + best - 3, true);
      }
    }
  } else {
    while (bits !== 0) {
      const index = table[row + ((31 - Math.clz32(bits & -bits) + head) & ROW_MASK)];
      bits &= bits - 1;
      if (index < lowIndex) break;
      const match = index - base;
      if (view.getInt32(match + best - 3, true) !== word) continue;
      const length = countRun(ms, view, src, ip, ip - match, end);
      if (length > best) {
        best = length;
        result[0] = ip - match + 3;
        if (ip + length === end) break;
        word = view.getInt32(ip + best - 3, true);
      }
    }
  }
  let slot = (head - 1) & ROW_MASK;
  if (slot === 0) slot = ROW_MASK;
  tags[row] = slot;
  tags[row + slot] = hash;
  table[row + slot] = ip + base;
  return best > floor ? best : 0;
}

/**
 * Block compressor of lazy (`depth` 1) or lazy2 (2) over this file's rows, for states that
 * {@linkcode fitsRows} serves: lazy.ts's loop with the row finder, specialised (see the module's
 * comment).
 */
export function compressBlockRows(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  depth: number,
): number {
  const anchor = rowsLoop(ms, seqs, rep, src, start, end, depth);
  ms.nextToUpdate = endNext;
  if (ms.base + end >= top) top = ms.base + end + 1;
  return finishBlock(ms, rep, endRep1, endRep2, anchor, end);
}

// The next position to insert and the repeat offsets at the end of rowsLoop's parse.
let endNext = 0;
let endRep1 = 0;
let endRep2 = 0;

/**
 * The parse of compressBlockRows: returns its anchor (the first literal not stored), the next
 * position to insert and the repeat offsets in endNext, endRep1 and endRep2. After its loop only
 * stores of module variables and the return of a local, which need no type feedback: as lazy.ts's
 * lazyLoop (see there), V8 compiled the loop on stack before the code after it had run, and left
 * the loop at the end of every block (1 MiB of x86 code at level 11: 306 such exits in 120 calls).
 */
function rowsLoop(
  ms: MatchState,
  seqs: SeqStore,
  rep: Int32Array,
  src: Uint8Array,
  start: number,
  end: number,
  depth: number,
): number {
  prepareRows(ms);
  const params = ms.params;
  const shift = ms.rowShift;
  const windowLog = params.windowLog;
  const windowSize = windowLog > 30 ? 0x7fffffff : 1 << windowLog;
  const view = ms.view;
  if (holder === null || holder.deref() !== ms) claimRows(ms);
  const base = ms.base;
  const ilimit = end - 16;
  const prefixLow = windowLow(windowLog, end);
  let anchor = start;
  let ip = start;
  if (ip === prefixLow) ip++;
  // After a very long match, index only the last part of it (libzstd's limited update), and
  // samples of the rest if it came from far back (MATCH_SAMPLE).
  if (start > ms.nextToUpdate + 384) {
    if (rep[0] >= FAR_OFFSET) {
      const stop = start - 192;
      let p = ms.nextToUpdate > prefixLow ? ms.nextToUpdate : prefixLow;
      for (; p < stop; p += MATCH_SAMPLE) insert(hash5(view, p, shift), p + base);
    }
    ms.nextToUpdate = start - Math.min(192, start - ms.nextToUpdate - 384);
  }
  if (ms.nextToUpdate < prefixLow) ms.nextToUpdate = prefixLow;
  // The next position to insert.
  let next = ms.nextToUpdate;
  if (ms.runLimit > end) ms.forgetRun();
  const repeats = ms.repeats;
  repeatsAtStart(repeats, rep, ip - windowLow(windowLog, ip));
  let rep1 = repeats[0];
  let rep2 = repeats[1];
  let skipping = false;
  // Rows read ahead: tables of 2^21 entries and more, and rows of 32 in 2^20 entries over a window
  // of 1 MiB or less (levels 11 and 12 above 512 KiB up to 1 MiB, see encoder/params.ts): there,
  // 1 MiB of x86 code 1.10x (Deno), the other slices even; at 2 MiB (2^20 entries) 0.96-1.02x.
  // Elsewhere, the rows of the block's first 64 positions, so that every level runs this code:
  // JavaScriptCore compiles the loop with an exit where its first calls never went, and a loop
  // compiled for levels 7 to 9 (no read ahead) ran level 10 above 1 MiB (read ahead) slowly for
  // good. In one Bun process, level 10 on 4 MiB of x86 code after 8 calls each of levels 7, 8 and 9
  // ran at 0.51-0.59x native for 40 calls in a row; with these reads, 0.75-0.94x (0.8x alone).
  // Same bytes; Deno even (A/B, levels 7 and 8, medians 0.94-1.04x).
  const ahead = params.hashLog > 20 ||
    (ROW_BITS === 5 && params.hashLog > 19 && params.windowLog <= 20);
  const limit = end - 8;
  const touchLimit = ahead || start + 64 > limit ? limit : start + 64;
  let touchedTo = 0;

  while (ip < ilimit) {
    if (!skipping && ip + 8 >= touchedTo) {
      touchedTo = ip < touchLimit ? touchRows(view, ip, touchedTo, touchLimit, shift) : 0x7fffffff;
    }
    let length = 0;
    let offBase = 1;
    let matchStart = ip + 1;
    // Repeat offset at ip + 1.
    if (rep1 > 0 && view.getInt32(ip + 1 - rep1, true) === view.getInt32(ip + 1, true)) {
      length = countRun(ms, view, src, ip + 1, rep1, end);
    }
    // Insert the positions up to ip (skipping through literals: none), then search ip.
    if (skipping) next = ip;
    else if (next < ip) {
      let p = next;
      if (ip - p > SPARSE_THRESHOLD) {
        for (const stop = p + SPARSE_EDGE; p < stop; p++) {
          const hash = hash5(view, p, shift);
          insert(hash, p + base);
        }
        const last = ip - SPARSE_EDGE;
        for (p++; p < last; p += 2) insert(hash5(view, p, shift), p + base);
        p = last;
      }
      for (; p < ip; p++) {
        const hash = hash5(view, p, shift);
        insert(hash, p + base);
      }
    }
    const l = search(
      ms,
      view,
      src,
      ip,
      end,
      (ip > windowSize ? ip - windowSize : 0) + base,
      length > 3 ? length : 3,
      base,
      hash5(view, ip, shift),
    );
    next = ip + 1;
    if (l > length) {
      length = l;
      offBase = result[0];
      matchStart = ip;
    }
    if (length < 4) {
      const step = ((ip - anchor) >> SEARCH_STRENGTH) + 1;
      ip += step;
      skipping = step > LAZY_SKIPPING_STEP;
      continue;
    }
    // Look one or two positions further for a better match (lazy.ts's gains: 2, then 5).
    for (let d = 1; d <= depth && ip < ilimit; d++) {
      ip++;
      if (
        offBase !== 0 && rep1 > 0 && view.getInt32(ip, true) === view.getInt32(ip - rep1, true)
      ) {
        const repLength = countRun(ms, view, src, ip, rep1, end);
        if (
          d === 1
            ? repLength * 3 > length * 3 - highbit(offBase) + 1
            : repLength * 4 > length * 4 - highbit(offBase) + 1
        ) {
          length = repLength;
          offBase = 1;
          matchStart = ip;
        }
      }
      const gain = d === 1 ? 2 : 5;
      const l1 = search(
        ms,
        view,
        src,
        ip,
        end,
        (ip > windowSize ? ip - windowSize : 0) + base,
        floorFor(length, offBase, gain, ip, end),
        base,
        hash5(view, ip, shift),
      );
      next = ip + 1;
      if (l1 >= 4 && l1 * 4 - highbit(result[0]) > length * 4 - highbit(offBase) + gain) {
        length = l1;
        offBase = result[0];
        matchStart = ip;
        // From the new match, ip + 1 again.
        d = 0;
      }
    }
    if (offBase > 3) {
      // A new offset: extend backward, then shift the repeat offsets.
      const offset = offBase - 3;
      while (
        matchStart > anchor && matchStart - offset > prefixLow &&
        src[matchStart - 1] === src[matchStart - 1 - offset]
      ) {
        matchStart--;
        length++;
      }
      rep2 = rep1;
      rep1 = offset;
    }
    storeSequence(seqs, src, anchor, matchStart - anchor, offBase, length);
    ip = anchor = matchStart + length;
    skipping = false;

    // Immediate repeat matches with the second offset.
    while (ip <= ilimit && rep2 > 0 && view.getInt32(ip, true) === view.getInt32(ip - rep2, true)) {
      const repLength = countRun(ms, view, src, ip, rep2, end);
      const t = rep2;
      rep2 = rep1;
      rep1 = t;
      storeSequence(seqs, src, anchor, 0, 1, repLength);
      ip = anchor = ip + repLength;
    }
  }

  endNext = next;
  endRep1 = rep1;
  endRep2 = rep2;
  return anchor;
}

/**
 * Whether this loop serves `params` (lazy or lazy2 over the row finder): rows of its size, minMatch
 * 5 (every level that has them) and tables that fit its module tables.
 */
export function fitsRows(params: CompressionParameters): boolean {
  return params.searchLog === ROW_BITS && params.minMatch === 5 && params.hashLog <= ROW_LOG;
}
