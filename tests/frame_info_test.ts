/**
 * readFrameInfo against the zstd CLI: frames written by `zstd`, and the numbers `zstd -lv` prints
 * for them (frames, window, dictionary ID, sizes, checksum); skippable and concatenated frames;
 * truncated and invalid input with their stable error codes.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type FrameInfo, readFrameInfo, ZstdError } from "../mod.ts";
import { concat, DICT_DIR, readBytes, textLike } from "./helpers.ts";

/** What `zstd -lvv` prints of `file` (exact byte counts). */
interface Listing {
  frames: number;
  skippable: number;
  dictionaryId: number;
  windowSize: number;
  compressedSize: number;
  /** Undefined when a frame does not declare its size. */
  decompressedSize: number | undefined;
  checksum: boolean;
}

function listing(file: string): Listing {
  const out = execFileSync("zstd", ["-lvv", file], { stdio: ["ignore", "pipe", "ignore"] })
    .toString();
  const bytes = (label: string): number | undefined => {
    const m = new RegExp(`^${label}: .*\\((\\d+) B\\)$`, "m").exec(out);
    return m === null ? undefined : Number(m[1]);
  };
  return {
    frames: Number(/^# Zstandard Frames: (\d+)$/m.exec(out)![1]),
    skippable: Number(/^# Skippable Frames: (\d+)$/m.exec(out)?.[1] ?? 0),
    dictionaryId: Number(/^DictID: (\d+)$/m.exec(out)![1]),
    windowSize: bytes("Window Size")!,
    compressedSize: bytes("Compressed Size")!,
    decompressedSize: bytes("Decompressed Size"),
    checksum: /^Check: XXH64/m.test(out),
  };
}

/** Runs `zstd args` in a temporary folder holding `files`; returns the file `output` and -lvv. */
function withZstd(
  files: Record<string, Uint8Array>,
  args: string[],
  output: string,
  stdin?: Uint8Array,
): { frame: Uint8Array; listed: Listing } {
  const dir = mkdtempSync(join(tmpdir(), "zstd-frame-info-"));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    if (stdin === undefined) execFileSync("zstd", ["-q", ...args, "-o", output], { cwd: dir });
    else {
      writeFileSync(
        join(dir, output),
        execFileSync("zstd", ["-q", "-c", ...args], { input: stdin }),
      );
    }
    const path = join(dir, output);
    return { frame: readBytes(path), listed: listing(path) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The frames' totals, as -l sums them. */
function matches(frames: FrameInfo[], listed: Listing, length: number): void {
  const zstdFrames = frames.filter((f) => f.kind === "zstd");
  assert.equal(zstdFrames.length, listed.frames);
  assert.equal(frames.length - zstdFrames.length, listed.skippable);
  const last = zstdFrames[zstdFrames.length - 1];
  assert.equal(last.windowSize, listed.windowSize);
  assert.equal(last.dictionaryId, listed.dictionaryId);
  assert.equal(zstdFrames.some((f) => f.hasChecksum), listed.checksum);
  const sizes = zstdFrames.map((f) => f.contentSize);
  assert.equal(
    sizes.includes(undefined) ? undefined : sizes.reduce((a, b) => a! + b!, 0),
    listed.decompressedSize,
  );
  assert.equal(listed.compressedSize, length);
  // The frames tile the buffer: each starts where the previous one ended.
  let offset = 0;
  for (const f of frames) {
    assert.equal(f.offset, offset);
    offset += f.compressedSize;
  }
  assert.equal(offset, length);
}

function pseudoRandom(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let state = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state;
  }
  return out;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ZstdError) return e.code;
    throw e;
  }
  throw new Error("no error");
}

const TEXT = textLike(200_000, 7);
const SKIPPABLE = new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);

