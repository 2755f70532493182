/**
 * Tables sized to how far back an input's repeats lie (issue 21's "tables sized to the input"):
 * before a one-shot compression at levels 5 to 15, a quick probe of the input says whether its
 * repeats are all near (within 64 KiB); if so, the match tables shrink to what near repeats
 * need. JavaScript cannot prefetch, so a table that misses the caches costs us more than it
 * costs libzstd; an input whose matches all lie close by loses nothing with small tables.
 *
 * The probe hashes the 8 bytes at one position in 31 (see PERIOD) into a table of its own (one
 * entry per probed position up to 8 MiB of input) and, where an earlier probed position held the
 * same 8 bytes, counts the repeat as near (under 64 KiB back) or far (within the window). Its
 * positions are placed so that it sees one repeat in 32 of any repeated stretch, whatever the
 * distance: the share of far ones is what it measures. On the inputs of `bench/scenarios.ts`:
 * decodecorpus-z000033 0.8% far, the real files 17–50% (prose 47%, x86 code 50%, JSON 18%, logs
 * 17%; measured with the probe's earlier positions, every 32nd). Inputs with at most 4% far take the
 * small tables: z000033 at level 5 1.50–1.58x as fast in Deno (A/B, CPU, medians of 9), 1.4–1.6x
 * in Bun, 0.10% larger (level 6 +0.16%); levels 7 to 12 leave the row finder for the bucket
 * finder with 4-byte matches (NEAR_MIN_MATCH): z000033 1.6–2.3x as fast in Deno, 1.2% smaller
 * (the row finder with a small table had gained 1.1x); btlazy2 (levels 13 to 15) keeps its
 * finder with trees over the last 64 KiB: z000033 1.4–1.56x as fast, 0.09% smaller. Random bytes,
 * and bytes mostly repeats (the low-entropy megabyte, 16 MiB of four log lines), keep the level's
 * tables: the probe stops after their first 64 KiB (their search reads the tables little, and
 * they compress so fast that probing them whole cost up to 40% of level 5's time). Levels 7 to 15
 * are the exception for random bytes: btlazy2 links every position it steps over, so a random
 * megabyte costs it a miss in each of two 8 MiB tables per byte, and the row finder's searches
 * miss its large table. For them the probe goes on past a first 64 KiB without repeats, looks
 * again for repeats of 5 bytes if it saw hardly any of 8, and an input without repeats takes the
 * small tables: the random megabyte 2.2–3.8x as fast at levels 13 to 15, 1.0–1.85x at 7 to 12
 * (same bytes; at levels 5 and 6 it was even, and they keep the early stop). The probe
 * costs about 0.3 ms a MiB, and stops as soon as far repeats pass the share (the real files after
 * a few hundred KiB). Level 6 from 256 KiB to 1 MiB keeps the early stop too: on the hash chain it
 * had then, the probe's two whole passes were most of its time on the random megabyte (Bun 0.60 ->
 * 0.37 ms, Deno 0.77 -> 0.51 ms, the same bytes; fourteenth session of 12-07). Since then the
 * probes of 8 and of 5 bytes run in one pass over the input (the same answers over 568 probes of
 * real, random and mutated inputs): on the random megabyte 0.135 ms in Bun and 0.19 ms in Deno,
 * where the two passes took 0.26 and 0.35; levels 7 and 10 on it 1.06-1.25x. On level 6's rows of
 * 16 (eighteenth session) the early stop keeps the random megabyte as fast as on the chain; the
 * long probe and the near path's buckets ran it at 0.66x in Deno.
 *
 * Near inputs that look like text (few bytes of 0x80 or more) keep the level's finder and tables
 * at levels 6 (up to 1 MiB) to 15: the near path's finders write up to 2.1% more than libzstd on
 * text whose repeats lie near (TEXT_HIGH_SHARE).
 *
 * Far inputs get a second question at level 9 above 1 MiB, whose parameters offer a row table a
 * quarter of libzstd's, half up to 2 MiB (`nearHashLog`, see LEVEL_9_NEAR_HASH_LOG in
 * encoder/params.ts), and at level 10 above 2 MiB (2^20 entries, LEVEL_10_NEAR_HASH_LOG): do 3% or
 * more of the repeats lie 2 MiB or more back? The probe then goes over the whole input (such
 * repeats come late), and only inputs for which it answers no take the smaller table.
 *
 * @module
 */

