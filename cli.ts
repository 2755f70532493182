/**
 * A `zstd` command line in pure TypeScript, for Deno and Bun: the options, output names, messages
 * and exit codes of the reference `zstd` CLI, on top of this package's streams, so files of any
 * size are compressed in bounded memory.
 *
 * ```sh
 * deno run -R -W jsr:@x/zstd/cli -19 big.log          # writes big.log.zst, keeps big.log
 * deno run -R -W jsr:@x/zstd/cli -d big.log.zst -o copy.log
 * tar c dir | bun cli.ts -c > dir.tar.zst              # stdin to stdout
 * bun cli.ts -l *.zst                                  # frames, sizes, ratio, checksum
 * bun cli.ts -b1 -e19 file                             # benchmark, beside native libzstd
 * ```
 *
 * Compression, decompression, `-t`, `-l`, `--train` and `-b` are supported; run with `-h` for the
 * list of options. Errors print as `zstd: FILE: message` on stderr and the exit code is 1, as
 * with `zstd`.
 *
 * As with `zstd`, devices and (without `-f`) symbolic links are not read, `--rm` removes only a
 * regular input whose output was written in full, and the partial output of a failed run is
 * removed; run as a program, SIGINT and SIGTERM remove it too (exit 130 and 143).
 *
 * Differences from `zstd`: levels go down to `--fast=7` only (faster levels are reduced to it);
 * `--long` sets the window but does not add long-distance matching; there is no recursion (`-r`),
 * no multithreading (`-T#` is accepted and ignored), no pass-through of unknown formats with
 * `-df`, no other formats (gzip, xz, lz4); an existing output is an error without `-f` instead of
 * a prompt; `--rm` keeps the input when the output is not a regular file; decoding errors are
 * described in this decoder's words.
 *
 * @example Run the command line in-process
 * ```ts
 * import { main } from "@x/zstd/cli";
 * const exitCode = await main(["-q", "--version"]); // prints the version
 * console.log(exitCode); // 0
 * ```
 *
 * @module
 */

import {
  chmodSync,
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  read,
  readFileSync,
  readSync,
  type Stats,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, resolve } from "node:path";
import process from "node:process";
import {
  compress,
  compressStream,
  decompress,
  decompressStream,
  trainDictionary,
  ZstdDictionary,
  ZstdError,
} from "./mod.ts";
import { type FrameInfo, walkFrames } from "./frame_info.ts";

// Kept equal to the version in deno.json and jsr.json (tests/cli_test.ts checks it); a JSON
// import would tie the published module to a config file that is not part of the package.
const VERSION = "0.1.0";

const DEFAULT_LEVEL = 3;
// Our fastest level; zstd's --fast goes much further, so faster requests are reduced to this one.
const MIN_LEVEL = -7;
// Levels above this need --ultra, as in zstd (they use windows of up to 128 MiB).
const MAX_REGULAR_LEVEL = 19;
const MAX_LEVEL = 22;
// Default --maxdict, as zstd (110 KiB).
const DEFAULT_MAX_DICT = 112640;
// Default largest window accepted when decompressing, as zstd: 128 MiB.
const DEFAULT_MAX_WINDOW_LOG = 27;
// Size of each read from a file: one full block, so the encoder never waits for a second read.
const READ_SIZE = 1 << 17;
// Inputs smaller than this finish too fast for a progress line to be worth drawing.
const PROGRESS_MIN_SIZE = 8 << 20;
// At most ten progress updates a second: redrawing the terminal line costs more than it shows.
const PROGRESS_INTERVAL_MS = 100;
// Default minimum seconds per benchmark measurement (zstd's -i); each level takes up to four.
const DEFAULT_BENCH_SECONDS = 1;
// Size of the generated sample benchmarked when -b is given no file.
const SYNTHETIC_SIZE = 4 << 20;

// A file being compressed gives the event loop a turn this often, so a signal is handled.
const EVENT_LOOP_TURN_MS = 50;

const STDIN_NAME = "*stdin*";
const STDOUT_NAME = "*stdout*";

const HELP =
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
  -T#, --threads=#, --single-thread
                            Accepted and ignored: this implementation is single-threaded.
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
type Operation = "compress" | "decompress" | "test" | "list" | "train" | "bench";

/** The command line, parsed. */
interface Settings {
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
}

/** A bad command line: printed with a pointer to --help, exit code 1. */
class UsageError extends Error {}

/** Reads `args` as zstd does: short options cluster (`-dc19`), long ones may take `=value`. */
function parseArgs(args: readonly string[]): Settings {
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
      parseSize(required(), name, 0);
      break;
    case "--single-thread":
      flag();
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
      case "T":
        digits();
        break;
      default:
        throw new UsageError(`unknown option -${c}`);
    }
  }
}

/** A non-negative integer with an optional K/KB/KiB, M/MB/MiB or G/GB/GiB suffix (powers of 2). */
function parseSize(text: string, option: string, min: number, max = 2 ** 53): number {
  const match = /^(\d+)(?:([KMG])(?:i?B)?)?$/.exec(text);
  if (match === null) throw new UsageError(`option ${option} needs a number, got "${text}"`);
  const shift = match[2] === undefined ? 0 : { K: 10, M: 20, G: 30 }[match[2]]!;
  const n = Number(match[1]) * 2 ** shift;
  if (n < min || n > max) {
    throw new UsageError(`option ${option} must be from ${min} to ${max}, got ${n}`);
  }
  return n;
}

/**
 * Runs the zstd command line with `args` (without the program name) and returns the exit code:
 * 0 on success, 1 when an argument is bad or any file failed. Messages go to stderr, data and
 * listings to stdout, as `zstd` does.
 *
 * @example Compress a file, test it, list it
 * ```ts
 * import { main } from "@x/zstd/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const file = join(mkdtempSync(join(tmpdir(), "zstd-")), "hello.txt");
 * writeFileSync(file, "hello hello hello hello\n");
 * console.log(await main(["-q", "-19", file])); // 0, and hello.txt.zst is written
 * console.log(await main(["-q", "-t", file + ".zst"])); // 0
 * ```
 */
