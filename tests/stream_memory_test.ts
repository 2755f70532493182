/**
 * A 1 GiB stream through compressStream and straight into decompressStream, compared chunk by
 * chunk with the bytes that went in, with the memory the streams hold measured (JS heap and array
 * buffers after a forced collection): they must hold the window and a few blocks, never the
 * stream, and hold no more in the second half of the stream than in the first. Peak RSS is only
 * printed. Needs a collector to call: Bun.gc, or Deno with --v8-flags=--expose-gc.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { compressStream, decompressStream } from "../mod.ts";
import { textLike } from "./helpers.ts";

/** Length of the stream. */
const TOTAL = 1 << 30;
/** Level 3 on a stream of unknown size: windowLog 21. */
const LEVEL = 3;
const WINDOW = 1 << 21;
/** The bound on what streaming may hold: the window + 64 MiB. */
const BOUND = WINDOW + (64 << 20);
/**
 * How much more the second half of the stream may hold than the first: the same window and
 * buffers serve both, so anything kept per byte shows (one 1 MiB chunk of every 32 would be
 * 16 MiB). The slack is for the few chunks in flight at a sample (measured on a 2-core VM: Deno
 * held 52 MiB in all, 5 MiB less in the second half than in the first; Bun 13 MiB, 0.6 MiB less).
 */
const GROWTH = 16 << 20;

/**
 * A deterministic stream of `total` bytes, in segments of 64–128 KiB cut from 4 MiB of text at
 * varying offsets and stamped with their number, so matches cross segments and chunks but the
 * content never repeats whole. `read(n)` gives the next `n` bytes (fewer at the end), so the
 * bytes can be regenerated in any chunking to check an output.
 */
class Generated {
  static readonly base: Uint8Array = textLike(4 << 20, 77);
  #segment = new Uint8Array(0);
  #at = 0;
  #index = 0;
  #left: number;

  constructor(total: number) {
    this.#left = total;
  }

  /** The next bytes: a view valid until the next call. */
  read(n: number): Uint8Array {
    if (this.#at === this.#segment.length) this.#nextSegment();
    const take = Math.min(n, this.#segment.length - this.#at);
    const out = this.#segment.subarray(this.#at, this.#at + take);
    this.#at += take;
    return out;
  }

  get done(): boolean {
    return this.#left === 0 && this.#at === this.#segment.length;
  }

  #nextSegment(): void {
    const j = this.#index++;
    const length = Math.min(this.#left, 65536 + ((j * 7919) & 65535));
    const base = Generated.base;
    const from = (j * 104729) % (base.length - 131072);
    const segment = base.slice(from, from + length);
    for (let k = 0; k < 8 && k < length; k++) segment[k] = 48 + ((j >>> (3 * k)) & 7);
    this.#left -= length;
    this.#segment = segment;
    this.#at = 0;
  }
}

/** What a forced collection leaves: the JS heap and the array buffers (each counted once). */
function heldAfterCollection(): number {
  const m = process.memoryUsage();
  // Bun's heapUsed already counts the array buffers (JSC's extra memory), V8's does not.
  return "Bun" in globalThis ? m.heapUsed : m.heapUsed + m.external;
}

describe("compressStream memory", () => {
  it("1 GiB into decompressStream: same bytes, memory held bounded by the window + 64 MiB", async () => {
    const input = new Generated(TOTAL);
    const expected = new Generated(TOTAL);
    let produced = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (input.done) return controller.close();
        // Chunks of varying size, copied as a caller's buffers would be.
        const chunk = input.read(1 << 20).slice();
        produced += chunk.length;
        controller.enqueue(chunk);
      },
    });
    let seen = 0;
    let peakRss = 0;
    // The most held after a collection in each half of the stream.
    let peakFirstHalf = 0;
    let peakSecondHalf = 0;
    let writes = 0;
    // Both engines collect large buffers lazily: without a forced collection the heap holds
    // chunks of garbage, which says nothing of what the streams retain. Bun has Bun.gc; Deno has
    // gc() when started with --v8-flags=--expose-gc (as `deno task test` and CI do).
    const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
    const collect = g.Bun !== undefined ? () => g.Bun!.gc(true) : g.gc;
    assert.ok(collect !== undefined, "run Deno with --v8-flags=--expose-gc");
    const sink = new WritableStream<Uint8Array>({
      write(chunk) {
        for (let at = 0; at < chunk.length;) {
          const want = expected.read(chunk.length - at);
          for (let k = 0; k < want.length; k++) {
            if (chunk[at + k] !== want[k]) {
              throw new Error(`output differs at byte ${seen + at + k}`);
            }
          }
          at += want.length;
        }
        seen += chunk.length;
        if (++writes % 64 !== 0) return;
        collect();
        const held = heldAfterCollection();
        if (seen <= TOTAL / 2) peakFirstHalf = Math.max(peakFirstHalf, held);
        else peakSecondHalf = Math.max(peakSecondHalf, held);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      },
    });
    collect();
    const startHeld = heldAfterCollection();
    const startRss = process.memoryUsage().rss;
    const t = performance.now();
    await source.pipeThrough(compressStream({ level: LEVEL })).pipeThrough(decompressStream())
      .pipeTo(sink);
    const seconds = (performance.now() - t) / 1000;
    assert.equal(produced, TOTAL);
    assert.equal(seen, TOTAL);
    assert.ok(expected.done);
    const held = Math.max(peakFirstHalf, peakSecondHalf) - startHeld;
    const growth = peakSecondHalf - peakFirstHalf;
    const mib = (n: number) => (n / 1048576).toFixed(1);
    // Peak RSS is printed only: it moves with the allocator and the machine's load, not with
    // what the streams keep.
    console.log(
      `1 GiB stream at level ${LEVEL} in ${seconds.toFixed(1)} s: JS heap + buffers after ` +
        `collection at most ${mib(held)} MiB above the start (bound ${BOUND >> 20} MiB), ` +
        `${mib(growth)} MiB more in the second half than in the first (bound ${
          GROWTH >> 20
        } MiB); ` +
        `peak RSS ${mib(peakRss)} MiB, ${mib(peakRss - startRss)} MiB above the start`,
    );
    assert.ok(held < BOUND, `the streams held ${mib(held)} MiB after collection`);
    assert.ok(growth < GROWTH, `held memory grew by ${mib(growth)} MiB in the second half`);
  });
});
