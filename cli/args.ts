/**
 * The command line's arguments, read as zstd reads them: the settings they give and the help.
 *
 * @module
 */

import { DEFAULT_LEVEL } from "../encoder/params.ts";

// Default --maxdict, as zstd (110 KiB).
const DEFAULT_MAX_DICT = 112640;
/** Default largest window accepted when decompressing, as zstd: 128 MiB. */
export const DEFAULT_MAX_WINDOW_LOG = 27;
// Default minimum seconds per benchmark measurement (zstd's -i); each level takes up to four.
const DEFAULT_BENCH_SECONDS = 1;

/** The text of `-h`. */
export const HELP =
  `Compress or decompress the INPUT file(s); reads from STDIN if INPUT is \`-\` or not provided.

Usage: zstd [OPTIONS...] [INPUT... | -] [-o OUTPUT]
  (deno run -R -W jsr:@x/zstd/cli ...   or   bun cli.ts ...)

Options:
  -o OUTPUT                 Write output to a single file, OUTPUT.
  -k, --keep                Preserve INPUT file(s). [Default]
  --rm                      Remove INPUT file(s) after successful (de)compression.

  -#                        Compression level, 1 to 19; higher is smaller and slower. [Default: 3]
  --ultra                   Allow levels 20 to 22 (windows up to 128 MiB).
  --fast[=#]                Negative levels -1 to -7: faster, larger. [Default: 1]

  -z, --compress            Compress. [Default]
  -d, --decompress          Decompress.
  -D DICT                   Use DICT as the dictionary for compression or decompression.
  -c, --stdout              Write to STDOUT (even if it is a console with -f); keep INPUT file(s).
  -f, --force               Overwrite existing output files; read from or write to a console.
  -t, --test                Test the integrity of compressed files (decompress, write nothing).
  -l, --list                Print information about compressed files (-v for details).
  --[no-]check              Write an XXH64 checksum of the content [Default: on]; with -d,
                            --no-check skips its verification.
  --[no-]content-size       Write the content size in the frame header. [Default: on]
  --long[=#]                Window of 2^# bytes (10 to 31) [Default: 27]; with -d, the largest
                            window accepted [Default: 27]. No long-distance matcher is added.
  --memory=#                With -d: largest window accepted, e.g. --memory=512MiB.
  --[no-]progress           Force or disable the progress line (shown on a terminal for large
                            inputs).
  -v, --verbose             More messages; -q, --quiet: fewer (twice: none).
  -T#, --threads=#          Compress on # workers (0: one per core) [Default: 1]: inputs
                            above one job (1 to 8 MiB, from the level) are cut into jobs
                            compressed in parallel into one frame, as zstd -T# does.
  --single-thread           Compress on this thread (-T1).
  -h, -H, --help            Print this help and exit.
  -V, --version             Print the version and exit.
  --                        All following arguments are file names.

Dictionary builder:
  --train FILES             Train a dictionary on the sample FILES; write it to -o DICT.
                            [Default: dictionary]
  --maxdict=#               Largest dictionary size in bytes (K/M suffixes). [Default: 112640]
  -B#                       Cut the samples into blocks of # bytes.

Benchmark (in memory, this implementation beside native libzstd when the runtime has it):
  -b#                       Benchmark level # (default 3) on the INPUT files (no file: on
                            generated data).
  -e#                       Benchmark levels -b# to -e#.
  -i#                       Minimum seconds per measurement. [Default: 1]
`;

/** What to do with the inputs. */
export type Operation = "compress" | "decompress" | "test" | "list" | "train" | "bench";

