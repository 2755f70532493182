/**
 * Frames written by libzstd (in-process through node:zlib, and by the zstd CLI) decode to their
 * input, one-shot and streamed: every level from -7 to 22, checksums, unknown content size,
 * long windows, edge sizes, multi-block inputs, concatenated and skippable frames.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decompress } from "../mod.ts";
import {
  concat,
  nativeCompress,
  randomBytes,
  rng,
  sameBytes,
  streamDecompress,
  textLike,
  zstdCli,
} from "./helpers.ts";

const text = textLike(300_000, 3);
const mixed = concat([textLike(100_000, 5), randomBytes(50_000, 9), textLike(150_000, 5)]);

function check(frame: Uint8Array, want: Uint8Array, label: string): void {
  const got = decompress(frame);
  assert.ok(sameBytes(got, want), `${label}: ${got.length} bytes, want ${want.length}`);
}

async function checkStream(frame: Uint8Array, want: Uint8Array, label: string): Promise<void> {
  const r = rng(frame.length);
  const got = await streamDecompress(frame, () => 1 + Math.floor(r() * 5000));
  assert.ok(sameBytes(got, want), `${label} (stream)`);
}

describe("frames from libzstd in-process", () => {
  it("every level from -7 to 22, with and without checksum", async () => {
    for (let level = -7; level <= 22; level++) {
      if (level === 0) continue;
      for (const checksum of [false, true]) {
        const input = level >= 18 ? text.subarray(0, 120_000) : mixed;
        const frame = nativeCompress(input, level, checksum);
        check(frame, input, `level ${level} checksum ${checksum}`);
        if (level % 5 === 0 || level < 0) await checkStream(frame, input, `level ${level}`);
      }
    }
  });

  it("edge sizes: empty, 1 byte, block boundaries, incompressible, all-zero", () => {
    const inputs: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["1 byte", new Uint8Array([42])],
      ["random 1000", randomBytes(1000)],
      ["random 300k", randomBytes(300_000, 4)],
      ["zeros 1 MiB", new Uint8Array(1 << 20)],
    ];
    for (const n of [131071, 131072, 131073, 262144, 262145]) {
      inputs.push([`text ${n}`, textLike(n, n)]);
    }
    for (const [label, input] of inputs) {
      for (const level of [1, 3, 19]) {
        check(nativeCompress(input, level, true), input, `${label} level ${level}`);
      }
    }
  });
});

describe("frames from the zstd CLI", () => {
  it("levels -7..19 and --ultra 20..22, content size unknown (stdin) and known", () => {
    const input = text.subarray(0, 200_000);
    for (let level = -7; level <= 22; level++) {
      if (level === 0) continue;
      const args = level < 0
        ? [`--fast=${-level}`]
        : level > 19
        ? ["--ultra", `-${level}`]
        : [`-${level}`];
      // From stdin the CLI writes no content size.
      check(zstdCli(["-c", "-q", ...args], input), input, `CLI level ${level}`);
      if (level % 4 === 0) {
        check(zstdCli(["-c", "-q", "--no-check", ...args], input), input, `CLI ${level} no check`);
        check(
          zstdCli(["-c", "-q", "--content-size", `--stream-size=${input.length}`, ...args], input),
          input,
          `CLI ${level} content size`,
        );
      }
    }
  });

  it("--long=27 (128 MiB window) and multi-block inputs", async () => {
    const input = concat([mixed, mixed, text]);
    const frame = zstdCli(["-c", "-q", "--long=27", "-3"], input);
    check(frame, input, "--long=27");
    await checkStream(frame, input, "--long=27");
  });

  it("concatenated frames with skippable frames between them", async () => {
    const a = textLike(70_000, 11);
    const b = randomBytes(3000, 12);
    const c = new Uint8Array(0);
    const skippable = (magicLow: number, size: number) => {
      const f = new Uint8Array(8 + size).fill(0xaa);
      f.set([0x50 + magicLow, 0x2a, 0x4d, 0x18, size & 255, size >>> 8, 0, 0]);
      return f;
    };
    const parts = [
      skippable(0, 0),
      zstdCli(["-c", "-q", "-5"], a),
      skippable(15, 300),
      zstdCli(["-c", "-q", "-1"], b),
      zstdCli(["-c", "-q", "-19"], c),
      skippable(7, 1),
      nativeCompress(a, 3, true),
    ];
    const all = concat(parts);
    const want = concat([a, b, c, a]);
    check(all, want, "concatenated");
    await checkStream(all, want, "concatenated");
    // The CLI agrees on what the concatenation means.
    assert.ok(sameBytes(zstdCli(["-d", "-c", "-q"], all), want));
  });
});
