/**
 * {@linkcode compressAsync} and {@linkcode decompressAsync}: `compress` and `decompress` off the
 * main thread, in a small pool of workers (worker.ts) started on first use and reused. Where no
 * worker can start (Deno Deploy, a bundle without the worker file, Node before 20.16) the same
 * calls run inline, still as Promises.
 *
 * @module
 */

import { checkNotDetached, describeValue } from "./arguments.ts";
import {
  checkWorkers,
  type CompressOptions,
  resolveCompressOptions,
  type ResolvedCompressOptions,
  type ResolvedStreamOptions,
} from "./encoder/options.ts";
import {
  type DecompressOptions,
  DEFAULT_MAX_OUTPUT_ONE_SHOT,
  resolveDecompressOptions,
  toBytes,
} from "./decoder/options.ts";
import { decompressFrames } from "./decoder/decompress.ts";
import { compressFrame } from "./encoder/compress.ts";
import { writeFrameHeader } from "./encoder/frame.ts";
import { compressJob, jobOutputBound, type JobPlan, jobPlan } from "./encoder/jobs.ts";
import type { CompressionParameters } from "./encoder/params.ts";
import { Xxh64 } from "./entropy/xxh64.ts";
import { ZstdDictionary } from "./dictionary.ts";
import { ZstdError, type ZstdErrorCode } from "./errors.ts";

/** What {@linkcode compressAsync} and {@linkcode decompressAsync} add to the synchronous options. */
export interface AsyncOptions {
  /**
   * Transfer the input's `ArrayBuffer` to the worker instead of copying it. The caller's buffer
   * is then detached (its length reads 0, and every view of it, not only `input`, becomes
   * unusable): pass `true` only for bytes you no longer need. A buffer that cannot be
   * transferred (a `SharedArrayBuffer`, Node's pooled `Buffer`s) is copied instead.
   *
   * @default {false}
   */
  transfer?: boolean;
  /**
   * Cancels the call: it rejects with `signal.reason` (an `AbortError` `DOMException` by
   * default), and a worker busy with it is terminated (a new one replaces it when needed).
   */
  signal?: AbortSignal;
}

/**
 * Options of {@linkcode compressAsync}: those of `compress`, plus `transfer`, `signal` and
 * `workers`.
 */
export interface CompressAsyncOptions extends CompressOptions, AsyncOptions {
  /**
   * Compress on this many workers at once (1 to 256), or `"auto"`: one per core
   * (`navigator.hardwareConcurrency`, or `os.availableParallelism()` in Node). With more than
   * one, an input larger than one job (1 to 8 MiB, from the level's window) is cut into jobs
   * compressed in parallel into one standard frame, as `zstd -T#` does: each job after the first
   * may reach back into the end of the one before (up to 2 MiB), and starts its entropy coding
   * afresh, so the frame is slightly larger than with one worker (under 1% on 16 MiB of source
   * code at levels 3 and 19). The bytes depend on the input and options, not on the number of
   * workers beyond one; smaller inputs, and calls with a dictionary, compress as with one worker.
   * Memory: one copy of the input and a buffer for the blocks, shared with the workers where
   * SharedArrayBuffer exists (kept a second after the call for the next one; elsewhere up to
   * `workers` copies of a job and its prefix, at most 10 MiB each), plus each worker's tables at
   * that level.
   *
   * @default {1}
   */
  workers?: number | "auto";
}

/** Options of {@linkcode decompressAsync}: those of `decompress`, plus `transfer` and `signal`. */
export interface DecompressAsyncOptions extends DecompressOptions, AsyncOptions {}

/** A request to the worker (internal). */
export interface WorkerRequest {
  id: number;
  /** `job`: one job of a multi-core compression (encoder/jobs.ts), described by `job`. */
  op: "compress" | "decompress" | "job";
  input: Uint8Array;
  /** The options without `dictionary`, `transfer`, `signal` and `workers`. */
  options: Record<string, unknown>;
  /** The dictionary, as bytes the worker rebuilds it from. */
  dictionary?: { bytes: Uint8Array; raw: boolean };
  /**
   * For `job`: `input` is the prefix (its first `prefix` bytes), then the job; `into`: shared
   * memory for the job's blocks, whose view is the reply's output when they fit.
   */
  job?: {
    prefix: number;
    first: boolean;
    last: boolean;
    params: CompressionParameters;
    into?: Uint8Array;
  };
}

/** A worker's answer (internal): the output, or the error as a plain record. */
export interface WorkerReply {
  id: number;
  output?: Uint8Array;
  error?: { name: string; message: string; code?: ZstdErrorCode };
}

