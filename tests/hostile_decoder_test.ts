/**
 * Issue 22, the decoder: the corners where we follow libzstd (or RFC 8878's letter), each checked
 * against libzstd, and costs in proportion to the input whatever the headers claim.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import zlib from "node:zlib";
import { decompress, ZstdError, type ZstdErrorCode } from "../mod.ts";
import { sameBytes, streamDecompress } from "./helpers.ts";
import { streamOutcome } from "./mutate.ts";

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const enc = (s: string) => new TextEncoder().encode(s);

/** A block: header (size, type, last flag) and body; RLE blocks give their regenerated size. */
function block(body: number[], type: number, last: boolean, size = body.length): number[] {
  const bh = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [bh & 255, (bh >> 8) & 255, bh >> 16, ...body];
}

/** A raw block of `text`. */
function raw(text: string, last: boolean): number[] {
  return block([...enc(text)], 0, last);
}

/**
 * Raw literals "abcd", then one sequence, all three tables in RLE mode: literal length 4, match
 * length 4, offset code 2; `bits` is the sequence bit stream (its last byte holds the end mark).
 * Exactly consumed: [(1 << 2) | 3], offset value 7 = offset 4, "abcdabcd".
 */
function sequenceFrame(bits: number[]): Uint8Array {
  const body = [0x20, 0x61, 0x62, 0x63, 0x64, 0x01, 0x54, 0x04, 2, 0x01, ...bits];
  return new Uint8Array([...MAGIC, 0x00, 0x00, ...block(body, 2, true)]);
}

/**
 * Four literals Huffman-coded in one stream with direct weights (symbols 0 and 1, one bit each),
 * no sequences; `stream` is the one-byte Huffman stream. Exactly consumed: 0x10 (four 0 bits).
 */
function huffmanFrame(stream: number): Uint8Array {
  const body = [0x42, 0xc0, 0x00, 0x80, 0x10, stream, 0x00];
  return new Uint8Array([...MAGIC, 0x00, 0x00, ...block(body, 2, true)]);
}

/** The zstd CLI's verdict on `frame`: its output, or its error message. */
function cli(frame: Uint8Array): { out?: Uint8Array; error?: string } {
  const r = spawnSync("zstd", ["-d", "-c", "-q"], { input: frame });
  if (r.status === 0) return { out: new Uint8Array(r.stdout) };
  return { error: String(r.stderr) };
}

