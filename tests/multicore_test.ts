/**
 * Multi-core compression, `workers` of compressAsync (issue 24): an input larger than one job is
 * cut into jobs compressed in parallel into ONE frame that libzstd (the zstd CLI, node:zlib) and
 * this package decode; the bytes depend on the input and options, not on the number of workers
 * beyond one; the size stays within 1% of the one-worker frame; the checksum covers the whole
 * content; abort and misuse behave as for one worker. Jobs here are small (windowLog 17: 1 MiB
 * jobs) to keep the run short; the job plan of the levels' own windows is checked on its own.
 */

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  compress,
  compressAsync,
  compressStream,
  decompress,
  decompressAsync,
  readFrameInfo,
  terminateWorkers,
  ZstdDictionary,
} from "../mod.ts";
import { jobPlan } from "../encoder/jobs.ts";
import { levelParameters } from "../encoder/params.ts";
import { xxh64Low32 } from "../entropy/xxh64.ts";
import {
  nativeDecompress,
  pipeChunks,
  rejection,
  rng,
  sameBytes,
  textLike,
  zstdCli,
} from "./helpers.ts";

const MiB = 1 << 20;
/** Three jobs of 1 MiB (the last shorter) with windowLog 17. */
const text = textLike(2 * MiB + 300_000, 5);
/** Two jobs. */
const two = text.subarray(0, MiB + 250_000);

after(() => terminateWorkers());

describe("compressAsync with workers", () => {
  // One level per finder: fast, dfast, dfast with buckets, lazy2 (row), btlazy2, btopt, btultra2.
  for (const level of [1, 3, 5, 8, 13, 16, 19]) {
    it(`level ${level}: one frame that libzstd decodes, within 1% of one worker`, async () => {
      const options = { level, windowLog: 17 };
      const frame = await compressAsync(two, { ...options, workers: 2 });
      const single = compress(two, options);
      assert.ok(!sameBytes(frame, single), "cut into jobs");
      assert.ok(sameBytes(decompress(frame), two));
      assert.ok(sameBytes(nativeDecompress(frame), two));
      assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), two));
      const frames = readFrameInfo(frame);
      assert.equal(frames.length, 1);
      assert.equal(frames[0].compressedSize, frame.length);
      assert.equal(frames[0].contentSize, two.length);
      assert.ok(frame.length <= single.length * 1.01, `${frame.length} vs ${single.length}`);
      // The same bytes from 3 workers: the cut does not depend on their number.
      assert.ok(sameBytes(await compressAsync(two, { ...options, workers: 3 }), frame));
    });
  }

  it("is deterministic, and one worker gives the frame of compress", async () => {
    const options = { level: 6, windowLog: 17 };
    const a = await compressAsync(text, { ...options, workers: 2 });
    const b = await compressAsync(text, { ...options, workers: "auto" });
    const c = await compressAsync(text, { ...options, workers: 2 });
    assert.ok(sameBytes(a, c));
    if (navigator.hardwareConcurrency > 1) assert.ok(sameBytes(a, b));
    else assert.ok(sameBytes(b, compress(text, options)));
    const one = await compressAsync(text, { ...options, workers: 1 });
    assert.ok(sameBytes(one, compress(text, options)));
  });

  it("the checksum covers the whole content; no checksum, no content size", async () => {
    const frame = await compressAsync(text, {
      level: 2,
      windowLog: 17,
      checksum: true,
      workers: 2,
    });
    assert.ok(readFrameInfo(frame)[0].hasChecksum);
    const digest = xxh64Low32(text, 0, text.length);
    const tail = frame.subarray(frame.length - 4);
    assert.deepEqual([...tail], [
      digest & 255,
      (digest >>> 8) & 255,
      (digest >>> 16) & 255,
      digest >>> 24,
    ]);
    assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), text)); // verifies the checksum
    const corrupt = frame.slice();
    corrupt[corrupt.length - 1] ^= 1;
    assert.throws(() => decompress(corrupt));
    const bare = await compressAsync(text, {
      level: 2,
      windowLog: 17,
      contentSize: false,
      workers: 2,
    });
    assert.equal(readFrameInfo(bare)[0].hasChecksum, false);
    assert.equal(readFrameInfo(bare)[0].contentSize, undefined);
    assert.ok(sameBytes(await decompressAsync(bare), text));
  });

  it("inputs of one job, and dictionaries, compress as with one worker", async () => {
    const small = text.subarray(0, 900_000);
    const options = { level: 4, windowLog: 17 };
    assert.ok(
      sameBytes(await compressAsync(small, { ...options, workers: 4 }), compress(small, options)),
    );
    const dictionary = new ZstdDictionary(text.slice(0, 50_000));
    const withDict = { level: 3, windowLog: 17, dictionary };
    assert.ok(
      sameBytes(await compressAsync(text, { ...withDict, workers: 2 }), compress(text, withDict)),
    );
  });

  it("inputs in shared memory, and shared buffers reused from call to call", async () => {
    const options = { level: 3, windowLog: 17, workers: 2 };
    const frame = await compressAsync(text, options);
    // The caller's bytes in a SharedArrayBuffer: read in place by the workers, same frame.
    const shared = new Uint8Array(new SharedArrayBuffer(text.length + 10), 10, text.length);
    shared.set(text);
    assert.ok(sameBytes(await compressAsync(shared, options), frame));
    // Calls of other sizes and contents between two of the same input reuse the buffers
    // (inputs and blocks) the earlier ones gave back: nothing of them shows in later frames.
    const other = textLike(MiB + 400_000, 9);
    const otherFrame = await compressAsync(other, { ...options, level: 1 });
    assert.ok(sameBytes(nativeDecompress(otherFrame), other));
    const short = await compressAsync(two, options);
    assert.ok(sameBytes(nativeDecompress(short), two));
    assert.ok(sameBytes(await compressAsync(text, options), frame));
    // One worker: a large input goes in shared memory too; the frame of compress.
    const one = await compressAsync(other, { level: 3 });
    assert.ok(sameBytes(one, compress(other, { level: 3 })));
    assert.ok(sameBytes(await decompressAsync(one), other));
    assert.ok(sameBytes(nativeDecompress(frame), text));
  });

  it("transfer moves the input", async () => {
    const copy = text.slice();
    const frame = await compressAsync(copy, {
      level: 1,
      windowLog: 17,
      workers: 2,
      transfer: true,
    });
    assert.equal(copy.byteLength, 0);
    assert.ok(sameBytes(frame, await compressAsync(text, { level: 1, windowLog: 17, workers: 2 })));
  });

  it("abort rejects with the signal's reason, and the pool keeps working", async () => {
    const controller = new AbortController();
    const call = compressAsync(text, {
      level: 19,
      windowLog: 17,
      workers: 2,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 30);
    assert.equal(((await rejection(() => call)) as Error).name, "AbortError");
    const frame = await compressAsync(text, { level: 1, windowLog: 17, workers: 2 });
    assert.ok(sameBytes(decompress(frame), text));
  });

  it("misuse: workers out of range or of a wrong type, workers on decompressAsync", async () => {
    for (const workers of [0, -1, 1.5, 257, NaN]) {
      const e = await rejection(() => compressAsync(text, { workers }));
      assert.ok(e instanceof RangeError, String(workers));
      assert.match(e.message, /workers/);
    }
    for (const workers of ["2", "all", null, true]) {
      const e = await rejection(() =>
        compressAsync(text, { workers: workers as unknown as number })
      );
      assert.ok(e instanceof TypeError, String(workers));
      assert.match(e.message, /workers/);
    }
    const frame = compress(text.subarray(0, 100));
    const e = await rejection(() =>
      decompressAsync(frame, { workers: 2 } as unknown as Record<string, never>)
    );
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /workers/);
    // compress and compressStream do not take it either.
    assert.throws(
      () => compress(text, { workers: 2 } as unknown as Record<string, never>),
      TypeError,
    );
  });
});

