/** Every decodecorpus frame (made by libzstd) decodes byte-exact, one-shot and streamed. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decompress } from "../mod.ts";
import {
  DECODECORPUS_DIR,
  decodecorpusFrames,
  readBytes,
  rng,
  sameBytes,
  streamDecompress,
} from "./helpers.ts";

const frames = decodecorpusFrames();

describe("decodecorpus", () => {
  it("has the 101 frames", () => {
    assert.equal(frames.length, 101);
  });

  it("decodes every frame one-shot", () => {
    for (const name of frames) {
      const frame = readBytes(DECODECORPUS_DIR + name);
      const want = readBytes(DECODECORPUS_DIR + name.slice(0, -4));
      assert.ok(sameBytes(decompress(frame), want), name);
    }
  });

  for (
    const [label, sizes] of [
      ["1-byte", () => () => 1],
      ["1021-byte", () => () => 1021],
      ["random", () => {
        const r = rng(33);
        return () => 1 + Math.floor(r() * r() * 70000);
      }],
    ] as const
  ) {
    it(`decodes every frame streamed in ${label} chunks`, async () => {
      for (const name of frames) {
        const frame = readBytes(DECODECORPUS_DIR + name);
        const want = readBytes(DECODECORPUS_DIR + name.slice(0, -4));
        const got = await streamDecompress(frame, sizes());
        assert.ok(sameBytes(got, want), `${name} (${label})`);
      }
    });
  }
});
