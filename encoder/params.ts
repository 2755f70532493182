/**
 * Compression parameters per level: libzstd's tables (`lib/compress/clevels.h`, four source-size
 * classes) and its adjustment of them to the input size (`ZSTD_getCParams`,
 * `ZSTD_adjustCParams_internal`). The numbers are facts of the format's reference encoder,
 * carried over exactly so that our levels mean what libzstd's mean, with these exceptions: levels 5
 * and 6 above 256 KiB, levels 7, 8 and 10 above 1 MiB, 11 and 12 above 256 KiB (see LEVELS_7_8
 * and LEVELS_10_12), levels 6 to 10 on inputs up to 16 KiB and levels 11, 12 and 15 from 16 to
 * 128 KiB (see TABLES), btopt at levels 11 and 12 up to 16 KiB and 14 and 15 from 16 to 256 KiB
 * (OPT_SKIP_BITS), the row finder's table at levels 7 to 12 (see levelParameters; level 9
 * above 1 MiB and level 10 above 2 MiB: LEVEL_9_NEAR_HASH_LOG, LEVEL_10_NEAR_HASH_LOG), and
 * levels 8 to 10 from 256 KiB to 1 MiB on the hash chain (MID_CHAIN_LOG).
 *
 * @module
 */

import { highbit } from "../entropy/bits.ts";
import { type CompressionParameters, Strategy } from "../matchers/strategy.ts";
import { usesRowFinder } from "../matchers/match_state.ts";

// Their home is the matchers' layer (the finders read them); the encoder imports them from here.
export { type CompressionParameters, Strategy };

/** Strategy names as the public options spell them. */
export const STRATEGY_NAMES: readonly string[] = [
  "",
  "fast",
  "dfast",
  "greedy",
  "lazy",
  "lazy2",
  "btlazy2",
  "btopt",
  "btultra",
  "btultra2",
];

/** Lowest and highest levels. Negative levels are libzstd's "fast" accelerations. */
export const MIN_LEVEL = -7;
/** Highest level. */
export const MAX_LEVEL = 22;
/** Default level, as libzstd. */
export const DEFAULT_LEVEL = 3;

// Rows: W, C, H, S, L, TL, strategy; row 0 is the base of the negative levels.
// Tables by source size: > 256 KiB, <= 256 KiB, <= 128 KiB, <= 16 KiB.
// Ours: levels 5 and 6 above 1 MiB are dfast with searchLog 3 and 4 (libzstd: greedy and
// lazy; from 256 KiB to 1 MiB see MID_LEVELS_5_6), which selects the bucketed finder of
// matchers/dfast_lazy.ts (libzstd's dfast rows have searchLog 1 or 2): buckets of 2 positions
// and klauspost's lookahead at level 5, of 4 and libzstd's lazy lookahead at level 6. Over the
// 13 inputs of bench/scenarios.ts they write
// libzstd's totals (level 5 1.0002, level 6 1.0011) at 1.3-1.6x the speed of the row finder
// (BENCHMARKS.md). Up to 256 KiB they are libzstd's greedy and lazy (up to 16 KiB: lazy, and lazy
// where libzstd has lazy2, +0.26%) on the hash chain: there the buckets wrote 1.5-1.8% more than
// libzstd over 4 to 64 KiB slices of real files (16 KiB of JSON +5.4%), and up to 16 KiB level 5
// more than our level 4, for 1.3-1.8x the chain's speed (docs/perf/2026-12-06-small-inputs.md);
// over 140 to 256 KiB slices level 5 wrote 1.0227-1.0241 of libzstd's total and level 6
// 1.0120-1.0141, for 1.35x and 1.12x the chain's speed (docs/perf/2026-12-06-chain-ahead.md).
// Above 256 KiB level 5's long table has 2^18 entries, not 2^19 (1 MiB: it misses the caches
// less often): 1.05-1.24x faster on 4 MiB of real files and logs (A/B, Deno and Bun) for +0.29%
// of total size (x86 code +0.54%; decodecorpus 1.0030 -> 1.0035 of libzstd's total). Level 6 at
// 2^18 wrote +0.375% (1.0050 of libzstd's total: the whole budget) for 1.11-1.19x in Deno and
// 0.85-1.13x in Bun.
// Ours too, on inputs of 16 KiB or less (docs/perf/2026-12-06-small-inputs.md; "slices": 1, 4
// and 16 KiB slices of eight inputs, real files, logs and z000033):
// - levels 7 and 8 are lazy, not lazy2: 1.13-1.30x faster in Bun on 4 to 16 KiB of logs, JSON,
//   prose and x86 code, for +0.22% over the slices (4 KiB of log lines +1.2%) and 1.0002 and
//   0.9996 of libzstd's total over decodecorpus's files up to 16 KiB;
// - levels 9 and 10 are lazy2 on the hash chain with searchLog 9 and 10, inserting every position
//   (libzstd: btlazy2 with searchLog 5 and 9): 0.9998 and 1.0000 of libzstd's total over the
//   slices, 0.9990 and 0.9997 over decodecorpus's files up to 16 KiB, at 1.2-2.3x the speed of
//   the binary tree.
// A one-shot compression at levels 5 to 15 shrinks the tables below when the input's repeats
// all lie near, and levels 7 to 12 then take the bucket finder with 4-byte matches above 256 KiB
// (matchers/reach.ts, called by compress.ts).
/**
 * Levels 5 and 6 on inputs of 256 KiB to 1 MiB (MID_SIZE_UP_TO). The buckets of the rows
 * below wrote 1.0094 (level 5) and 1.0106 (level 6) of Bun's libzstd's total over 400 KB slices
 * of seven inputs, and 1.0056 and 1.0051 at 1 MiB with the low-entropy megabyte
 * (docs/perf/2026-12-06-chain-ahead.md). Level 5 keeps the 2-position buckets with libzstd's lazy
 * lookahead instead of klauspost's (targetLength 4, see `lazyLookahead` in dfast_lazy.ts): 0.990-
 * 0.996 of libzstd's total over 300 KB to 1 MiB slices of eight inputs, the low-entropy megabyte
 * included (1.095-1.141 of it alone), and 0.9938 over decodecorpus's files of 256 KiB to 1 MiB,
 * at 1.18-1.30x (Deno) and 1.12-1.23x (Bun) the speed of the 4-position buckets it took before
 * (0.982-0.990; docs/perf/2026-12-06-mid-level-5.md). Level 6 takes libzstd's lazy on the row
 * finder's rows of 16 (searchLog 4: matchers/lazy_rows.ts's loop) with 2^17 entries, a quarter of
 * libzstd's 2^19 (eighteenth session of 12-07, docs/perf/2026-12-07-level-6-rows.md), where it ran
 * on the hash chain with 2^18 heads and links. One process per checkout, ratios to native over 292
 * KiB, 390 KiB and 1 MiB slices of the six real files and logs: Deno 0.40-0.49x -> 0.50-0.59x (x86
 * code the lowest before; compress_interleaved.ts, 8 rounds: 300 KB 0.45-0.57x -> 0.47-0.56x, 1 MiB
 * 0.41-0.53x -> 0.50-0.57x), Bun 0.47-0.60x -> 0.49-0.56x (the rows even to 10% slower there, but
 * for x86 code); decodecorpus's 17 files of 256 KiB to 1 MiB, lowest, Deno 0.37x -> 0.45x
 * (z000050), Bun 0.91-0.98x in geometric mean (z000040 and z000027 0.74 and 0.65 -> 0.52 and 0.50,
 * z000091 0.44 -> 0.50). Sizes against Bun's libzstd over the six slices: 300 KB 0.9977 -> 0.9946,
 * 400 KB 0.9977 -> 0.9956, 600 KB 0.9979 -> 0.9970, 800 KB 0.9985 -> 0.9999, 1 MiB 0.9997 ->
 * 1.0026; the decodecorpus files of that size 0.9930 -> 0.9989 (z000091 1.039 alone), decodecorpus
 * in all 0.9945 -> 0.9990, the low-entropy megabyte 10.5% smaller. With 2^18 entries the rows wrote
 * 0.992 of the slices but ran slower than the chain in Bun; with 2^16, 1.0017-1.0041 at 300-400 KB.
 */