describe("readFrameInfo", () => {
  it("reads what zstd -l shows of a frame zstd wrote from a file", () => {
    const { frame, listed } = withZstd({ a: TEXT }, ["-19", "a"], "a.zst");
    const frames = readFrameInfo(frame);
    matches(frames, listed, frame.length);
    assert.equal(frames[0].kind, "zstd");
    assert.equal(frames[0].contentSize, TEXT.length);
    assert.equal(frames[0].hasChecksum, true);
    assert.ok(frames[0].blocks >= 2);
  });

  it("reads a streamed frame without a content size, and without a checksum", () => {
    const { frame, listed } = withZstd({}, ["--no-check", "-3"], "s.zst", TEXT);
    const frames = readFrameInfo(frame);
    matches(frames, listed, frame.length);
    assert.equal(frames[0].contentSize, undefined);
    assert.equal(frames[0].hasChecksum, false);
  });

  it("counts raw blocks, and the one byte of an RLE block", () => {
    const random = withZstd({ r: pseudoRandom(300_000) }, ["-1", "r"], "r.zst");
    const [raw] = readFrameInfo(random.frame);
    matches([raw], random.listed, random.frame.length);
    assert.equal(raw.blocks, 3); // 128 KiB, 128 KiB, the rest: stored as they are
    const zeros = withZstd({ z: new Uint8Array(1000) }, ["-1", "z"], "z.zst");
    matches(readFrameInfo(zeros.frame), zeros.listed, zeros.frame.length);
  });

  it("reads the dictionary ID of a frame compressed with a dictionary", () => {
    const dictionary = readBytes(DICT_DIR + "dictionary");
    const { frame, listed } = withZstd({ d: dictionary, a: TEXT }, ["-D", "d", "a"], "a.zst");
    const frames = readFrameInfo(frame);
    matches(frames, listed, frame.length);
    assert.notEqual(frames[0].dictionaryId, 0);
  });

  it("reads concatenated and skippable frames", () => {
    const one = withZstd({ a: TEXT }, ["-5", "a"], "a.zst").frame;
    const two = withZstd({}, ["-1"], "s.zst", TEXT.subarray(0, 5000)).frame;
    const all = concat([one, SKIPPABLE, two, one]);
    const dir = mkdtempSync(join(tmpdir(), "zstd-frame-info-"));
    try {
      writeFileSync(join(dir, "all.zst"), all);
      const frames = readFrameInfo(all);
      matches(frames, listing(join(dir, "all.zst")), all.length);
      assert.deepEqual(frames.map((f) => f.kind), ["zstd", "skippable", "zstd", "zstd"]);
      assert.deepEqual(frames[1], {
        kind: "skippable",
        offset: one.length,
        compressedSize: SKIPPABLE.length,
        contentSize: 0,
        windowSize: 0,
        dictionaryId: 0,
        hasChecksum: false,
        blocks: 0,
      });
      assert.deepEqual(readFrameInfo(SKIPPABLE).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives input_truncated for an empty or cut input, at every length", () => {
    const one = withZstd({ a: TEXT.subarray(0, 3000) }, ["-3", "a"], "a.zst").frame;
    const all = concat([one, SKIPPABLE, one]);
    assert.equal(code(() => readFrameInfo(new Uint8Array(0))), "input_truncated");
    for (let cut = 1; cut < all.length; cut++) {
      if (cut === one.length || cut === one.length + SKIPPABLE.length) {
        assert.equal(readFrameInfo(all.subarray(0, cut)).length, cut === one.length ? 1 : 2);
        continue;
      }
      assert.equal(code(() => readFrameInfo(all.subarray(0, cut))), "input_truncated", `${cut}`);
    }
  });

  it("gives stable codes for data that is not frames", () => {
    const frame = withZstd({ a: TEXT.subarray(0, 3000) }, ["-3", "a"], "a.zst").frame;
    assert.equal(code(() => readFrameInfo(TEXT.subarray(0, 100))), "prefix_unknown");
    assert.equal(code(() => readFrameInfo(concat([frame, TEXT]))), "prefix_unknown");
    const reservedBit = frame.slice();
    reservedBit[4] |= 8;
    assert.equal(code(() => readFrameInfo(reservedBit)), "frame_header_invalid");
    // Magic, descriptor (single segment, 1-byte size), size, then a block of type 3.
    const reservedBlock = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 1, 7, 0, 0]);
    assert.equal(code(() => readFrameInfo(reservedBlock)), "corruption_detected");
    assert.throws(() => readFrameInfo("abc" as unknown as Uint8Array), TypeError);
  });
});
