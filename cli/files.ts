/**
 * Files as zstd treats them: which inputs are read (no devices, no symbolic links without -f),
 * the name and creation of each output, --rm only of the verified regular input, metadata
 * copied to the output, and partial outputs removed on failure or on SIGINT/SIGTERM.
 *
 * @module
 */

import {
  chmodSync,
  closeSync,
  lstatSync,
  openSync,
  readFileSync,
  type Stats,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { basename, resolve } from "node:path";
import process from "node:process";
import { DiscardSink, fileSource, type Sink, type Source, StdoutSink } from "./io.ts";
import { describeError, errorCode, type Run } from "./messages.ts";

/** The output of one input, and its file's path (null for stdout and -t). */
export interface Output {
  sink: Sink;
  path: string | null;
  /** The sink when it is a file. */
  file: FileSink | null;
}

/**
 * zstd's filter of the input names: symbolic links are skipped with a warning unless -f (the
 * run goes on with the other names), except links to FIFOs (`/dev/stdin`, `<(command)`).
 */
export function skipLinks(run: Run, files: string[]): string[] {
  if (run.settings.force) return files;
  return files.filter((file) => {
    if (file === "-" || !isLink(file) || isFifo(file)) return true;
    run.warn(`${file} is a symbolic link, ignoring `);
    return false;
  });
}

/**
 * Opens an input file as zstd does: a regular file, a FIFO, or with -f a block device; a
 * directory, a character device (/dev/zero, a terminal) or a socket is refused. Null after
 * the message.
 */
export function openInput(run: Run, input: string): Source | null {
  let stat: Stats;
  try {
    stat = statSync(input);
  } catch (e) {
    run.error(`can't stat ${input} : ${describeError(e)} -- ignored `);
    return null;
  }
  if (stat.isDirectory()) {
    run.error(`${input} is a directory -- ignored `);
    return null;
  }
  if (!stat.isFile() && !stat.isFIFO() && !(stat.isBlockDevice() && run.settings.force)) {
    run.error(`${input} is not a regular file -- ignored `);
    return null;
  }
  const source = fileSource(input);
  if (source.dev !== stat.dev || source.ino !== stat.ino) {
    source.close();
    run.error(`${input}: replaced while being opened -- ignored`);
    return null;
  }
  return source;
}

/**
 * --rm after a complete output: removes `input` if it is still the regular file that was read
 * (a FIFO or a device is never removed). False after printing why it could not be removed.
 */
export function removeInput(run: Run, input: string, source: Source): boolean {
  let stat: Stats;
  try {
    stat = statSync(input);
  } catch {
    run.notice(`zstd: Failed to stat ${input} while trying to remove it`);
    return true;
  }
  if (!stat.isFile()) {
    run.notice(`zstd: Refusing to remove non-regular file ${input}`);
    return true;
  }
  if (stat.ino !== source.ino || stat.dev !== source.dev) {
    run.notice(`zstd: ${input} was replaced during the run; not removed`);
    return true;
  }
  try {
    unlinkSync(input);
    return true;
  } catch (e) {
    run.error(`${input}: ${describeError(e)}`);
    return false;
  }
}

/**
 * The output of one input, named as zstd names it: none for -t, stdout for stdin, else the
 * -o file, FILE.zst, or FILE without .zst. Null after printing why there is none.
 */
export function openOutput(run: Run, input: string): Output | null {
  const s = run.settings;
  const op = s.operation;
  if (op === "test") return { sink: new DiscardSink(), path: null, file: null };
  let path: string | null;
  if (s.output !== null) path = s.output;
  else if (input === "-") return { sink: new StdoutSink(), path: null, file: null };
  else if (op === "compress") path = input + ".zst";
  else {
    path = decompressedName(input);
    if (path === null) {
      run.error(
        `${input}: unknown suffix (.zst/.tzst expected). Can't derive the output file ` +
          `name. Specify it with -o dstFileName. Ignoring.`,
      );
      return null;
    }
  }
  if (input !== "-" && sameFile(input, path)) {
    run.error(`${input}: Refusing to open an output file which will overwrite the input`);
    return null;
  }
  try {
    const file = new FileSink(path, s.force);
    return { sink: file, path, file };
  } catch (e) {
    if (errorCode(e) === "EEXIST") {
      run.error(`${path} already exists; not overwritten (use -f to overwrite)`);
    } else run.error(`${path}: ${describeError(e)}`);
    return null;
  }
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
export function removeUnfinishedOnSignals(): void {
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
export class FileSink implements Sink {
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

/** Output name of `-d FILE`: FILE.zst → FILE, FILE.tzst → FILE.tar; null for other names. */
export function decompressedName(path: string): string | null {
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

export function sameFile(a: string, b: string): boolean {
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
export function copyMetadata(input: string, output: string): void {
  try {
    const stat = statSync(input);
    chmodSync(output, stat.mode & 0o7777);
    utimesSync(output, stat.atime, stat.mtime);
  } catch {
    // Not fatal: the data is written; some file systems refuse modes or times.
  }
}

/** A whole file (-D, --train, -b); not a device, which may never end (/dev/zero). */
export function readBytes(path: string): Uint8Array {
  const stat = statSync(path);
  if (!stat.isFile() && !stat.isFIFO()) {
    throw new Error(stat.isDirectory() ? "Is a directory" : "not a regular file");
  }
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
