/**
 * Validation of {@linkcode CompressOptions} at the API edge: wrong types are `TypeError`s, values
 * out of range `RangeError`s. Parameters are resolved as libzstd resolves them: the level's table
 * row for the input size, then the caller's overrides, then the adjustment to the input size.
 *
 * @module
 */

import { checkOptionKeys, describeValue, optionNames } from "../arguments.ts";
import { toDictionary, type ZstdDictionary } from "../dictionary.ts";
import { type EncoderDictionary, encoderDictionary } from "./dictionary.ts";
import {
  adjustToSource,
  type CompressionParameters,
  DEFAULT_LEVEL,
  levelParameters,
  MAX_LEVEL,
  MIN_LEVEL,
  type Strategy,
  STRATEGY_NAMES,
} from "./params.ts";

/**
 * Names of the match-finding strategies, weakest (fastest) to strongest, as libzstd names them:
 * `fast` and `dfast` (one and two hash tables; ours: dfast with `searchLog` 3 or more keeps 2 or
 * 4 positions per long-table entry and looks one position further: levels 5 and 6); `greedy`, `lazy` and `lazy2` (hash chains or
 * libzstd's row-based finder; they take the first match found, or look one or two positions
 * further for a better one); `btlazy2` (binary tree); `btopt`, `btultra` and `btultra2` (binary
 * tree with optimal parsing). Each level picks one; {@linkcode CompressOptions.strategy}
 * overrides it.
 */
export type StrategyName =
  | "fast"
  | "dfast"
  | "greedy"
  | "lazy"
  | "lazy2"
  | "btlazy2"
  | "btopt"
  | "btultra"
  | "btultra2";

/**
 * Options of `compress` and `compressStream`. All are optional; the defaults are libzstd's
 * library defaults: level 3, no checksum, the content size written. Any other key is misuse: a
 * `TypeError` naming it and the nearest valid one (a misspelt option is never ignored).
 *
 * The levels set every parameter the way libzstd's tables do, for the input's size (above 1 MiB
 * levels 5 and 6 are dfast with `searchLog` 3 and 4, where libzstd uses greedy and lazy, and from
 * 256 KiB level 5 is dfast with `searchLog` 3 and `targetLength` 4, whose buckets then look ahead
 * as libzstd's lazy does, in tables of at most an eighth of the input's power of two; from 512 KiB
 * to 1 MiB levels 7 and 8 search a row table of a quarter of it; up to 16 KiB levels 6 to 8 are
 * lazy, where libzstd uses lazy2, and levels 9 and 10 lazy2, where it uses btlazy2, as levels 11
 * and 12 from 16 to 128 KiB; the same total sizes within 0.4%, faster here). The advanced fields override one parameter each, with libzstd's
 * names and ranges (`ZSTD_c_*`); the others keep the level's values, and the result is fitted to
 * the input size as libzstd does.
 * Frames made with any options decode with any Zstandard decoder.
 */
export interface CompressOptions {
  /**
   * Compression level, from -7 (fastest) to 22 (smallest); 0 means the default, 3. The levels
   * are libzstd's: the same parameters, for the same input size (levels 20–22 use windows of up
   * to 128 MiB on inputs that large).
   *
   * @default {3}
   */
  level?: number;
  /**
   * Append the XXH64 content checksum, which decoders verify. Default false, as libzstd's
   * library API (the `zstd` command line writes one).
   *
   * @default {false}
   */
  checksum?: boolean;
  /**
   * Write the content size in the frame header (when it is known: always for `compress`, with
   * `pledgedSize` for `compressStream`). Decoders use it to allocate the output once.
   *
   * @default {true}
   */
  contentSize?: boolean;
  /**
   * Compress with this dictionary: a {@linkcode ZstdDictionary} (build it once and reuse it) or
   * its bytes. The frame then needs the same dictionary to decode.
   */
  dictionary?: ZstdDictionary | Uint8Array;
  /**
   * Write the dictionary's ID in the frame header (when it has one), so that decoders check
   * they were given the right dictionary.
   *
   * @default {true}
   */
  dictionaryId?: boolean;
  /**
   * Advanced: log2 of the window (largest match distance), 10 to 31. Decoders need a window this
   * large: above 27 (128 MiB), most of them, this package's included, reject the frame unless
   * told to accept it (`maxWindowLog`, `zstd --long=31`).
   */
  windowLog?: number;
  /** Advanced: log2 of the main hash table's entries, 6 to 30. */
  hashLog?: number;
  /** Advanced: log2 of the chain table's entries (second hash for dfast), 6 to 30. */
  chainLog?: number;
  /** Advanced: log2 of the match candidates searched per position, 1 to 30. */
  searchLog?: number;
  /** Advanced: shortest match searched, 3 to 7. */
  minMatch?: number;
  /**
   * Advanced: match length that stops a search (for fast: the starting step; for dfast with
   * `searchLog` 3, 4 or more selects libzstd's lazy lookahead over klauspost's), 0 to 131072.
   */
  targetLength?: number;
  /** Advanced: the match-finding strategy. */
  strategy?: StrategyName;
}