describe("compressStream with workers", () => {
  const chunks = (seed: number) => {
    const r = rng(seed);
    return () => 1 + Math.floor(r() * 300_000);
  };

  it("with the size pledged: the frame of compressAsync, written in chunks of any size", async () => {
    const options = { level: 3, windowLog: 17, checksum: true };
    const frame = await pipeChunks(
      compressStream({ ...options, workers: 2, pledgedSize: text.length }),
      text,
      chunks(1),
    );
    assert.ok(sameBytes(frame, await compressAsync(text, { ...options, workers: 2 })));
    const three = compressStream({ ...options, workers: 3, pledgedSize: text.length });
    assert.ok(sameBytes(await pipeChunks(three, text, chunks(2)), frame));
  });

  it("without a pledged size, an exact number of jobs, an empty stream: libzstd decodes them", async () => {
    const options = { level: 5, windowLog: 17, checksum: true, workers: 2 };
    const frame = await pipeChunks(compressStream(options), text, chunks(3));
    assert.equal(readFrameInfo(frame)[0].contentSize, undefined);
    assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), text));
    // Two full jobs, the second the last: 1 MiB jobs, the first longer by half the 128 KiB overlap.
    const exact = text.subarray(0, 2 * MiB + 64 * 1024);
    const framed = await pipeChunks(compressStream(options), exact, () => 65536);
    assert.ok(sameBytes(nativeDecompress(framed), exact));
    const empty = await pipeChunks(compressStream(options), new Uint8Array(0), () => 1);
    assert.equal(decompress(empty).length, 0);
    assert.ok(sameBytes(zstdCli(["-d", "-c"], empty), new Uint8Array(0)));
  });

  it("a wrong pledged size errors; flushEachChunk with workers and bad workers are misuse", async () => {
    const stream = compressStream({ windowLog: 17, workers: 2, pledgedSize: 1000 });
    const e = await rejection(() => pipeChunks(stream, text, () => 100_000));
    assert.equal((e as { code?: string }).code, "source_size_wrong");
    assert.throws(() => compressStream({ workers: 2, flushEachChunk: true }), TypeError);
    assert.throws(() => compressStream({ workers: 0 }), RangeError);
    assert.throws(() => compressStream({ workers: "many" as unknown as number }), TypeError);
  });
});

describe("jobPlan", () => {
  it("job size 2^max(20, windowLog + 2) up to 8 MiB; overlap the window up to a quarter of a job; the first job longer by half the overlap (an eighth for fast and dfast)", () => {
    const plan = (level: number) => jobPlan(levelParameters(level, 64 * MiB, 0));
    const cut = (jobSize: number, overlap: number, extra = overlap / 2) => ({
      firstJobSize: jobSize + extra,
      jobSize,
      overlap,
    });
    assert.deepEqual(plan(1), cut(2 * MiB, MiB / 2, MiB / 16)); // windowLog 19, fast
    assert.deepEqual(plan(3), cut(8 * MiB, 2 * MiB, MiB / 4)); // windowLog 21, dfast
    assert.deepEqual(plan(9), cut(8 * MiB, 2 * MiB)); // windowLog 22, lazy2
    assert.deepEqual(plan(19), cut(8 * MiB, 2 * MiB)); // windowLog 23, btultra2
    assert.deepEqual(plan(22), cut(8 * MiB, 2 * MiB)); // windowLog 27
    const small = { ...levelParameters(19, 64 * MiB, 0), windowLog: 10 };
    assert.deepEqual(jobPlan(small), cut(MiB, 1024));
  });
});