import { usesBuckets } from "./dfast_lazy.ts";
import { lazyWithLargeWindow, usesRowFinder } from "./match_state.ts";
import { type CompressionParameters, Strategy } from "./strategy.ts";
import type { MatchWorkspace } from "./workspace.ts";

// Repeats under 2^NEAR_LOG bytes back are near.
const NEAR_LOG = 16;
/**
 * The positions probed: in every PERIOD bytes, the PROBES offsets of a perfect difference set
 * (Singer's, for the projective plane of order 31: every distance from 1 to PERIOD - 1 is the
 * difference of exactly one pair of them, modulo PERIOD). So one probe in 32 lands where an
 * earlier probe lies any given distance back, whatever the distance (all 32 at multiples of
 * PERIOD): the probe sees one repeat in 32 of a repeated stretch wherever its copy lies. Every
 * 32nd position, as the probe took before, saw the repeats whose distance is a multiple of 32 and
 * no other: random bytes followed by a copy of themselves 1 MiB + 5 back were "near", and
 * btlazy2's trees over 64 KiB, which cannot reach the copy, wrote 2.0x libzstd's size at levels 13
 * to 22; an archive of near data with a random megabyte in it twice, 1.2-1.7x at levels 5 to 15.
 * STEPS holds the gaps between consecutive offsets, the last one wrapping to the next period.
 */
const PERIOD = 993;
const PROBES = 32;
// deno-fmt-ignore
const OFFSETS = [
  0, 1, 20, 27, 66, 107, 208, 221, 232, 290, 299, 305, 313, 349, 457, 467,
  485, 542, 587, 630, 685, 733, 804, 809, 844, 856, 860, 881, 898, 930, 960, 991,
];
const STEPS = /* @__PURE__ */ Int32Array.from(
  OFFSETS,
  (offset, i) => (i + 1 < PROBES ? OFFSETS[i + 1] : PERIOD) - offset,
);
// At most one repeat in FAR_SHARE may be far (4%).
const FAR_SHARE = 25;
// The probe stops early once this many far repeats pass the share.
const FAR_ENOUGH = 64;
// The share holds in every stretch of 2^SEGMENT_LOG bytes too, once it has this many far repeats:
// an input made of parts (an archive) may have one whose matches lie far among many that are near.
// testdata's decodecorpus files end to end in a shuffled order (6 MiB, 1.4% far) took the near
// tables, and btlazy2's trees over 64 KiB lost z000050's far matches (76% of its repeats): 1.0242
// of libzstd's size at level 15 (0.9998 with the level's tables).
const SEGMENT_LOG = 19;
const SEGMENT_FAR_MIN = 16;
// ... or when its first EARLY bytes hold fewer than EARLY_REPEATS repeats that it sees, or more
// than EARLY_MOST (two thirds of the positions probed): random bytes gain nothing from small
// tables (their search skips ahead), nor do bytes that are mostly repeats (long matches, few
// searches), and both compress so fast that probing all of them cost a lot (16 MiB of four log
// lines: 3.4 ms, level 5 takes 5). Probed in their first 64 KiB, 16 MiB of four log lines
// repeat at 85%, the low-entropy megabyte at 73%, z000033 at 18%.
const EARLY = 1 << 16;
const EARLY_REPEATS = 16;
const EARLY_MOST = ((EARLY * PROBES / PERIOD) * 2 / 3) | 0;
// The probe's table: one entry per probed position, between these sizes (log2).
const PROBE_LOG_MIN = 10;
const PROBE_LOG_MAX = 18;
/**
 * The tables of near-only inputs at levels 5 and 6: long table (`hashLog`, 2^16 positions in
 * buckets) and short table (`chainLog`). Against 2^17 / 2^16 (z000033, best of 5, Deno): level 5
 * 0.79x against 0.66x of native, level 6 0.63x against 0.55x; sizes within 0.02%.
 */
