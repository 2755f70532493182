/**
 * Careless use fails loudly: an options object with a key its type does not define (a misspelt
 * safety limit, a capitalized level) is a `TypeError` naming the key and the nearest valid one,
 * on every entry point; a view of a detached buffer is a `TypeError` saying so, never an empty
 * input; wrong types and ranges are `TypeError`/`RangeError` naming the argument.
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import {
  compress,
  type CompressOptions,
  compressStream,
  type CompressStreamOptions,
  decompress,
  type DecompressOptions,
  decompressStream,
  trainDictionary,
  type TrainOptions,
  ZstdDictionary,
  ZstdError,
} from "../mod.ts";
import { nativeCompress, nativeDecompress, pipeChunks, sameBytes, textLike } from "./helpers.ts";

const text = textLike(20_000, 5);
const frame = nativeCompress(text, 3, true);
const samples = Array.from(
  { length: 20 },
  (_, i) => new TextEncoder().encode(`{"id":${i},"kind":"${i % 3 ? "view" : "buy"}","ok":true}`),
);

/** Asserts that `f` throws (or rejects with) an error of class `type` whose message matches. */
async function assertMisuse(
  f: () => unknown,
  type: typeof TypeError | typeof RangeError,
  message: RegExp,
) {
  let error: unknown = null;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
  assert.match((error as Error).message, message);
}

/** Writes `chunk` to a fresh stream pair and returns what the write and the read reject with. */
async function writeChunk(ts: TransformStream<Uint8Array, Uint8Array>, chunk: unknown) {
  const writer = ts.writable.getWriter();
  const reading = new Response(ts.readable).arrayBuffer();
  const [written, read] = await Promise.allSettled([
    writer.write(chunk as Uint8Array).then(() => writer.close()),
    reading,
  ]);
  return [written, read].map((r) => r.status === "rejected" ? r.reason : null);
}

/** A view of `bytes`'s own copy, whose buffer is then transferred away (detached). */
function detached(bytes: Uint8Array = new Uint8Array(64)): Uint8Array {
  const view = bytes.slice();
  structuredClone(view.buffer, { transfer: [view.buffer] });
  assert.equal(view.byteLength, 0);
  return view;
}

