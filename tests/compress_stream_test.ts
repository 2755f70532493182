/**
 * compressStream: re-chunked input gives frames libzstd decodes exactly; with a pledged size the
 * frame equals one-shot `compress`; errors, cancellation and flushing behave.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compress, compressStream, decompress, decompressStream, ZstdError } from "../mod.ts";
import { setIndexLimit } from "../matchers/workspace.ts";
import {
  concat,
  DECODECORPUS_DIR,
  nativeDecompress,
  pipeChunks,
  readBytes,
  rng,
  sameBytes,
  textLike,
  zstdCli,
} from "./helpers.ts";

/** Pipes `data` through compressStream in chunks of `nextSize()` bytes. */
function streamCompress(
  data: Uint8Array,
  options: Parameters<typeof compressStream>[0],
  nextSize: () => number,
): Promise<Uint8Array> {
  return pipeChunks(compressStream(options), data, nextSize);
}

/**
 * At `level`, a stream of `input` in chunks of `chunk` bytes, written in turns with a second stream
 * (`input` from `shift` on) and one-shot calls of `oneShot` bytes, gives the frame it gives alone;
 * libzstd decodes every frame.
 */
async function interleavedStreams(
  input: Uint8Array,
  level: number,
  chunk: number,
  shift: number,
  oneShot: number,
): Promise<void> {
  const collect = (ts: TransformStream<Uint8Array, Uint8Array>) =>
    new Response(ts.readable).arrayBuffer().then((b) => new Uint8Array(b));
  const alone = await streamCompress(input, { level }, () => chunk);
  assert.ok(sameBytes(nativeDecompress(alone), input), `libzstd: level ${level}`);
  const a = compressStream({ level });
  const b = compressStream({ level });
  const aOut = collect(a);
  const bOut = collect(b);
  const aWriter = a.writable.getWriter();
  const bWriter = b.writable.getWriter();
  for (let p = 0; p < input.length; p += chunk) {
    await aWriter.write(input.subarray(p, p + chunk));
    await bWriter.write(input.subarray(p + shift, p + shift + chunk));
    const piece = input.subarray(p, p + oneShot);
    assert.ok(sameBytes(nativeDecompress(compress(piece, { level })), piece));
  }
  await aWriter.close();
  await bWriter.close();
  assert.ok(sameBytes(await aOut, alone), `interleaved stream, level ${level}`);
  const shifted = input.subarray(shift);
  assert.ok(sameBytes(nativeDecompress(await bOut), shifted), `second stream, level ${level}`);
}