const NEAR_HASH_LOG = 16;
const NEAR_CHAIN_LOG = 15;
/**
 * Levels 7 to 12 above 256 KiB (lazy and lazy2 on the row finder) on near-only inputs take the
 * bucket finder of levels 5 and 6 (matchers/dfast_lazy.ts) with the small tables above, buckets
 * of 4 positions at searchLog 4 (levels 7 to 9, and 10 above 1 MiB) and of 8 above, and 4-byte
 * short matches (the level's minMatch is 5). Near repeats have cheap offsets, so 4-byte matches
 * pay, as in libzstd's own tables for inputs up to 256 KiB; and deeper searches find little more:
 * libzstd's level 12 writes z000033 only 0.2% smaller than its level 7. On the five decodecorpus
 * files of testdata/ that the probe calls near (z000033, z000035, z000070, z000072, z000092),
 * against Bun's libzstd at the same level: 0.982-0.986 of its total size at levels 7 to 12 (the row
 * finder with the small table: 0.999; z000070 alone up to +0.78% at levels 11 and 12), at 1.7-2.7x
 * the row finder's speed on z000033 (best of 5 against native, Deno: L8 0.79x, L12 0.73x; Bun
 * 0.94x, 1.54x). Every other input of our corpora is far and keeps the level's finder.
 */
const NEAR_MIN_MATCH = 4;
/**
 * btlazy2 (levels 13 to 15, and 11 to 12 on inputs up to 256 KiB) on near-only inputs: a hash
 * table of 2^16 heads and trees over the last 2^16 positions (`chainLog` 17: the trees hold
 * 2^(chainLog - 1)), which reach back as far as the probe's near repeats lie, instead of 8 MiB of
 * each for a 1 MiB input. The finder and the parse are the level's. z000033 (A/B, CPU, medians
 * of 9): Deno 1.47-1.56x at level 13, 1.40-1.43x at levels 14 and 15; Bun 1.37-1.38x at 13 and
 * 15; 0.09% smaller (the five near decodecorpus files 0.9984-0.9986 of their total at 13-15).
 * Inputs without repeats too (the probe goes on for btlazy2, see repeatsAreNear's `sparse`): a
 * random megabyte (A/B, CPU, medians of 7) Deno 2.8-3.8x, Bun 2.2-2.3x at levels 13 to 15, the
 * same bytes; random bytes followed by text, or by a far copy of themselves, stay far. The
 * optimal parsers (levels 16 to 22) take the same tables for inputs in which the probe sees no
 * repeat at all, of 8 bytes nor of 5 (their matches of 3 and 4 bytes make "near" a question the
 * probe cannot answer): the random megabyte (medians of 3) Deno 2.0-2.85x, Bun 1.9-2.8x at levels
 * 16, 19 and 22, the same bytes; every input with a repeat keeps its bytes and its tables.
 */
const NEAR_TREE_HASH_LOG = 16;
const NEAR_TREE_CHAIN_LOG = 17;
/**
 * Repeats 2^BEYOND_LOG bytes or more back (beyond what a row table of 2^19 entries holds, about
 * 1 to 2 MiB of history) decide whether a level that offers a smaller row table for inputs whose
 * repeats do not reach far (`nearHashLog`: level 9 above 1 MiB, level 10 above 2 MiB) takes it:
 * not when one in BEYOND_SHARE or more of the repeats the probe sees lie that far. On the lazy
 * band's inputs (docs/perf/2026-12-06-level-9-warm-up.md): the 4 MiB real files 0.2-2.2%, the
 * 16 MiB logs 2.7%, five real files of 1 MiB end to end 1.6%, x86 code then prose 1.7%; 8 MiB of
 * 2 MiB parts 4.95% and the five whole files end to end 4.8%, which are the two that lose more
 * than 2% on the smaller table.
 */
const BEYOND_LOG = 21;
const BEYOND_SHARE = 33;