const MID_LEVELS_5_6: readonly (readonly number[])[] = [
  [21, 16, 17, 3, 5, 4, 2],
  [21, 18, 17, 4, 5, 4, 4],
];
/**
 * Level 5 from 256 KiB to 1 MiB: its long table (`hashLog`) holds at most 2^(srcLog - 3) entries,
 * 2^17 at 1 MiB and 2^16 up to 512 KiB, and its short table (`chainLog`) 2^16; libzstd's level 5
 * (greedy on the row finder) has 2^19 rows and we had 2^18 in each table (sixteenth session of
 * 12-07). Our level 5 there wrote 0.980-0.987 of Bun's libzstd's total over 300 KB to 1 MiB slices
 * of the six real files and logs, and ran at 0.41-0.55x native in Deno (x86 code the lowest) and
 * 0.42-0.60x in Bun: the 2 MiB of tables miss the caches at every search. Now 0.989-0.993 of the
 * total (x86 code 1.0100-1.0112, JSON 0.966), the 17 decodecorpus files of that size 0.9935 ->
 * 1.0035 (decodecorpus in all 0.9949 -> 1.0027), the 13 lazy inputs unchanged (1.0026), at
 * 1.12-1.21x the speed in Deno (1 MiB slices, A/B, CPU, medians of 7; 300 and 512 KiB slices,
 * x86 code 0.38-0.43x -> 0.49-0.54x) and 1.0-1.2x in Bun (runs of each checkout alone; an A/B with
 * both loaded in one process read 0.8-1.17x).
 * 2^16 in both tables at 1 MiB: 0.9956 of the six slices' total but 1.0062 of the decodecorpus
 * files'.
 */
const LEVEL_5_MID_LOG = 3;