/** The command line, parsed. */
export interface Settings {
  operation: Operation;
  help: boolean;
  version: boolean;
  files: string[];
  /** -o: one output file (a dictionary with --train); "-" is stdout. */
  output: string | null;
  toStdout: boolean;
  force: boolean;
  removeSource: boolean;
  level: number;
  ultra: boolean;
  dictionary: string | null;
  checksum: boolean;
  contentSize: boolean;
  /** --long for compression: the window log, or null for the level's. */
  windowLog: number | null;
  /** Largest window accepted when decompressing, as a log. */
  maxWindowLog: number;
  /** 0: nothing, 1: errors, 2: results and warnings (default), 3 and 4: verbose. */
  displayLevel: number;
  /** --progress / --no-progress; null: on a terminal for large inputs. */
  progress: boolean | null;
  maxDict: number;
  /** -B#: sample block size for --train; 0 for whole files. */
  blockSize: number;
  /** -e#: last benchmarked level; null for the first. */
  benchEnd: number | null;
  benchSeconds: number;
  /** -T#: workers to compress on; 0 for one per core. */
  threads: number;
}

/** Most workers -T# takes (those compressAsync takes). */
const MAX_THREADS = 256;

/** A bad command line: printed with a pointer to --help, exit code 1. */
export class UsageError extends Error {}

/** Reads `args` as zstd does: short options cluster (`-dc19`), long ones may take `=value`. */
export function parseArgs(args: readonly string[]): Settings {
  const s: Settings = {
    operation: "compress",
    help: false,
    version: false,
    files: [],
    output: null,
    toStdout: false,
    force: false,
    removeSource: false,
    level: DEFAULT_LEVEL,
    ultra: false,
    dictionary: null,
    checksum: true,
    contentSize: true,
    windowLog: null,
    maxWindowLog: DEFAULT_MAX_WINDOW_LOG,
    displayLevel: 2,
    progress: null,
    maxDict: DEFAULT_MAX_DICT,
    blockSize: 0,
    benchEnd: null,
    benchSeconds: DEFAULT_BENCH_SECONDS,
    threads: 1,
  };
  let onlyFiles = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== "string") throw new TypeError("Arguments must be strings");
    if (onlyFiles || arg === "-" || !arg.startsWith("-")) {
      s.files.push(arg);
    } else if (arg === "--") {
      onlyFiles = true;
    } else if (arg.startsWith("--")) {
      parseLongOption(s, arg);
    } else {
      // -o and -D take the rest of the cluster as their value, else the next argument.
      const takeNext = (option: string): string => {
        if (i + 1 >= args.length) throw new UsageError(`option ${option} requires an argument`);
        return args[++i];
      };
      parseShortOptions(s, arg.slice(1), takeNext);
    }
  }
  return s;
}

function parseLongOption(s: Settings, arg: string): void {
  const eq = arg.indexOf("=");
  const name = eq < 0 ? arg : arg.slice(0, eq);
  const value = eq < 0 ? null : arg.slice(eq + 1);
  const flag = (): void => {
    if (value !== null) throw new UsageError(`option ${name} takes no value`);
  };
  const required = (): string => {
    if (value === null) throw new UsageError(`option ${name} requires a value (${name}=#)`);
    return value;
  };
  switch (name) {
    case "--compress":
      flag();
      s.operation = "compress";
      break;
    case "--decompress":
    case "--uncompress":
      flag();
      s.operation = "decompress";
      break;
    case "--test":
      flag();
      s.operation = "test";
      break;
    case "--list":
      flag();
      s.operation = "list";
      break;
    case "--train":
      flag();
      s.operation = "train";
      break;
    case "--stdout":
      flag();
      s.toStdout = true;
      break;
    case "--force":
      flag();
      s.force = true;
      break;
    case "--keep":
      flag();
      s.removeSource = false;
      break;
    case "--rm":
      flag();
      s.removeSource = true;
      break;
    case "--help":
      flag();
      s.help = true;
      break;
    case "--version":
      flag();
      s.version = true;
      break;
    case "--verbose":
      flag();
      s.displayLevel++;
      break;
    case "--quiet":
      flag();
      s.displayLevel--;
      break;
    case "--ultra":
      flag();
      s.ultra = true;
      break;
    case "--fast":
      s.level = -(value === null ? 1 : parseSize(value, name, 1));
      break;
    case "--check":
    case "--no-check":
      flag();
      s.checksum = name === "--check";
      break;
    case "--content-size":
    case "--no-content-size":
      flag();
      s.contentSize = name === "--content-size";
      break;
    case "--progress":
    case "--no-progress":
      flag();
      s.progress = name === "--progress";
      break;
    case "--long": {
      const log = value === null ? DEFAULT_MAX_WINDOW_LOG : parseSize(value, name, 10, 31);
      s.windowLog = log;
      s.maxWindowLog = Math.max(log, DEFAULT_MAX_WINDOW_LOG);
      break;
    }
    case "--memory": {
      // Our decoder takes the limit as a power of two: round the size down to one.
      const bytes = parseSize(required(), name, 1024);
      s.maxWindowLog = Math.min(31, Math.floor(Math.log2(bytes)));
      break;
    }
    case "--maxdict":
      s.maxDict = parseSize(required(), name, 256);
      break;
    case "--threads":
      s.threads = parseSize(required(), name, 0, MAX_THREADS);
      break;
    case "--single-thread":
      flag();
      s.threads = 1;
      break;
    default:
      throw new UsageError(`unknown option ${arg}`);
  }
}

