/**
 * Hostile input: every case ends quickly with a ZstdError (never another exception, a hang or a
 * huge allocation), and decompress and decompressStream agree on its code.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { decompress, ZstdError, type ZstdErrorCode } from "../mod.ts";
import { concat, nativeCompress, randomBytes, sameBytes, textLike, zstdCli } from "./helpers.ts";
import { mutate, mutationRng, oneShotOutcome, streamOutcome } from "./mutate.ts";

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** Expects `code` from decompress and from decompressStream (whole and in 1-byte chunks). */
async function expectCode(input: Uint8Array, code: ZstdErrorCode, maxOutputSize = 1 << 30) {
  assert.throws(
    () => decompress(input, { maxOutputSize }),
    (e) => e instanceof ZstdError && e.code === code,
    `one-shot: expected ${code}`,
  );
  assert.equal(await streamOutcome(input, Math.max(1, input.length), maxOutputSize), code);
  if (input.length < 4096) assert.equal(await streamOutcome(input, 1, maxOutputSize), code);
}

/**
 * A hand-made frame: raw literals "abcd", then one sequence with all three tables in RLE mode
 * (so the bit stream holds only extra bits): literal length 4, match length 4, offset code
 * `ofCode` with `ofBits` extra-bit value `ofExtra`.
 */
function handFrame(ofCode: number, ofExtraBits: number, ofExtra: number) {
  const bits = (1 << ofExtraBits) | ofExtra; // end mark above the extra bits
  return blockFrame([0x20, 0x61, 0x62, 0x63, 0x64, 0x01, 0x54, 0x04, ofCode, 0x01, bits]);
}

/** A frame (1 KiB window, no content size) whose only block has the given compressed body. */
function blockFrame(body: number[]) {
  const bh = (body.length << 3) | (2 << 1) | 1;
  return new Uint8Array([...MAGIC, 0x00, 0x00, bh & 255, bh >> 8, 0, ...body]);
}

/** The CLI's frame of `data` with its content size (and a checksum, the CLI default). */
function sizedFrame(data: Uint8Array, level: number): Uint8Array {
  return zstdCli(["-c", "-q", `-${level}`, "--content-size", `--stream-size=${data.length}`], data);
}

/** Byte offset of the frame content size field, and its width. */
function contentSizeField(frame: Uint8Array): [number, number] {
  const fhd = frame[4];
  const single = (fhd & 0x20) !== 0;
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  const width = [single ? 1 : 0, 2, 4, 8][fhd >> 6];
  return [at, width];
}