/**
 * Near inputs that look like text keep the level's finder and tables at levels 6 to 15 (level 6
 * up to 1 MiB: above, it runs the bucket finder, which takes the small tables as level 5 does):
 * one in TEXT_HIGH_SHARE or fewer of the 8-byte words at every TEXT_STRIDE-th position hold a byte
 * of 0x80 or more. The near path's finders lose on text (sixteenth session of 12-07,
 * docs/perf/2026-12-07-mid-size-tables.md): six pieces of 48 to 72 KiB of the real files end to
 * end (288 to 432 KiB; nothing repeats from one piece to the next, so the probe sees 2.7-3.4% of
 * the repeats far) wrote 1.0047-1.0126 of Bun's libzstd at level 7, 1.0115-1.0194 at level 8,
 * 1.0127-1.0210 at levels 11-12 (the bucket finder compares only candidates whose 8 bytes hash
 * alike, and one short candidate), 1.0026-1.0089 at level 6 (buckets of 2) and 1.0063-1.0110 at
 * levels 13-15 (trees over 64 KiB). With the level's: 0.9983-1.0031. Speed on them, Deno: level 6
 * 0.59-0.72x -> 0.49-0.50x, levels 7-12 0.67-0.84x -> 0.55-0.69x, 13-15 even; Bun 0.52-0.76x at
 * levels 6-12, levels 13-15 even. The words with such a byte: the real text files 0.00, those
 * mixes 0.16 (one piece of x86 code), x86 code 0.96, random bytes and the low-entropy megabyte
 * 1.00, decodecorpus's near files 0.64-0.91 (z000033 0.76, which the bucket finder runs at 0.83x
 * native in Deno and 1.4% under libzstd's size). Level 5 keeps its small tables (buckets of 2 on
 * those mixes: 0.9961-1.0002).
 */
const TEXT_HIGH_SHARE = 4;
const TEXT_STRIDE = 256;

/** Whether `src[start, end)` looks like text (see TEXT_HIGH_SHARE). */
function looksLikeText(view: DataView, start: number, end: number): boolean {
  let words = 0;
  let high = 0;
  for (let p = start; p + 8 <= end; p += TEXT_STRIDE) {
    words++;
    if (((view.getInt32(p, true) | view.getInt32(p + 4, true)) & 0x80808080) !== 0) high++;
  }
  return high * TEXT_HIGH_SHARE <= words;
}

/**
 * Whether the repeats of `src[start, end)` lie near each other (see the module's description):
 * false as soon as more than one in FAR_SHARE of those the probe sees lies 2^NEAR_LOG bytes or
 * more back (and within `2^windowLog`), or when its first EARLY bytes repeat nearly everywhere,
 * or hardly at all unless `sparse`. With `sparse` the probe goes on, and an input with hardly any
 * repeat of 8 bytes is probed again for repeats of 5: random bytes are near (nothing lies far),
 * bytes whose only repeats are short and far back are not.
 */
export function repeatsAreNear(
  view: DataView,
  start: number,
  end: number,
  windowLog: number,
  workspace: MatchWorkspace,
  sparse = false,
): boolean {
  if (sparse) return sparseRepeatsAreNear(view, start, end, windowLog, workspace);
  return probe(view, start, end, windowLog, workspace, false, -1) >= 0;
}

/**
 * {@linkcode repeatsAreNear} with `sparse`: the probes of repeats of 8 bytes and of 5 in one
 * pass over the input, each with its own half of the table. The answer is the two probes' in
 * turn (the probe of 5 bytes only when the probe of 8 sees fewer than EARLY_REPEATS repeats),
 * and the probe of 5 bytes stops once the probe of 8 has seen that many.
 */