/**
 * Compresses `input` into one Zstandard frame in a worker, leaving the calling thread free: the
 * same frame, byte for byte, as `compress(input, options)`. The first call starts a worker (a few
 * tens of milliseconds); later calls reuse it. Up to min(`navigator.hardwareConcurrency`, 4)
 * calls run at once, the rest wait their turn. Where no worker can start, the call runs inline.
 *
 * Misuse never throws synchronously: every error, `TypeError` and `RangeError` included, is a
 * rejection. Options are checked before anything is sent to a worker.
 *
 * Where the work runs: Deno, Bun and browsers start module Web Workers from worker.ts beside this
 * module (Deno Deploy has none: inline); Node (20.16 and later) starts `node:worker_threads` from
 * `worker.js`/`worker.mjs` beside the built module (same extension). Bundlers: Vite, webpack 5
 * and Parcel find `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })` in
 * this module and emit the worker; esbuild does not, so a build with esbuild must add worker.ts
 * as a second entry point written beside the bundle (without it, the calls run inline). Idle
 * workers do not keep Node or Bun running; Deno's cannot be unref'd, so an idle worker there ends
 * after a second (the next call starts a new one) or with {@linkcode terminateWorkers}.
 *
 * @param input The bytes to compress. Copied to the worker (a large input a piece at a time,
 * between tasks: do not modify it until the Promise settles), or moved with `transfer: true`.
 * @param options Those of `compress` ({@linkcode CompressOptions}), plus `transfer` and `signal`.
 * @returns One Zstandard frame.
 * @throws {TypeError} (as a rejection) on a bad `input` or options, as `compress` does, or a
 * `signal` that is not an AbortSignal.
 * @throws {RangeError} (as a rejection) on option values out of range.
 *
 * @example Compress without blocking the event loop
 * ```ts
 * import { compressAsync, decompressAsync, terminateWorkers } from "@x/zstd";
 * const data = new TextEncoder().encode("a line of a log file\n".repeat(10_000));
 * const frame = await compressAsync(data, { level: 19 });
 * const back = await decompressAsync(frame);
 * console.log(back.length === data.length); // true
 * terminateWorkers(); // not needed in a long-running program
 * ```
 *
 * @example Cancel with a timeout
 * ```ts
 * import { compressAsync, terminateWorkers } from "@x/zstd";
 * const data = new Uint8Array(1 << 20);
 * try {
 *   await compressAsync(data, { level: 19, signal: AbortSignal.abort() });
 * } catch (e) {
 *   console.log((e as Error).name); // "AbortError"
 * }
 * terminateWorkers();
 * ```
 */
export function compressAsync(
  input: Uint8Array,
  options?: CompressAsyncOptions,
): Promise<Uint8Array> {
  return submit("compress", input, options);
}

/**
 * Decompresses every frame of `input` in a worker, leaving the calling thread free: the same
 * output, or the same {@linkcode ZstdError} code, as `decompress(input, options)`. The pool, the
 * start-up cost and the inline fallback are those of {@linkcode compressAsync}.
 *
 * @param input One or more Zstandard frames. Copied to the worker (a large input a piece at a
 * time: do not modify it until the Promise settles), or moved with `transfer: true`.
 * @param options Those of `decompress` ({@linkcode DecompressOptions}), plus `transfer` and
 * `signal`.
 * @returns The content of all the frames, in order.
 * @throws {ZstdError} (as a rejection) on invalid, truncated or over-limit data.
 * @throws {TypeError} (as a rejection) on a bad `input` or options, or a `signal` that is not an
 * AbortSignal.
 * @throws {RangeError} (as a rejection) on option values out of range.
 *
 * @example Decompress in a worker
 * ```ts
 * import { compress, decompressAsync, terminateWorkers } from "@x/zstd";
 * const frame = compress(new TextEncoder().encode("hello"));
 * console.log(new TextDecoder().decode(await decompressAsync(frame))); // "hello"
 * terminateWorkers();
 * ```
 */
export function decompressAsync(
  input: Uint8Array,
  options?: DecompressAsyncOptions,
): Promise<Uint8Array> {
  return submit("decompress", input, options);
}

/**
 * Terminates the workers of {@linkcode compressAsync} and {@linkcode decompressAsync}; calls in
 * progress or waiting reject with an `AbortError` `DOMException`. A later call starts a new pool.
 * Idle workers do not keep Node or Bun alive; Deno has no `Worker.unref`, so there idle workers
 * end themselves after a second without work, or at once with this call.
 *
 * @example Shut the pool down
 * ```ts
 * import { compressAsync, terminateWorkers } from "@x/zstd";
 * await compressAsync(new Uint8Array(100));
 * terminateWorkers();
 * ```
 */
export function terminateWorkers(): void {
  generation++;
  const error = terminated();
  for (const slot of slots) {
    clearTimeout(slot.idleTimer);
    slot.handle.terminate();
    if (slot.job !== null) slot.job.finish(error, null);
  }
  slots.length = 0;
  for (const job of queue.splice(0)) job.finish(error, null);
  dropSpareShared();
}

// ---------------------------------------------------------------------------------------------
// Calls

interface Job {
  request: WorkerRequest;
  transfer: Transferable[];
  signal: AbortSignal | undefined;
  /** The pool may grow to this many workers for this job (its call's `workers`), or 0. */
  poolLimit: number;
  finish(error: unknown, output: Uint8Array | null): void;
}

let nextId = 1;
/** Counts the calls of terminateWorkers: a call still copying its input when it ends rejects. */
let generation = 0;

function terminated(): DOMException {
  return new DOMException("The zstd worker pool was terminated", "AbortError");
}

