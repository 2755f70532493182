/**
 * Streams: files and the standard streams as sources and sinks, and the pump between them.
 *
 * @module
 */

import { closeSync, fstatSync, openSync, read, readSync, type Stats } from "node:fs";
import process from "node:process";
import { type Progress, WriteError } from "./messages.ts";

// Size of each read from a file: one full block, so the encoder never waits for a second read.
const READ_SIZE = 1 << 17;
// A file being compressed gives the event loop a turn this often, so a signal is handled.
const EVENT_LOOP_TURN_MS = 50;

/** An input: a byte stream, its size (−1 when unknown) and what it is. */
export interface Source {
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
export interface Sink {
  write(chunk: Uint8Array): Promise<void> | void;
  /** Ends the output; a second call does nothing. */
  close(): void;
}

/**
 * A file read in blocks as the consumer pulls, so memory stays bounded. A regular file is read
 * synchronously, giving the event loop a turn every few tens of milliseconds (so a signal is
 * handled mid-file); a FIFO or a device is read asynchronously, as its data may be long to come.
 */
export function fileSource(path: string): Source {
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
export function stdinSource(): Source {
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
 * Standard output, through `process.stdout` and its write callbacks, which give backpressure:
 * writing fd 1 directly fails with EAGAIN on a non-blocking pipe (Bun's).
 */
export class StdoutSink implements Sink {
  write(chunk: Uint8Array): Promise<void> {
    return writeStdout(chunk);
  }

  close(): void {}
}

/** Output of -t: counted, then dropped. */
export class DiscardSink implements Sink {
  write(): void {}
  close(): void {}
}

/** Set once a write to stdout failed: its stream is then broken for good. */
let stdoutFailed = false;

/** True once a write to stdout failed. */
export function stdoutBroken(): boolean {
  return stdoutFailed;
}

/**
 * Writes to stdout; rejects with a {@linkcode WriteError} when the write fails, whether the
 * runtime reports it through the callback (Bun, Node.js) or throws (Deno).
 */
export function writeStdout(data: Uint8Array | string): Promise<void> {
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

/** Runs `source` through `transform` into `sink`; returns the bytes read and written. */
export async function pump(
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