/**
 * The row table at levels 7 to 12 on inputs above 512 KiB up to 1 MiB (srcLog 20): at most
 * 2^(srcLog - k) entries, k by level from 7 (elsewhere the row finder takes half, k = 1; see
 * levelParameters).
 * - Levels 7 and 8, a quarter (2^18; sixteenth session of 12-07). On 1 MiB slices of the six real
 *   files and logs they ran at 0.41-0.58x native in Deno (x86 code the lowest), waiting on the
 *   rows' misses. A quarter: Deno 1.09-1.31x (A/B, CPU, medians of 7; x86 code 1.26-1.31x), Bun
 *   1.05-1.54x (both load orders). Sizes against Bun's libzstd over the six slices: level 7
 *   0.9988 -> 1.0032, level 8 0.9996 -> 1.0040 at 1 MiB (x86 code +0.75%, prose +0.5%), 1.0016 and
 *   1.0026 at 768 KiB, 1.0002 and 1.0013 at 600 KiB; the 17 decodecorpus files of 256 KiB to 1 MiB
 *   0.9936 -> 0.9951 and 0.9933 -> 0.9947; the 13 lazy inputs unchanged. Levels 9 and 10 wrote
 *   1.0047 and 1.0059 with a quarter, and levels 7 and 8 up to 512 KiB 1.0049 and 1.0060: they
 *   keep half.
 * - Levels 11 and 12, the whole power of two (2^20; rows of 32 where libzstd has 64): with half, the
 *   six 1 MiB slices wrote 1.0057 of Bun's libzstd in total (the JS bundle 1.0094), with the whole
 *   1.0040 (768 KiB slices 1.0042 -> 1.0031), at 0.85-0.92x the speed in Deno and 0.84-0.96x in
 *   Bun (fifteenth session of 12-07). At 512 KiB (1.0048) and below, half is kept.
 * Levels 8 to 10 search the hash chain there since the twenty-fifth session of 12-08, with 2^18
 * heads (MID_CHAIN_LOG): their entries here no longer change their tables.
 */
const MID_ROW_LOG_BELOW: readonly number[] = [2, 2, 1, 1, 0, 0];

/**
 * Inputs above 256 KiB and up to this size take MID_LEVELS_5_6 at levels 5 and 6, libzstd's
 * rows (not LEVELS_7_8 or LEVELS_10_12) at levels 7, 11 and 12, and the hash chain at levels 8 to
 * 10 (MID_CHAIN_LOG).
 */
const MID_SIZE_UP_TO = 1024 * 1024;

/**
 * Levels 7 and 8 above 1 MiB (and of unknown size): a row table of 2^19 entries, half of libzstd's
 * (up to 1 MiB the row table is already at most half the input's power of two, see
 * levelParameters). JavaScript cannot prefetch the rows and the candidates as libzstd does, and
 * the table's 5 MiB of tags and positions miss the caches at most searches; at 2.5 MiB the
 * searches wait less. A/B (CPU time, best of 5 alternating rounds, 4 MiB real files and the
 * 16 MiB logs): Deno level 7 1.06-1.22x, level 8 1.16-1.35x; Bun 1.16-1.42x and 1.15-1.5x.
 * Total size over the 13 lazy inputs against Bun's libzstd at the same level: level 7 0.9931 ->
 * 0.9961, level 8 0.9960 -> 0.9988. 4 MiB of x86 code +0.8% (1.0069 and 1.0078 of libzstd), the
 * JS bundle and TS declarations +0.3-0.4%, prose +0.2%, JSON and the logs under +0.1%; five real
 * files end to end (1 MiB each) 1.0044 at level 7 (1.0175 in the sixth session of 12-06, before
 * the loops and insertion rules of matchers/lazy_rows.ts), the five whole files end to end
 * 1.0050; decodecorpus files whose matches reach 0.5-2 MiB back, 4 MiB of them, 1.0126 (see
 * compress_test.ts). Level 9, whose window is 4 MiB, keeps its table: halved, 8 MiB of mixed files
 * wrote 1.0256 of libzstd (docs/perf/2026-12-06-half-table.md); it takes a quarter of it for
 * inputs whose repeats do not reach far back (LEVEL_9_NEAR_HASH_LOG).
 */
const LEVELS_7_8: readonly (readonly number[])[] = [
  [21, 19, 19, 4, 5, 8, 4],
  [21, 19, 19, 4, 5, 16, 5],
];

/**
 * Levels 10 to 12 above 1 MiB (and of unknown size), 11 and 12 above 256 KiB: one row size less
 * than libzstd's (level 10 rows of 16, in matchers/lazy_rows.ts's loop, libzstd 32; levels 11 and
 * 12 rows of 32, libzstd 64). Total over the 13 lazy inputs against Bun's libzstd at the same
 * level: level 10 0.9972 -> 1.0029, 11 0.9972 -> 1.0022, 12 0.9974 -> 1.0024 (decodecorpus
 * unchanged: its files are smaller). The real files pay for it: level 10 on 4 MiB of TS
 * declarations +1.3%, a JS bundle +1.3%, prose +0.9%, x86 code +0.6%, levels 11 and 12 +0.5 to
 * +1.0%; JSON, the low-entropy megabyte and z000033 stay below libzstd. Speed ÷ native on the 4 MiB
 * files and the logs, Deno: levels 10 and 11 0.30-0.38x -> 0.44-0.54x; Bun 1.3-1.5x faster, every
 * cell of levels 10 to 12 at 0.59x or more (docs/perf/2026-12-06-level-ladder.md, its matrix at
 * 98c4acb). Up to 1 MiB level 10 keeps libzstd's rows: two decodecorpus files of 320 and 500 KiB
 * wrote 1.0075 of libzstd at level 10 (z000088 +1.7%). Levels 11 and 12 take rows of 32 from 256
 * KiB (eleventh session of 12-06, docs/perf/2026-12-06-level-9-warm-up.md): libzstd's rows of 64
 * ran lazy.ts's loop at 0.36-0.46x native in Deno on 512 KiB and 1 MiB slices of the real files and
 * logs; rows of 32 run matchers/lazy_rows32.ts's, 1.7-1.8x as fast in Deno and 1.5-1.7x in Bun, for
 * 1.0000 -> 1.0037 of libzstd's total over 28 slices of 300 KiB to 1 MiB of seven inputs, and
 * 0.9941 -> 0.9959 over the 17 decodecorpus files of 256 KiB to 1 MiB (z000027 1.0228).
 */
