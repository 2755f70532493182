/**
 * Compression, decompression and -t (decompression into nothing): every input through the codec
 * into its output, one at a time, with zstd's messages and summaries.
 *
 * @module
 */

import process from "node:process";
import { compressStream, decompressStream, terminateWorkers } from "../mod.ts";
import {
  copyMetadata,
  FileSink,
  openInput,
  openOutput,
  type Output,
  removeInput,
  sameFile,
  skipLinks,
} from "./files.ts";
import { pump, type Sink, type Source, stdinSource, StdoutSink } from "./io.ts";
import { describeError, errorCode, formatSize, Progress, type Run } from "./messages.ts";

const STDIN_NAME = "*stdin*";
const STDOUT_NAME = "*stdout*";

/** Compression, decompression and -t: every input to its output, one at a time. */
export async function transcode(run: Run): Promise<number> {
  const s = run.settings;
  const op = s.operation;
  if (op === "compress") s.level = run.level(s.level);
  if (s.files.length > 0) {
    s.files = skipLinks(run, s.files);
    if (s.files.length === 0) return 1;
  }
  const inputs = s.files.length === 0 ? ["-"] : s.files;
  if (inputs.filter((f) => f === "-").length > 1) {
    run.error("standard input can only be read once");
    return 1;
  }
  // Where the data goes: nowhere (-t), stdout, one -o file for all inputs, or one file each.
  const toStdout = op !== "test" && (s.toStdout || s.output === "-");
  const sharedFile = op !== "test" && !toStdout && s.output !== null;
  if (sharedFile && inputs.length > 1 && !s.force) {
    run.error(
      "-o with several inputs concatenates them into one output; use -f to confirm",
    );
    return 1;
  }
  const usesStdout = toStdout || (op !== "test" && !sharedFile && inputs.includes("-"));
  if (inputs.includes("-") && process.stdin.isTTY === true && !s.force) {
    run.error(
      `stdin is a console, aborting (use -f to read ${
        op === "compress" ? "" : "compressed "
      }data from it)`,
    );
    return 1;
  }
  if (usesStdout && op === "compress" && process.stdout.isTTY === true && !s.force) {
    run.error("stdout is a console, aborting (use -f to write compressed data to it)");
    return 1;
  }
  // zstd keeps stderr for errors when the data goes to stdout: the terminal shows both.
  if (usesStdout && run.resultLevel === 2) run.resultLevel = 1;
  if (!run.loadDictionary()) return 1;

  let shared: Sink | null = null;
  if (toStdout) shared = new StdoutSink();
  else if (sharedFile && inputs.length > 1) {
    const input = inputs.find((f) => f !== "-" && sameFile(f, s.output!));
    if (input !== undefined) {
      run.error(`${input}: Refusing to open an output file which will overwrite the input`);
      return 1;
    }
    try {
      shared = new FileSink(s.output!, true);
    } catch (e) {
      run.error(`${s.output}: ${describeError(e)}`);
      return 1;
    }
  }
  let failures = 0;
  let totalIn = 0;
  let totalOut = 0;
  try {
    for (const input of inputs) {
      const result = await transcodeOne(run, input, shared, inputs.length > 1);
      if (result === null) failures++;
      else {
        totalIn += result.read;
        totalOut += result.written;
      }
    }
  } finally {
    // -T#: idle workers would keep Deno running for a second.
    if (op === "compress" && s.threads !== 1) terminateWorkers();
    try {
      shared?.close();
    } catch (e) {
      run.error(`${s.output}: ${describeError(e)}`);
      failures++;
    }
    // Complete (or as complete as the inputs allowed): no longer removed on a signal.
    if (shared instanceof FileSink) shared.keep();
  }
  if (inputs.length > 1 && failures < inputs.length) {
    const done = inputs.length - failures;
    if (op === "compress") {
      const ratio = totalIn === 0 ? 0 : (totalOut / totalIn) * 100;
      run.info(
        `${String(done).padStart(3)} files compressed : ${ratio.toFixed(2)}% ` +
          `(${formatSize(totalIn, run.settings.displayLevel)} => ` +
          `${formatSize(totalOut, run.settings.displayLevel)})`,
      );
    } else run.info(`${done} files decompressed : ${totalOut} bytes total`);
  }
  return failures === 0 ? 0 : 1;
}

/**
 * Runs one input through the codec into `shared` or its own output. Returns the byte counts,
 * or null after printing why it failed (a partial output file is removed).
 */
export async function transcodeOne(
  run: Run,
  input: string,
  shared: Sink | null,
  several: boolean,
): Promise<{ read: number; written: number } | null> {
  const s = run.settings;
  const op = s.operation;
  const name = input === "-" ? STDIN_NAME : input;
  let source: Source | null;
  try {
    source = input === "-" ? stdinSource() : openInput(run, input);
  } catch (e) {
    run.error(`${name}: ${describeError(e)}`);
    return null;
  }
  if (source === null) return null;
  // The output opened for this input alone (closed here), when there is no shared one.
  let own: Output | null = null;
  let done = false;
  try {
    if (shared === null) {
      own = openOutput(run, input);
      if (own === null) return null;
    }
    const sink = own?.sink ?? shared!;
    const transform = op === "compress"
      ? compressStream({
        level: s.level,
        checksum: s.checksum,
        contentSize: s.contentSize,
        dictionary: run.dictionary ?? undefined,
        windowLog: s.windowLog ?? undefined,
        // A known size goes in the header, and makes the frame the one `compress` writes.
        pledgedSize: source.size >= 0 ? source.size : undefined,
        workers: s.threads === 0 ? "auto" : s.threads,
      })
      : decompressStream({
        dictionary: run.dictionary ?? undefined,
        verifyChecksum: s.checksum,
        maxWindowLog: s.maxWindowLog,
      });
    const progress = new Progress(run, name, source.size);
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
      run.info(
        `${name.padEnd(20)} :${ratio.toFixed(2).padStart(6)}%   ` +
          `(${formatSize(counts.read, s.displayLevel)} => ` +
          `${formatSize(counts.written, s.displayLevel)}, ${own?.path ?? STDOUT_NAME}) `,
        level,
      );
    } else run.info(`${name.padEnd(20)}: ${counts.written} bytes `, level);
    // Only a regular file created for this input replaces it: with -c, -t, -o for several
    // inputs or -o onto a device or FIFO (/dev/null) the source is kept whatever --rm says.
    if (s.removeSource && file !== null && file.created && input !== "-") {
      source.close();
      if (!removeInput(run, input, source)) return null;
    }
    return counts;
  } catch (e) {
    // A closed pipe (`zstd -dc f.zst | head`) is how a reader says it has enough: zstd dies
    // of SIGPIPE without a word, so only the exit code tells.
    if (errorCode(e) !== "EPIPE") run.error(`${name}: ${describeError(e)}`);
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