describe("unknown option keys are TypeErrors naming the key and the nearest valid one", () => {
  it("decompress: a misspelt maxOutputSize does not let a bomb through", async () => {
    const bomb = nativeCompress(new Uint8Array(4 << 20), 19);
    assert.ok(bomb.length < 1024);
    await assertMisuse(
      () => decompress(bomb, { maxOutputsize: 1 << 20 } as DecompressOptions),
      TypeError,
      /^unknown option "maxOutputsize" \(did you mean "maxOutputSize"\?\)$/,
    );
    // Spelt right, the limit holds.
    assert.throws(
      () => decompress(bomb, { maxOutputSize: 1 << 20 }),
      (e) => e instanceof ZstdError && e.code === "output_too_large",
    );
    // The stream refuses the options when it is made, before any data.
    await assertMisuse(
      () => decompressStream({ maxOutputsize: 1 << 20 } as DecompressOptions),
      TypeError,
      /"maxOutputsize" \(did you mean "maxOutputSize"\?\)/,
    );
  });

  it("compress: { Level: 19 } is not level 3", async () => {
    await assertMisuse(
      () => compress(text, { Level: 19 } as CompressOptions),
      TypeError,
      /^unknown option "Level" \(did you mean "level"\?\)$/,
    );
    await assertMisuse(
      () => compress(text, { level: 3, windowlog: 20 } as CompressOptions),
      TypeError,
      /"windowlog" \(did you mean "windowLog"\?\)/,
    );
    // compressStream's own options are not compress's.
    await assertMisuse(
      () => compress(text, { pledgedSize: text.length } as CompressOptions),
      TypeError,
      /unknown option "pledgedSize"/,
    );
  });

  it("compressStream: { pledgedsize: 5 } is refused", async () => {
    await assertMisuse(
      () => compressStream({ pledgedsize: 5 } as CompressStreamOptions),
      TypeError,
      /^unknown option "pledgedsize" \(did you mean "pledgedSize"\?\)$/,
    );
    await assertMisuse(
      () => compressStream({ flushEachchunk: true } as CompressStreamOptions),
      TypeError,
      /did you mean "flushEachChunk"/,
    );
  });

  it("ZstdDictionary and trainDictionary", async () => {
    await assertMisuse(
      () => new ZstdDictionary(text, { Raw: true } as { raw?: boolean }),
      TypeError,
      /^unknown option "Raw" \(did you mean "raw"\?\)$/,
    );
    await assertMisuse(
      () => trainDictionary(samples, { maxsize: 1024 } as TrainOptions),
      TypeError,
      /^unknown option "maxsize" \(did you mean "maxSize"\?\)$/,
    );
    await assertMisuse(
      () => trainDictionary(samples, { ID: 5 } as TrainOptions),
      TypeError,
      /"ID" \(did you mean "id"\?\)/,
    );
  });

  it("a key like no valid one lists them all", async () => {
    await assertMisuse(
      () => decompress(frame, { speed: 9 } as DecompressOptions),
      TypeError,
      /^unknown option "speed" \(valid options: maxWindowLog, maxOutputSize, verifyChecksum, dictionary\)$/,
    );
    await assertMisuse(
      () => trainDictionary(samples, { zzz: 1 } as TrainOptions),
      TypeError,
      /^unknown option "zzz" \(valid options: maxSize, level, id\)$/,
    );
  });

  it("inherited enumerable keys are checked as they are read; undefined values of valid keys pass", async () => {
    const level19 = Object.create({ level: 19 });
    assert.ok(sameBytes(compress(text, level19), compress(text, { level: 19 })));
    await assertMisuse(
      () => compress(text, Object.create({ levle: 19 })),
      TypeError,
      /"levle" \(did you mean "level"\?\)/,
    );
    const none = { level: undefined, dictionary: undefined, pledgedSize: undefined };
    assert.ok(
      sameBytes(compress(text, { level: undefined, dictionary: undefined }), compress(text)),
    );
    assert.equal((await pipeChunks(compressStream(none), text, () => 4096)).length > 0, true);
    assert.ok(sameBytes(decompress(frame, { maxOutputSize: undefined }), text));
    // Symbol keys are not options: ignored, as before.
    assert.ok(sameBytes(decompress(frame, { [Symbol("x")]: 1 } as DecompressOptions), text));
  });

  it("every documented key is accepted, with a valid value, on every entry point", async () => {
    const dictionary = new ZstdDictionary(trainDictionary(samples, { maxSize: 1024 }));
    const all: Required<CompressOptions> = {
      level: 5,
      checksum: true,
      contentSize: true,
      dictionary,
      dictionaryId: true,
      windowLog: 17,
      hashLog: 16,
      chainLog: 16,
      searchLog: 3,
      minMatch: 5,
      targetLength: 16,
      strategy: "lazy",
    };
    const one = compress(text, all);
    const streamed = await pipeChunks(
      compressStream({ ...all, pledgedSize: text.length, flushEachChunk: false }),
      text,
      () => 1000,
    );
    const decoding: Required<DecompressOptions> = {
      maxWindowLog: 20,
      maxOutputSize: text.length,
      verifyChecksum: true,
      dictionary,
    };
    assert.ok(sameBytes(decompress(one, decoding), text));
    assert.ok(sameBytes(await pipeChunks(decompressStream(decoding), streamed, () => 777), text));
    const trained = trainDictionary(samples, { maxSize: 1024, level: 3, id: 9 });
    assert.equal(new ZstdDictionary(trained, { raw: true }).id, 0);
  });
});