const LEVELS_10_12: readonly (readonly number[])[] = [
  [22, 21, 22, 4, 5, 16, 5],
  [22, 21, 22, 5, 5, 16, 5],
  [22, 22, 23, 5, 5, 32, 5],
];

/**
 * Level 9 above 1 MiB (LEVEL_9_NEAR_ABOVE), in one shot: a row table of 2^19 entries (a quarter of
 * libzstd's above 2 MiB, half up to 2 MiB) with level 9's own window, unless the reach probe finds
 * that one in 33 or more of the input's repeats lie 2 MiB or more back (matchers/reach.ts,
 * `repeatsReachFar`; none can in 2 MiB or less); streams keep libzstd's table. From 1 to 2 MiB
 * (2^20 entries before): 1.5 and 2 MiB slices of five real files and the logs, 1 MiB of prose and
 * two mixes, 0.9984 -> 1.0012 of Bun's libzstd in total (x86 code up to +0.4%), for 1.09-1.12x
 * (matcher harness). Measured in the eleventh session of 12-06 (docs/perf/2026-12-06-level-9-
 * warm-up.md): with 2^21 entries the loop waits on its rows' misses, which JavaScript cannot
 * prefetch (a matcher harness, interleaved: 1.13-1.42x the time of 2^19 entries, where the 4 MiB
 * window costs nothing). A/B of the whole compression (CPU time, medians of 7 rounds) on the real
 * files of 2.3 to 4 MiB and the 16 MiB logs: Deno 1.21-1.54x (x86 code the most), Bun 1.07-1.37x;
 * the seed's repeated logs and z000033 even. Sizes against Bun's libzstd: total over the 13 lazy
 * inputs 0.9962 -> 1.0006 (x86 code +1.2%, the JS bundle +0.7%, TS declarations +0.4%); four
 * mixes of real files 0.9967 -> 1.0011 (five 1 MiB parts end to end +1.2%). Level 9 then writes
 * about what level 8 writes on inputs of one kind. The probe keeps the whole table for 8 MiB of
 * 2 MiB parts, whose prose repeats the TS declarations 4 MiB back (+6.1% on the small table), and
 * for the five whole files end to end (+2.4%). The window stays 4 MiB: with level 8's 2 MiB, 4 MiB
 * of text and far decodecorpus files, twice, wrote 1.86-1.88x libzstd's size (its second half
 * repeats the first 2.1 MiB back); with 4 MiB, 1.0006.
 */
const LEVEL_9_NEAR_HASH_LOG = 19;
const LEVEL_9_NEAR_ABOVE = MID_SIZE_UP_TO;

/**
 * Level 10 above 2 MiB, in one shot: a row table of 2^20 entries, half or a quarter of what it
 * searches otherwise there (2^21 up to 4 MiB, libzstd's 2^22 above), unless the reach probe finds
 * repeats 2 MiB back, as for level 9 (LEVEL_9_NEAR_HASH_LOG); from 1 to 2 MiB it has 2^20 anyway.
 * Level 10 is level 9's parse (rows of 16, lazy2) with a larger table, and its larger table missed
 * the caches at most searches: Deno ran 4 MiB of x86 code at 0.46-0.52x native level 10
 * (twenty-first session of 12-07, docs/perf/2026-12-07-level-10-table.md). A/B of the whole
 * compression (CPU time, medians of 7 rounds) on the real files of 2.3 to 4 MiB and the 16 MiB
 * logs: Deno 1.05-1.18x (x86 code 1.09-1.11x), Bun 1.03-1.09x; z000033 (1 MiB) unchanged. Sizes
 * against Bun's libzstd: total over the 13 lazy inputs 1.0030 -> 1.0042 (the JS bundle 1.0134 ->
 * 1.0157, x86 code +0.34%, TS declarations +0.14%); the four mixes of real files 1.0096 -> 1.0116
 * (two of them keep the whole table: the probe finds their repeats 2 MiB back); bench/pareto.ts's
 * 20.8 MiB 1.0033 -> 1.0051 (x86 code, 39% of its bytes, pays the most). With 2^19 the real files
 * wrote +0.3 to +1.2% more; rows of 32 on 2^20 entries (libzstd's row size, 0.9996 of the 13
 * inputs' total) ran at 0.85-0.96x of the rows of 16 on 2^21.
 */
const LEVEL_10_NEAR_HASH_LOG = 20;

