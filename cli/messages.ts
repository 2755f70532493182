/**
 * The state of one invocation and what it prints: errors, warnings and results at zstd's
 * display levels, error texts in zstd's words, sizes in zstd's units, the progress line.
 *
 * @module
 */

import process from "node:process";
import { DEFAULT_LEVEL, MAX_LEVEL, MIN_LEVEL } from "../encoder/params.ts";
import { ZstdDictionary, ZstdError } from "../mod.ts";
import type { Settings } from "./args.ts";
import { readBytes } from "./files.ts";

/**
 * Kept equal to the version in deno.json and jsr.json (tests/cli_test.ts checks it); a JSON
 * import would tie the published module to a config file that is not part of the package.
 */
export const VERSION = "0.1.0";

// Levels above this need --ultra, as in zstd (they use windows of up to 128 MiB).
const MAX_REGULAR_LEVEL = 19;
// Inputs smaller than this finish too fast for a progress line to be worth drawing.
const PROGRESS_MIN_SIZE = 8 << 20;
// At most ten progress updates a second: redrawing the terminal line costs more than it shows.
const PROGRESS_INTERVAL_MS = 100;

/** The state of one invocation: settings and display. */
export class Run {
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

  /** A message shown at the default display level, whatever the output. */
  notice(message: string): void {
    if (this.settings.displayLevel >= 2) process.stderr.write(message + "\n");
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
}

/** The `code` of a file system error ("ENOENT"), if it has one. */
export function errorCode(e: unknown): string | undefined {
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
export function describeError(e: unknown): string {
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

/** A failed write of the output (a full disk, a closed pipe); `code` is the cause's. */
export class WriteError extends Error {
  readonly code: string | undefined;

  constructor(cause: unknown) {
    super(describeError(cause), { cause });
    this.code = errorCode(cause);
  }
}

export function runtimeName(): string {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.deno !== undefined) return `Deno ${versions.deno}`;
  if (versions.bun !== undefined) return `Bun ${versions.bun}`;
  return `Node.js ${versions.node}`;
}

/** A size with zstd's units and precision (3 significant digits; -vv: exact bytes). */
export function humanSize(
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
export function formatSize(size: number, displayLevel: number): string {
  const h = humanSize(size, displayLevel >= 4);
  return h.value.toFixed(h.precision).padStart(6) + h.suffix;
}

/** The progress line on stderr: for large inputs, on a terminal, ten updates a second at most. */
export class Progress {
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