export async function main(args: string[]): Promise<number> {
  // A failed write to stdout is reported by its callback (and printed once); without a listener
  // the stream's 'error' event would also end the process with a stack trace. Once stdout has
  // failed the listener stays: the stream is broken and may still emit.
  const ignore = (): void => {};
  process.stdout.on("error", ignore);
  try {
    return await runMain(args);
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    if (e.code !== "EPIPE") process.stderr.write(`zstd: ${describeError(e)}\n`);
    return 1;
  } finally {
    if (!stdoutFailed) process.stdout.off("error", ignore);
  }
}

async function runMain(args: string[]): Promise<number> {
  let settings: Settings;
  try {
    settings = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`zstd: ${e.message}\nTry 'zstd --help' for the list of options.\n`);
    return 1;
  }
  if (settings.help) {
    await writeStdout(HELP);
    return 0;
  }
  if (settings.version) {
    // As zstd: -qV prints the bare version, for scripts.
    const banner = `*** @x/zstd CLI v${VERSION}, Zstandard in TypeScript, on ${runtimeName()} ***`;
    await writeStdout((settings.displayLevel < 2 ? VERSION : banner) + "\n");
    return 0;
  }
  const run = new Run(settings);
  switch (settings.operation) {
    case "list":
      return await run.list();
    case "train":
      return run.train();
    case "bench":
      return await run.bench();
    default:
      return await run.transcode();
  }
}

/** The state of one invocation: settings and display. */
class Run {
  readonly settings: Settings;
  /** Display level of results and progress (lowered when data goes to stdout, as zstd). */
  resultLevel: number;
  /** Loaded -D dictionary, null when none. */
  dictionary: ZstdDictionary | null = null;

  constructor(settings: Settings) {
    this.settings = settings;
    this.resultLevel = settings.displayLevel;
  }

  error(message: string): void {
    if (this.settings.displayLevel >= 1) process.stderr.write(`zstd: ${message}\n`);
  }

  warn(message: string): void {
    if (this.settings.displayLevel >= 2) process.stderr.write(`Warning : ${message}\n`);
  }

  info(message: string, level = 2): void {
    if (this.resultLevel >= level) process.stderr.write(message + "\n");
  }

  /** The compression level after zstd's limits and ours, with zstd's warnings. */
  level(level: number): number {
    if (level > MAX_LEVEL) {
      this.warn(`compression level higher than max, reduced to ${MAX_LEVEL}`);
      level = MAX_LEVEL;
    }
    if (level > MAX_REGULAR_LEVEL && !this.settings.ultra) {
      this.warn(`compression level higher than max, reduced to ${MAX_REGULAR_LEVEL}`);
      level = MAX_REGULAR_LEVEL;
    }
    if (level < MIN_LEVEL) {
      this.warn(`--fast=${-level} is beyond this implementation's fastest level, using --fast=7`);
      level = MIN_LEVEL;
    }
    return level === 0 ? DEFAULT_LEVEL : level;
  }

  /** Loads the -D dictionary; false (after the message) when it cannot be read. */
  loadDictionary(): boolean {
    if (this.settings.dictionary === null) return true;
    try {
      this.dictionary = new ZstdDictionary(readBytes(this.settings.dictionary));
      return true;
    } catch (e) {
      this.error(`${this.settings.dictionary}: ${describeError(e)}`);
      return false;
    }
  }

  /**
   * zstd's filter of the input names: symbolic links are skipped with a warning unless -f (the
   * run goes on with the other names), except links to FIFOs (`/dev/stdin`, `<(command)`).
   */
  skipLinks(files: string[]): string[] {
    if (this.settings.force) return files;
    return files.filter((file) => {
      if (file === "-" || !isLink(file) || isFifo(file)) return true;
      this.warn(`${file} is a symbolic link, ignoring `);
      return false;
    });
  }

  /**
   * Opens an input file as zstd does: a regular file, a FIFO, or with -f a block device; a
   * directory, a character device (/dev/zero, a terminal) or a socket is refused. Null after
   * the message.
   */
  openInput(input: string): Source | null {
    let stat: Stats;
    try {
      stat = statSync(input);
    } catch (e) {
      this.error(`can't stat ${input} : ${describeError(e)} -- ignored `);
      return null;
    }
    if (stat.isDirectory()) {
      this.error(`${input} is a directory -- ignored `);
      return null;
    }
    if (!stat.isFile() && !stat.isFIFO() && !(stat.isBlockDevice() && this.settings.force)) {
      this.error(`${input} is not a regular file -- ignored `);
      return null;
    }
    const source = fileSource(input);
    if (source.dev !== stat.dev || source.ino !== stat.ino) {
      source.close();
      this.error(`${input}: replaced while being opened -- ignored`);
      return null;
    }
    return source;
  }

  /**
   * --rm after a complete output: removes `input` if it is still the regular file that was read
   * (a FIFO or a device is never removed). False after printing why it could not be removed.
   */
  removeInput(input: string, source: Source): boolean {
    let stat: Stats;
    try {
      stat = statSync(input);
    } catch {
      this.notice(`zstd: Failed to stat ${input} while trying to remove it`);
      return true;
    }
    if (!stat.isFile()) {
      this.notice(`zstd: Refusing to remove non-regular file ${input}`);
      return true;
    }
    if (stat.ino !== source.ino || stat.dev !== source.dev) {
      this.notice(`zstd: ${input} was replaced during the run; not removed`);
      return true;
    }
    try {
      unlinkSync(input);
      return true;
    } catch (e) {
      this.error(`${input}: ${describeError(e)}`);
      return false;
    }
  }