/**
 * Levels 8, 9 and 10 on inputs above 256 KiB up to 1 MiB (MID_SIZE_UP_TO), in one shot or with a
 * pledged size, without a dictionary: lazy2 on the hash chain (`hashChain`) with 2^MID_CHAIN_LOG
 * heads and links, searchLog 4, 5 and 6 (MID_CHAIN_SEARCH_LOG), instead of libzstd's rows of 16,
 * 16 and 32 (with half the input's power of two in entries, levels 8 a quarter above 512 KiB).
 * Twenty-fifth session of 12-08 (docs/perf/2026-12-08-mid-chain.md): the rows ran x86 code at
 * 0.41-0.47x native at levels 9 and 10 in Deno (medians of five processes, 300 KB to 1 MiB
 * slices), their searches waiting on the rows; the chain with 2^18 heads and links (1 MiB each)
 * waits less. With 2^19 links it ran no faster than the rows; lazy (levels 6 and 7) ran no faster
 * on it either (0.80-1.16x). A/B in one process (CPU time, medians of 5), 300 KB to 1 MiB slices of
 * the real inputs, decodecorpus's z000011, z000044 and z000033 and the 1 MiB inputs:
 * - level 8: Deno 0.96-1.20x, Bun 1.0-1.39x (x86 code at 1 MiB even);
 * - level 9: Deno 0.98-1.17x, Bun 1.0-1.3x (x86 code 1.07-1.10x in Deno);
 * - level 10: Deno 0.99-1.38x, Bun 0.97-1.32x (x86 code 1.16-1.22x in Deno).
 * x86 code from 300 KB to 1 MiB in Deno, medians of five processes: level 9 0.41-0.47x -> 0.53x,
 * level 10 0.43-0.46x -> 0.57-0.60x native. Sizes against Bun's libzstd, 300 KB, 600 KB and 1 MiB
 * slices of the six real inputs: level 8 1.0028 (unchanged), level 9 1.0001 -> 0.9996, level 10
 * 1.0006 -> 1.0031 (the JS bundle's 1 MiB 1.0040 -> 1.0172: links reach 256 KiB back);
 * decodecorpus's 17 files of 256 KiB to 1 MiB 0.9947 (unchanged), 0.9933 -> 0.9936 and 0.9938 ->
 * 0.9949; the 13 lazy inputs 0.9987 -> 0.9990, 1.0006 -> 1.0007 and 1.0042 -> 1.0044 (the
 * low-entropy megabyte 0.947-0.958 -> 0.974-1.011 of libzstd: the rows' sparse insertion inside
 * long matches kept older candidates). Near inputs take the bucket finder as before (see
 * fitTablesToReach in matchers/reach.ts).
 */
const MID_CHAIN_LOG = 18;
const MID_CHAIN_SEARCH_LOG: readonly number[] = [4, 5, 6];

/**
 * Levels 11 and 12 up to 16 KiB and 14 and 15 from 16 to 256 KiB (btopt, as libzstd's; not level
 * 13, whose cells gained 1.015x there): the optimal parser searches a position unless the next one
 * is reachable for at most this many bits more than it (`skipBits`; libzstd: for no more, its half
 * a bit on whole-bit prices: btopt's prices are whole bits, so it searches every position but those
 * the next one reaches for no more). Twenty-fourth session of 12-08: 20 KiB to 250 KB slices of the
 * six real inputs (logs, TS declarations, prose, JSON, a JS bundle, x86 code), A/B in one process
 * (CPU, medians of 5): level 14 Deno 1.03-1.18x, Bun 1.03-1.16x; level 15 Deno 1.08-1.23x, Bun
 * 1.07-1.25x; the cells below 0.5x native (x86 code at 20 and 64 KiB, 0.47-0.49x in Deno) now 0.51x
 * or more in Deno, 0.54x in Bun. Sizes against Bun's libzstd over those slices: level 14 1.0002 ->
 * 1.0015 (16-128 KiB) and 1.0010 -> 1.0033 (128-256 KiB), level 15 1.0000 -> 1.0028 and 1.0037
 * (prose at 250 KB 1.0072 alone); decodecorpus's files of 16 to 128 KiB 1.0013 -> 1.0006 (level 14)
 * and 0.9992 -> 0.9998 (level 15), of 128 to 256 KiB 0.9862 -> 0.9866 and 0.9854 -> 0.9874. Two
 * bits: level 15 wrote 1.0051 of libzstd, level 14 ran 1.02x faster than with one. Level 13
 * (minMatch 4, searchLog 3) gained 1.015x and keeps libzstd's rule. Levels 11 and 12 up to 16 KiB,
 * 1, 4, 8 and 16 KiB slices of those inputs (medians of 7): level 12 Deno 1.02-1.12x, Bun
 * 1.00-1.12x (x86 code at 8-16 KiB 0.48-0.49x -> 0.52-0.54x in Deno), level 11 Deno 1.03x and Bun
 * 1.02x in geometric mean; sizes against Bun's libzstd 0.9991 -> 1.0004 (level 12) and 0.9999 ->
 * 1.0001 (level 11), decodecorpus's files up to 16 KiB 0.9980 -> 0.9984 and 0.9999 -> 1.0000.
 */
const OPT_SKIP_BITS = 1;

