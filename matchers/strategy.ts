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
   * by encoder/params.ts for level 9 above 1 MiB and level 10 above 2 MiB; matchers/reach.ts probes
   * the input and takes it).
   */
  nearHashLog?: number;
  /**
   * Ours: btopt searches a position unless the next one is reachable for at most this many whole
   * bits more (libzstd: none, its half a bit on whole-bit prices). Set by encoder/params.ts for
   * levels 11 and 12 up to 16 KiB and 14 and 15 from 16 to 256 KiB; 0 elsewhere.
   */
  skipBits?: number;
  /**
   * Ours: greedy, lazy and lazy2 search the hash chain even above 256 KiB windows, where they
   * would take the row finder (see usesRowFinder in match_state.ts). Set by encoder/params.ts for
   * levels 8 to 10 from 256 KiB to 1 MiB (MID_CHAIN_LOG); false elsewhere.
   */
  hashChain?: boolean;
}

/**
 * `p`'s seven fields, `skipBits` (0 when absent) and `hashChain` (false when absent) in a new
 * object of one shape, made here only (without `nearHashLog`, which only the reach probe reads).
 * The block encoder and the match finders read these fields at every block, and JavaScriptCore
 * compiles those reads for the object shapes that their first calls saw: the parameters of
 * levelParameters, of the reach probe's copies and of explicit options differ in shape. In one Bun
 * process, level 9 after level 7 (its parameters with `nearHashLog`, then the probe's copy) left
 * the optimized code at every block in six functions ("BadCache" exits, 101 each; none with this
 * copy): 62-90 ms a call on 2.3 MiB of TS declarations against 58-59 ms alone (single processes on
 * a noisy VM: after the copy, 54-83 ms).
 */
export function uniformParameters(p: CompressionParameters): CompressionParameters {
  return {
    windowLog: p.windowLog,
    chainLog: p.chainLog,
    hashLog: p.hashLog,
    searchLog: p.searchLog,
    minMatch: p.minMatch,
    targetLength: p.targetLength,
    strategy: p.strategy,
    skipBits: p.skipBits ?? 0,
    hashChain: p.hashChain ?? false,
  };
}