  /** A message shown at the default display level, whatever the output. */
  notice(message: string): void {
    if (this.settings.displayLevel >= 2) process.stderr.write(message + "\n");
  }

  /** Compression, decompression and -t: every input to its output, one at a time. */
  async transcode(): Promise<number> {
    const s = this.settings;
    const op = s.operation;
    if (op === "compress") s.level = this.level(s.level);
    if (s.files.length > 0) {
      s.files = this.skipLinks(s.files);
      if (s.files.length === 0) return 1;
    }
    const inputs = s.files.length === 0 ? ["-"] : s.files;
    if (inputs.filter((f) => f === "-").length > 1) {
      this.error("standard input can only be read once");
      return 1;
    }
    // Where the data goes: nowhere (-t), stdout, one -o file for all inputs, or one file each.
    const toStdout = op !== "test" && (s.toStdout || s.output === "-");
    const sharedFile = op !== "test" && !toStdout && s.output !== null;
    if (sharedFile && inputs.length > 1 && !s.force) {
      this.error(
        "-o with several inputs concatenates them into one output; use -f to confirm",
      );
      return 1;
    }
    const usesStdout = toStdout || (op !== "test" && !sharedFile && inputs.includes("-"));
    if (inputs.includes("-") && process.stdin.isTTY === true && !s.force) {
      this.error(
        `stdin is a console, aborting (use -f to read ${
          op === "compress" ? "" : "compressed "
        }data from it)`,
      );
      return 1;
    }
    if (usesStdout && op === "compress" && process.stdout.isTTY === true && !s.force) {
      this.error("stdout is a console, aborting (use -f to write compressed data to it)");
      return 1;
    }
    // zstd keeps stderr for errors when the data goes to stdout: the terminal shows both.
    if (usesStdout && this.resultLevel === 2) this.resultLevel = 1;
    if (!this.loadDictionary()) return 1;

    let shared: Sink | null = null;
    if (toStdout) shared = new StdoutSink();
    else if (sharedFile && inputs.length > 1) {
      const input = inputs.find((f) => f !== "-" && sameFile(f, s.output!));
      if (input !== undefined) {
        this.error(`${input}: Refusing to open an output file which will overwrite the input`);
        return 1;
      }
      try {
        shared = new FileSink(s.output!, true);
      } catch (e) {
        this.error(`${s.output}: ${describeError(e)}`);
        return 1;
      }
    }
    let failures = 0;
    let totalIn = 0;
    let totalOut = 0;
    try {
      for (const input of inputs) {
        const result = await this.transcodeOne(input, shared, inputs.length > 1);
        if (result === null) failures++;
        else {
          totalIn += result.read;
          totalOut += result.written;
        }
      }
    } finally {
      try {
        shared?.close();
      } catch (e) {
        this.error(`${s.output}: ${describeError(e)}`);
        failures++;
      }
      // Complete (or as complete as the inputs allowed): no longer removed on a signal.
      if (shared instanceof FileSink) shared.keep();
    }
    if (inputs.length > 1 && failures < inputs.length) {
      const done = inputs.length - failures;
      if (op === "compress") {
        const ratio = totalIn === 0 ? 0 : (totalOut / totalIn) * 100;
        this.info(
          `${String(done).padStart(3)} files compressed : ${ratio.toFixed(2)}% ` +
            `(${formatSize(totalIn, this.settings.displayLevel)} => ` +
            `${formatSize(totalOut, this.settings.displayLevel)})`,
        );
      } else this.info(`${done} files decompressed : ${totalOut} bytes total`);
    }
    return failures === 0 ? 0 : 1;
  }

  /**
   * Runs one input through the codec into `shared` or its own output. Returns the byte counts,
   * or null after printing why it failed (a partial output file is removed).
   */
  async transcodeOne(
    input: string,
    shared: Sink | null,
    several: boolean,
  ): Promise<{ read: number; written: number } | null> {
    const s = this.settings;
    const op = s.operation;
    const name = input === "-" ? STDIN_NAME : input;
    let source: Source | null;
    try {
      source = input === "-" ? stdinSource() : this.openInput(input);
    } catch (e) {
      this.error(`${name}: ${describeError(e)}`);
      return null;
    }
    if (source === null) return null;
    // The output opened for this input alone (closed here), when there is no shared one.
    let own: Output | null = null;
    let done = false;
    try {
      if (shared === null) {
        own = this.openOutput(input);
        if (own === null) return null;
      }
      const sink = own?.sink ?? shared!;
      const transform = op === "compress"
        ? compressStream({
          level: s.level,
          checksum: s.checksum,
          contentSize: s.contentSize,
          dictionary: this.dictionary ?? undefined,
          windowLog: s.windowLog ?? undefined,
          // A known size goes in the header, and makes the frame the one `compress` writes.
          pledgedSize: source.size >= 0 ? source.size : undefined,
        })
        : decompressStream({
          dictionary: this.dictionary ?? undefined,
          verifyChecksum: s.checksum,
          maxWindowLog: s.maxWindowLog,
        });
      const progress = new Progress(this, name, source.size);
      const counts = await pump(source, transform, sink, progress);
      progress.clear();
      // Closing flushes nothing (writes are unbuffered) but may still report a failed write.
      own?.sink.close();
      const file = own?.file ?? null;
      file?.keep();
      if (file !== null && file.created && source.regular) copyMetadata(input, file.path);
      done = true;
      const level = several ? 3 : 2;
      if (op === "compress") {
        const ratio = counts.read === 0 ? 0 : (counts.written / counts.read) * 100;
        this.info(
          `${name.padEnd(20)} :${ratio.toFixed(2).padStart(6)}%   ` +
            `(${formatSize(counts.read, s.displayLevel)} => ` +
            `${formatSize(counts.written, s.displayLevel)}, ${own?.path ?? STDOUT_NAME}) `,
          level,
        );
      } else this.info(`${name.padEnd(20)}: ${counts.written} bytes `, level);
      // Only a regular file created for this input replaces it: with -c, -t, -o for several
      // inputs or -o onto a device or FIFO (/dev/null) the source is kept whatever --rm says.
      if (s.removeSource && file !== null && file.created && input !== "-") {
        source.close();
        if (!this.removeInput(input, source)) return null;
      }
      return counts;
    } catch (e) {
      // A closed pipe (`zstd -dc f.zst | head`) is how a reader says it has enough: zstd dies
      // of SIGPIPE without a word, so only the exit code tells.
      if (errorCode(e) !== "EPIPE") this.error(`${name}: ${describeError(e)}`);
      return null;
    } finally {
      source.close();
      // A partial output is removed (only a file this run created: never /dev/null or a FIFO).
      if (!done && own?.file != null) own.file.discard();
      else {
        try {
          own?.sink.close();
        } catch {
          // Reported when it was first closed.
        }
      }
    }
  }