const TABLES: readonly (readonly (readonly number[])[])[] = [
  [
    [19, 12, 13, 1, 6, 1, 1],
    [19, 13, 14, 1, 7, 0, 1],
    [20, 15, 16, 1, 6, 0, 1],
    [21, 16, 17, 1, 5, 0, 2],
    [21, 18, 18, 1, 5, 0, 2],
    [21, 18, 18, 3, 5, 2, 2],
    [21, 18, 19, 4, 5, 4, 2],
    [21, 19, 20, 4, 5, 8, 4],
    [21, 19, 20, 4, 5, 16, 5],
    [22, 20, 21, 4, 5, 16, 5],
    [22, 21, 22, 5, 5, 16, 5],
    [22, 21, 22, 6, 5, 16, 5],
    [22, 22, 23, 6, 5, 32, 5],
    [22, 22, 22, 4, 5, 32, 6],
    [22, 22, 23, 5, 5, 32, 6],
    [22, 23, 23, 6, 5, 32, 6],
    [22, 22, 22, 5, 5, 48, 7],
    [23, 23, 22, 5, 4, 64, 7],
    [23, 23, 22, 6, 3, 64, 8],
    [23, 24, 22, 7, 3, 256, 9],
    [25, 25, 23, 7, 3, 256, 9],
    [26, 26, 24, 7, 3, 512, 9],
    [27, 27, 25, 9, 3, 999, 9],
  ],
  [
    [18, 12, 13, 1, 5, 1, 1],
    [18, 13, 14, 1, 6, 0, 1],
    [18, 14, 14, 1, 5, 0, 2],
    [18, 16, 16, 1, 4, 0, 2],
    [18, 16, 17, 3, 5, 2, 3],
    [18, 17, 18, 5, 5, 2, 3],
    [18, 18, 19, 3, 5, 4, 4],
    [18, 18, 19, 4, 4, 4, 4],
    [18, 18, 19, 4, 4, 8, 5],
    [18, 18, 19, 5, 4, 8, 5],
    [18, 18, 19, 6, 4, 8, 5],
    [18, 18, 19, 5, 4, 12, 6],
    [18, 19, 19, 7, 4, 12, 6],
    [18, 18, 19, 4, 4, 16, 7],
    [18, 18, 19, 4, 3, 32, 7],
    [18, 18, 19, 6, 3, 128, 7],
    [18, 19, 19, 6, 3, 128, 8],
    [18, 19, 19, 8, 3, 256, 8],
    [18, 19, 19, 6, 3, 128, 9],
    [18, 19, 19, 8, 3, 256, 9],
    [18, 19, 19, 10, 3, 512, 9],
    [18, 19, 19, 12, 3, 512, 9],
    [18, 19, 19, 13, 3, 999, 9],
  ],
  [
    [17, 12, 12, 1, 5, 1, 1],
    [17, 12, 13, 1, 6, 0, 1],
    [17, 13, 15, 1, 5, 0, 1],
    [17, 15, 16, 2, 5, 0, 2],
    [17, 17, 17, 2, 4, 0, 2],
    [17, 16, 17, 3, 4, 2, 3],
    [17, 16, 17, 3, 4, 4, 4],
    [17, 16, 17, 3, 4, 8, 5],
    [17, 16, 17, 4, 4, 8, 5],
    [17, 16, 17, 5, 4, 8, 5],
    [17, 16, 17, 6, 4, 8, 5],
    // Ours: levels 11 and 12 on inputs of 16 to 128 KiB: lazy2 on the hash chain with searchLog 9
    // and 10, inserting every position and walking its candidates without a miss limit
    // (matchers/lazy.ts, matchers/hash_chain.ts), as levels 9 and 10 up to 16 KiB; libzstd's are
    // btlazy2 with searchLog 5 and 7. Twenty-third session of 12-08: against Bun's libzstd at the
    // same level, over 20, 40, 64, 100 and 128 KiB slices of the six real inputs (logs, TS
    // declarations, prose, JSON, a JS bundle, x86 code) level 11 wrote 0.9985 -> 1.0016 of its
    // total and level 12 0.9987 -> 1.0026, over decodecorpus's files of 16 to 128 KiB 1.0000 ->
    // 1.0012 and 1.0000 -> 1.0028; Deno 1.9-2.8x (level 11) and 2.0-3.4x (level 12) as fast
    // (medians of 5 rounds in one process; they ran at 0.48-0.6x native). With the miss limit,
    // 1.0031 and 1.0043 of the slices' totals. Not from 128 to 256 KiB, where they wrote 1.0041 and
    // 1.0057 of the slices' totals, nor up to 16 KiB, where they are libzstd's optimal parser
    // (btopt) and lazy2 wrote 1.0103 and 1.0265 of its total over decodecorpus's files (one 1.24x).
    [17, 17, 17, 9, 4, 8, 5],
    [17, 18, 17, 10, 4, 12, 5],
    [17, 18, 17, 3, 4, 12, 7],
    [17, 18, 17, 4, 3, 32, 7],
    // Ours: level 15 from 16 to 128 KiB searches 2^5 tree nodes, not 2^6 (btopt): the same total
    // size (0.9999 of libzstd's parameters' over 20-128 KiB slices of the six real inputs and
    // decodecorpus's files of that size), 1.04x in both runtimes (geometric means of medians; 128
    // KiB of JSON 1.24x). From 128 to 256 KiB searchLog 5 wrote +0.45% over decodecorpus's files.
    [17, 18, 17, 5, 3, 256, 7],
    [17, 18, 17, 6, 3, 128, 8],
    [17, 18, 17, 8, 3, 256, 8],
    [17, 18, 17, 10, 3, 512, 8],
    [17, 18, 17, 5, 3, 256, 9],
    [17, 18, 17, 7, 3, 512, 9],
    [17, 18, 17, 9, 3, 512, 9],
    [17, 18, 17, 11, 3, 999, 9],
  ],
  [
    [14, 12, 13, 1, 5, 1, 1],
    [14, 14, 15, 1, 5, 0, 1],
    [14, 14, 15, 1, 4, 0, 1],
    [14, 14, 15, 2, 4, 0, 2],
    [14, 14, 14, 4, 4, 2, 3],
    [14, 14, 14, 3, 4, 4, 4],
    [14, 14, 14, 4, 4, 8, 4],
    [14, 14, 14, 6, 4, 8, 4],
    [14, 14, 14, 8, 4, 8, 4],
    [14, 14, 14, 9, 4, 8, 5],
    [14, 14, 14, 10, 4, 8, 5],
    [14, 15, 14, 3, 4, 12, 7],
    [14, 15, 14, 4, 3, 24, 7],
    [14, 15, 14, 5, 3, 32, 8],
    [14, 15, 15, 6, 3, 64, 8],
    [14, 15, 15, 7, 3, 256, 8],
    [14, 15, 15, 5, 3, 48, 9],
    [14, 15, 15, 6, 3, 128, 9],
    [14, 15, 15, 7, 3, 256, 9],
    [14, 15, 15, 8, 3, 256, 9],
    [14, 15, 15, 8, 3, 512, 9],
    [14, 15, 15, 9, 3, 512, 9],
    [14, 15, 15, 10, 3, 999, 9],
  ],
];