function sparseRepeatsAreNear(
  view: DataView,
  start: number,
  end: number,
  windowLog: number,
  workspace: MatchWorkspace,
): boolean {
  const tableLog = probeLog(end - start);
  const half = 1 << tableLog;
  const table = workspace.probeTable(2 * half);
  // Entries are position + base; those of earlier probes lie below base.
  const base = workspace.probeBase(end - start) - start;
  const shift = 32 - tableLog;
  const near = 1 << NEAR_LOG;
  const window = windowLog > 30 ? 0x7fffffff : 1 << windowLog;
  // The probe's rules are written out for both probes here rather than shared: a counting class
  // used by this pass and by `probe` (the same answers over 2,052 table choices, levels 5 to 22)
  // ran the random megabyte's pass at 0.19-0.20 ms in Bun and 0.22-0.26 ms in Deno, against
  // 0.14 and 0.19-0.22 ms written out.
  // Repeats of 8 bytes, near and far, in all and at the start of the current stretch.
  let near8 = 0;
  let far8 = 0;
  let segmentNear8 = 0;
  let segmentFar8 = 0;
  // The same for 5 bytes, while their answer may still matter (`live`), and whether it is no.
  let near5 = 0;
  let far5 = 0;
  let segmentNear5 = 0;
  let segmentFar5 = 0;
  let live = true;
  let far5Answer = false;
  let segmentEnd = start + (1 << SEGMENT_LOG);
  // The loop looks at the counts every EARLY bytes (one comparison a probe; a second one for the
  // early stop cost the random megabyte's pass 1.3-1.5x in Deno).
  let check = start + EARLY;
  for (let p = start, i = 0; p + 8 <= end; p += STEPS[i], i = (i + 1) & (PROBES - 1)) {
    if (p >= check) {
      if (check === start + EARLY) {
        if (near8 + far8 > EARLY_MOST) return false;
        if (live && near5 + far5 > EARLY_MOST) {
          live = false;
          far5Answer = true;
        }
      }
      if (p >= segmentEnd) {
        if (farStretch(near8 - segmentNear8, far8 - segmentFar8)) return false;
        segmentNear8 = near8;
        segmentFar8 = far8;
        if (live && farStretch(near5 - segmentNear5, far5 - segmentFar5)) {
          live = false;
          far5Answer = true;
        }
        segmentNear5 = near5;
        segmentFar5 = far5;
        segmentEnd += 1 << SEGMENT_LOG;
      }
      check += EARLY;
    }
    const lo = view.getInt32(p, true);
    const hi = view.getInt32(p + 4, true);
    const mixed = Math.imul(lo, -1640531535);
    const h = (mixed ^ Math.imul(hi, -2048144777)) >>> shift;
    const c = table[h] - base;
    table[h] = p + base;
    if (c >= start && view.getInt32(c, true) === lo && view.getInt32(c + 4, true) === hi) {
      const distance = p - c;
      if (distance < near) near8++;
      else if (distance <= window) {
        far8++;
        if (far8 >= FAR_ENOUGH && far8 * FAR_SHARE > near8 + far8) return false;
      }
      if (near8 + far8 >= EARLY_REPEATS) live = false;
    }
    if (!live) continue;
    const hi5 = hi & 0xff;
    const h5 = half + ((mixed ^ Math.imul(hi5, -2048144777)) >>> shift);
    const c5 = table[h5] - base;
    table[h5] = p + base;
    if (
      c5 >= start && view.getInt32(c5, true) === lo && (view.getInt32(c5 + 4, true) & 0xff) === hi5
    ) {
      const distance = p - c5;
      if (distance < near) near5++;
      else if (distance <= window) {
        far5++;
        if (far5 >= FAR_ENOUGH && far5 * FAR_SHARE > near5 + far5) {
          live = false;
          far5Answer = true;
        }
      }
    }
  }
  if (farStretch(near8 - segmentNear8, far8 - segmentFar8)) return false;
  if (far8 * FAR_SHARE > near8 + far8) return false;
  if (near8 + far8 >= EARLY_REPEATS) return true;
  if (far5Answer || farStretch(near5 - segmentNear5, far5 - segmentFar5)) return false;
  return far5 * FAR_SHARE <= near5 + far5;
}

/**
 * The probe of {@linkcode repeatsAreNear} over repeats of 4 bytes and the bytes of `hiMask` in
 * the next four (-1: 8 bytes; 0xff: 5): how many repeats it saw, all near enough, or -1.
 */