  /**
   * The output of one input, named as zstd names it: none for -t, stdout for stdin, else the
   * -o file, FILE.zst, or FILE without .zst. Null after printing why there is none.
   */
  openOutput(input: string): Output | null {
    const s = this.settings;
    const op = s.operation;
    if (op === "test") return { sink: new DiscardSink(), path: null, file: null };
    let path: string | null;
    if (s.output !== null) path = s.output;
    else if (input === "-") return { sink: new StdoutSink(), path: null, file: null };
    else if (op === "compress") path = input + ".zst";
    else {
      path = decompressedName(input);
      if (path === null) {
        this.error(
          `${input}: unknown suffix (.zst/.tzst expected). Can't derive the output file ` +
            `name. Specify it with -o dstFileName. Ignoring.`,
        );
        return null;
      }
    }
    if (input !== "-" && sameFile(input, path)) {
      this.error(`${input}: Refusing to open an output file which will overwrite the input`);
      return null;
    }
    try {
      const file = new FileSink(path, s.force);
      return { sink: file, path, file };
    } catch (e) {
      if (errorCode(e) === "EEXIST") {
        this.error(`${path} already exists; not overwritten (use -f to overwrite)`);
      } else this.error(`${path}: ${describeError(e)}`);
      return null;
    }
  }

  /** -l: frames, sizes, ratio and checksum of each file, as `zstd -l`. */
  async list(): Promise<number> {
    const s = this.settings;
    if (s.files.length === 0 || s.files.includes("-")) {
      this.error("--list does not support reading from standard input");
      return 1;
    }
    s.files = this.skipLinks(s.files);
    if (s.files.length === 0) return 1;
    const verbose = s.displayLevel >= 3;
    const exact = s.displayLevel >= 4;
    let failures = 0;
    const total = new ListInfo();
    let listed = 0;
    if (!verbose) {
      await writeStdout("Frames  Skips  Compressed  Uncompressed  Ratio  Check  Filename\n");
    }
    for (const file of s.files) {
      let info: ListInfo;
      try {
        info = analyzeFile(file);
      } catch (e) {
        this.error(`${file}: ${describeError(e)}`);
        failures++;
        continue;
      }
      listed++;
      total.add(info);
      await writeStdout(verbose ? verboseListing(file, info, exact) : listRow(info, file));
    }
    if (!verbose && listed > 1) {
      await writeStdout("-".repeat(65) + " \n" + listRow(total, `${listed} files`, false));
    }
    return failures === 0 ? 0 : 1;
  }

  /** --train: a dictionary from the sample files, as `zstd --train`. */
  train(): number {
    const s = this.settings;
    const output = s.output ?? "dictionary";
    const samples: Uint8Array[] = [];
    let bytes = 0;
    for (const file of s.files) {
      let data: Uint8Array;
      try {
        data = readBytes(file);
      } catch (e) {
        this.error(`${file}: ${describeError(e)}`);
        return 1;
      }
      const step = s.blockSize > 0 ? s.blockSize : Math.max(data.length, 1);
      for (let p = 0; p < data.length; p += step) samples.push(data.subarray(p, p + step));
      bytes += data.length;
    }
    // Training is tuned for a compression level of 1 to 22; --fast levels train as the default.
    const level = s.level >= 1 ? this.level(s.level) : DEFAULT_LEVEL;
    this.info(`Training on ${samples.length} samples of ${formatSize(bytes, 0).trim()}`, 3);
    let dictionary: Uint8Array;
    try {
      dictionary = trainDictionary(samples, { maxSize: s.maxDict, level });
    } catch (e) {
      this.error(`dictionary training failed: ${describeError(e)}`);
      return 1;
    }
    try {
      writeFileSync(output, dictionary);
    } catch (e) {
      this.error(`${output}: ${describeError(e)}`);
      return 1;
    }
    this.info(`Save dictionary of size ${dictionary.length} into file ${output}`);
    return 0;
  }

