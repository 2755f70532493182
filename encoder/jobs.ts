/**
 * Multi-core compression's jobs (`workers` of `compressAsync`), as libzstd's multithreaded
 * compressor cuts a frame: the input is cut into jobs of {@linkcode JobPlan.jobSize} bytes (the
 * first a little longer), each
 * compressed on its own (in parallel, in workers) into blocks of ONE frame whose header the caller
 * writes. A job after the first is compressed with the last {@linkcode JobPlan.overlap} bytes
 * before it as a prefix: its matches may reach back into them (the decoder has them in its
 * window, as the blocks before), and its first block starts from fresh entropy tables and
 * invalidated repeat offsets (the decoder's are the previous job's, unknown to this one), as
 * libzstd's `ZSTD_invalidateRepCodes` does. Only the frame's last job writes the last block.
 *
 * The cut depends only on the parameters (the level and the input size), never on the number of
 * workers: any number of workers above one writes the same bytes.
 *
 * @module
 */

import { EncoderDictionary } from "./dictionary.ts";
import { BlockEncoder } from "./block.ts";
import type { CompressionParameters } from "./params.ts";
import { Strategy } from "../matchers/strategy.ts";
import { releaseWorkspace, takeOneShotWorkspace, type Workspace } from "./workspace.ts";

/** How a frame's input is cut into jobs. */
export interface JobPlan {
  /** Bytes of input of the first job (the frame's first; more than the others', see jobPlan). */
  firstJobSize: number;
  /** Bytes of input per job after the first (the last one may hold fewer). */
  jobSize: number;
  /** Bytes before a job (after the first) that its matches may reach back into. */
  overlap: number;
}

/**
 * The cut for `params`. libzstd's job size is 2^max(20, windowLog + 2) and its overlap a
 * strategy-dependent fraction of the window (1/8 for fast to lazy, the whole window for
 * btultra2); here the job size is capped at 8 MiB, so that 16 MiB inputs give two workers work
 * even at the levels with 8 MiB windows (libzstd's 32 MiB jobs leave them one job), and the
 * overlap is the window up to a quarter of a job, whatever the strategy. Measured on 16 MiB of
 * source code: at level 3, a 256 KiB overlap (libzstd's) cost 4% of ratio where 2 MiB (the
 * window) cost 0.3%; at level 19, a 1 MiB overlap cost 1.1%, 2 MiB 0.4%, 4 MiB 0.1%. Every job
 * but the first primes its prefix first, so the first is longer than the others by about that
 * work: half the overlap for the binary trees (priming a 2 MiB prefix in the frame's own tables
 * takes 469 ms at level 19, Bun, about half of what compressing those bytes takes), an eighth for
 * fast and dfast (which prime every sixth position: 3-4 ms for 2 MiB at level 3, nearer a third
 * of compressing them; the eighth was set for priming every third position and not measured
 * again). With jobs of
 * equal length, on 16 MiB at level 19 (two jobs), two workers took 0.59x (Bun) to 0.69x (Deno)
 * of one worker's time (then with tables of their own per job, whose priming cost more).
 */
export function jobPlan(params: CompressionParameters): JobPlan {
  const windowLog = params.windowLog;
  const jobLog = Math.min(Math.max(windowLog + 2, 20), 23);
  const jobSize = 1 << jobLog;
  const overlap = windowLog >= jobLog - 2 ? jobSize >> 2 : 1 << windowLog;
  // The work of priming the others' prefixes (see above and matchers/prime.ts).
  const extra = params.strategy <= Strategy.DFast ? overlap >> 3 : overlap >> 1;
  return { firstJobSize: jobSize + extra, jobSize, overlap };
}

/** Smallest output buffer of a job (it grows by half). */
const MIN_OUTPUT = 64 * 1024;

/**
 * Room for the blocks of a job of `length` bytes: its bytes (a block that would not compress
 * goes out raw) and a 3-byte header per KiB (blocks are at least 1 KiB but for the job's last),
 * with some slack. {@linkcode compressJob} still checks: blocks that do not fit go to a new array.
 */
export function jobOutputBound(length: number): number {
  return length + 3 * (length >>> 10) + 1024;
}

/**
 * Compresses one job: `src[prefix, src.length)`, after the prefix `src[0, prefix)` (the end of
 * the previous job, or nothing for the frame's first job), with the frame's parameters. Returns
 * the job's blocks; `last`: the frame's last job, whose last block carries the last-block flag.
 * The blocks are written at the start of `into` (a view of it is returned) when they fit, else
 * into a new array.
 */
export function compressJob(
  src: Uint8Array,
  prefix: number,
  first: boolean,
  params: CompressionParameters,
  last: boolean,
  into: Uint8Array | null = null,
): Uint8Array {
  // A job after the first starts with repeat offsets no sequence can use (0), so that none
  // refers to the decoder's, which are those of the previous job's end.
  const dict = first ? null : new EncoderDictionary({
    id: 0,
    content: src.subarray(0, prefix),
    repeats: [0, 0, 0],
    bytes: src.subarray(0, prefix),
    layout: null,
  }, true);
  const ws = takeOneShotWorkspace();
  try {
    return compressJobWith(ws, src, prefix, params, last, dict, into);
  } finally {
    releaseWorkspace(ws);
  }
}

function compressJobWith(
  ws: Workspace,
  src: Uint8Array,
  prefix: number,
  params: CompressionParameters,
  last: boolean,
  dict: EncoderDictionary | null,
  into: Uint8Array | null,
): Uint8Array {
  const encoder = new BlockEncoder(params, src, ws, dict);
  const end = src.length;
  const room = encoder.blockRoom;
  // Into the workspace's frame buffer, as compress.ts (warm memory: a job's blocks are megabytes),
  // then one copy: into `into` (memory the caller reuses), else a new exact-size array.
  let out = ws.frameOut;
  let pos = 0;
  let start = prefix;
  do {
    if (pos + room > out.length) out = ws.growFrameOut(out, pos, Math.max(pos + room, MIN_OUTPUT));
    start += encoder.encodeNextInto(src, start, end - start, last, out, pos);
    pos += encoder.written;
  } while (start < end);
  if (into !== null && pos <= into.length) {
    into.set(out.subarray(0, pos));
    return into.subarray(0, pos);
  }
  return out.slice(0, pos);
}