describe("hostile input", () => {
  const text = textLike(60_000, 21);
  const frames = [
    nativeCompress(text.subarray(0, 2000), 3, true),
    nativeCompress(text.subarray(0, 3000), 19, false),
    nativeCompress(randomBytes(1500, 3), 1, true),
    zstdCli(["-c", "-q", "-9"], text),
    nativeCompress(concat([text, text]), 5, true),
  ];

  it("the hand-made frames are valid zstd: libzstd decodes them", () => {
    const good = handFrame(2, 2, 3); // offset value 7 = offset 4
    const want = new TextEncoder().encode("abcdabcd");
    assert.ok(sameBytes(zstdCli(["-d", "-c", "-q"], good), want));
    assert.ok(sameBytes(decompress(good), want));
  });

  it("every truncation point of several frames", async () => {
    let cases = 0;
    for (const frame of frames) {
      const step = frame.length > 5000 ? 97 : 1;
      for (let n = 0; n < frame.length; n += step) {
        const cut = frame.subarray(0, n);
        const [code] = oneShotOutcome(cut, 1 << 30);
        assert.ok(
          code === "input_truncated" || code === "corruption_detected",
          `cut at ${n}/${frame.length}: ${code}`,
        );
        if (n % 7 === 0) assert.equal(await streamOutcome(cut, 1 + (n % 300), 1 << 30), code);
        cases++;
      }
    }
    assert.ok(cases > 1500, `${cases} truncations`);
  });

  it("thousands of mutated frames: ZstdError or the right bytes, same code when streamed", async () => {
    // 6000 mutations (bit flips, byte runs, deletions, insertions, header edits, truncations)
    // of libzstd frames; a checksummed frame that still decodes must decode to the original.
    const originals = [text.subarray(0, 2000), text.subarray(0, 3000), null, text, null];
    const checksummed = [true, false, true, false, true];
    const r = mutationRng(2026);
    const seen = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const which = i % frames.length;
      const input = mutate(frames[which], r);
      const [code, out] = oneShotOutcome(input, 1 << 26);
      seen.set(code, (seen.get(code) ?? 0) + 1);
      const original = originals[which];
      if (
        code === "ok" && checksummed[which] && original !== null &&
        input.length === frames[which].length
      ) {
        assert.ok(out !== undefined && sameBytes(out, original), `mutation ${i} decoded wrongly`);
      }
      if (i % 10 === 0) {
        assert.equal(await streamOutcome(input, 1 + (i % 1000), 1 << 26), code, `mutation ${i}`);
      }
    }
    assert.ok((seen.get("corruption_detected") ?? 0) > 1000);
  });

  it("a 2^40 window, and windows at the maxWindowLog limit", async () => {
    // Window descriptor exponent 30: 2^40 bytes.
    const huge = new Uint8Array([...MAGIC, 0x00, 30 << 3, 0x01, 0x00, 0x00]);
    await expectCode(huge, "window_too_large");
    const frame = zstdCli(["-c", "-q", "--long=24", "-3"], text); // window 2^24
    assert.throws(
      () => decompress(frame, { maxWindowLog: 23 }),
      (e) => e instanceof ZstdError && e.code === "window_too_large",
    );
    assert.ok(sameBytes(decompress(frame, { maxWindowLog: 24 }), text));
  });

  it("a 2^31 window is accepted under maxWindowLog 31, 2^31 + 2^28 is not", () => {
    // Window descriptor exponent 21 (2^31), then one last raw block "abc".
    const frame = (mantissa: number) =>
      new Uint8Array([...MAGIC, 0x00, (21 << 3) | mantissa, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63]);
    assert.deepEqual([...decompress(frame(0), { maxWindowLog: 31 })], [0x61, 0x62, 0x63]);
    for (const [mantissa, maxWindowLog] of [[0, 30], [1, 31]]) {
      assert.throws(
        () => decompress(frame(mantissa), { maxWindowLog }),
        (e) => e instanceof ZstdError && e.code === "window_too_large",
      );
    }
  });

  it("a content size that lies", async () => {
    const frame = sizedFrame(text.subarray(0, 1000), 3);
    const [at, width] = contentSizeField(frame);
    assert.equal(width, 2); // value - 256, little-endian
    assert.ok(sameBytes(decompress(frame), text.subarray(0, 1000)));
    const bigger = frame.slice();
    bigger[at] += 1;
    await expectCode(bigger, "corruption_detected");
    const smaller = frame.slice();
    smaller[at] -= 1;
    await expectCode(smaller, "corruption_detected");
  });

  it("a 2^50 content size on a tiny body: no huge allocation", async () => {
    // Descriptor 0xc0: 8-byte content size, window descriptor 10 (1 KiB), one empty raw block.
    const claim = new Uint8Array([...MAGIC, 0xc0, 0x00, 0, 0, 0, 0, 0, 0, 4, 0, 0x01, 0, 0]);
    await expectCode(claim, "output_too_large");
    // Without an output limit: more than one decompress call returns (4 GiB - 1 MiB), refused
    // before any allocation; a stream finds the body short of its claim.
    assert.throws(
      () => decompress(claim, { maxOutputSize: Infinity }),
      (e) => e instanceof ZstdError && e.code === "output_too_large",
    );
    assert.equal(await streamOutcome(claim, 1, Infinity), "corruption_detected");
  });

  it("an offset before the start of the output", async () => {
    await expectCode(handFrame(3, 3, 5), "corruption_detected"); // offset 10 after 4 bytes
  });

  it("invalid Huffman and FSE table descriptions", async () => {
    // Compressed literals, 1 stream, 4 literals; direct weights 3 and 1 (sum 5: no power of 2).
    const lit = [0x42, 0xc0, 0x00, 0x81, 0x31, 0x01, 0x00];
    await expectCode(blockFrame(lit), "corruption_detected");
    // A weight of 12 (deeper than 11 bits).
    await expectCode(
      blockFrame([0x42, 0xc0, 0x00, 0x81, 0xc1, 0x01, 0x00]),
      "corruption_detected",
    );
    // Sequences with an FSE-compressed literal-length table of accuracy log 20 (> 9).
    const seq = [0x20, 0x61, 0x62, 0x63, 0x64, 0x01, 0x80, 0x0f, 0xff, 0xff, 0x01];
    await expectCode(blockFrame(seq), "corruption_detected");
  });

  it("reserved and unknown fields, empty input, wrong checksum", async () => {
    const frame = sizedFrame(text.subarray(0, 5000), 3);
    const [at, width] = contentSizeField(frame);
    assert.equal(frame[4] & 4, 4); // checksum flag
    const reservedBlock = frame.slice();
    reservedBlock[at + width] |= 6; // block type 3
    await expectCode(reservedBlock, "corruption_detected");
    const reservedBit = frame.slice();
    reservedBit[4] |= 8;
    await expectCode(reservedBit, "frame_header_invalid");
    await expectCode(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), "prefix_unknown");
    await expectCode(new Uint8Array(0), "input_truncated");
    await expectCode(concat([frame, new Uint8Array([0x28, 0xb5])]), "input_truncated");
    const badSum = frame.slice();
    badSum[badSum.length - 2] ^= 0x10;
    await expectCode(badSum, "checksum_wrong");
    assert.ok(sameBytes(decompress(badSum, { verifyChecksum: false }), text.subarray(0, 5000)));
  });

  it("maxOutputSize smaller than the content", async () => {
    const frame = zstdCli(["-c", "-q", "-3"], text); // no content size (stdin)
    await expectCode(frame, "output_too_large", 10_000);
    await expectCode(sizedFrame(text, 3), "output_too_large", 10_000); // content size known
    assert.equal(decompress(frame, { maxOutputSize: text.length }).length, text.length);
  });

  it("a frame that needs a dictionary", async () => {
    const withId = new Uint8Array([...MAGIC, 0x21, 0x2a, 0x05, 0x29, 0, 0, 1, 2, 3, 4, 5]);
    await expectCode(withId, "dictionary_wrong");
  });

  it("argument misuse: TypeError and RangeError, Buffer accepted", () => {
    const frame = nativeCompress(text.subarray(0, 100), 3);
    assert.throws(() => decompress("frame" as unknown as Uint8Array), TypeError);
    assert.throws(() => decompress(null as unknown as Uint8Array), TypeError);
    assert.throws(() => decompress([1, 2] as unknown as Uint8Array), TypeError);
    assert.throws(() => decompress(frame, { maxWindowLog: 99 }), RangeError);
    assert.throws(() => decompress(frame, { maxWindowLog: 9 }), RangeError);
    assert.throws(() => decompress(frame, { maxOutputSize: -1 }), RangeError);
    assert.throws(() => decompress(frame, { maxOutputSize: 1.5 }), RangeError);
    assert.throws(() => decompress(frame, { verifyChecksum: 1 as unknown as boolean }), TypeError);
    assert.throws(() => decompress(frame, 7 as unknown as object), TypeError);
    assert.ok(sameBytes(decompress(Buffer.from(frame)), text.subarray(0, 100)));
  });
});