/**
 * Options of `compressStream`: those of {@linkcode CompressOptions}, and two for streams (which
 * `compress` refuses, as any key its options do not define).
 */
export interface CompressStreamOptions extends CompressOptions {
  /**
   * The exact number of bytes the stream will carry. It is written in the frame header (as
   * `compress` does) and lets the parameters fit the size, so the frame is byte for byte the
   * one-shot frame (but for inputs whose repeats all lie within 64 KiB, at levels 5 to 15, or
   * that have none, at 5 to 22, and at level 9 for inputs above 1 MiB whose repeats do not reach
   * 2 MiB back: `compress`, seeing the whole input, gives them smaller match tables); a stream
   * that carries another number of bytes errors with `source_size_wrong`.
   * Without it the header carries no content size.
   */
  pledgedSize?: number;
  /**
   * Emit each written chunk at once as complete blocks, for interactive protocols where the peer
   * must be able to decode every message as soon as it is sent. Costs ratio on small chunks.
   * Default false: blocks go out as they fill (128 KiB).
   *
   * @default {false}
   */
  flushEachChunk?: boolean;
  /**
   * Compress on this many workers at once (1 to 256), or `"auto"`: one per core. With more than
   * one, the stream is cut into jobs (1 to 8 MiB, from the level's window) compressed in parallel
   * by the workers of `compressAsync` into one frame, as `compressAsync`'s `workers` does (see
   * there): the same bytes for any number of workers above one, output in order, at most
   * `workers` jobs running plus one filling (their buffers shared with the workers and reused
   * where SharedArrayBuffer exists), and at most twice `workers` jobs' blocks waiting to be read,
   * so memory stays bounded. The output then comes a job at a time. Not with `flushEachChunk`; with a dictionary, the stream compresses
   * on this thread as with one worker.
   *
   * @default {1}
   */
  workers?: number | "auto";
}

const COMPRESS_NAMES: Record<keyof CompressOptions, true> = {
  level: true,
  checksum: true,
  contentSize: true,
  dictionary: true,
  dictionaryId: true,
  windowLog: true,
  hashLog: true,
  chainLog: true,
  searchLog: true,
  minMatch: true,
  targetLength: true,
  strategy: true,
};
/** The keys of {@linkcode CompressOptions}: any other is misuse (a `TypeError`). */
const COMPRESS_KEYS = optionNames<CompressOptions>(COMPRESS_NAMES);
/** The keys of {@linkcode CompressStreamOptions}. */
const STREAM_KEYS = optionNames<CompressStreamOptions>({
  ...COMPRESS_NAMES,
  pledgedSize: true,
  flushEachChunk: true,
  workers: true,
});