async function submit(
  op: "compress" | "decompress",
  input: Uint8Array,
  options: CompressAsyncOptions | DecompressAsyncOptions | undefined,
): Promise<Uint8Array> {
  const src = toBytes(input, "input");
  const { rest, transfer, signal, workers } = splitOptions(options, op === "compress");
  // Checked here, so misuse fails without a worker; the worker resolves them again.
  const resolved = op === "compress"
    ? resolveCompressOptions(rest as CompressOptions, src.length)
    : resolveDecompressOptions(rest as DecompressOptions, DEFAULT_MAX_OUTPUT_ONE_SHOT);
  if (signal?.aborted) throw abortReason(signal);

  if (workers > 1 && "params" in resolved && resolved.dictionary === null) {
    const plan = jobPlan(resolved.params);
    if (src.length > plan.firstJobSize) {
      const moved = transfer ? moveInput(src) : null;
      return await compressInJobs(moved ?? src, resolved, plan, workers, signal);
    }
  }

  const request: WorkerRequest = { id: nextId++, op, input: src, options: {} };
  if (rest !== undefined) {
    const { dictionary, ...others } = rest;
    request.options = others;
    if (dictionary instanceof ZstdDictionary) {
      request.dictionary = { bytes: dictionary.bytes, raw: dictionary.layout === null };
    } else if (dictionary !== undefined) {
      request.options.dictionary = dictionary;
    }
  }
  const moved = transfer ? moveInput(src) : null;
  if (!workersAvailable()) {
    request.input = moved ?? src; // nothing to copy: the work stays on this thread
    return await runInline(request, signal);
  }
  // A copy of our own (structured cloning would copy the whole buffer under a view), moved, or
  // a shared one the worker reads in place.
  const poolGeneration = generation;
  const shared = moved === null && canShare && src.length >= SHARE_FROM ? sharedFor(src) : null;
  try {
    if (shared === null) {
      request.input = moved ?? await copyInPieces(src);
    } else {
      if (shared !== src) await copyPieces(src, shared, 0, src.length);
      request.input = shared.subarray(0, src.length);
    }
    if (signal?.aborted) throw abortReason(signal);
    if (poolGeneration !== generation) throw terminated();
    return await enqueue(request, signal, 0);
  } finally {
    if (shared !== null && shared !== src) giveShared(shared);
  }
}

/**
 * Queues `request` (its input ours, to move to the worker) for the pool, or runs it inline
 * where no worker starts; `poolLimit`: the pool may grow to this many workers for it.
 */
function enqueue(
  request: WorkerRequest,
  signal: AbortSignal | undefined,
  poolLimit: number,
): Promise<Uint8Array> {
  if (!workersAvailable()) return runInline(request, signal);
  const buffer = request.input.buffer;
  const transferList: Transferable[] = buffer instanceof ArrayBuffer ? [buffer] : [];
  return new Promise<Uint8Array>((resolve, reject) => {
    const job: Job = {
      request,
      transfer: transferList,
      signal,
      poolLimit,
      finish(error, output) {
        signal?.removeEventListener("abort", onAbort);
        if (output !== null) resolve(output);
        else reject(error);
      },
    };
    const onAbort = () => cancel(job);
    signal?.addEventListener("abort", onAbort, { once: true });
    queue.push(job);
    dispatch();
  });
}

/**
 * Multi-core compression (see encoder/jobs.ts): the jobs go to up to `workers` workers at once,
 * each given its job and prefix: views of one shared copy of the input where SharedArrayBuffer
 * exists (copied a job at a time, in order, so the first job starts first), else a copy of its
 * own made when it starts (so at most `workers` copies exist); this thread writes the header,
 * computes the checksum between tasks, and joins the blocks in order.
 */
