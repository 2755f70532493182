/**
 * compressAsync and decompressAsync (issue 24): the work runs in a worker of a pool, the results
 * are those of the synchronous calls byte for byte and decode with libzstd, errors keep their
 * ZstdError codes across the worker boundary, `transfer` detaches the caller's buffer, a signal
 * cancels before and during, misuse rejects with TypeError/RangeError, many calls at once all
 * come back right, and the pool ends so the process exits.
 */

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  compress,
  compressAsync,
  decompress,
  decompressAsync,
  terminateWorkers,
  trainDictionary,
  ZstdDictionary,
  ZstdError,
} from "../mod.ts";
import {
  nativeCompress,
  nativeDecompress,
  rejection,
  sameBytes,
  textLike,
  zstdCli,
} from "./helpers.ts";

const text = textLike(300_000, 11);

after(() => terminateWorkers());

function isDetached(bytes: Uint8Array): boolean {
  return bytes.byteLength === 0 && bytes.buffer.byteLength === 0;
}

describe("compressAsync", () => {
  for (const level of [-5, 1, 3, 12, 19]) {
    it(`level ${level}: the frame of compress, byte for byte, decoded by libzstd`, async () => {
      const frame = await compressAsync(text, { level, checksum: true });
      assert.ok(sameBytes(frame, compress(text, { level, checksum: true })));
      assert.ok(sameBytes(nativeDecompress(frame), text));
      assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), text));
    });
  }

  it("empty input and a subarray view", async () => {
    assert.ok(sameBytes(await compressAsync(new Uint8Array(0)), compress(new Uint8Array(0))));
    const view = text.subarray(1000, 50_000);
    assert.ok(sameBytes(await compressAsync(view, { level: 5 }), compress(view, { level: 5 })));
    assert.equal(text.length, 300_000); // not transferred: untouched
  });

  it("with a dictionary (ZstdDictionary and bytes)", async () => {
    const samples = Array.from(
      { length: 200 },
      (_, i) => new TextEncoder().encode(`{"id":${i},"kind":"${i % 3 ? "view" : "buy"}"}`),
    );
    const bytes = trainDictionary(samples, { maxSize: 2048 });
    const dictionary = new ZstdDictionary(bytes);
    const record = samples[7];
    const frame = await compressAsync(record, { dictionary });
    assert.ok(sameBytes(frame, compress(record, { dictionary })));
    assert.ok(sameBytes(await compressAsync(record, { dictionary: bytes }), frame));
    assert.ok(sameBytes(await decompressAsync(frame, { dictionary }), record));
    const raw = new ZstdDictionary(text.subarray(0, 4096));
    const rawFrame = await compressAsync(text.subarray(0, 5000), { dictionary: raw });
    assert.ok(sameBytes(rawFrame, compress(text.subarray(0, 5000), { dictionary: raw })));
  });

  it("a large input (copied in pieces between tasks) compresses the same", async () => {
    const large = textLike(9 << 20, 4).subarray(5, (9 << 20) - 3);
    const frame = await compressAsync(large, { level: 1 });
    assert.ok(sameBytes(frame, compress(large, { level: 1 })));
    const controller = new AbortController();
    const call = compressAsync(large, { signal: controller.signal });
    controller.abort(); // during the copy
    assert.equal(((await rejection(() => call)) as Error).name, "AbortError");
  });

  it("transfer: true detaches the caller's buffer, and compresses the same", async () => {
    const copy = text.slice();
    const frame = await compressAsync(copy, { level: 3, transfer: true });
    assert.ok(isDetached(copy));
    assert.ok(sameBytes(frame, compress(text, { level: 3 })));
  });

  it("20 calls at once all come back right", async () => {
    const inputs = Array.from({ length: 20 }, (_, i) => textLike(20_000 + i * 3000, i + 1));
    const frames = await Promise.all(
      inputs.map((input, i) => compressAsync(input, { level: (i % 9) + 1 })),
    );
    frames.forEach((frame, i) => {
      assert.ok(sameBytes(frame, compress(inputs[i], { level: (i % 9) + 1 })), `call ${i}`);
    });
    const outputs = await Promise.all(frames.map((frame) => decompressAsync(frame)));
    outputs.forEach((output, i) => assert.ok(sameBytes(output, inputs[i]), `call ${i}`));
  });
});

