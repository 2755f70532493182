/**
 * The match finders' view of the compression parameters: the strategy and the table sizes they
 * read. Defined here, below encoder/, so that matchers/ need nothing from encoder/ but the
 * sequence store; `encoder/params.ts` re-exports both with libzstd's level tables.
 *
 * @module
 */

/** Match-finding strategies, in libzstd's order (their numbers are libzstd's too). */
export const enum Strategy {
  Fast = 1,
  DFast = 2,
  Greedy = 3,
  Lazy = 4,
  Lazy2 = 5,
  BtLazy2 = 6,
  BtOpt = 7,
  BtUltra = 8,
  BtUltra2 = 9,
}

/** One set of compression parameters (libzstd's ZSTD_compressionParameters). */
export interface CompressionParameters {
  windowLog: number;
  chainLog: number;
  hashLog: number;
  searchLog: number;
  minMatch: number;
  targetLength: number;
  strategy: Strategy;
  /**
   * Ours: the row finder's hashLog for a one-shot input whose repeats do not reach far back (set
   * by encoder/params.ts for level 9 above 1 MiB; matchers/reach.ts probes the input and takes it).
   */
  nearHashLog?: number;
}
