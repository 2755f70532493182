/**
 * Browser test: the ES module bundle that tools/bundle_sizes.mjs measures (esbuild, minified),
 * served from localhost with a test page to headless Chromium, driven by playwright-core. In the
 * page, data round-trips through `compress`/`decompress` and through
 * `compressStream`/`decompressStream` over Blob and fetch streams; a frame made by the zstd CLI
 * is decoded there, and frames made there are decoded by the zstd CLI here.
 *
 *     node --test tests/runtimes/browser.mjs
 *
 * Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it); CHROMIUM_PATH
 * overrides /usr/bin/chromium. The network is closed, so every background service is off.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { chromium } from "playwright-core";
import { buildBundle, ENTRIES } from "../../tools/bundle_sizes.mjs";
import { assertBytes, CHROMIUM, CHROMIUM_ARGS, sampleData, zstdCli } from "./helpers.mjs";

const SAMPLE = sampleData(300_000);
const CLI_FRAME = zstdCli(["-19", "--check", "-c"], SAMPLE);

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>@x/zstd</title>
<script type="module">
  import * as zstd from "/zstd.js";
  globalThis.zstd = zstd;
  // Whether two byte arrays are equal.
  globalThis.sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  globalThis.fetchBytes = async (path) => new Uint8Array(await (await fetch(path)).arrayBuffer());
  // Reads a whole stream. (Response.arrayBuffer() would turn the stream's error into "Failed to
  // fetch".)
  globalThis.collect = async (stream) => {
    const parts = [];
    for (const reader = stream.getReader();;) {
      const { done, value } = await reader.read();
      if (done) return new Uint8Array(await new Blob(parts).arrayBuffer());
      parts.push(value);
    }
  };
</script>
`;

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install chromium`);
  const bundle = (await buildBundle(ENTRIES["full"])).code;
  const routes = {
    "/": ["text/html", PAGE],
    "/zstd.js": ["text/javascript", bundle],
    // compressAsync's module worker, where the bundle's `new URL("./worker.ts", import.meta.url)`
    // points (esbuild leaves the URL alone: the build emits the worker itself).
    "/worker.ts": ["text/javascript", (await buildBundle('import "./worker.ts";')).code],
    "/sample.bin": ["application/octet-stream", SAMPLE],
    "/cli.zst": ["application/zstd", CLI_FRAME],
  };
  server = createServer((request, response) => {
    const route = routes[request.url ?? ""];
    if (route === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": route[0], "cache-control": "no-store" });
    response.end(route[1]);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // playwright-core starts Chromium with a fresh temporary profile (--user-data-dir).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => globalThis.zstd !== undefined, null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server === undefined ? resolve() : server.close(resolve));
});

describe("browser: Chromium", () => {
  for (const level of [1, 3, 19, -5]) {
    it(`compress at level ${level} round-trips and the zstd CLI decodes it`, async () => {
      const result = await page.evaluate(async (level) => {
        const sample = await fetchBytes("/sample.bin");
        const frame = zstd.compress(sample, { level });
        return { same: sameBytes(zstd.decompress(frame), sample), frame: Array.from(frame) };
      }, level);
      assert.ok(result.same, "decompress(compress(sample)) differs from the sample");
      const frame = Uint8Array.from(result.frame);
      assert.ok(frame.length < SAMPLE.length, `${frame.length} bytes`);
      assertBytes(zstdCli(["-d", "-c"], frame), SAMPLE, `level ${level}, decoded by the zstd CLI`);
    });
  }

  it("compressStream and decompressStream round-trip over Blob streams", async () => {
    const result = await page.evaluate(async () => {
      const sample = await fetchBytes("/sample.bin");
      const frame = await collect(
        new Blob([sample]).stream().pipeThrough(zstd.compressStream({ level: 3, checksum: true })),
      );
      const out = await collect(new Blob([frame]).stream().pipeThrough(zstd.decompressStream()));
      return { same: sameBytes(out, sample), frame: Array.from(frame) };
    });
    assert.ok(result.same, "the streams' round trip differs from the sample");
    const frame = Uint8Array.from(result.frame);
    assertBytes(zstdCli(["-d", "-c"], frame), SAMPLE, "compressStream, decoded by the zstd CLI");
  });

  it("decodes a frame made by the zstd CLI, one-shot and from a fetch body", async () => {
    const result = await page.evaluate(async () => {
      const sample = await fetchBytes("/sample.bin");
      const oneShot = zstd.decompress(await fetchBytes("/cli.zst"));
      const body = (await fetch("/cli.zst")).body.pipeThrough(zstd.decompressStream());
      return {
        oneShot: sameBytes(oneShot, sample),
        stream: sameBytes(await collect(body), sample),
      };
    });
    assert.deepEqual(result, { oneShot: true, stream: true });
  });

  it("rejects a corrupted frame with a ZstdError code", async () => {
    const result = await page.evaluate(async () => {
      const bad = await fetchBytes("/cli.zst");
      bad[bad.length - 1] ^= 1;
      const runs = [
        () => zstd.decompress(bad),
        () => collect(new Blob([bad]).stream().pipeThrough(zstd.decompressStream())),
      ];
      const codes = [];
      for (const run of runs) {
        try {
          await run();
          codes.push("no error");
        } catch (e) {
          codes.push(e instanceof zstd.ZstdError ? e.code : String(e));
        }
      }
      return codes;
    });
    assert.deepEqual(result, ["checksum_wrong", "checksum_wrong"]);
  });

  it("misuse: detached buffers and unknown option keys are TypeErrors", async () => {
    const result = await page.evaluate(async () => {
      const detached = (bytes) => {
        const view = bytes.slice();
        structuredClone(view.buffer, { transfer: [view.buffer] });
        return view;
      };
      const frame = await fetchBytes("/cli.zst");
      const runs = [
        () => zstd.compress(detached(frame)),
        () => zstd.decompress(detached(frame)),
        () =>
          collect(
            new Blob([frame]).stream().pipeThrough(
              new TransformStream({
                transform: (chunk, controller) => controller.enqueue(detached(chunk)),
              }),
            ).pipeThrough(zstd.decompressStream()),
          ),
        () => zstd.decompress(frame, { maxOutputsize: 1 }),
      ];
      const errors = [];
      for (const run of runs) {
        try {
          await run();
          errors.push("no error");
        } catch (e) {
          errors.push(`${e.name}: ${e.message}`);
        }
      }
      return errors;
    });
    assert.equal(result.length, 4);
    for (const [i, what] of ["input", "input", "chunk"].entries()) {
      assert.match(result[i], new RegExp(`^TypeError: ${what} .*detached`));
    }
    assert.equal(
      result[3],
      'TypeError: unknown option "maxOutputsize" (did you mean "maxOutputSize"?)',
    );
  });

  it("compressAsync and decompressAsync run in a module worker", async () => {
    const result = await page.evaluate(async () => {
      const sample = await fetchBytes("/sample.bin");
      const big = new Uint8Array(2 << 20);
      for (let i = 0; i < big.length; i += sample.length) {
        big.set(sample.subarray(0, big.length - i), i);
      }
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const frame = await zstd.compressAsync(big, { level: 19 });
      clearInterval(timer);
      const same = sameBytes(frame, zstd.compress(big, { level: 19 }));
      const back = sameBytes(await zstd.decompressAsync(frame.slice(), { transfer: true }), big);
      const frames = await Promise.all(
        [1, 2, 3, 4, 5, 6].map((level) => zstd.compressAsync(sample, { level })),
      );
      const many = frames.every((f, i) => sameBytes(f, zstd.compress(sample, { level: i + 1 })));
      const moved = sample.slice();
      await zstd.compressAsync(moved, { transfer: true });
      const errors = [];
      for (
        const run of [
          () => zstd.decompressAsync(frame.subarray(0, 1000)),
          () => zstd.compressAsync(sample, { levle: 3 }),
          () => zstd.compressAsync(sample, { signal: AbortSignal.abort() }),
        ]
      ) {
        try {
          await run();
          errors.push("no error");
        } catch (e) {
          errors.push(e instanceof zstd.ZstdError ? `ZstdError ${e.code}` : e.name);
        }
      }
      zstd.terminateWorkers();
      return { ticks, same, back, many, detached: moved.byteLength === 0, errors };
    });
    assert.ok(result.ticks > 0, "the page ran timers during compressAsync");
    assert.ok(result.same, "compressAsync differs from compress");
    assert.ok(result.back && result.many && result.detached, JSON.stringify(result));
    assert.deepEqual(result.errors, ["ZstdError input_truncated", "TypeError", "AbortError"]);
  });

  it("compressAsync with workers: 2 writes one frame from parallel jobs", async () => {
    const result = await page.evaluate(async () => {
      const sample = await fetchBytes("/sample.bin");
      const big = new Uint8Array((1 << 20) + 300_000); // two jobs of 1 MiB with windowLog 17
      for (let i = 0; i < big.length; i += sample.length) {
        big.set(sample.subarray(0, big.length - i), i);
      }
      const options = { level: 5, windowLog: 17, checksum: true };
      const frame = await zstd.compressAsync(big, { ...options, workers: 2 });
      const three = await zstd.compressAsync(big, { ...options, workers: 3 });
      const back = sameBytes(zstd.decompress(frame), big);
      zstd.terminateWorkers();
      return {
        back,
        same: sameBytes(frame, three),
        frames: zstd.readFrameInfo(frame).length,
        split: !sameBytes(frame, zstd.compress(big, options)),
      };
    });
    assert.deepEqual(result, { back: true, same: true, frames: 1, split: true });
  });

  it("raised no uncaught error in the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});
