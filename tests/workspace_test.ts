/**
 * The workspaces (encoder/workspace.ts, decoder/workspace.ts): a compression or decompression
 * that finds the cached one-shot workspace taken (a call made inside another) works in a fresh
 * one and leaves the taken one alone; streams give theirs back and the next stream's frames are
 * the same; the scratch of a larger frame's blocks serves a smaller one; a one-shot output larger
 * than the kept buffer, and the next one that reuses its memory, are libzstd's to decode.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compress, compressStream, decompress, decompressStream } from "../mod.ts";
import { releaseWorkspace, takeOneShotWorkspace } from "../encoder/workspace.ts";
import { releaseDecoderWorkspace, takeOneShotDecoderWorkspace } from "../decoder/workspace.ts";
import { nativeDecompress, pipeChunks, randomBytes, sameBytes, textLike } from "./helpers.ts";

describe("workspaces", () => {
  const data = textLike(300_000, 5);

  it("a compression inside another takes a fresh workspace, same frames", () => {
    for (const level of [1, 5, 12, 16]) {
      const expected = compress(data, { level });
      const held = takeOneShotWorkspace();
      try {
        // The cached workspace is taken: this call must not use (or release) it.
        assert.ok(sameBytes(compress(data, { level }), expected), `level ${level}, nested`);
        assert.equal(held.inUse, true);
        assert.equal(takeOneShotWorkspace() === held, false);
      } finally {
        releaseWorkspace(held);
      }
      assert.ok(sameBytes(compress(data, { level }), expected), `level ${level}, after`);
    }
  });

  it("a decompression inside another takes a fresh workspace", () => {
    const frame = compress(data, { level: 3, checksum: true });
    const held = takeOneShotDecoderWorkspace();
    try {
      assert.ok(sameBytes(decompress(frame), data));
      assert.equal(held.inUse, true);
    } finally {
      releaseDecoderWorkspace(held);
    }
    assert.ok(sameBytes(decompress(frame), data));
  });

  it("streams give their workspaces back: the next streams' frames are the same", async () => {
    for (const level of [3, 8, 16]) {
      const first = await pipeChunks(compressStream({ level }), data, () => 40_000);
      // Small-window and large-window streams alternate over the spares.
      const small = await pipeChunks(
        compressStream({ level: 1 }),
        data.subarray(0, 5000),
        () => 999,
      );
      const again = await pipeChunks(compressStream({ level }), data, () => 40_000);
      assert.ok(sameBytes(again, first), `level ${level}`);
      assert.ok(sameBytes(decompress(small), data.subarray(0, 5000)));
      const decoded = await pipeChunks(decompressStream(), again, () => 7_777);
      assert.ok(sameBytes(decoded, data));
    }
  });

  it("decoder scratch grows from small blocks to large ones", async () => {
    const tiny = compress(data.subarray(0, 2000), { level: 19 });
    const large = compress(data, { level: 19 });
    assert.ok(sameBytes(decompress(tiny), data.subarray(0, 2000)));
    assert.ok(sameBytes(decompress(large), data));
    const both = new Uint8Array(tiny.length + large.length);
    both.set(tiny);
    both.set(large, tiny.length);
    const decoded = await pipeChunks(decompressStream(), both, () => 3_001);
    assert.equal(decoded.length, 2000 + data.length);
  });

  it("outputs above the kept 8 MiB: the grown buffer is reused, libzstd decodes both", () => {
    // Random bytes do not compress: the frame outgrows the workspace's 8 MiB output buffer.
    const big = randomBytes(9 << 20, 11);
    const text = textLike(1 << 20, 3);
    const first = compress(big, { level: 1 });
    assert.ok(first.length > 8 << 20);
    // A smaller call between, then the same input: its output grows into the kept large buffer.
    assert.ok(sameBytes(nativeDecompress(compress(text, { level: 1 })), text));
    const second = compress(big, { level: 1 });
    assert.ok(sameBytes(second, first));
    assert.ok(sameBytes(nativeDecompress(second), big));
  });
});