describe("views of detached buffers are TypeErrors, never empty input", () => {
  it("compress and decompress", async () => {
    await assertMisuse(() => compress(detached(text)), TypeError, /^input .*detached/);
    await assertMisuse(() => decompress(detached(frame)), TypeError, /^input .*detached/);
    // A Buffer (a Uint8Array subclass) whose memory was transferred.
    const buffer = Buffer.alloc(100);
    structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
    await assertMisuse(() => compress(buffer), TypeError, /detached/);
    // Empty input that is not detached is what it was: a frame of nothing, and a truncation.
    const empty = new Uint8Array(new ArrayBuffer(16), 8, 0);
    assert.ok(sameBytes(nativeDecompress(compress(empty)), empty));
    assert.throws(
      () => decompress(new Uint8Array(0)),
      (e) => e instanceof ZstdError && e.code === "input_truncated",
    );
  });

  it("a detached chunk written to a stream errors both sides with the TypeError", async () => {
    for (const make of [() => compressStream(), () => decompressStream()]) {
      const [written, read] = await writeChunk(make(), detached(frame));
      for (const e of [written, read]) {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, /^chunk .*detached/);
      }
    }
  });

  it("dictionaries and training samples", async () => {
    const bytes = trainDictionary(samples, { maxSize: 1024 });
    await assertMisuse(() => new ZstdDictionary(detached(bytes)), TypeError, /^bytes .*detached/);
    await assertMisuse(
      () => compress(text, { dictionary: detached(bytes) }),
      TypeError,
      /^dictionary .*detached/,
    );
    await assertMisuse(
      () => decompressStream({ dictionary: detached(bytes) }),
      TypeError,
      /^dictionary .*detached/,
    );
    await assertMisuse(
      () => trainDictionary([...samples.slice(0, 6), detached(samples[6]), ...samples.slice(7)]),
      TypeError,
      /^samples\[6\] .*detached/,
    );
  });

  it("detected without ArrayBuffer.prototype.detached (as in Node 20)", async () => {
    const descriptor = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached");
    if (descriptor !== undefined) delete (ArrayBuffer.prototype as { detached?: boolean }).detached;
    try {
      assert.equal((new ArrayBuffer(0) as { detached?: boolean }).detached, undefined);
      await assertMisuse(() => decompress(detached(frame)), TypeError, /detached/);
      await assertMisuse(() => compress(detached(text)), TypeError, /detached/);
      assert.throws(() => decompress(new Uint8Array(0)), ZstdError);
      assert.equal(compress(new Uint8Array(0)).length > 0, true);
    } finally {
      if (descriptor !== undefined) {
        Object.defineProperty(ArrayBuffer.prototype, "detached", descriptor);
      }
    }
  });
});

describe("wrong types and ranges name the argument", () => {
  const cases: [string, () => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ["compress input", () => compress("x" as never), TypeError, /^input must be a Uint8Array/],
    ["compress options", () => compress(text, 3 as never), TypeError, /^options must be an object/],
    ["level type", () => compress(text, { level: "9" as never }), TypeError, /^level /],
    ["level range", () => compress(text, { level: 23 }), RangeError, /^level .*23/],
    ["windowLog", () => compress(text, { windowLog: 9 }), RangeError, /^windowLog .*9/],
    ["strategy", () => compress(text, { strategy: "best" as never }), RangeError, /^strategy /],
    ["checksum", () => compress(text, { checksum: 1 as never }), TypeError, /^checksum /],
    [
      "pledgedSize",
      () => compressStream({ pledgedSize: -1 }),
      RangeError,
      /^pledgedSize .*-1/,
    ],
    [
      "stream options",
      () => compressStream("fast" as never),
      TypeError,
      /^options must be an object/,
    ],
    ["decompress input", () => decompress([1, 2] as never), TypeError, /^input must be/],
    [
      "decompress options",
      () => decompress(frame, true as never),
      TypeError,
      /^options must be an object/,
    ],
    [
      "maxWindowLog",
      () => decompress(frame, { maxWindowLog: 32 }),
      RangeError,
      /^maxWindowLog .*32/,
    ],
    [
      "maxOutputSize",
      () => decompressStream({ maxOutputSize: -5 }),
      RangeError,
      /^maxOutputSize .*-5/,
    ],
    [
      "verifyChecksum",
      () => decompress(frame, { verifyChecksum: "no" as never }),
      TypeError,
      /^verifyChecksum /,
    ],
    [
      "dictionary option",
      () => decompress(frame, { dictionary: 5 as never }),
      TypeError,
      /^dictionary must be a ZstdDictionary or a Uint8Array, got number/,
    ],
    ["dictionary bytes", () => new ZstdDictionary(null as never), TypeError, /^bytes must be/],
    [
      "dictionary options",
      () => new ZstdDictionary(text, "raw" as never),
      TypeError,
      /^options must be an object/,
    ],
    ["raw", () => new ZstdDictionary(text, { raw: 1 as never }), TypeError, /^raw /],
    ["samples", () => trainDictionary({} as never), TypeError, /^samples must be an array/],
    [
      "a sample",
      () => trainDictionary([...samples, "x"] as never),
      TypeError,
      /^samples\[20\] must be a Uint8Array, got string/,
    ],
    [
      "train options",
      () => trainDictionary(samples, 1 as never),
      TypeError,
      /^options must be an object/,
    ],
    ["maxSize", () => trainDictionary(samples, { maxSize: 100 }), RangeError, /^maxSize .*100/],
    ["id", () => trainDictionary(samples, { id: 0 }), RangeError, /^id .*0/],
  ];
  for (const [name, f, type, message] of cases) {
    it(name, () => assertMisuse(f, type, message));
  }
});