/** Throws a `TypeError` unless `options` is an object (for `null`, `undefined`: false). */
function isOptionsObject(options: unknown): options is object {
  if (options === undefined || options === null) return false;
  if (typeof options !== "object") {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  return true;
}

/** Stream options after validation. */
export interface ResolvedStreamOptions {
  options: ResolvedCompressOptions;
  pledgedSize: number;
  flushEachChunk: boolean;
  /** Workers to compress on (1: this thread). */
  workers: number | "auto";
}

/** Most workers a call may ask for (libzstd's limit on 64-bit systems). */
const MAX_WORKERS = 256;

/** Checks a `workers` option (`compressAsync`, `compressStream`); 1 when absent. */
export function checkWorkers(value: unknown): number | "auto" {
  if (value === undefined) return 1;
  if (value === "auto") return value;
  if (typeof value !== "number") {
    throw new TypeError(`workers must be a number or "auto", got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new RangeError(`workers must be an integer from 1 to ${MAX_WORKERS}, got ${value}`);
  }
  return value;
}

/** Checks stream options; `pledgedSize` −1 when absent. */
export function resolveStreamOptions(
  options: CompressStreamOptions | undefined,
): ResolvedStreamOptions {
  let pledgedSize = -1;
  let flushEachChunk = false;
  let workers: number | "auto" = 1;
  if (isOptionsObject(options)) {
    checkOptionKeys(options, STREAM_KEYS);
    if (options.pledgedSize !== undefined) {
      pledgedSize = options.pledgedSize;
      if (typeof pledgedSize !== "number") throw new TypeError("pledgedSize must be a number");
      if (!Number.isSafeInteger(pledgedSize) || pledgedSize < 0) {
        throw new RangeError(`pledgedSize must be a non-negative integer, got ${pledgedSize}`);
      }
    }
    flushEachChunk = booleanOption(options, "flushEachChunk", false);
    workers = checkWorkers(options.workers);
    if (flushEachChunk && workers !== 1) {
      throw new TypeError("flushEachChunk cannot be combined with workers other than 1");
    }
  }
  return {
    options: resolveChecked(options, pledgedSize),
    pledgedSize,
    flushEachChunk,
    workers,
  };
}

/** Options after validation. */
export interface ResolvedCompressOptions {
  params: CompressionParameters;
  level: number;
  checksum: boolean;
  contentSize: boolean;
  dictionary: EncoderDictionary | null;
  /** ID written in the frame header; 0 for none. */
  dictionaryId: number;
  /**
   * Whether the parameters are the level's (none given: no windowLog, table sizes, searchLog,
   * minMatch, targetLength or strategy): a one-shot compression may then size the match tables
   * to the input's reach (matchers/reach.ts).
   */
  levelTables: boolean;
}

const RANGES: Record<string, [number, number]> = {
  windowLog: [10, 31],
  hashLog: [6, 30],
  chainLog: [6, 30],
  searchLog: [1, 30],
  minMatch: [3, 7],
  targetLength: [0, 131072],
};

function integerOption(options: CompressOptions, name: keyof typeof RANGES): number | undefined {
  const value = (options as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number`);
  const [min, max] = RANGES[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function booleanOption(options: CompressOptions, name: string, fallback: boolean): boolean {
  const value = (options as Record<string, unknown>)[name];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
  return value;
}

/** Checks `options` and resolves the parameters for an input of `srcSize` bytes (−1: unknown). */
export function resolveCompressOptions(
  options: CompressOptions | undefined,
  srcSize: number,
): ResolvedCompressOptions {
  if (isOptionsObject(options)) checkOptionKeys(options, COMPRESS_KEYS);
  return resolveChecked(options, srcSize);
}

/** {@linkcode resolveCompressOptions} once the keys are checked. */
function resolveChecked(
  options: CompressOptions | undefined,
  srcSize: number,
): ResolvedCompressOptions {
  if (options === undefined || options === null) {
    return {
      params: levelParameters(DEFAULT_LEVEL, srcSize, 0),
      level: DEFAULT_LEVEL,
      checksum: false,
      contentSize: true,
      dictionary: null,
      dictionaryId: 0,
      levelTables: true,
    };
  }
  let level = DEFAULT_LEVEL;
  if (options.level !== undefined) {
    level = options.level;
    if (typeof level !== "number") throw new TypeError("level must be a number");
    if (!Number.isInteger(level) || level < MIN_LEVEL || level > MAX_LEVEL) {
      throw new RangeError(
        `level must be an integer from ${MIN_LEVEL} to ${MAX_LEVEL}, got ${level}`,
      );
    }
    if (level === 0) level = DEFAULT_LEVEL;
  }
  const checksum = booleanOption(options, "checksum", false);
  const contentSize = booleanOption(options, "contentSize", true);
  const dict = toDictionary(options.dictionary);
  const dictionary = dict === null ? null : encoderDictionary(dict);
  const dictSize = dictionary === null ? 0 : dictionary.content.length;
  const dictionaryId = booleanOption(options, "dictionaryId", true) && dict !== null ? dict.id : 0;
  const params = levelParameters(level, srcSize, dictSize);
  let overridden = false;
  for (
    const name of ["windowLog", "hashLog", "chainLog", "searchLog", "minMatch", "targetLength"]
  ) {
    const v = integerOption(options, name);
    if (v !== undefined) {
      (params as unknown as Record<string, number>)[name] = v;
      overridden = true;
    }
  }
  if (options.strategy !== undefined) {
    if (typeof options.strategy !== "string") throw new TypeError("strategy must be a string");
    const s = STRATEGY_NAMES.indexOf(options.strategy);
    if (s < 1) {
      throw new RangeError(
        `strategy must be one of ${STRATEGY_NAMES.slice(1).join(", ")}, got ${options.strategy}`,
      );
    }
    params.strategy = s as Strategy;
    overridden = true;
  }
  return {
    params: overridden ? adjustToSource(params, srcSize, dictSize) : params,
    level,
    checksum,
    contentSize,
    dictionary,
    dictionaryId,
    levelTables: !overridden,
  };
}
