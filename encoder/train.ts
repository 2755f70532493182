/**
 * Dictionary training, as libzstd's `ZDICT_optimizeTrainFromBuffer_fastCover` (what
 * `zstd --train` runs): the content is assembled from the segments of the samples whose d-byte
 * substrings ("dmers") are most frequent across the samples, and the parameters (segment size k,
 * dmer size d) are chosen by compressing held-out samples with each candidate. The entropy tables
 * come from compressing the training samples with the content, as `ZDICT_finalizeDictionary`
 * does, so frames start with tables that fit the data.
 *
 * Outline of one candidate (k, d): count every dmer's hash over the training samples; cut the
 * training bytes into epochs; from each epoch in turn take the k-byte window whose distinct dmers
 * have the largest total count, zero those dmers' counts, and put the window in front of the
 * content built so far (the best segments end up nearest the data, at the smallest offsets),
 * until the content is full.
 *
 * @module
 */

import { checkNotDetached, checkOptionKeys, describeValue, optionNames } from "../arguments.ts";
import { ZstdDictionary } from "../dictionary.ts";
import { BLOCK_SIZE_MAX, DICTIONARY_MAGIC } from "../format.ts";
import { highbit } from "../entropy/bits.ts";
import { normalizeCounts, writeNormalizedCounts } from "../entropy/fse_encoder.ts";
import {
  buildHuffmanTable,
  HuffmanEncodeScratch,
  HuffmanEncodeTable,
  writeHuffmanTable,
} from "../entropy/huffman_encoder.ts";
import { LL_ML_MAX_LOG, MAX_LL_CODE, MAX_ML_CODE, OF_MAX_LOG } from "../entropy/sequence_codes.ts";
import { Xxh64 } from "../entropy/xxh64.ts";
import { hashLong } from "../matchers/match_state.ts";
import { BlockEncoder } from "./block.ts";
import { compressFrame } from "./compress.ts";
import { releaseWorkspace, takeOneShotWorkspace } from "./workspace.ts";
import { encoderDictionary } from "./dictionary.ts";
import { resolveCompressOptions } from "./options.ts";
import { levelParameters } from "./params.ts";
import { computeCodes } from "./sequences.ts";

/** Options of {@linkcode trainDictionary}. All are optional; any other key is a `TypeError`. */
export interface TrainOptions {
  /**
   * Largest dictionary in bytes (header, tables and content), at least 256. Default 112640
   * (110 KiB), as `zstd --train`. Small records gain most from a few KiB; larger dictionaries
   * cost memory and setup time in every compression.
   *
   * @default {112640}
   */
  maxSize?: number;
  /**
   * Level the dictionary is tuned for (its tables, the choice of k and d), 1 to 22. Use the
   * level you will compress at. Default 3.
   *
   * @default {3}
   */
  level?: number;
  /**
   * Dictionary ID, 1 to 2^32 − 1, written in every frame compressed with the dictionary.
   * Default: derived from the content, as libzstd (in 32768 to 2^31 − 1; lower IDs are left
   * for IDs chosen by hand).
   */
  id?: number;
}

/** The keys of {@linkcode TrainOptions}: any other is misuse (a `TypeError`). */
const TRAIN_KEYS = optionNames<TrainOptions>({ maxSize: true, level: true, id: true });

// libzstd's defaults: log2 of the dmer-count table, share of samples trained on (the rest
// choose the parameters), the k range and its number of steps.
const FREQUENCY_LOG = 20;
const SPLIT_POINT = 0.75;
const K_MIN = 50;
const K_MAX = 2000;
const K_STEPS = 40;
// Consecutive epochs without a useful segment before the content is declared complete.
const MAX_ZERO_SCORE_RUN = 10;
// Largest offset code written in the table description (libzstd's OFFCODE_MAX).
const OFFCODE_MAX = 30;
// Repeat offsets written in the dictionary (the format's initial ones), and so the least content
// a dictionary may have: each must point inside it.
const REPEAT_OFFSETS = [1, 4, 8];
const MIN_CONTENT_SIZE = 8;
// Samples compressed per candidate, for its entropy statistics and for its evaluation: bounds
// the training time on large sample sets.
const MAX_EVALUATED = 1000;

