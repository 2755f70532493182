/**
 * Choosing where a full block ends before any match finding (libzstd 1.5.7's pre-splitter):
 * blocks whose byte statistics change midway compress better cut at the change, because each
 * part gets entropy tables fitted to it. The input is fingerprinted (a histogram of bytes or of
 * hashed byte pairs); a cut goes where a fingerprint is "too different" from what precedes it.
 *
 * Only full 128 KiB blocks are split, and only once the frame has saved at least 3 bytes, so that
 * incompressible input never pays more block headers. The effort depends on the strategy: the
 * fast strategy compares only the borders and the middle of the block; the others walk 8 KiB
 * chunks, sampling more densely the stronger the strategy.
 *
 * @module
 */

import { BLOCK_SIZE_MAX } from "../format.ts";
import type { Strategy } from "./params.ts";

const CHUNK_SIZE = 8 * 1024;
const SEGMENT_SIZE = 512;
// "Too different": distance ≥ (14 + penalty) / 16 of the product of the event counts; the
// penalty starts at 3 and decays as chunks agree.
const THRESHOLD_SHIFT = 4;
const THRESHOLD_RATE = 1 << THRESHOLD_SHIFT;
const THRESHOLD_BASE = THRESHOLD_RATE - 2;
const THRESHOLD_PENALTY = 3;

/** Split effort by strategy: 0 = borders only, 1..4 = chunk walk of increasing density. */
const SPLIT_LEVELS = [0, 0, 1, 2, 2, 3, 3, 4, 4, 4];
/** Chunk walk per level 1..4: sampling rate and fingerprint hash log (8 = the byte itself). */
const SAMPLING_RATES = [0, 43, 11, 5, 1];
const HASH_LOGS = [0, 8, 9, 10, 10];

/**
 * The splitter's fingerprints, a workspace's. Event counts: at most 16 chunks of 8 KiB, so every
 * product below fits an int32.
 */
export class SplitScratch {
  readonly past: Int32Array = new Int32Array(1024);
  readonly next: Int32Array = new Int32Array(1024);
  readonly middle: Int32Array = new Int32Array(1024);
}

/**
 * Size of the next block of a frame: `remaining` bytes are left from `start`, blocks are at
 * most `blockSizeMax`, and `savings` is the input consumed minus the output produced so far.
 */
export function optimalBlockSize(
  scratch: SplitScratch,
  src: Uint8Array,
  start: number,
  remaining: number,
  blockSizeMax: number,
  strategy: Strategy,
  savings: number,
): number {
  if (remaining < BLOCK_SIZE_MAX || blockSizeMax < BLOCK_SIZE_MAX) {
    return remaining < blockSizeMax ? remaining : blockSizeMax;
  }
  if (savings < 3) return BLOCK_SIZE_MAX;
  const level = SPLIT_LEVELS[strategy];
  return level === 0
    ? splitFromBorders(scratch, src, start)
    : splitByChunks(scratch, src, start, level);
}

/** Σ |a[n]·countB − b[n]·countA| over the `size` buckets. */
function distance(a: Int32Array, countA: number, b: Int32Array, countB: number, size: number) {
  let d = 0;
  for (let n = 0; n < size; n++) d += Math.abs(Math.imul(a[n], countB) - Math.imul(b[n], countA));
  return d;
}

function tooDifferent(
  ref: Int32Array,
  refCount: number,
  fresh: Int32Array,
  freshCount: number,
  penalty: number,
  size: number,
): boolean {
  // floor(refCount × freshCount × (14 + penalty) / 16) in int32 arithmetic: the counts' product
  // stays below 2^30 (at most 15 chunks of 8,191 events against one), the whole product may not.
  // Written as one product it left JavaScriptCore's int32 speculation: "Overflow" exits at every
  // block, 101 in a Bun process of level 8 after level 7. The same thresholds.
  const product = refCount * freshCount;
  const k = THRESHOLD_BASE + penalty;
  const threshold = (product >> THRESHOLD_SHIFT) * k +
    (((product & (THRESHOLD_RATE - 1)) * k) >> THRESHOLD_SHIFT);
  return distance(ref, refCount, fresh, freshCount, size) >= threshold;
}

function byteHistogram(h: Int32Array, src: Uint8Array, from: number, count: number): void {
  h.fill(0, 0, 256);
  for (let i = from; i < from + count; i++) h[src[i]]++;
}

/**
 * Compares 512-byte histograms of the block's start and end; if they differ, the middle decides
 * the cut: 64 KiB when it is as far from both, else 32 or 96 KiB toward the border it resembles.
 */
function splitFromBorders(scratch: SplitScratch, src: Uint8Array, start: number): number {
  const { past, next, middle } = scratch;
  byteHistogram(past, src, start, SEGMENT_SIZE);
  byteHistogram(next, src, start + BLOCK_SIZE_MAX - SEGMENT_SIZE, SEGMENT_SIZE);
  if (!tooDifferent(past, SEGMENT_SIZE, next, SEGMENT_SIZE, 0, 256)) return BLOCK_SIZE_MAX;
  byteHistogram(middle, src, start + BLOCK_SIZE_MAX / 2 - SEGMENT_SIZE / 2, SEGMENT_SIZE);
  const fromBegin = distance(past, SEGMENT_SIZE, middle, SEGMENT_SIZE, 256);
  const fromEnd = distance(next, SEGMENT_SIZE, middle, SEGMENT_SIZE, 256);
  const minDistance = Math.floor((SEGMENT_SIZE * SEGMENT_SIZE) / 3);
  if (Math.abs(fromBegin - fromEnd) < minDistance) return 64 * 1024;
  return fromBegin > fromEnd ? 32 * 1024 : 96 * 1024;
}

/** Fingerprint of one chunk into `h`; returns its event count. */
function fingerprint(
  h: Int32Array,
  src: Uint8Array,
  from: number,
  rate: number,
  hashLog: number,
): number {
  h.fill(0, 0, 1 << hashLog);
  const limit = CHUNK_SIZE - 1;
  if (hashLog === 8) {
    for (let n = 0; n < limit; n += rate) h[src[from + n]]++;
  } else {
    const shift = 32 - hashLog;
    for (let n = 0; n < limit; n += rate) {
      const pair = src[from + n] | (src[from + n + 1] << 8);
      h[Math.imul(pair, 0x9e3779b9) >>> shift]++;
    }
  }
  return (limit / rate) | 0;
}

/** Walks 8 KiB chunks; cuts before the first chunk too different from all before it. */
function splitByChunks(scratch: SplitScratch, src: Uint8Array, start: number, level: number) {
  const { past, next } = scratch;
  const rate = SAMPLING_RATES[level];
  const hashLog = HASH_LOGS[level];
  const size = 1 << hashLog;
  let penalty = THRESHOLD_PENALTY;
  let pastCount = fingerprint(past, src, start, rate, hashLog);
  for (let pos = CHUNK_SIZE; pos <= BLOCK_SIZE_MAX - CHUNK_SIZE; pos += CHUNK_SIZE) {
    const count = fingerprint(next, src, start + pos, rate, hashLog);
    if (tooDifferent(past, pastCount, next, count, penalty, size)) return pos;
    for (let n = 0; n < size; n++) past[n] += next[n];
    pastCount += count;
    if (penalty > 0) penalty--;
  }
  return BLOCK_SIZE_MAX;
}