  /** -b#/-e#: in-memory speed and ratio of each level, ours beside native libzstd. */
  async bench(): Promise<number> {
    const s = this.settings;
    const first = this.level(s.level);
    const last = Math.max(first, s.benchEnd === null ? first : this.level(s.benchEnd));
    const native = await loadNativeZstd();
    const inputs: { name: string; data: Uint8Array }[] = [];
    if (s.files.length === 0) {
      inputs.push({ name: "Synthetic 50%", data: syntheticData(SYNTHETIC_SIZE) });
    }
    for (const file of s.files) {
      try {
        inputs.push({ name: basename(file), data: readBytes(file) });
      } catch (e) {
        this.error(`${file}: ${describeError(e)}`);
        return 1;
      }
    }
    if (!this.loadDictionary()) return 1;
    const against = native === null
      ? "(libzstd is not available in this runtime)"
      : "| the same for native libzstd (node:zlib)";
    this.info(
      `@x/zstd v${VERSION} on ${runtimeName()}, best run of at least ${s.benchSeconds} s:\n` +
        `level#input : size -> compressed (ratio), compression, decompression speed ${against}`,
    );
    const dictionary = this.dictionary ?? undefined;
    for (const { name, data } of inputs) {
      for (let level = first; level <= last; level++) {
        const options = { level, checksum: s.checksum, dictionary };
        const ours = measure(
          s.benchSeconds,
          data,
          () => compress(data, options),
          (frame) => decompress(frame, { dictionary, maxOutputSize: data.length }),
        );
        // Our frames must be libzstd's to read: checked once per level, outside the timing.
        if (
          ours === null ||
          (native !== null && dictionary === undefined &&
            !sameBytes(native.decompress(compress(data, options)), data))
        ) {
          this.error(`${name}: level ${level}: the round trip changed the data`);
          return 1;
        }
        let line = `${String(level).padStart(2)}#${name.slice(0, 17).padEnd(17)} :` +
          `${String(data.length).padStart(10)} ->${benchFigures(data.length, ours)}`;
        if (native !== null && dictionary === undefined) {
          const theirs = measure(
            s.benchSeconds,
            data,
            () => native.compress(data, level, s.checksum),
            (frame) => native.decompress(frame),
          );
          if (theirs !== null) line += "  | libzstd" + benchFigures(data.length, theirs);
        }
        await writeStdout(line + "\n");
      }
    }
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Streams: files and the standard streams as sources and sinks.

/** An input: a byte stream, its size (−1 when unknown) and what it is. */
interface Source {
  stream: ReadableStream<Uint8Array>;
  size: number;
  /** A regular file (not stdin, a FIFO or a device). */
  regular: boolean;
  /** Device and inode of the file read (0 for stdin): --rm removes only that file. */
  dev: number;
  ino: number;
  /** Bytes read so far. */
  read: number;
  close(): void;
}

/** Where output goes. */
interface Sink {
  write(chunk: Uint8Array): Promise<void> | void;
  /** Ends the output; a second call does nothing. */
  close(): void;
}

/** The output of one input, and its file's path (null for stdout and -t). */
interface Output {
  sink: Sink;
  path: string | null;
  /** The sink when it is a file. */
  file: FileSink | null;
}

/**
 * A file read in blocks as the consumer pulls, so memory stays bounded. A regular file is read
 * synchronously, giving the event loop a turn every few tens of milliseconds (so a signal is
 * handled mid-file); a FIFO or a device is read asynchronously, as its data may be long to come.
 */
function fileSource(path: string): Source {
  let fd = openSync(path, "r");
  let stat: Stats;
  try {
    stat = fstatSync(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  const regular = stat.isFile();
  let lastTurn = performance.now();
  const source: Source = {
    size: regular ? stat.size : -1,
    regular,
    dev: stat.dev,
    ino: stat.ino,
    read: 0,
    stream: new ReadableStream<Uint8Array>({
      async pull(controller) {
        // A fresh buffer per chunk: the codec may keep a reference to what it was given.
        const buf = new Uint8Array(READ_SIZE);
        let n: number;
        if (regular) {
          if (performance.now() - lastTurn >= EVENT_LOOP_TURN_MS) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastTurn = performance.now();
          }
          n = readSync(fd, buf, 0, READ_SIZE, null);
        } else {
          n = await new Promise<number>((resolve, reject) => {
            read(fd, buf, 0, READ_SIZE, null, (err, bytes) => err ? reject(err) : resolve(bytes));
          });
        }
        if (n === 0) controller.close();
        else {
          source.read += n;
          controller.enqueue(n === READ_SIZE ? buf : buf.subarray(0, n));
        }
      },
    }),
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
  return source;
}

/**
 * Standard input, through `process.stdin`: reading fd 0 directly fails with EAGAIN when the
 * runtime made it non-blocking (Bun does for pipes).
 */
function stdinSource(): Source {
  const chunks = process.stdin[Symbol.asyncIterator]();
  const source: Source = {
    size: -1,
    regular: false,
    dev: 0,
    ino: 0,
    read: 0,
    stream: new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else {
          const chunk = next.value as Uint8Array;
          source.read += chunk.length;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        }
      },
      async cancel() {
        await chunks.return?.();
      },
    }),
    close() {},
  };
  return source;
}

/**
 * Output files this process created and has not finished: a signal that ends the process
 * removes them first, as zstd removes its partial output on Ctrl-C.
 */
const unfinishedFiles = new Set<FileSink>();

/**
 * Makes SIGINT and SIGTERM remove the unfinished output files, then exit with 128 + the signal
 * number (130, 143), as a shell reports a process killed by them.
 */
function removeUnfinishedOnSignals(): void {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    try {
      process.on(signal, () => {
        for (const file of unfinishedFiles) file.discard();
        process.exit(code);
      });
    } catch {
      // The runtime cannot listen to this signal here (SIGTERM on Windows).
    }
  }
}

/**
 * An output file. A new regular file is created (`force` replaces an existing regular file,
 * else EEXIST is thrown); a device or a FIFO (`/dev/null`, a named pipe) is written in place, as
 * zstd does, and never removed; a directory throws EISDIR.
 */
class FileSink implements Sink {
  readonly path: string;
  /** True when this run created the file, which is then removed if the output fails. */
  readonly created: boolean;
  #fd: number;

  constructor(path: string, force: boolean) {
    this.path = path;
    let existing: Stats | null = null;
    try {
      existing = statSync(path);
    } catch {
      // Nothing there (or a dangling link, which "wx" refuses).
    }
    if (existing?.isDirectory()) {
      throw Object.assign(new Error("Is a directory"), { code: "EISDIR" });
    }
    if (existing !== null && !existing.isFile()) {
      this.#fd = openSync(path, "w");
      this.created = false;
      return;
    }
    // As zstd -f: replace an existing file rather than write into it, which also works when it
    // is read-only (outputs get their input's mode, often read-only).
    if (force) {
      try {
        if (lstatSync(path).isFile() || lstatSync(path).isSymbolicLink()) unlinkSync(path);
      } catch {
        // Nothing to replace.
      }
    }
    this.#fd = openSync(path, "wx");
    this.created = true;
    unfinishedFiles.add(this);
  }