describe("decompressAsync", () => {
  it("decodes libzstd frames", async () => {
    for (const level of [1, 3, 19]) {
      const frame = nativeCompress(text, level, true);
      assert.ok(sameBytes(await decompressAsync(frame), text));
    }
  });

  it("transfer: true detaches the caller's buffer", async () => {
    const frame = nativeCompress(text, 3).slice();
    assert.ok(sameBytes(await decompressAsync(frame, { transfer: true }), text));
    assert.ok(isDetached(frame));
  });

  it("corrupt input rejects with the ZstdError codes of decompress", async () => {
    const frame = compress(text, { level: 3, checksum: true });
    const flipped = frame.slice();
    flipped[flipped.length - 2] ^= 0xff; // the checksum
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([1, 2, 3, 4, 5, 6]), "prefix_unknown"],
      [frame.subarray(0, frame.length - 10), "input_truncated"],
      [flipped, "checksum_wrong"],
      [new Uint8Array(0), "input_truncated"],
    ];
    for (const [input, code] of cases) {
      const sync = (() => {
        try {
          decompress(input);
        } catch (e) {
          return e;
        }
      })();
      assert.ok(sync instanceof ZstdError);
      assert.equal(sync.code, code);
      const e = await rejection(() => decompressAsync(input));
      assert.ok(e instanceof ZstdError, String(e));
      assert.equal(e.code, code);
      assert.equal(e.message, sync.message);
    }
    const limited = await rejection(() => decompressAsync(frame, { maxOutputSize: 1000 }));
    assert.ok(limited instanceof ZstdError);
    assert.equal(limited.code, "output_too_large");
  });
});

describe("misuse rejects", () => {
  it("unknown option keys are TypeErrors", async () => {
    const e1 = await rejection(() => compressAsync(text, { levle: 3 } as never));
    assert.ok(e1 instanceof TypeError);
    assert.match(e1.message, /levle/);
    const e2 = await rejection(() => decompressAsync(text, { maxOutputsize: 1 } as never));
    assert.ok(e2 instanceof TypeError);
    assert.match(e2.message, /maxOutputsize/);
  });

  it("wrong types and ranges", async () => {
    assert.ok(await rejection(() => compressAsync("text" as never)) instanceof TypeError);
    assert.ok(await rejection(() => compressAsync(text, 3 as never)) instanceof TypeError);
    assert.ok(await rejection(() => compressAsync(text, { level: 99 })) instanceof RangeError);
    assert.ok(
      await rejection(() => compressAsync(text, { transfer: "yes" as never })) instanceof
        TypeError,
    );
    assert.ok(
      await rejection(() => compressAsync(text, { signal: {} as never })) instanceof TypeError,
    );
    const detached = text.slice();
    structuredClone(detached, { transfer: [detached.buffer] });
    assert.ok(await rejection(() => decompressAsync(detached)) instanceof TypeError);
  });

  it("misuse never throws synchronously", () => {
    const promise = compressAsync(text, { nope: 1 } as never);
    assert.ok(promise instanceof Promise);
    promise.catch(() => {});
  });
});

describe("abort", () => {
  it("an aborted signal rejects at once with its reason", async () => {
    const e = await rejection(() => compressAsync(text, { signal: AbortSignal.abort() }));
    assert.ok(e instanceof DOMException);
    assert.equal(e.name, "AbortError");
    const reason = new Error("mine");
    const controller = new AbortController();
    controller.abort(reason);
    assert.equal(
      await rejection(() => decompressAsync(text, { signal: controller.signal })),
      reason,
    );
  });

  it("aborting during a call rejects it, and the pool keeps working", async () => {
    const big = textLike(4 << 20, 3);
    const controller = new AbortController();
    const started = compressAsync(big, { level: 19, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const e = await rejection(() => started);
    assert.ok(e instanceof DOMException);
    assert.equal(e.name, "AbortError");
    // Queued calls cancel too, and later calls still work.
    const many = Array.from({ length: 8 }, () => new AbortController());
    const calls = many.map((c) => compressAsync(text, { level: 19, signal: c.signal }));
    many.forEach((c) => c.abort());
    for (const call of calls) {
      assert.equal(((await rejection(() => call)) as Error).name, "AbortError");
    }
    assert.ok(sameBytes(await decompressAsync(await compressAsync(text)), text));
  });
});

describe("terminateWorkers", () => {
  it("rejects calls in flight; a later call starts a new pool", async () => {
    const call = compressAsync(textLike(2 << 20, 5), { level: 19 });
    terminateWorkers();
    assert.equal(((await rejection(() => call)) as Error).name, "AbortError");
    assert.ok(sameBytes(await compressAsync(text), compress(text)));
    terminateWorkers();
    terminateWorkers(); // twice is harmless
  });

  it("a restarted worker is sent the input moved (our copy): same frame, libzstd decodes it", async () => {
    assert.ok(sameBytes(await compressAsync(text), compress(text))); // a worker has answered
    terminateWorkers();
    const large = textLike(5 << 20, 6);
    const frame = await compressAsync(large, { level: 3 });
    assert.equal(large.length, 5 << 20); // the caller's buffer stays whole
    assert.ok(sameBytes(frame, compress(large, { level: 3 })));
    assert.ok(sameBytes(nativeDecompress(frame), large));
  });
});