async function compressInJobs(
  src: Uint8Array,
  resolved: ResolvedCompressOptions,
  plan: JobPlan,
  workers: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const n = src.length;
  const { firstJobSize, jobSize, overlap } = plan;
  const params = resolved.params;
  const count = 1 + Math.ceil((n - firstJobSize) / jobSize);
  const outputs: Uint8Array[] = new Array(count);
  const poolGeneration = generation;
  let next = 0;
  let failed = false;
  let copying: Promise<unknown> = Promise.resolve();
  // Job i holds the input's bytes [starts[i], starts[i + 1]) and its blocks go to
  // [bounds[i], bounds[i + 1]) of `blocks`.
  const starts: number[] = [0];
  const bounds: number[] = [0];
  for (let i = 0; i < count; i++) {
    const start = starts[i];
    const end = Math.min(n, start + (i === 0 ? firstJobSize : jobSize));
    starts.push(end);
    bounds.push(bounds[i] + jobOutputBound(end - start));
  }
  // Every job reads its prefix and its bytes from here (no copy when the input is shared), and
  // writes its blocks into its part of `blocks` (shared memory reused from call to call: the
  // blocks of a new array in each worker cost as much again in page faults).
  const shared = canShare ? sharedFor(src) : null;
  const blocks = shared === null ? null : takeShared(bounds[count]);
  const lane = async () => {
    while (next < count && !failed) {
      const i = next++;
      const start = starts[i];
      const end = starts[i + 1];
      const from = i === 0 ? 0 : start - overlap;
      // Copied in pieces between tasks (10 MiB at once blocked this thread for up to 100 ms on
      // a loaded machine), one job after the other: the first job starts first.
      const copied = copying.then(async () => {
        checkNotDetached(src, "input");
        if (shared === null) return copyInPieces(src.subarray(from, end));
        if (shared !== src) await copyPieces(src, shared, start, end);
        return shared.subarray(from, end);
      });
      copying = copied.catch(() => {});
      const input = await copied;
      if (signal?.aborted) throw abortReason(signal);
      if (poolGeneration !== generation) throw terminated();
      const job = {
        prefix: start - from,
        first: i === 0,
        last: i === count - 1,
        params,
        into: blocks?.subarray(bounds[i], bounds[i + 1]),
      };
      const request: WorkerRequest = { id: nextId++, op: "job", input, options: {}, job };
      outputs[i] = await enqueue(request, signal, workers);
    }
  };
  const tasks: Promise<unknown>[] = [];
  for (let i = 0; i < Math.min(workers, count); i++) {
    tasks.push(
      lane().catch((e) => {
        failed = true;
        throw e;
      }),
    );
  }
  let digest = 0;
  if (resolved.checksum) tasks.push(checksumInPieces(src).then((d) => digest = d));
  const giveBack = () => {
    if (shared !== null && shared !== src) giveShared(shared);
    if (blocks !== null) giveShared(blocks);
  };
  try {
    await Promise.all(tasks);
  } catch (e) {
    // Once no lane copies into them or has a job using them (after a failure, some may still).
    Promise.allSettled(tasks).then(giveBack);
    throw e;
  }

  const header = jobsFrameHeader(params, resolved.contentSize ? n : -1, resolved.checksum);
  let size = header.length + (resolved.checksum ? 4 : 0);
  for (const output of outputs) size += output.length;
  const frame = new Uint8Array(size);
  frame.set(header);
  let pos = header.length;
  for (const output of outputs) {
    frame.set(output, pos);
    pos += output.length;
  }
  giveBack();
  if (resolved.checksum) {
    frame[pos] = digest;
    frame[pos + 1] = digest >>> 8;
    frame[pos + 2] = digest >>> 16;
    frame[pos + 3] = digest >>> 24;
  }
  return frame;
}

/**
 * The header of a frame compressed in jobs (no dictionary): `contentSize` −1 when unknown.
 */
function jobsFrameHeader(
  params: CompressionParameters,
  contentSize: number,
  checksum: boolean,
): Uint8Array {
  const header = new Uint8Array(18);
  return header.subarray(
    0,
    writeFrameHeader(header, 0, params.windowLog, contentSize, checksum, 0),
  );
}

/** XXH64 of `src` (its low 32 bits), a piece at a time between tasks of the calling thread. */
async function checksumInPieces(src: Uint8Array): Promise<number> {
  const hasher = new Xxh64();
  hasher.reset(0);
  for (let pos = 0; pos < src.length; pos += CHECKSUM_PIECE) {
    if (pos > 0) await nextTask();
    checkNotDetached(src, "input");
    hasher.update(src, pos, Math.min(src.length, pos + CHECKSUM_PIECE));
  }
  return hasher.digestLow32();
}

/** Size of the pieces the checksum of a multi-core compression is computed in. */
const CHECKSUM_PIECE = 1 << 20;

/**
 * Size of the pieces a large input is copied in, between tasks of the calling thread: into
 * fresh memory, 1 MiB takes about 4 ms here, and timers may wait for a few pieces (`setImmediate`
 * runs before them).
 */
const COPY_PIECE = 1 << 20;

/**
 * Inputs from this size go to the workers in a SharedArrayBuffer (see {@linkcode canShare});
 * smaller ones are copied into an ArrayBuffer and moved, which costs less than a shared one.
 */
const SHARE_FROM = 256 * 1024;

/**
 * Whether the workers can be given the input in a SharedArrayBuffer: one copy on this thread,
 * none in the messages (structured cloning shares the memory), and none at all when the
 * caller's bytes are already shared. Deno, Bun, Node, and pages that are cross-origin isolated
 * (elsewhere SharedArrayBuffer is missing, or cannot be posted). Measured on 16 MiB at level 3
 * (Bun): copying each job into a fresh buffer in 2 MiB pieces took 30 ms a job, as long as half
 * a job's compression.
 */