  write(chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length;) off += writeSync(this.#fd, chunk, off);
  }

  /** Closes the file; a second call does nothing, also after a failed close. */
  close(): void {
    const fd = this.#fd;
    this.#fd = -1;
    if (fd >= 0) closeSync(fd);
  }

  /** The output is complete: it stays, whatever happens next. */
  keep(): void {
    unfinishedFiles.delete(this);
  }

  /** Closes the file and removes it if this run created it and it is not complete. */
  discard(): void {
    try {
      this.close();
    } catch {
      // Removed anyway.
    }
    if (!unfinishedFiles.delete(this)) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Standard output, through `process.stdout` and its write callbacks, which give backpressure:
 * writing fd 1 directly fails with EAGAIN on a non-blocking pipe (Bun's).
 */
class StdoutSink implements Sink {
  write(chunk: Uint8Array): Promise<void> {
    return writeStdout(chunk);
  }

  close(): void {}
}

/** Output of -t: counted, then dropped. */
class DiscardSink implements Sink {
  write(): void {}
  close(): void {}
}

/** Set once a write to stdout failed: its stream is then broken for good. */
let stdoutFailed = false;

/**
 * Writes to stdout; rejects with a {@linkcode WriteError} when the write fails, whether the
 * runtime reports it through the callback (Bun, Node.js) or throws (Deno).
 */
function writeStdout(data: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: unknown) => {
      stdoutFailed = true;
      reject(new WriteError(e));
    };
    try {
      process.stdout.write(data, (err) => err ? fail(err) : resolve());
    } catch (e) {
      fail(e);
    }
  });
}

/** A failed write of the output (a full disk, a closed pipe); `code` is the cause's. */
class WriteError extends Error {
  readonly code: string | undefined;

  constructor(cause: unknown) {
    super(describeError(cause), { cause });
    this.code = errorCode(cause);
  }
}

/** Runs `source` through `transform` into `sink`; returns the bytes read and written. */
async function pump(
  source: Source,
  transform: TransformStream<Uint8Array, Uint8Array>,
  sink: Sink,
  progress: Progress,
): Promise<{ read: number; written: number }> {
  const reader = source.stream.pipeThrough(transform).getReader();
  let written = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      try {
        await sink.write(value);
      } catch (e) {
        throw e instanceof WriteError ? e : new WriteError(e);
      }
      written += value.length;
      progress.update(source.read, written);
    }
  } catch (e) {
    // Stop the pipe (and the read of the source) before reporting.
    await reader.cancel(e).catch(() => {});
    throw e;
  }
  return { read: source.read, written };
}

/** The progress line on stderr: for large inputs, on a terminal, ten updates a second at most. */
class Progress {
  #run: Run;
  #name: string;
  #total: number;
  #enabled: boolean;
  #forced: boolean;
  #last = 0;
  #width = 0;

  constructor(run: Run, name: string, total: number) {
    this.#run = run;
    this.#name = name;
    this.#total = total;
    const forced = run.settings.progress;
    this.#forced = forced === true;
    this.#enabled = forced ?? (process.stderr.isTTY === true && run.resultLevel >= 2);
  }