function parseShortOptions(
  s: Settings,
  cluster: string,
  takeNext: (option: string) => string,
): void {
  let p = 0;
  // The digits at p (advancing past them), or null when there are none.
  const digits = (): number | null => {
    const start = p;
    while (p < cluster.length && cluster[p] >= "0" && cluster[p] <= "9") p++;
    return p === start ? null : Number(cluster.slice(start, p));
  };
  const requiredDigits = (option: string): number => {
    const n = digits();
    if (n === null) throw new UsageError(`option -${option} requires a number (-${option}#)`);
    return n;
  };
  const rest = (option: string): string => {
    if (p === cluster.length) return takeNext(`-${option}`);
    const value = cluster.slice(p);
    p = cluster.length;
    return value;
  };
  while (p < cluster.length) {
    const c = cluster[p];
    if (c >= "0" && c <= "9") {
      s.level = digits()!;
      continue;
    }
    p++;
    switch (c) {
      case "z":
        s.operation = "compress";
        break;
      case "d":
        s.operation = "decompress";
        break;
      case "t":
        s.operation = "test";
        break;
      case "l":
        s.operation = "list";
        break;
      case "c":
        s.toStdout = true;
        break;
      case "f":
        s.force = true;
        break;
      case "k":
        s.removeSource = false;
        break;
      case "v":
        s.displayLevel++;
        break;
      case "q":
        s.displayLevel--;
        break;
      case "h":
      case "H":
        s.help = true;
        break;
      case "V":
        s.version = true;
        break;
      case "o":
        s.output = rest(c);
        break;
      case "D":
        s.dictionary = rest(c);
        break;
      case "b": {
        // As zstd: -b# is both "benchmark" and the first level.
        s.operation = "bench";
        const level = digits();
        if (level !== null) s.level = level;
        break;
      }
      case "e":
        s.benchEnd = requiredDigits(c);
        break;
      case "i":
        s.benchSeconds = requiredDigits(c);
        break;
      case "B":
        s.blockSize = requiredDigits(c);
        break;
      case "T": {
        const threads = requiredDigits(c);
        if (threads > MAX_THREADS) {
          throw new UsageError(`option -T must be from 0 to ${MAX_THREADS}, got ${threads}`);
        }
        s.threads = threads;
        break;
      }
      default:
        throw new UsageError(`unknown option -${c}`);
    }
  }
}

/** A non-negative integer with an optional K/KB/KiB, M/MB/MiB or G/GB/GiB suffix (powers of 2). */
export function parseSize(text: string, option: string, min: number, max = 2 ** 53): number {
  const match = /^(\d+)(?:([KMG])(?:i?B)?)?$/.exec(text);
  if (match === null) throw new UsageError(`option ${option} needs a number, got "${text}"`);
  const shift = match[2] === undefined ? 0 : { K: 10, M: 20, G: 30 }[match[2]]!;
  const n = Number(match[1]) * 2 ** shift;
  if (n < min || n > max) {
    throw new UsageError(`option ${option} must be from ${min} to ${max}, got ${n}`);
  }
  return n;
}