const canShare = typeof SharedArrayBuffer === "function" &&
  (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;

/**
 * `src` if its memory is shared, else a shared buffer of at least its size (not yet filled) to
 * give back with {@linkcode giveShared}.
 */
function sharedFor(src: Uint8Array): Uint8Array {
  if (src.buffer instanceof SharedArrayBuffer) return src;
  return takeShared(src.length);
}

/**
 * Shared buffers that finished calls gave back, for the next calls' inputs: on this project's
 * test machine (a VM) writing 16 MiB of fresh memory took 47 ms, and rewriting 16 MiB already
 * touched 1 ms (the page faults, not the copy). At most {@linkcode SPARE_SHARED} are kept, for
 * {@linkcode IDLE_MS} after the last was given back, or until {@linkcode terminateWorkers}.
 */
const spareShared: Uint8Array[] = [];
const SPARE_SHARED = 4;
let spareTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * A shared buffer of at least `size` bytes: the smallest spare that fits, or a new one a little
 * larger (by up to an eighth), so that calls of similar sizes reuse it.
 */
function takeShared(size: number): Uint8Array {
  let best = -1;
  for (let i = 0; i < spareShared.length; i++) {
    const length = spareShared[i].length;
    if (length >= size && (best < 0 || length < spareShared[best].length)) best = i;
  }
  if (best >= 0) return spareShared.splice(best, 1)[0];
  const step = Math.max(1 << 16, 1 << (28 - Math.clz32(size)));
  return new Uint8Array(new SharedArrayBuffer(Math.ceil(size / step) * step));
}

/** Keeps `buffer` (from {@linkcode takeShared}, no longer read) for the next calls. */
function giveShared(buffer: Uint8Array): void {
  if (spareShared.length >= SPARE_SHARED) {
    let smallest = 0;
    for (let i = 1; i < spareShared.length; i++) {
      if (spareShared[i].length < spareShared[smallest].length) smallest = i;
    }
    if (spareShared[smallest].length >= buffer.length) return;
    spareShared.splice(smallest, 1);
  }
  spareShared.push(buffer);
  clearTimeout(spareTimer);
  spareTimer = setTimeout(dropSpareShared, IDLE_MS);
  unrefTimer(spareTimer);
}

function dropSpareShared(): void {
  clearTimeout(spareTimer);
  spareShared.length = 0;
}

/** Lets the process end with `timer` pending (Node and Bun: `unref`; Deno: `Deno.unrefTimer`). */
function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  const handle = timer as unknown as { unref?(): void };
  if (typeof handle === "object" && typeof handle.unref === "function") {
    handle.unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
  deno?.unrefTimer?.(timer as unknown as number);
}

/**
 * A copy of `src`; a large one is made a piece at a time, yielding to the event loop between
 * pieces (copying 64 MiB at once blocks the calling thread for 100-200 ms on a slow machine).
 */
async function copyInPieces(src: Uint8Array): Promise<Uint8Array> {
  checkNotDetached(src, "input");
  if (src.length <= 2 * COPY_PIECE) return src.slice();
  const copy = new Uint8Array(src.length);
  await copyPieces(src, copy, 0, src.length);
  return copy;
}

/** Copies `src[start, end)` to the same place in `to`, a piece at a time between tasks. */
async function copyPieces(src: Uint8Array, to: Uint8Array, start: number, end: number) {
  for (let pos = start; pos < end; pos += COPY_PIECE) {
    if (pos > start) await nextTask();
    checkNotDetached(src, "input");
    to.set(src.subarray(pos, Math.min(end, pos + COPY_PIECE)), pos);
  }
}

/**
 * Resolves in a later task of the event loop, so that timers and I/O run in between:
 * `setImmediate` (Deno, Bun, Node) or a message to ourselves (browsers). Not `setTimeout(0)`,
 * which waits 1 ms (Bun, Node) to 3 ms (Deno, nested: HTML's clamp) where these take 0.05 ms.
 */
function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (typeof immediate === "function") return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The input moved out of the caller's buffer (now detached); null when it cannot move. */
function moveInput(src: Uint8Array): Uint8Array | null {
  if (!(src.buffer instanceof ArrayBuffer)) return null;
  try {
    return structuredClone(src, { transfer: [src.buffer] });
  } catch {
    return null; // untransferable (Node's Buffer pool): copied instead
  }
}

function splitOptions(
  options: CompressAsyncOptions | DecompressAsyncOptions | undefined,
  compressing: boolean,
): {
  rest: Record<string, unknown> | undefined;
  transfer: boolean;
  signal: AbortSignal | undefined;
  workers: number;
} {
  if (options === undefined || options === null) {
    return { rest: undefined, transfer: false, signal: undefined, workers: 1 };
  }
  if (typeof options !== "object") {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  const rest: Record<string, unknown> = {};
  // for-in, as the options are checked: inherited keys count too.
  for (const key in options) {
    if (key !== "transfer" && key !== "signal" && (key !== "workers" || !compressing)) {
      rest[key] = (options as Record<string, unknown>)[key];
    }
  }
  const transfer = options.transfer ?? false;
  if (typeof transfer !== "boolean") throw new TypeError("transfer must be a boolean");
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  const workers = compressing ? workersOption((options as CompressAsyncOptions).workers) : 1;
  return { rest, transfer, signal, workers };
}

/** The `workers` option as a number of workers. */
function workersOption(value: unknown): number {
  const workers = checkWorkers(value);
  return workers === "auto" ? coreCount() : workers;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/** Runs `request` on this thread, after yielding once (an abort before it still cancels it). */
async function runInline(request: WorkerRequest, signal: AbortSignal | undefined) {
  await Promise.resolve();
  if (signal?.aborted) throw abortReason(signal);
  const job = request.job;
  if (job !== undefined) {
    return compressJob(request.input, job.prefix, job.first, job.params, job.last, job.into);
  }
  const options = { ...request.options };
  if (request.dictionary !== undefined) {
    options.dictionary = new ZstdDictionary(request.dictionary.bytes, {
      raw: request.dictionary.raw,
    });
  }
  checkNotDetached(request.input, "input");
  return request.op === "compress"
    ? compressFrame(request.input, resolveCompressOptions(options, request.input.length))
    : decompressFrames(
      request.input,
      resolveDecompressOptions(options, DEFAULT_MAX_OUTPUT_ONE_SHOT),
    );
}

/** The error a worker reported, rebuilt as the class the synchronous call throws. */
function rebuildError(error: NonNullable<WorkerReply["error"]>): Error {
  if (error.code !== undefined) return new ZstdError(error.code, error.message);
  if (error.name === "TypeError") return new TypeError(error.message);
  if (error.name === "RangeError") return new RangeError(error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

// ---------------------------------------------------------------------------------------------
// The pool

/** A worker of either kind, behind one interface. */
interface WorkerHandle {
  post(request: WorkerRequest, transfer: Transferable[]): void;
  terminate(): void;
  /** Whether an idle worker lets the process exit (false on Deno: no `unref`). */
  readonly unrefs: boolean;
  ref(): void;
  unref(): void;
}

interface Slot {
  handle: WorkerHandle;
  job: Job | null;
  /** Whether it has answered once (a worker that fails before that cannot start here). */
  proven: boolean;
  /** Whether its job's input was moved to it before it answered once. */
  movedUnproven: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

/** How long an idle worker that cannot be unref'd (Deno) lives. */
const IDLE_MS = 1000;

const slots: Slot[] = [];
const queue: Job[] = [];
/** False once a worker failed to start, or none can be created: calls then run inline. */
let canSpawn = true;
/** True once a worker has answered: workers start here, and later ones are sent moved inputs. */
let workerAnswered = false;

function workersAvailable(): boolean {
  return canSpawn || slots.length > 0;
}

/** The number of cores: `navigator.hardwareConcurrency`, or Node's count; 1 if unknown. */
function coreCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  let cores = nav?.hardwareConcurrency;
  if (cores === undefined) {
    const os = nodeBuiltin<{ availableParallelism?(): number }>("node:os");
    cores = os?.availableParallelism?.();
  }
  return Math.max(1, cores ?? 1);
}

/** Workers the pool starts for calls with one worker each. */
function poolSize(): number {
  return Math.min(coreCount(), 4);
}

function dispatch(): void {
  while (queue.length > 0) {
    let slot = slots.find((s) => s.job === null);
    if (slot === undefined && slots.length < Math.max(poolSize(), queue[0].poolLimit)) {
      slot = spawnSlot() ?? undefined;
    }
    if (slot === undefined) {
      if (slots.length === 0) drainInline();
      return;
    }
    const job = queue.shift()!;
    slot.job = job;
    clearTimeout(slot.idleTimer);
    slot.handle.ref();
    try {
      // Until a worker has answered once in this process, the input is copied, not moved: if
      // workers cannot start here, the call runs inline on the bytes still here. After that, a
      // new worker gets the input moved too: copying it (structured cloning) blocked Deno's
      // calling thread for ~200 ms on 64 MiB when its pool restarted a worker.
      const move = slot.proven || workerAnswered;
      slot.movedUnproven = move && !slot.proven;
      slot.handle.post(job.request, move ? job.transfer : []);
    } catch (e) {
      slot.job = null;
      job.finish(e, null);
    }
  }
}

/** No worker: the waiting calls run inline. */
function drainInline(): void {
  for (const job of queue.splice(0)) {
    runInline(job.request, job.signal).then(
      (output) => job.finish(null, output),
      (error) => job.finish(error, null),
    );
  }
}

function spawnSlot(): Slot | null {
  if (!canSpawn) return null;
  let slot: Slot | null = null;
  try {
    const handle = createWorker(
      (reply) => slot !== null && onReply(slot, reply),
      (error) => slot !== null && onFailure(slot, error),
    );
    if (handle === null) {
      canSpawn = false;
      return null;
    }
    slot = { handle, job: null, proven: false, movedUnproven: false, idleTimer: undefined };
    slots.push(slot);
    return slot;
  } catch {
    canSpawn = false; // Worker creation throws (no worker support, CSP, ...)
    return null;
  }
}

function removeSlot(slot: Slot): void {
  clearTimeout(slot.idleTimer);
  slot.handle.terminate();
  const index = slots.indexOf(slot);
  if (index >= 0) slots.splice(index, 1);
}

function onReply(slot: Slot, reply: WorkerReply): void {
  const job = slot.job;
  if (job === null || job.request.id !== reply.id) return;
  slot.proven = true;
  workerAnswered = true;
  slot.job = null;
  if (reply.error !== undefined) job.finish(rebuildError(reply.error), null);
  else job.finish(null, reply.output!);
  becameIdle(slot);
  dispatch();
}

function becameIdle(slot: Slot): void {
  if (slot.job !== null) return;
  if (slot.handle.unrefs) {
    slot.handle.unref();
  } else {
    slot.idleTimer = setTimeout(() => {
      if (slot.job === null) removeSlot(slot);
    }, IDLE_MS);
  }
}

/** A worker failed: one that never answered means workers cannot start here. */
function onFailure(slot: Slot, error: unknown): void {
  if (!slots.includes(slot)) return; // already terminated (an abort, terminateWorkers)
  const job = slot.job;
  removeSlot(slot);
  if (!slot.proven && !slot.movedUnproven) {
    canSpawn = false;
    if (job !== null) queue.unshift(job);
    if (slots.length === 0) drainInline();
    return;
  }
  if (job !== null) job.finish(error instanceof Error ? error : new Error(String(error)), null);
  dispatch();
}

function cancel(job: Job): void {
  const reason = abortReason(job.signal!);
  const waiting = queue.indexOf(job);
  if (waiting >= 0) {
    queue.splice(waiting, 1);
  } else {
    const slot = slots.find((s) => s.job === job);
    if (slot === undefined) return; // running inline: it cannot be stopped
    removeSlot(slot); // the only way to stop it
    slot.job = null;
  }
  job.finish(reason, null);
  queueMicrotask(dispatch); // after the other aborts of the same moment
}

// ---------------------------------------------------------------------------------------------
// Workers of each runtime

interface NodeWorker {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): unknown;
  ref(): void;
  unref(): void;
  on(event: "message", listener: (reply: WorkerReply) => void): void;
  on(event: "error", listener: (error: unknown) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
}

function nodeBuiltin<T>(name: string): T | undefined {
  const process = (globalThis as {
    process?: { getBuiltinModule?(name: string): unknown };
  }).process;
  return process?.getBuiltinModule?.(name) as T | undefined;
}

/**
 * Starts a worker running worker.ts: a module Web Worker where `Worker` exists (Deno, Bun,
 * browsers), else a `node:worker_threads` worker (Node), else null.
 */
function createWorker(
  onReply: (reply: WorkerReply) => void,
  onError: (error: unknown) => void,
): WorkerHandle | null {
  if (typeof globalThis.Worker === "function") {
    // Written out in full so that bundlers (Vite, webpack 5, Parcel) find and emit worker.ts.
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => onReply(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault(); // else Deno takes it for an uncaught error of the program
      onError(event.error ?? new Error(event.message));
    };
    worker.onmessageerror = () => onError(new Error("a worker message could not be read"));
    const refs = worker as unknown as { ref?(): void; unref?(): void };
    const unrefs = typeof refs.unref === "function" && typeof refs.ref === "function";
    return {
      post: (request, transfer) => worker.postMessage(request, transfer),
      terminate: () => worker.terminate(),
      unrefs,
      ref: () => refs.ref?.(),
      unref: () => refs.unref?.(),
    };
  }
  const threads = nodeBuiltin<{ Worker: new (url: URL) => NodeWorker }>("node:worker_threads");
  if (threads === undefined) return null;
  // The worker has the extension of this module: worker.ts beside async.ts, worker.mjs beside
  // a bundle mod.mjs (see worker.ts for what the build must emit).
  const extension = /\.[cm]?[jt]s$/.exec(new URL(import.meta.url).pathname)?.[0] ?? ".js";
  const worker = new threads.Worker(new URL(`./worker${extension}`, import.meta.url));
  worker.on("message", onReply);
  worker.on("error", onError);
  worker.on("exit", (code: number) => onError(new Error(`zstd worker exited (code ${code})`)));
  worker.unref();
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    terminate: () => void worker.terminate(),
    unrefs: true,
    ref: () => worker.ref(),
    unref: () => worker.unref(),
  };
}

// ---------------------------------------------------------------------------------------------
// Multi-core streams

/**
 * `compressStream` with `workers` above 1 (mod.ts calls this): the stream is cut into the jobs
 * of {@linkcode jobPlan}, each sent to the pool as soon as the next byte shows it is not the
 * last, at most `workers` at once; their blocks go out in order. Falls back to `fallback` (the
 * one-thread stream) when the options hold a dictionary.
 */
export function compressStreamInWorkers(
  resolved: ResolvedStreamOptions,
  fallback: () => TransformStream<Uint8Array, Uint8Array>,
): TransformStream<Uint8Array, Uint8Array> {
  const workers = resolved.workers === "auto" ? coreCount() : resolved.workers;
  if (workers <= 1 || resolved.options.dictionary !== null) return fallback();
  return new ParallelCompressStream(resolved, workers);
}

class ParallelCompressStream implements TransformStream<Uint8Array, Uint8Array> {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;

  constructor(resolved: ResolvedStreamOptions, workers: number) {
    const options = resolved.options;
    const pledged = resolved.pledgedSize;
    const params = options.params;
    const { firstJobSize, jobSize, overlap } = jobPlan(params);
    const hasher = options.checksum ? new Xxh64() : null;
    hasher?.reset(0);
    // Cancels the jobs in the workers when the stream is cancelled or aborted.
    const stop = new AbortController();
    // The prefix `[0, prefix)` then the job being filled, `[prefix, filled)`. The first grows as
    // it fills (a short stream does not take a whole job's memory); the next ones are full size.
    // Shared memory where it can be (see canShare): the workers read it in place, and it is
    // reused from job to job and from stream to stream (new memory for each 10 MiB job cost the
    // calling thread 30 ms of page faults).
    const newBuffer = (size: number) =>
      canShare && size >= SHARE_FROM ? takeShared(size) : new Uint8Array(size);
    const release = (bytes: Uint8Array) => {
      if (bytes.buffer instanceof SharedArrayBuffer) giveShared(bytes);
    };
    let buffer: Uint8Array = new Uint8Array(1 << 16);
    let prefix = 0;
    let filled = 0;
    let first = true;
    let total = 0;
    // The jobs sent and not yet written out, in order; `running` of them are not finished.
    // A job starts as soon as fewer than `workers` run (not when the oldest is written out: a
    // worker whose job ended before the one ahead of it would wait), with at most twice
    // `workers` results held.
    const inFlight: { result: Promise<Uint8Array>; ended: boolean }[] = [];
    let running = 0;
    let jobEnded: (() => void) | null = null;

    let out!: ReadableStreamDefaultController<Uint8Array>;
    let wake: (() => void) | null = null;
    let cancelled = false;
    let cancelReason: unknown = undefined;
    const resume = () => {
      const w = wake;
      wake = null;
      if (w !== null) w();
    };
    /** Queues `bytes` for the reader; waits while the reader is behind. */
    const emit = async (bytes: Uint8Array) => {
      if (bytes.length > 0) out.enqueue(bytes);
      while (!cancelled && (out.desiredSize ?? 0) <= 0) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      if (cancelled) throw cancelReason;
    };
    const dispatch = async (last: boolean) => {
      for (;;) {
        while (inFlight.length > 0 && inFlight[0].ended) {
          await emit(await inFlight.shift()!.result);
        }
        if (running < workers && inFlight.length < 2 * workers) break;
        await new Promise<void>((resolve) => jobEnded = resolve);
      }
      const home = buffer;
      const input = buffer.subarray(0, filled);
      const job = { prefix, first, last, params };
      if (!last) {
        // The next job's buffer starts with this one's tail; this one goes to the worker.
        const keep = Math.min(overlap, filled);
        buffer = newBuffer(keep + jobSize);
        buffer.set(input.subarray(filled - keep));
        prefix = filled = keep;
      }
      first = false;
      const request: WorkerRequest = { id: nextId++, op: "job", input, options: {}, job };
      // Its buffer is reused once the worker is done with it (or was stopped).
      const entry = { result: enqueue(request, stop.signal, workers), ended: false };
      running++;
      entry.result = entry.result.finally(() => {
        release(home);
        running--;
        entry.ended = true;
        const wake = jobEnded;
        jobEnded = null;
        wake?.();
      });
      entry.result.catch(() => {}); // rejections surface when it is awaited, in order
      inFlight.push(entry);
    };
    const fail = (e: unknown) => {
      stop.abort(e);
      if (!cancelled) out.error(e);
      throw e;
    };
    let inputController!: WritableStreamDefaultController;
    this.readable = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          out = controller;
          const contentSize = options.contentSize ? pledged : -1;
          controller.enqueue(jobsFrameHeader(params, contentSize, options.checksum));
        },
        pull: resume,
        cancel(reason) {
          cancelled = true;
          cancelReason = reason;
          stop.abort(reason);
          inputController.error(reason);
          resume();
        },
      },
      { highWaterMark: 1 << 20, size: (chunk) => chunk.byteLength },
    );
    this.writable = new WritableStream<Uint8Array>({
      start(controller) {
        inputController = controller;
      },
      async write(chunk) {
        if (cancelled) throw cancelReason;
        try {
          const bytes = toBytes(chunk, "chunk");
          total += bytes.length;
          if (pledged >= 0 && total > pledged) {
            throw new ZstdError(
              "source_size_wrong",
              `Cannot compress: the stream holds more than the ${pledged} bytes pledged`,
            );
          }
          hasher?.update(bytes, 0, bytes.length);
          let pos = 0;
          while (pos < bytes.length) {
            // A full job goes once a byte more shows it is not the last.
            if (filled - prefix === (first ? firstJobSize : jobSize)) await dispatch(false);
            const capacity = first ? firstJobSize : jobSize;
            const n = Math.min(bytes.length - pos, capacity - (filled - prefix));
            if (filled + n > buffer.length) {
              const size = Math.min(Math.max(filled + n, buffer.length * 2), prefix + capacity);
              const grown = newBuffer(size);
              grown.set(buffer.subarray(0, filled));
              release(buffer);
              buffer = grown;
            }
            buffer.set(bytes.subarray(pos, pos + n), filled);
            filled += n;
            pos += n;
          }
        } catch (e) {
          fail(e);
        }
      },
      async close() {
        if (cancelled) return;
        try {
          if (pledged >= 0 && total !== pledged) {
            throw new ZstdError(
              "source_size_wrong",
              `Cannot compress: the stream held ${total} bytes, ${pledged} were pledged`,
            );
          }
          await dispatch(true);
          while (inFlight.length > 0) await emit(await inFlight.shift()!.result);
          if (hasher !== null) {
            const digest = hasher.digestLow32();
            await emit(Uint8Array.of(digest, digest >>> 8, digest >>> 16, digest >>> 24));
          }
        } catch (e) {
          fail(e);
        }
        out.close();
      },
      abort(reason) {
        stop.abort(reason);
        if (!cancelled) out.error(reason);
        cancelled = true;
        cancelReason = reason;
        resume();
      },
    });
  }
}