  update(read: number, written: number): void {
    if (!this.#enabled) return;
    // Small inputs are done before a line would be readable; unknown sizes show once large.
    if (!this.#forced && (this.#total >= 0 ? this.#total : read) < PROGRESS_MIN_SIZE) return;
    const now = performance.now();
    if (now - this.#last < PROGRESS_INTERVAL_MS) return;
    this.#last = now;
    const verb = this.#run.settings.operation === "compress" ? "Compressing" : "Decompressing";
    const of = this.#total >= 0
      ? ` / ${mib(this.#total)} MiB (${((read / Math.max(this.#total, 1)) * 100).toFixed(0)}%)`
      : " MiB";
    const line = `${verb} ${this.#name}: ${mib(read)}${of} => ${mib(written)} MiB`;
    process.stderr.write("\r" + line.padEnd(this.#width));
    this.#width = line.length;
  }

  clear(): void {
    if (this.#width > 0) process.stderr.write("\r" + " ".repeat(this.#width) + "\r");
    this.#width = 0;
  }
}

function mib(bytes: number): string {
  return (bytes / (1 << 20)).toFixed(1);
}

/** Output name of `-d FILE`: FILE.zst → FILE, FILE.tzst → FILE.tar; null for other names. */
function decompressedName(path: string): string | null {
  if (path.endsWith(".zst") && basename(path).length > 4) return path.slice(0, -4);
  if (path.endsWith(".tzst") && basename(path).length > 5) return path.slice(0, -5) + ".tar";
  return null;
}

/** True when `path` is a symbolic link (dangling or not). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** True when `path` is, or leads to, a FIFO (a pipe: `/dev/stdin`, bash's `<(command)`). */
function isFifo(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false; // The output does not exist yet.
  }
}

/** Gives the output the permissions and times of the input, as zstd does; best effort. */
function copyMetadata(input: string, output: string): void {
  try {
    const stat = statSync(input);
    chmodSync(output, stat.mode & 0o7777);
    utimesSync(output, stat.atime, stat.mtime);
  } catch {
    // Not fatal: the data is written; some file systems refuse modes or times.
  }
}

/** A whole file (-D, --train, -b); not a device, which may never end (/dev/zero). */
function readBytes(path: string): Uint8Array {
  const stat = statSync(path);
  if (!stat.isFile() && !stat.isFIFO()) {
    throw new Error(stat.isDirectory() ? "Is a directory" : "not a regular file");
  }
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The `code` of a file system error ("ENOENT"), if it has one. */
function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The C library's text (strerror) for the system errors a file operation commonly meets. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  EEXIST: "File exists",
  ENOSPC: "No space left on device",
  EDQUOT: "Disk quota exceeded",
  EFBIG: "File too large",
  EROFS: "Read-only file system",
  EIO: "Input/output error",
  ELOOP: "Too many levels of symbolic links",
  ENXIO: "No such device or address",
  EPIPE: "Broken pipe",
};

/**
 * The message of an error from the codec or the file system, without a stack: system errors
 * read as zstd prints them (the C library's words), in every runtime.
 */
function describeError(e: unknown): string {
  if (e instanceof WriteError) return `Write error : cannot write block : ${e.message}`;
  if (e instanceof ZstdError) {
    // zstd's words for data that is not zstd's; other decoding errors keep our explanation.
    return e.code === "prefix_unknown" ? "unsupported format " : e.message;
  }
  if (e instanceof RangeError || e instanceof TypeError) return e.message;
  const known = SYSTEM_ERRORS[errorCode(e) ?? ""];
  if (known !== undefined) return known;
  // Deno appends the errno to the system's text: "No space left on device (os error 28)".
  return (e instanceof Error ? e.message : String(e)).replace(/ \(os error \d+\)$/, "");
}

function runtimeName(): string {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.deno !== undefined) return `Deno ${versions.deno}`;
  if (versions.bun !== undefined) return `Bun ${versions.bun}`;
  return `Node.js ${versions.node}`;
}

// ---------------------------------------------------------------------------------------------
// -l: the frames of a file, read from their headers and block headers only.

/** What `-l` shows of one file (or the total of several). */
class ListInfo {
  frames = 0;
  skippableFrames = 0;
  compressedSize = 0;
  /** Sum of the frames' content sizes; −1 when a frame does not declare its size. */
  decompressedSize = 0;
  hasChecksum = false;
  /** The last frame's checksum (4 bytes, as stored); −1 when it has none. */
  lastChecksum = -1;
  /** Window and dictionary ID of the last frame, as zstd -lv shows them. */
  windowSize = 0;
  dictionaryId = 0;

  add(other: ListInfo): void {
    this.frames += other.frames;
    this.skippableFrames += other.skippableFrames;
    this.compressedSize += other.compressedSize;
    this.decompressedSize = this.decompressedSize < 0 || other.decompressedSize < 0
      ? -1
      : this.decompressedSize + other.decompressedSize;
  }
}

/**
 * Walks the frames of `path` without decoding them ({@linkcode walkFrames}, as
 * {@linkcode readFrameInfo} does): frame headers, block headers and checksums, reading a few bytes
 * at each position, so a file of any size is listed at once. Throws on a file that is not a
 * sequence of whole frames.
 */
function analyzeFile(path: string): ListInfo {
  if (statSync(path).isDirectory()) {
    throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  }
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new Error("File is empty, not compressed by zstd");
    const readAt = (pos: number, length: number): Uint8Array => {
      const buf = new Uint8Array(length);
      const n = readSync(fd, buf, 0, length, pos);
      return buf.subarray(0, n);
    };
    const frames: FrameInfo[] = [];
    const cursor = { pos: 0 };
    try {
      walkFrames(size, readAt, frames, cursor);
    } catch (e) {
      if (!(e instanceof ZstdError)) throw e;
      switch (e.code) {
        case "input_truncated":
          throw new Error("Error: reached end of file with incomplete frame");
        case "prefix_unknown":
          throw new Error(
            cursor.pos === 0
              ? "not compressed by zstd"
              : `not a zstd frame at offset ${cursor.pos} (trailing data)`,
          );
        case "corruption_detected":
          throw new Error(`reserved block type at offset ${cursor.pos}`);
        default:
          throw e;
      }
    }
    const info = new ListInfo();
    info.compressedSize = size;
    for (const frame of frames) {
      if (frame.kind === "skippable") {
        info.skippableFrames++;
        continue;
      }
      info.frames++;
      info.windowSize = frame.windowSize;
      info.dictionaryId = frame.dictionaryId;
      if (frame.contentSize === undefined) info.decompressedSize = -1;
      else if (info.decompressedSize >= 0) info.decompressedSize += frame.contentSize;
      if (frame.hasChecksum) {
        info.hasChecksum = true;
        // The checksum is the frame's last 4 bytes, stored little-endian.
        const checksum = readAt(frame.offset + frame.compressedSize - 4, 4);
        info.lastChecksum = (checksum[0] | (checksum[1] << 8) | (checksum[2] << 16) |
          (checksum[3] << 24)) >>> 0;
      }
    }
    return info;
  } finally {
    closeSync(fd);
  }
}

/** One line of the `-l` table, in zstd's columns. */
function listRow(info: ListInfo, name: string, showCheck = true): string {
  const check = showCheck ? (info.hasChecksum ? "XXH64" : "None") : "";
  const compressed = humanSize(info.compressedSize, false);
  const head = `${String(info.frames + info.skippableFrames).padStart(6)}  ` +
    `${String(info.skippableFrames).padStart(5)}  ` +
    `${compressed.value.toFixed(compressed.precision).padStart(6)}${compressed.suffix.padStart(4)}`;
  if (info.decompressedSize < 0) return `${head}${" ".repeat(23)}${check.padStart(5)}  ${name}\n`;
  const decompressed = humanSize(info.decompressedSize, false);
  const ratio = info.decompressedSize / Math.max(info.compressedSize, 1);
  return `${head}  ` +
    `${decompressed.value.toFixed(decompressed.precision).padStart(8)}` +
    `${decompressed.suffix.padStart(4)}  ${ratio.toFixed(3).padStart(5)}  ${check.padStart(5)}  ` +
    `${name}\n`;
}

/** `-lv`: zstd's detailed listing of one file. */
function verboseListing(name: string, info: ListInfo, exact: boolean): string {
  const sized = (n: number) => {
    const h = humanSize(n, exact);
    return `${h.value.toFixed(h.precision)}${h.suffix} (${n} B)`;
  };
  let out = `${name} \n# Zstandard Frames: ${info.frames}\n`;
  if (info.skippableFrames > 0) out += `# Skippable Frames: ${info.skippableFrames}\n`;
  out += `DictID: ${info.dictionaryId}\n`;
  out += `Window Size: ${sized(info.windowSize)}\n`;
  out += `Compressed Size: ${sized(info.compressedSize)}\n`;
  if (info.decompressedSize >= 0) {
    out += `Decompressed Size: ${sized(info.decompressedSize)}\n`;
    out += `Ratio: ${(info.decompressedSize / Math.max(info.compressedSize, 1)).toFixed(4)}\n`;
  }
  if (info.hasChecksum) {
    out += `Check: XXH64 ${info.lastChecksum.toString(16).padStart(8, "0")}\n`;
  } else out += "Check: None\n";
  return out + "\n";
}

/** A size with zstd's units and precision (3 significant digits; -vv: exact bytes). */
function humanSize(
  size: number,
  exact: boolean,
): { value: number; suffix: string; precision: number } {
  if (exact) return { value: size, suffix: " B", precision: 0 };
  const suffixes = [" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"];
  let unit = 0;
  while (unit < suffixes.length - 1 && size >= 2 ** (10 * (unit + 1))) unit++;
  const value = size / 2 ** (10 * unit);
  const precision = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : value > 1 ? 2 : 3;
  return { value, suffix: suffixes[unit], precision };
}

/** A size as zstd's summaries print it: 6 columns of figures, then the unit. */
function formatSize(size: number, displayLevel: number): string {
  const h = humanSize(size, displayLevel >= 4);
  return h.value.toFixed(h.precision).padStart(6) + h.suffix;
}

// ---------------------------------------------------------------------------------------------
// -b: the benchmark.

/** libzstd through `node:zlib` (Deno, Bun, Node.js 22.15+), when the runtime has it. */
interface NativeZstd {
  compress(data: Uint8Array, level: number, checksum: boolean): Uint8Array;
  decompress(frame: Uint8Array): Uint8Array;
}

async function loadNativeZstd(): Promise<NativeZstd | null> {
  let zlib: typeof import("node:zlib");
  try {
    zlib = await import("node:zlib");
  } catch {
    return null;
  }
  if (typeof zlib.zstdCompressSync !== "function") return null;
  const c = zlib.constants as unknown as Record<string, number>;
  return {
    compress(data, level, checksum) {
      // The size pledged, as our one-shot `compress` knows it: the same parameters are chosen.
      return zlib.zstdCompressSync(data, {
        pledgedSrcSize: data.length,
        params: {
          [c.ZSTD_c_compressionLevel]: level,
          [c.ZSTD_c_checksumFlag]: checksum ? 1 : 0,
        },
      });
    },
    decompress(frame) {
      return zlib.zstdDecompressSync(frame);
    },
  };
}

/** Compressed size and best times of one codec on one input at one level. */
interface Measurement {
  compressedSize: number;
  compressMs: number;
  decompressMs: number;
}

/**
 * Times `compressFn` then `decompressFn` on its frame, each the fastest of repeated runs over at
 * least `seconds` (one run for 0); null when the frame does not decompress to `data`.
 */
function measure(
  seconds: number,
  data: Uint8Array,
  compressFn: () => Uint8Array,
  decompressFn: (frame: Uint8Array) => Uint8Array,
): Measurement | null {
  let frame = compressFn();
  const compressMs = bestTime(seconds, () => {
    frame = compressFn();
  });
  let restored = decompressFn(frame);
  const decompressMs = bestTime(seconds, () => {
    restored = decompressFn(frame);
  });
  if (!sameBytes(restored, data)) return null;
  return { compressedSize: frame.length, compressMs, decompressMs };
}

/** Fastest of repeated runs of `fn` over at least `seconds`, in ms. */
function bestTime(seconds: number, fn: () => void): number {
  let best = Infinity;
  const start = performance.now();
  do {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  } while (performance.now() - start < seconds * 1000);
  return Math.max(best, 1e-3);
}

/** "compressed (xratio), speed MiB/s, speed MiB/s", speeds in input bytes per second. */
function benchFigures(size: number, m: Measurement): string {
  const speed = (ms: number) => ((size / (1 << 20)) / (ms / 1000)).toFixed(1).padStart(7);
  return `${String(m.compressedSize).padStart(10)} (x${(size / m.compressedSize).toFixed(3)}), ` +
    `${speed(m.compressMs)} MiB/s, ${speed(m.decompressMs)} MiB/s`;
}

/**
 * Compressible sample data for `-b` without files, in the spirit of zstd's "Synthetic 50%":
 * about half the bytes are copies of recent data, the rest letters of a skewed alphabet.
 */
function syntheticData(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let state = 0x2545f491;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  let pos = 0;
  while (pos < size) {
    const length = 4 + Math.floor(random() * 60);
    if (pos > 1024 && random() < 0.5) {
      const from = pos - 1 - Math.floor(random() * 1024);
      for (let i = 0; i < length && pos < size; i++) out[pos++] = out[from + i];
    } else {
      // Squaring skews the alphabet towards its first letters, as text is skewed.
      for (let i = 0; i < length && pos < size; i++) {
        out[pos++] = 97 + Math.floor(random() * random() * 26);
      }
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

if (import.meta.main) {
  // Only as a program: in-process callers of `main` keep their own signal handling.
  removeUnfinishedOnSignals();
  // The exit code is set, not forced with process.exit, so pending output is flushed first.
  process.exitCode = await main(process.argv.slice(2));
}