/** Samples concatenated, with the offset of each one's start (and the end). */
interface SampleSet {
  bytes: Uint8Array;
  view: DataView;
  offsets: number[];
}

/**
 * Trains a zstd-format dictionary on `samples` (at least 5; typically hundreds of small records
 * like the data to compress), usable by any Zstandard implementation (`zstd -D`). Pass the
 * result to `new ZstdDictionary(bytes)` to compress and decompress with it, and store the bytes:
 * frames need the same dictionary to decode.
 *
 * The algorithm is libzstd's fastCover (what `zstd --train` runs), with the parameter search of
 * `ZDICT_optimizeTrainFromBuffer_fastCover` at its defaults: the content is made of the sample
 * segments whose 6- or 8-byte substrings are most frequent, segment sizes from 50 to 2000 bytes
 * are tried, and the candidate that compresses a held-out quarter of the samples best is kept.
 * Training is deterministic and runs on the calling thread (about 1 s for 1200 small JSON
 * records with `maxSize: 8192`).
 *
 * @param samples The records to train on, each a `Uint8Array`.
 * @param options The size, the level and the ID of the dictionary.
 * @returns The dictionary's bytes: magic number, ID, entropy tables, repeat offsets, content.
 * @throws {RangeError} when the samples are too few or hold nothing repeated, or an option is
 * out of range.
 * @throws {TypeError} when `samples` is not an array of `Uint8Array` (or one views a detached
 * buffer), `options` has a key it does not define, or an option has the wrong type.
 *
 * @example Train on records, then compress each one with the dictionary
 * ```ts
 * import { compress, decompress, trainDictionary, ZstdDictionary } from "@x/zstd";
 * const text = new TextEncoder();
 * const records = Array.from({ length: 200 }, (_, i) =>
 *   text.encode(`{"id":${i},"user":"user${i % 7}","event":"${i % 3 ? "view" : "buy"}"}`));
 * const dictionary = new ZstdDictionary(trainDictionary(records, { maxSize: 4096 }));
 * const frame = compress(records[42], { dictionary });
 * console.log(frame.length < compress(records[42]).length); // true
 * console.log(decompress(frame, { dictionary }).length === records[42].length); // true
 * ```
 *
 * @example Choose the ID and the level
 * ```ts
 * import { compress, trainDictionary, ZstdDictionary } from "@x/zstd";
 * const samples = Array.from(
 *   { length: 50 },
 *   (_, i) => new TextEncoder().encode(`level=info service=api request=${i} took=${i % 9}ms`),
 * );
 * const bytes = trainDictionary(samples, { maxSize: 1024, level: 9, id: 7 });
 * const dictionary = new ZstdDictionary(bytes);
 * console.log(dictionary.id); // 7
 * console.log(bytes.length <= 1024); // true
 * const frame = compress(samples[0], { dictionary, level: 9 }); // names dictionary 7
 * console.log(frame.length < samples[0].length); // true
 * ```
 */