function probe(
  view: DataView,
  start: number,
  end: number,
  windowLog: number,
  workspace: MatchWorkspace,
  sparse: boolean,
  hiMask: number,
): number {
  const tableLog = probeLog(end - start);
  const table = workspace.probeTable(1 << tableLog);
  // Entries are position + base; those of earlier probes lie below base.
  const base = workspace.probeBase(end - start) - start;
  const shift = 32 - tableLog;
  const near = 1 << NEAR_LOG;
  const window = windowLog > 30 ? 0x7fffffff : 1 << windowLog;
  let nearCount = 0;
  let farCount = 0;
  // Counts at the start of the current stretch.
  let segmentNear = 0;
  let segmentFar = 0;
  let segmentEnd = start + (1 << SEGMENT_LOG);
  // As in sparseRepeatsAreNear: the counts every EARLY bytes.
  let check = start + EARLY;
  for (let p = start, i = 0; p + 8 <= end; p += STEPS[i], i = (i + 1) & (PROBES - 1)) {
    if (p >= check) {
      if (check === start + EARLY) {
        const repeats = nearCount + farCount;
        if ((repeats < EARLY_REPEATS && !sparse) || repeats > EARLY_MOST) return -1;
      }
      if (p >= segmentEnd) {
        if (farStretch(nearCount - segmentNear, farCount - segmentFar)) return -1;
        segmentNear = nearCount;
        segmentFar = farCount;
        segmentEnd += 1 << SEGMENT_LOG;
      }
      check += EARLY;
    }
    const c = earlierCopy(view, table, p, start, base, shift, hiMask);
    if (c < 0) continue;
    const distance = p - c;
    if (distance < near) nearCount++;
    else if (distance <= window) {
      farCount++;
      if (farCount >= FAR_ENOUGH && farCount * FAR_SHARE > nearCount + farCount) return -1;
    }
  }
  if (farStretch(nearCount - segmentNear, farCount - segmentFar)) return -1;
  return farCount * FAR_SHARE <= nearCount + farCount ? nearCount + farCount : -1;
}

/**
 * Whether one in BEYOND_SHARE or more of the repeats of 8 bytes the probe sees in `src[start,
 * end)` lie 2^BEYOND_LOG bytes or more back from the latest earlier copy (the probe of
 * {@linkcode repeatsAreNear}, at its positions, over the whole input: such repeats come
 * late in it). Bytes that repeat nearly everywhere in their first EARLY bytes stop the probe
 * there: their long matches leave the table little to do.
 */
export function repeatsReachFar(
  view: DataView,
  start: number,
  end: number,
  workspace: MatchWorkspace,
): boolean {
  const beyond = 1 << BEYOND_LOG;
  if (end - start <= beyond) return false;
  const tableLog = probeLog(end - start);
  const table = workspace.probeTable(1 << tableLog);
  // Entries are position + base; those of earlier probes lie below base.
  const base = workspace.probeBase(end - start) - start;
  const shift = 32 - tableLog;
  let repeats = 0;
  let far = 0;
  let check = start + EARLY;
  for (let p = start, i = 0; p + 8 <= end; p += STEPS[i], i = (i + 1) & (PROBES - 1)) {
    if (p >= check) {
      if (repeats > EARLY_MOST) return false;
      check = end;
    }
    const c = earlierCopy(view, table, p, start, base, shift, -1);
    if (c < 0) continue;
    repeats++;
    if (p - c >= beyond) far++;
  }
  return far * BEYOND_SHARE >= repeats && far > 0;
}

/**
 * The probe's step at `p`: the position of the latest earlier probed copy (at or after `start`) of
 * the 4 bytes at `p` and the bytes of `hiMask` in the next four, or -1; `p` takes its table entry.
 */
function earlierCopy(
  view: DataView,
  table: Int32Array,
  p: number,
  start: number,
  base: number,
  shift: number,
  hiMask: number,
): number {
  const lo = view.getInt32(p, true);
  const hi = view.getInt32(p + 4, true) & hiMask;
  const h = (Math.imul(lo, -1640531535) ^ Math.imul(hi, -2048144777)) >>> shift;
  const c = table[h] - base;
  table[h] = p + base;
  if (c < start || view.getInt32(c, true) !== lo || (view.getInt32(c + 4, true) & hiMask) !== hi) {
    return -1;
  }
  return c;
}

/** log2 of the probe table's entries for `length` bytes: one per probed position, within bounds. */
function probeLog(length: number): number {
  const log = 32 - Math.clz32(((length / PERIOD) * PROBES) | 0);
  return log < PROBE_LOG_MIN ? PROBE_LOG_MIN : log > PROBE_LOG_MAX ? PROBE_LOG_MAX : log;
}

/** Whether a stretch with these counts of near and far repeats passes the far share. */
function farStretch(near: number, far: number): boolean {
  return far >= SEGMENT_FAR_MIN && far * FAR_SHARE > near + far;
}