describe("compressStream", () => {
  const corpus = readBytes(DECODECORPUS_DIR + "z000033");
  const text = textLike(1_500_000, 21);

  it("re-chunked input decodes with libzstd, the CLI and our decoder", async () => {
    const r = rng(99);
    const chunkings: [string, () => number][] = [
      ["1021 B", () => 1021],
      ["random", () => Math.floor(r() * 100_000)],
      ["1 MiB", () => 1 << 20],
    ];
    for (const level of [-5, 1, 3, 5, 6, 8, 15, 19]) {
      for (const [name, size] of chunkings) {
        for (const data of [corpus, text]) {
          const frame = await streamCompress(data, { level, checksum: true }, size);
          const what = `level ${level}, chunks ${name}`;
          assert.ok(sameBytes(nativeDecompress(frame), data), `libzstd: ${what}`);
          assert.ok(sameBytes(decompress(frame), data), `ours: ${what}`);
          assert.ok(sameBytes(zstdCli(["-d", "-c", "-q"], frame), data), `CLI: ${what}`);
        }
      }
    }
  });

  it("matches a whole window back, at levels 5 to 12, decode with libzstd", async () => {
    // The finders take candidates up to 2^windowLog back from the position searched, so a
    // stream must keep a whole window before each block's start. Bytes that repeat exactly a
    // window back (and 1,000 bytes less), in chunks that do not line up with the blocks.
    const windowLog = 17;
    const r = rng(61);
    for (const distance of [1 << windowLog, (1 << windowLog) - 1000]) {
      const data = new Uint8Array(3 << windowLog);
      for (let i = 0; i < distance; i++) data[i] = (r() * (i % 3 === 0 ? 256 : 32)) | 0;
      for (let i = distance; i < data.length; i++) data[i] = data[i - distance];
      for (const level of [5, 6, 7, 10, 12]) {
        const frame = await streamCompress(data, { level, windowLog }, () => 50_000);
        assert.ok(sameBytes(nativeDecompress(frame), data), `level ${level}, ${distance} back`);
        // Found: the repeats cost next to nothing.
        assert.ok(frame.length < distance, `level ${level}: ${frame.length}`);
      }
    }
  });

  it("1-byte chunks", async () => {
    const data = textLike(150_000, 4);
    const frame = await streamCompress(data, { level: 1 }, () => 1);
    assert.ok(sameBytes(nativeDecompress(frame), data));
  });

  it("with pledgedSize, the frame is the one-shot frame", async () => {
    const r = rng(7);
    for (const level of [-5, 1, 2, 3, 4]) {
      for (const data of [corpus, text, new Uint8Array(0), new Uint8Array(131072 * 3)]) {
        const frame = await streamCompress(
          data,
          { level, pledgedSize: data.length, checksum: true },
          () => Math.floor(r() * 300_000),
        );
        assert.ok(sameBytes(frame, compress(data, { level, checksum: true })), `level ${level}`);
      }
    }
  });

  it("lowering every table index (a stream past 1 GiB) leaves the frame unchanged", async () => {
    // With a 256 KiB index limit, the stream passes it at every move of its window. Each move
    // lowers every table index by a multiple of the chain or tree size, and btlazy2's marks
    // stay. The frame must be the frame of the same stream under the ordinary limit (which
    // libzstd decodes), and the one-shot frame when blocks are full.
    const data = concat([text, corpus.subarray(0, 500_000)]);
    // A stream left open holds the spare buffer of earlier tests' streams, which may be larger
    // than all of `data`: the streams below then start small and must move their window.
    const holder = compressStream({ level: 1 });
    const cases = [1, 2, 3, 4, 6, 12, 13, 16, 19].map((level) => [level, 18, 0]);
    // Hash chains rather than rows (windows up to 16 KiB), with blocks cut short at each chunk
    // so that the next one matches into the window.
    cases.push([5, 14, 1], [8, 14, 1]);
    // The row loops of lazy_rows.ts and lazy_rows32.ts, which hold the rows in module arrays
    // between blocks: they must come back to the stream's tables before the indices are lowered.
    cases.push([8, 19, 0], [11, 20, 0]);
    for (const [level, windowLog, flush] of cases) {
      const oneShot = { level, windowLog, checksum: true };
      const options = { ...oneShot, pledgedSize: data.length };
      const what = `level ${level}, windowLog ${windowLog}`;
      const stream = () => {
        const r = rng(level);
        const flushEachChunk = flush === 1;
        return streamCompress(data, { ...options, flushEachChunk }, () => Math.floor(r() * 50_000));
      };
      const expected = await stream();
      assert.ok(sameBytes(nativeDecompress(expected), data), `libzstd: ${what}`);
      if (flush === 0) assert.ok(sameBytes(expected, compress(data, oneShot)), what);
      const previous = setIndexLimit(1 << 18);
      try {
        assert.ok(sameBytes(await stream(), expected), what);
      } finally {
        setIndexLimit(previous);
      }
    }
    await Promise.all([holder.writable.close(), new Response(holder.readable).arrayBuffer()]);
  });

  it("a pledged size that the stream does not match errors the stream", async () => {
    const data = textLike(10_000, 1);
    for (const pledgedSize of [9_999, 10_001]) {
      await assert.rejects(
        streamCompress(data, { pledgedSize }, () => 4096),
        (e: unknown) => e instanceof ZstdError && e.code === "source_size_wrong",
      );
    }
  });

  it("flushEachChunk makes each written chunk decodable at once", async () => {
    const { readable, writable } = compressStream({ flushEachChunk: true, level: 3 });
    const writer = writable.getWriter();
    const reader = readable.getReader();
    const decoder = decompressStream();
    const decodedWriter = decoder.writable.getWriter();
    const decodedReader = decoder.readable.getReader();
    const messages = ["hello", "hello again", "x".repeat(50_000), "bye"];
    // One read of the decoded side is kept pending across the waits, so that no output is lost.
    const pieces: Uint8Array[] = [];
    let pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
    for (const m of messages) {
      writer.write(new TextEncoder().encode(m));
      // Feed compressed pieces to the decoder until it yields the whole message.
      let got = "";
      while (got.length < m.length) {
        const { value } = await reader.read();
        assert.ok(value !== undefined);
        pieces.push(value);
        decodedWriter.write(value);
        while (got.length < m.length) {
          pendingRead ??= decodedReader.read();
          const result = await Promise.race([
            pendingRead,
            new Promise<null>((resolve) => setTimeout(() => resolve(null), 50)),
          ]);
          if (result === null) break;
          pendingRead = null;
          got += new TextDecoder().decode(result.value);
        }
      }
      assert.equal(got, m);
    }
    await writer.close();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pieces.push(value);
      decodedWriter.write(value);
    }
    await decodedWriter.close();
    if (pendingRead !== null) await pendingRead;
    await decodedReader.cancel();
    // The whole flushed frame is standard: libzstd decodes it to the messages.
    const text = new TextDecoder().decode(nativeDecompress(concat(pieces)));
    assert.equal(text, messages.join(""));
  });

  it("streams that overlap and follow each other reuse working memory safely", async () => {
    // A finished stream hands its buffers and tables to the next one: a stream still running
    // must keep its own, and the next must start clean (same frames as from a fresh process).
    const collect = (ts: TransformStream<Uint8Array, Uint8Array>) =>
      new Response(ts.readable).arrayBuffer().then((b) => new Uint8Array(b));
    const a = compressStream({ level: 3 });
    const aOut = collect(a);
    const aWriter = a.writable.getWriter();
    await aWriter.write(corpus.subarray(0, 400_000));
    const b = await streamCompress(text, { level: 3 }, () => 65536);
    const c = await streamCompress(corpus, { level: 3 }, () => 100_000);
    const d = await streamCompress(
      text,
      { level: 8, dictionary: corpus.subarray(0, 50_000) },
      () => 65536,
    );
    await aWriter.write(corpus.subarray(400_000));
    await aWriter.close();
    const aFrame = await aOut;
    assert.ok(sameBytes(nativeDecompress(aFrame), corpus), "stream written across the others");
    assert.ok(sameBytes(nativeDecompress(b), text));
    assert.ok(sameBytes(nativeDecompress(c), corpus));
    assert.ok(sameBytes(decompress(d, { dictionary: corpus.subarray(0, 50_000) }), text));
    // The same input gives the same frame whatever ran before.
    assert.ok(sameBytes(c, aFrame));
    assert.ok(sameBytes(await streamCompress(text, { level: 3 }, () => 65536), b));

    // Level 13's tables (4M entries) pass from stream to stream through weak references: the
    // second and third streams, one overlapping a fourth, give the first's frame.
    const input = corpus.subarray(0, 300_000);
    const first = await streamCompress(input, { level: 13 }, () => 65536);
    assert.ok(sameBytes(nativeDecompress(first), input));
    const e = compressStream({ level: 13 });
    const eOut = collect(e);
    const eWriter = e.writable.getWriter();
    await eWriter.write(input.subarray(0, 100_000));
    assert.ok(sameBytes(await streamCompress(input, { level: 13 }, () => 65536), first));
    await eWriter.write(input.subarray(100_000));
    await eWriter.close();
    assert.ok(sameBytes(await eOut, first), "stream written across another");
    assert.ok(sameBytes(await streamCompress(input, { level: 13 }, () => 65536), first));
  });

  it("optimal-parser streams interleaved with others on repetitive input", async () => {
    // The binary-tree insertions carry match lengths from one position to the next in a table
    // shared by every compression: a stream's chunks interleaved with other streams and one-shot
    // calls must give the frame it gives alone.
    const r = rng(7);
    const patterns = [64, 101, 138, 175].map((n, i) => textLike(n, 40 + i));
    const input = new Uint8Array(600_000);
    for (let p = 0; p < input.length;) {
      const pattern = patterns[Math.floor(r() * patterns.length)];
      const n = Math.min(pattern.length, input.length - p);
      input.set(pattern.subarray(0, n), p);
      if (r() < 0.3) input[p + Math.floor(r() * n)] = Math.floor(r() * 256);
      p += n;
    }
    for (const level of [16, 19]) await interleavedStreams(input, level, 50_000, 25_000, 20_000);
  });

  it("lazy streams on the row loops interleaved with others give the frame they give alone", async () => {
    // Levels 8, 9 (lazy_rows.ts), 11 and 12 (lazy_rows32.ts; level 12's streams of unknown size
    // with libzstd's 2^23 entries) run loops that keep their rows, their search result and the
    // rows read ahead in module state: nothing of it may carry from one stream's block to
    // another's.
    const input = concat([text, corpus]);
    for (const level of [8, 9, 11, 12]) {
      await interleavedStreams(input, level, 200_000, 70_000, 300_000);
    }
  });

  it("source errors and cancellation propagate", async () => {
    // An erroring source errors the output.
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(textLike(200_000, 3));
        controller.error(new Error("source broke"));
      },
    });
    await assert.rejects(
      new Response(failing.pipeThrough(compressStream())).arrayBuffer(),
      /source broke/,
    );
    // Cancelling the output cancels the input side.
    const ts = compressStream();
    const writer = ts.writable.getWriter();
    await ts.readable.cancel(new Error("reader gone"));
    await assert.rejects(writer.write(new Uint8Array(10)), /reader gone/);
    // Chunks that are not bytes are a TypeError.
    const bad = compressStream();
    const badWriter = bad.writable.getWriter();
    bad.readable.pipeTo(new WritableStream()).catch(() => {});
    await assert.rejects(badWriter.write("text" as unknown as Uint8Array), TypeError);
  });
});