export function trainDictionary(samples: Uint8Array[], options?: TrainOptions): Uint8Array {
  if (!Array.isArray(samples)) {
    throw new TypeError(`samples must be an array of Uint8Array, got ${describeValue(samples)}`);
  }
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i];
    if (!(sample instanceof Uint8Array)) {
      throw new TypeError(`samples[${i}] must be a Uint8Array, got ${describeValue(sample)}`);
    }
    checkNotDetached(sample, `samples[${i}]`);
  }
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`);
  }
  if (options !== undefined) checkOptionKeys(options, TRAIN_KEYS);
  const maxSize = integer(options?.maxSize, "maxSize", 256, 2 ** 31, 112640);
  const level = integer(options?.level, "level", 1, 22, 3);
  const id = options?.id === undefined ? -1 : integer(options.id, "id", 1, 2 ** 32 - 1, 0);
  if (samples.length < 5) throw new RangeError("Training needs at least 5 samples");
  // The held-out samples must be like the others: shuffle (deterministically), as zstd --train
  // shuffles its files, so that a run of similar samples does not end up alone in one set.
  samples = shuffled(samples);
  // Hold out a quarter of the samples to compare candidates, when there are enough of them.
  const trainCount = samples.length >= 8
    ? Math.floor(samples.length * SPLIT_POINT)
    : samples.length;
  const train = concatSamples(samples.slice(0, trainCount));
  // Entropy statistics and the choice of parameters use at most this many samples each.
  const statSamples = samples.slice(0, Math.min(trainCount, MAX_EVALUATED));
  const test = (trainCount < samples.length ? samples.slice(trainCount) : samples)
    .slice(0, MAX_EVALUATED);
  if (train.bytes.length < 16) throw new RangeError("The samples are too small to train on");

  let best: Uint8Array | null = null;
  let bestSize = Infinity;
  let tablesTooLarge = false;
  const stepSize = Math.max(Math.floor((K_MAX - K_MIN) / K_STEPS), 1);
  for (const d of [6, 8]) {
    const frequencies = dmerFrequencies(train, d);
    const counts = new Uint32Array(frequencies.length);
    const inWindow = new Uint16Array(frequencies.length);
    for (let k = K_MIN; k <= K_MAX; k += stepSize) {
      if (k > maxSize) break;
      counts.set(frequencies);
      const content = selectContent(train, counts, inWindow, maxSize, k, d);
      if (content.length === 0) continue;
      const dict = finalize(content, statSamples, maxSize, level, id);
      if (dict === null) {
        tablesTooLarge = true;
        continue;
      }
      const size = compressedSize(test, dict, level);
      if (size < bestSize) {
        bestSize = size;
        best = dict;
      }
    }
  }
  if (best === null && tablesTooLarge) {
    throw new RangeError(`maxSize ${maxSize} leaves no room for content after the entropy tables`);
  }
  if (best === null) throw new RangeError("The samples hold no repeated content to train on");
  return best;
}

function shuffled(samples: Uint8Array[]): Uint8Array[] {
  const out = samples.slice();
  let state = 0x9e3779b9;
  for (let i = out.length - 1; i > 0; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = (state >>> 0) % (i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

function integer(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function concatSamples(samples: Uint8Array[]): SampleSet {
  const total = samples.reduce((sum, s) => sum + s.length, 0);
  // Eight bytes of slack: hashes read 8 bytes.
  const bytes = new Uint8Array(total + 8);
  const offsets = [0];
  let pos = 0;
  for (const s of samples) {
    bytes.set(s, pos);
    pos += s.length;
    offsets.push(pos);
  }
  return { bytes, view: new DataView(bytes.buffer), offsets };
}

/** Hash of the dmer at `p` (d = 6 or 8 bytes) to FREQUENCY_LOG bits. */
function dmerHash(view: DataView, p: number, d: number): number {
  return hashLong(view, p, FREQUENCY_LOG, d);
}

/** How often each dmer hash occurs in the samples (dmers within one sample only). */
function dmerFrequencies(set: SampleSet, d: number): Uint32Array {
  const counts = new Uint32Array(1 << FREQUENCY_LOG);
  const { view, offsets } = set;
  for (let i = 0; i + 1 < offsets.length; i++) {
    // As libzstd: a dmer is counted where 8 bytes remain in its sample.
    for (let p = offsets[i]; p + 8 <= offsets[i + 1]; p++) counts[dmerHash(view, p, d)]++;
  }
  return counts;
}

/**
 * Builds the content for segment size `k` and dmer size `d` (libzstd's
 * `FASTCOVER_buildDictionary`); `counts` are consumed, `inWindow` is scratch left zeroed.
 */
function selectContent(
  set: SampleSet,
  counts: Uint32Array,
  inWindow: Uint16Array,
  capacity: number,
  k: number,
  d: number,
): Uint8Array {
  const view = set.view;
  const dmers = set.offsets[set.offsets.length - 1] - 8 + 1;
  // Epochs: as many as k-byte segments fit the capacity, each at least 10 k long.
  let epochCount = Math.max(1, Math.floor(capacity / k));
  let epochSize = Math.floor(dmers / epochCount);
  if (epochSize < 10 * k) {
    epochSize = Math.min(10 * k, dmers);
    epochCount = Math.floor(dmers / epochSize);
  }
  const content = new Uint8Array(capacity);
  const dmersInK = k - d + 1;
  let tail = capacity;
  let zeroRun = 0;
  for (let epoch = 0; tail > 0; epoch = (epoch + 1) % epochCount) {
    const begin = epoch * epochSize;
    const end = begin + epochSize;
    // Slide a window of dmersInK dmers over the epoch; its score counts each distinct dmer once.
    let bestBegin = begin;
    let bestEnd = begin;
    let bestScore = 0;
    let windowBegin = begin;
    let score = 0;
    for (let p = begin; p < end; p++) {
      const h = dmerHash(view, p, d);
      if (inWindow[h]++ === 0) score += counts[h];
      if (p + 1 - windowBegin === dmersInK + 1) {
        const old = dmerHash(view, windowBegin, d);
        if (--inWindow[old] === 0) score -= counts[old];
        windowBegin++;
      }
      if (score > bestScore) {
        bestScore = score;
        bestBegin = windowBegin;
        bestEnd = p + 1;
      }
    }
    for (let p = windowBegin; p < end; p++) inWindow[dmerHash(view, p, d)]--;
    for (let p = bestBegin; p < bestEnd; p++) counts[dmerHash(view, p, d)] = 0;
    if (bestScore === 0) {
      if (++zeroRun >= MAX_ZERO_SCORE_RUN) break;
      continue;
    }
    zeroRun = 0;
    const size = Math.min(bestEnd - bestBegin + d - 1, tail);
    if (size < d) break;
    tail -= size;
    content.set(set.bytes.subarray(bestBegin, bestBegin + size), tail);
  }
  return content.subarray(tail);
}

/**
 * Writes the dictionary: header, entropy tables from compressing the training samples with the
 * content (libzstd's `ZDICT_analyzeEntropy`: every symbol counted once to start with, so every
 * table can code anything), repeat offsets 1, 4, 8, and as much of the content's end as fits
 * (padded to the largest repeat offset). Null when the tables leave no room for that.
 */
function finalize(
  content: Uint8Array,
  trainSamples: Uint8Array[],
  maxSize: number,
  level: number,
  id: number,
): Uint8Array | null {
  const litCounts = new Uint32Array(256).fill(1);
  const offsetMax = Math.min(highbit(content.length + BLOCK_SIZE_MAX), OFFCODE_MAX);
  const ofCounts = new Uint32Array(OFFCODE_MAX + 1);
  ofCounts.fill(1, 0, offsetMax + 1);
  const mlCounts = new Uint32Array(MAX_ML_CODE + 1).fill(1);
  const llCounts = new Uint32Array(MAX_LL_CODE + 1).fill(1);

  const raw = encoderDictionary(new ZstdDictionary(content, { raw: true }));
  const sampleBytes = trainSamples.reduce((sum, s) => sum + s.length, 0);
  const average = Math.max(1, Math.floor(sampleBytes / trainSamples.length));
  const params = levelParameters(level, average, content.length);
  const src = new Uint8Array(content.length + BLOCK_SIZE_MAX + 8);
  src.set(content);
  // One-shot working memory, as compressing each sample would use.
  const ws = takeOneShotWorkspace();
  try {
    for (const sample of trainSamples) {
      // The first block of each sample, as libzstd.
      const n = Math.min(sample.length, BLOCK_SIZE_MAX, 2 ** params.windowLog);
      if (n < 8) continue;
      src.set(sample.subarray(0, n), content.length);
      const encoder = new BlockEncoder(params, src, ws, raw);
      const seqs = encoder.findSequences(src, content.length, content.length + n);
      for (let i = 0; i < seqs.litCount; i++) litCounts[seqs.literals[i]]++;
      computeCodes(seqs, ws.sequences);
      for (let i = 0; i < seqs.count; i++) {
        const of = seqs.ofCode[i];
        if (of <= offsetMax) ofCounts[of]++;
        mlCounts[seqs.mlCode[i]]++;
        llCounts[seqs.llCode[i]]++;
      }
    }
  } finally {
    releaseWorkspace(ws);
  }

  const header = new Uint8Array(8 + 129 + 3 * 80 + 12);
  let pos = 8;
  // A description of 255 weights must FSE-compress to under 128 bytes. Code lengths that are
  // too varied are made shallower; lengths all equal (samples that left no literals) cannot be
  // described at all, so the commonest byte is made commoner until they differ (libzstd gives
  // up in both cases).
  const huffman = new HuffmanEncodeTable();
  const huffmanScratch = new HuffmanEncodeScratch();
  for (let attempt = 0; pos === 8 && attempt < 16; attempt++) {
    for (let maxBits = 11; maxBits >= 9 && pos === 8; maxBits--) {
      buildHuffmanTable(huffmanScratch, huffman, litCounts, 255, maxBits);
      pos = Math.max(8, writeHuffmanTable(huffmanScratch, huffman, header, 8));
    }
    if (pos !== 8) break;
    let commonest = 0;
    let total = 0;
    for (let b = 0; b < 256; b++) {
      total += litCounts[b];
      if (litCounts[b] > litCounts[commonest]) commonest = b;
    }
    litCounts[commonest] += total;
  }
  if (pos === 8) {
    throw new RangeError("The samples' literals cannot be described by a Huffman table");
  }
  pos = writeTable(header, pos, ofCounts, offsetMax, OF_MAX_LOG);
  pos = writeTable(header, pos, mlCounts, MAX_ML_CODE, LL_ML_MAX_LOG);
  pos = writeTable(header, pos, llCounts, MAX_LL_CODE, LL_ML_MAX_LOG);
  for (const rep of REPEAT_OFFSETS) {
    header[pos++] = rep;
    header[pos++] = 0;
    header[pos++] = 0;
    header[pos++] = 0;
  }
  // The repeat offsets must point inside the content: content shorter than the largest (samples
  // of one repeated byte leave a single dmer) is padded with zeros in front, as libzstd's
  // ZDICT_finalizeDictionary does; tables too large to leave room for that fail the candidate.
  if (pos + MIN_CONTENT_SIZE > maxSize) return null;
  const kept = Math.min(content.length, maxSize - pos);
  const padding = Math.max(0, MIN_CONTENT_SIZE - kept);
  const dict = new Uint8Array(pos + padding + kept);
  dict.set(header.subarray(0, pos));
  dict.set(content.subarray(content.length - kept), pos + padding);
  let dictId = id;
  if (dictId < 0) {
    // As libzstd: from the content's hash, in the range it leaves to generated IDs.
    const hasher = new Xxh64();
    hasher.reset(0);
    hasher.update(dict, pos + padding, dict.length);
    dictId = (hasher.digestLow32() >>> 0) % (2 ** 31 - 32768) + 32768;
  }
  writeU32(dict, 0, DICTIONARY_MAGIC);
  writeU32(dict, 4, dictId);
  return dict;
}

/** Normalizes `counts[0..max]` to `1 << log` and writes the table description. */
function writeTable(
  out: Uint8Array,
  pos: number,
  counts: Uint32Array,
  max: number,
  log: number,
): number {
  let total = 0;
  for (let s = 0; s <= max; s++) total += counts[s];
  const norm = new Int16Array(64);
  normalizeCounts(norm, log, counts, total, max, true);
  return writeNormalizedCounts(out, pos, norm, max, log);
}

function writeU32(out: Uint8Array, pos: number, value: number): void {
  out[pos] = value;
  out[pos + 1] = value >>> 8;
  out[pos + 2] = value >>> 16;
  out[pos + 3] = value >>> 24;
}

/** Total size of `samples` compressed one by one with `dictBytes` at `level`. */
function compressedSize(samples: Uint8Array[], dictBytes: Uint8Array, level: number): number {
  const dictionary = new ZstdDictionary(dictBytes);
  let total = 0;
  for (const s of samples) {
    total += compressFrame(s, resolveCompressOptions({ level, dictionary }, s.length)).length;
  }
  return total;
}