/**
 * The parameters to compress `src[start, end)` with in one shot: `params` (a level's), or, at
 * levels 5 to 15 (dfast with buckets, the row finder, btlazy2) when the input's repeats are all
 * near and its tables larger than near repeats need, smaller tables: levels 5 and 6 the same
 * finder with them, levels 7 to 12 the bucket finder at their search depth with 4-byte short
 * matches (see NEAR_MIN_MATCH), btlazy2 its own trees over the last 64 KiB; at levels 16 to 22,
 * those trees for inputs without repeats. The probe reads nothing past `end`.
 */
export function fitTablesToReach(
  params: CompressionParameters,
  src: Uint8Array,
  start: number,
  end: number,
  workspace: MatchWorkspace,
): CompressionParameters {
  const buckets = usesBuckets(params);
  const trees = params.strategy >= Strategy.BtLazy2;
  // Level 6 from 256 KiB to 1 MiB, the one row-finder level with targetLength 4 (levels 7 to 12
  // have 8 or more): its probe keeps the early stop, and its near path takes buckets of 2, as
  // when it ran on the hash chain with searchLog 3 (encoder/params.ts, MID_LEVELS_5_6).
  const level6 = usesRowFinder(params) && params.targetLength <= 4;
  // Levels 8 to 10 from 256 KiB to 1 MiB search the hash chain instead of rows (`hashChain`,
  // MID_CHAIN_LOG in encoder/params.ts; levels 9 and 10 one step deeper): the probe treats them as
  // the row finder's levels, and their near path takes the buckets it took on the rows (4
  // positions at levels 8 and 9, 8 at level 10).
  const rows = usesRowFinder(params) || params.hashChain === true;
  if (buckets) {
    if (params.hashLog <= NEAR_HASH_LOG && params.chainLog <= NEAR_CHAIN_LOG) return params;
  } else if (trees) {
    if (params.hashLog <= NEAR_TREE_HASH_LOG && params.chainLog <= NEAR_TREE_CHAIN_LOG) {
      return params;
    }
  } else if (!lazyWithLargeWindow(params)) {
    // Fast and dfast (levels 1 to 4) keep theirs; so do greedy, lazy and lazy2 up to 256 KiB
    // windows: the hash chain, whose tables fit them.
    return params;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const windowLog = params.windowLog;
  // The optimal parsers (above btlazy2) only for inputs without a repeat the probe can see, of 8
  // bytes nor of 5: any repeat keeps the level's tables (see NEAR_TREE_HASH_LOG).
  const small = params.strategy > Strategy.BtLazy2
    ? probe(view, start, end, windowLog, workspace, true, -1) === 0 &&
      probe(view, start, end, windowLog, workspace, true, 0xff) === 0
    : repeatsAreNear(
      view,
      start,
      end,
      windowLog,
      workspace,
      trees || (rows && !level6),
    );
  if (!small) {
    const nearHashLog = params.nearHashLog;
    if (
      nearHashLog !== undefined && nearHashLog < params.hashLog &&
      !repeatsReachFar(view, start, end, workspace)
    ) {
      return { ...params, hashLog: nearHashLog };
    }
    return params;
  }
  // Near text keeps the level's finder and tables (see TEXT_HIGH_SHARE).
  if (!buckets && params.strategy <= Strategy.BtLazy2 && looksLikeText(view, start, end)) {
    return params;
  }
  if (trees) {
    return {
      ...params,
      hashLog: Math.min(params.hashLog, NEAR_TREE_HASH_LOG),
      chainLog: Math.min(params.chainLog, NEAR_TREE_CHAIN_LOG),
    };
  }
  if (!buckets) {
    // The level's searchLog sets the buckets: 4 positions at 4, 8 above (levels 7 to 12); level 6
    // takes 2 (searchLog 3), and its targetLength 4 keeps libzstd's lazy lookahead (lazyLookahead
    // in dfast_lazy.ts).
    return {
      ...params,
      strategy: Strategy.DFast,
      searchLog: level6
        ? 3
        : params.hashChain === true
        ? Math.max(4, params.searchLog - 1)
        : params.searchLog,
      minMatch: NEAR_MIN_MATCH,
      hashLog: NEAR_HASH_LOG,
      chainLog: NEAR_CHAIN_LOG,
    };
  }
  return {
    ...params,
    hashLog: Math.min(params.hashLog, NEAR_HASH_LOG),
    chainLog: Math.min(params.chainLog, NEAR_CHAIN_LOG),
  };
}