/** libzstd in-process (node:zlib): its output, or its error message. */
function native(frame: Uint8Array): { out?: Uint8Array; error?: string } {
  try {
    return { out: new Uint8Array(zlib.zstdDecompressSync(frame)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Decodes one-shot and streamed (whole and in 1-byte chunks); both must agree. */
async function ours(frame: Uint8Array): Promise<Uint8Array> {
  const out = decompress(frame, { maxOutputSize: Infinity });
  assert.ok(sameBytes(await streamDecompress(frame, () => frame.length), out));
  assert.ok(sameBytes(await streamDecompress(frame, () => 1), out));
  return out;
}

/** Expects `code` one-shot and streamed (whole and in 1-byte chunks). */
async function expectCode(input: Uint8Array, code: ZstdErrorCode, maxOutputSize = Infinity) {
  assert.throws(
    () => decompress(input, { maxOutputSize }),
    (e) => e instanceof ZstdError && e.code === code,
    `one-shot: expected ${code}`,
  );
  assert.equal(await streamOutcome(input, input.length, maxOutputSize), code);
  assert.equal(await streamOutcome(input, 1, maxOutputSize), code);
}

describe("corners where libzstd and RFC 8878 differ: our choice, against libzstd", () => {
  it("an empty compressed block decodes as an empty block, as libzstd's streaming decoder", async () => {
    const frames = [
      [...MAGIC, 0, 0, ...raw("abc", false), ...block([], 2, true)],
      [...MAGIC, 0, 0, ...block([], 2, false), ...raw("abc", true)],
      [...MAGIC, 0, 0, ...block([], 2, true)],
    ].map((f) => new Uint8Array(f));
    for (const frame of frames) {
      const want = cli(frame).out;
      assert.ok(want !== undefined, "the zstd CLI decodes it");
      assert.ok(sameBytes(native(frame).out!, want), "libzstd in-process decodes it");
      assert.ok(sameBytes(await ours(frame), want));
    }
    // With a content size, libzstd decodes the whole frame at once (ZSTD_decompressFrame), which
    // refuses the block; we decode it the same whatever the header and the chunking.
    const sized = new Uint8Array([...MAGIC, 0x20, 3, ...block([], 2, false), ...raw("abc", true)]);
    assert.match(cli(sized).error!, /corruption/i);
    assert.ok(sameBytes(await ours(sized), enc("abc")));
  });

  it("content size 2^64 - 1 means unknown, as libzstd reads it", async () => {
    const ff = [255, 255, 255, 255, 255, 255, 255, 255];
    const unknown = new Uint8Array([...MAGIC, 0xc0, 0x00, ...ff, ...raw("abc", true)]);
    assert.ok(sameBytes(cli(unknown).out!, enc("abc")));
    assert.ok(sameBytes(await ours(unknown), enc("abc")));
    // Single segment: the window is the content size, unbounded, refused by both.
    const single = new Uint8Array([...MAGIC, 0xe0, ...ff, ...raw("abc", true)]);
    assert.match(cli(single).error!, /too much memory/);
    await expectCode(single, "window_too_large");
    // 2^64 - 2 is a size, which three bytes do not have.
    const lie = new Uint8Array([...MAGIC, 0xc0, 0x00, 254, ...ff.slice(1), ...raw("abc", true)]);
    assert.match(cli(lie).error!, /corruption/i);
    await expectCode(lie, "corruption_detected");
    await expectCode(lie, "output_too_large", 1 << 30);
  });

  it("Huffman and sequence bit streams must be consumed exactly (RFC 8878, newer libzstd)", async () => {
    assert.ok(sameBytes(await ours(sequenceFrame([(1 << 2) | 3])), enc("abcdabcd")));
    assert.ok(sameBytes(await ours(huffmanFrame(0x10)), new Uint8Array(4)));
    const left = [
      sequenceFrame([0x00, (1 << 2) | 3]), // 8 bits never read
      sequenceFrame([(1 << 3) | (3 << 1)]), // 1 bit never read
      huffmanFrame(0x20), // 1 bit never read
    ];
    const overread = [
      sequenceFrame([1]), // the offset's 2 extra bits read below the stream's start
      huffmanFrame(0x08), // the 4th literal read below the stream's start
    ];
    for (const frame of [...left, ...overread]) {
      assert.match(native(frame).error!, /corruption/i, "libzstd in-process refuses it");
      await expectCode(frame, "corruption_detected");
    }
    for (const frame of [...left, overread[1]]) assert.match(cli(frame).error!, /corruption/i);
    // The zstd 1.5.4 CLI alone reads zeros below the sequence stream's start ("abcddddd").
    const old = cli(overread[0]);
    assert.ok(old.error !== undefined || sameBytes(old.out!, enc("abcddddd")));
  });

  it("a dictionary ID in a frame and no dictionary given: dictionary_wrong, as libzstd", async () => {
    const frames = [
      new Uint8Array([...MAGIC, 0x21, 0x2a, 0x05, ...raw("hello", true)]),
      new Uint8Array([...MAGIC, 0x01, 0x00, 0x2a, ...sequenceFrame([(1 << 2) | 3]).slice(6)]),
    ];
    for (const frame of frames) {
      assert.match(cli(frame).error!, /Dictionary mismatch/);
      assert.match(native(frame).error!, /Dictionary mismatch/);
      await expectCode(frame, "dictionary_wrong");
    }
  });
});
