/** decompressStream's stream contract: backpressure inside a chunk, errors, cancellation. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decompress, decompressStream, ZstdError } from "../mod.ts";
import {
  concat,
  nativeCompress,
  sameBytes,
  streamDecompress,
  textLike,
  zstdCli,
} from "./helpers.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("decompressStream", () => {
  it("waits for its reader inside one huge-ratio chunk (backpressure)", async () => {
    // 64 MiB of zeros compress to a few KiB: one write expands enormously.
    const big = new Uint8Array(64 << 20);
    const frame = zstdCli(["-c", "-q", "-3"], big);
    assert.ok(frame.length < 64 * 1024);
    const ts = decompressStream();
    const writer = ts.writable.getWriter();
    let written = false;
    const write = writer.write(frame).then(() => (written = true));
    const reader = ts.readable.getReader();
    const first = await reader.read();
    assert.ok(!first.done && first.value.length > 0);
    await sleep(100);
    // Without backpressure the whole 64 MiB would already be decoded and the write resolved.
    assert.equal(written, false, "the decoder ran ahead of its reader");
    let total = first.value!.length;
    const closing = write.then(() => writer.close());
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length; i += 4093) assert.equal(value[i], 0);
      total += value.length;
    }
    await closing;
    assert.equal(total, big.length);
  });

  it("errors the readable side with the same ZstdError code as decompress", async () => {
    const frame = nativeCompress(textLike(50_000), 3, true);
    const bad = frame.slice();
    bad[bad.length - 1] ^= 0xff; // checksum
    assert.throws(
      () => decompress(bad),
      (e) => e instanceof ZstdError && e.code === "checksum_wrong",
    );
    await assert.rejects(
      streamDecompress(bad, () => 1000),
      (e) => e instanceof ZstdError && e.code === "checksum_wrong",
    );
    const truncated = frame.subarray(0, frame.length - 10);
    await assert.rejects(
      streamDecompress(truncated, () => 7),
      (e) => e instanceof ZstdError && e.code === "input_truncated",
    );
  });

  it("rejects chunks that are not Uint8Array with a TypeError", async () => {
    const ts = decompressStream();
    const writer = ts.writable.getWriter();
    const reading = ts.readable.getReader().read();
    await assert.rejects(writer.write("text" as unknown as Uint8Array), TypeError);
    await assert.rejects(reading, TypeError);
  });

  it("can be cancelled by its reader mid-stream", async () => {
    const input = textLike(3 << 20, 5);
    const frame = nativeCompress(input, 1);
    const ts = decompressStream();
    const writer = ts.writable.getWriter();
    const reader = ts.readable.getReader();
    const writing = writer.write(frame).catch((e) => e);
    const { value } = await reader.read();
    assert.ok(value && value.length > 0);
    await reader.cancel("enough");
    // The pending write settles (rejected with the cancel reason), nothing dangles.
    await writing;
  });

  it("accepts Buffer chunks and any chunking, and matches one-shot output", async () => {
    const input = concat([textLike(200_000, 8), new Uint8Array(100_000)]);
    const frame = nativeCompress(input, 5, true);
    const { Buffer } = await import("node:buffer");
    const ts = decompressStream({ maxOutputSize: input.length });
    const writer = ts.writable.getWriter();
    const parts: Uint8Array[] = [];
    const reading = (async () => {
      for await (const p of ts.readable) parts.push(p);
    })();
    for (let i = 0; i < frame.length; i += 333) {
      await writer.write(Buffer.from(frame.subarray(i, i + 333)));
    }
    await writer.close();
    await reading;
    assert.ok(sameBytes(concat(parts), input));
    assert.ok(sameBytes(decompress(Buffer.from(frame)), input));
  });
});