/** Smallest window a frame header can describe. */
const WINDOW_LOG_ABSOLUTE_MIN = 10;
/** libzstd's smallest hash log. */
const HASH_LOG_MIN = 6;

/** Log2 of the power of two that holds `size` bytes, at least libzstd's smallest hash log. */
function sourceLog(size: number): number {
  return size < 1 << HASH_LOG_MIN ? HASH_LOG_MIN : highbit(size - 1) + 1;
}

/**
 * libzstd's parameters for `level` and an input of `srcSize` bytes (−1 when unknown) after a
 * dictionary of `dictSize` bytes (0: none), adjusted to small inputs as ZSTD_getCParams does.
 */
export function levelParameters(
  level: number,
  srcSize: number,
  dictSize: number,
): CompressionParameters {
  // With a dictionary and no size, libzstd assumes a small input after it.
  const rowSize = srcSize >= 0 ? srcSize + dictSize : dictSize > 0 ? dictSize + 500 : Infinity;
  const table = (rowSize <= 256 * 1024 ? 1 : 0) + (rowSize <= 128 * 1024 ? 1 : 0) +
    (rowSize <= 16 * 1024 ? 1 : 0);
  const row = level === 0 ? DEFAULT_LEVEL : level < 0 ? 0 : Math.min(level, MAX_LEVEL);
  const r = table === 0 && (row === 5 || row === 6) && rowSize <= MID_SIZE_UP_TO
    ? MID_LEVELS_5_6[row - 5]
    : table === 0 && (row === 7 || row === 8) && rowSize > MID_SIZE_UP_TO
    ? LEVELS_7_8[row - 7]
    : table === 0 && (row === 11 || row === 12 || (row === 10 && rowSize > MID_SIZE_UP_TO))
    ? LEVELS_10_12[row - 10]
    : TABLES[table][row];
  const p: CompressionParameters = {
    windowLog: r[0],
    chainLog: r[1],
    hashLog: r[2],
    searchLog: r[3],
    minMatch: r[4],
    targetLength: level < 0 ? -Math.max(level, MIN_LEVEL) : r[5],
    strategy: r[6] as Strategy,
  };
  adjustToSource(p, srcSize, dictSize);
  if (
    table === 3
      ? row === 11 || row === 12
      : (table === 1 || table === 2) && (row === 14 || row === 15)
  ) {
    p.skipBits = OPT_SKIP_BITS;
  }
  if (r === MID_LEVELS_5_6[0]) {
    // Level 5's long table at most an eighth of the input's power of two (see LEVEL_5_MID_LOG).
    const cap = sourceLog(rowSize) - LEVEL_5_MID_LOG;
    if (p.hashLog > cap) p.hashLog = cap;
  }
  // Ours, not libzstd's: above 128 KiB, the match finders' hash table at most half the input's
  // power of two. libzstd sizes it by level alone, and hides its misses with prefetches;
  // JavaScript cannot, and a table half as large holds as much of an input that fills no more
  // than half of it anyway. Not with a dictionary: its content fills the table before the input
  // does.
  // - The row finder (greedy, lazy and lazy2 above 256 KiB windows: levels 7-12): libzstd has 1M
  //   entries at level 8, 8M at level 12 (5 and 40 MiB with the tags). Sizes move by at most
  //   +0.24% (4 MiB of x86 code at level 12); from 512 KiB to 1 MiB the table depends on the level
  //   (MID_ROW_LOG_BELOW).
  // - The hash chain (levels 5 to 10 from 128 to 256 KiB) and the binary trees (btlazy2 and the
  //   optimal parsers: levels 11 to 22 above 128 KiB, but 11 and 12 above 256 KiB, on rows), whose
  //   table holds only the chains' heads or the trees' roots (libzstd: 2^18 or 2^19 entries at
  //   128-256 KiB, 2^21 at 1 MiB, 2^21 to 2^23 at 4 MiB; 1 to 32 MiB). The same sizes to 0.03%
  //   (decodecorpus, the 13 lazy inputs, 140 KB to 4 MiB slices of the six real files and logs;
  //   levels 16, 19 and 22 to 0.001%). Nineteenth session of 12-07, geometric means over 140, 200
  //   and 250 KB slices of those six, inputs in turn (compress_interleaved.ts --cycle): level 5
  //   Deno 0.46-0.47x native -> 0.51-0.52x, Bun 0.49-0.53x -> 0.55x; level 6 Deno 0.42-0.45x ->
  //   0.50-0.53x, Bun 0.49x -> 0.54-0.62x; levels 7 and 9 1.02-1.12x in Deno (200 KB, A/B, CPU
  //   time, medians of 9), Bun 1.02x. The trees: levels 11 and 12 on 140 and 250 KB 1.06x in Deno,
  //   levels 13 to 15 there 1.05x in Deno and 1.06x in Bun, on 400 KB and 1 MiB 1.04-1.08x in
  //   Deno; levels 16 and 19 on 1 MiB 1.05x in both. Up to 128 KiB, no faster
  //   (docs/perf/2026-12-07-inputs-in-turn-128-256k.md).
  // (The row finder only runs above 256 KiB windows, so above 128 KiB covers it.)
  if (srcSize >= 0 && dictSize === 0 && table <= 1 && p.strategy >= Strategy.Greedy) {
    const srcLog = sourceLog(srcSize);
    const rows = usesRowFinder(p);
    // Above 512 KiB up to 1 MiB, the rows by level (MID_ROW_LOG_BELOW).
    const below = rows && srcLog === 20 && row >= 7 && row <= 12 ? MID_ROW_LOG_BELOW[row - 7] : 1;
    if (p.hashLog > srcLog - below) p.hashLog = srcLog - below;
    // The hash chain's links (levels 5 to 10 from 128 to 256 KiB) too: candidates reach 128 KiB
    // back instead of 256. Twenty-third session of 12-08, 140, 200 and 250 KB slices of the six
    // real inputs and decodecorpus's files of that size: levels 6 to 10 +0.02-0.04% of total size
    // against Bun's libzstd (1.0003 of their own), 1.02-1.05x in Deno and Bun (medians of 7 rounds
    // in one process); level 5 already had 2^17.
    if (!rows && p.strategy <= Strategy.Lazy2 && p.chainLog > srcLog - 1) p.chainLog = srcLog - 1;
    if (rows && row === 9 && srcSize > LEVEL_9_NEAR_ABOVE && p.hashLog > LEVEL_9_NEAR_HASH_LOG) {
      p.nearHashLog = LEVEL_9_NEAR_HASH_LOG;
    }
    if (rows && row === 10 && p.hashLog > LEVEL_10_NEAR_HASH_LOG) {
      p.nearHashLog = LEVEL_10_NEAR_HASH_LOG;
    }
  }
  if (
    srcSize >= 0 && dictSize === 0 && table === 0 && row >= 8 && row <= 10 &&
    rowSize <= MID_SIZE_UP_TO && p.strategy === Strategy.Lazy2
  ) {
    p.hashChain = true;
    p.hashLog = Math.min(p.hashLog, MID_CHAIN_LOG);
    p.chainLog = MID_CHAIN_LOG;
    p.searchLog = MID_CHAIN_SEARCH_LOG[row - 8];
  }
  // Levels 7 to 12 also halved this table on inputs above 2 MiB (and of unknown size) until the
  // sixth session of 12-06: 1.03-1.48x, at +0.17-0.38% of total size over the 4 MiB real files
  // and logs, but 5 MiB of five real files end to end (1 MiB each) wrote 1.0175 of Bun's libzstd
  // at level 7 and 1.0124 at 9. On today's loops and insertion rules the same input writes
  // 1.0044 at level 7 with the table halved: levels 7 and 8 take it again above 1 MiB
  // (LEVELS_7_8); level 9, whose 4 MiB window the halved table cannot cover, keeps the whole one
  // unless the input's repeats do not reach far back (LEVEL_9_NEAR_HASH_LOG).
  return p;
}

/**
 * ZSTD_adjustCParams_internal: shrink tables and window to a small input and the dictionary
 * before it (the window covers both).
 */
export function adjustToSource(
  p: CompressionParameters,
  srcSize: number,
  dictSize: number,
): CompressionParameters {
  if (srcSize >= 0) {
    const total = srcSize + dictSize;
    const srcLog = sourceLog(total);
    if (p.windowLog > srcLog) p.windowLog = srcLog;
    const cycleLog = p.chainLog - (p.strategy >= Strategy.BtLazy2 ? 1 : 0);
    if (p.hashLog > p.windowLog + 1) p.hashLog = p.windowLog + 1;
    if (cycleLog > p.windowLog) p.chainLog -= cycleLog - p.windowLog;
  }
  if (p.windowLog < WINDOW_LOG_ABSOLUTE_MIN) p.windowLog = WINDOW_LOG_ABSOLUTE_MIN;
  return p;
}
