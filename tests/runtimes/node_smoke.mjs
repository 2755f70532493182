/**
 * Node smoke test: the package built to JavaScript by esbuild (Node 20 runs no TypeScript) and
 * imported from Node round-trips data, and interoperates with libzstd both ways: the zstd CLI,
 * and node:zlib's zstd where Node has it (22.15 and later). Also checks that tree shaking leaves
 * the encoder out of a decoder-only browser bundle (see tools/bundle_sizes.mjs).
 *
 *     node --test tests/runtimes/node_smoke.mjs
 *
 * @module
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { build } from "esbuild";
import { buildBundle, ENCODER_FILES, ENTRIES } from "../../tools/bundle_sizes.mjs";
import { assertBytes, ROOT, sampleData, zstdCli } from "./helpers.mjs";

const SAMPLE = sampleData(300_000);
const LEVELS = [1, 3, 19, -5];

/** @type {typeof import("../../mod.ts")} */
let zstd;
let outDir = "";

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), "zstd-node-smoke-"));
  await build({
    entryPoints: [join(ROOT, "mod.ts")],
    outfile: join(outDir, "mod.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
  });
  // compressAsync's worker, emitted beside the bundle with the bundle's extension (see worker.ts).
  await build({
    entryPoints: [join(ROOT, "worker.ts")],
    outfile: join(outDir, "worker.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
  });
  zstd = await import(pathToFileURL(join(outDir, "mod.mjs")).href);
});

after(() => {
  zstd?.terminateWorkers();
  if (outDir !== "") rmSync(outDir, { recursive: true, force: true });
});

/** Decodes `frame` with every libzstd this machine has and compares with `expected`. */
function assertLibzstdDecodes(frame, expected, what) {
  assertBytes(zstdCli(["-d", "-c"], frame), expected, `${what}, decoded by the zstd CLI`);
  if (typeof zlib.zstdDecompressSync === "function") {
    const out = zlib.zstdDecompressSync(frame);
    assertBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength), expected, what);
  }
}

/** A ReadableStream of `bytes` in chunks of the given sizes, cycled. */
function chunked(bytes, sizes) {
  let pos = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (pos >= bytes.length) return controller.close();
      const end = Math.min(bytes.length, pos + sizes[i++ % sizes.length]);
      controller.enqueue(bytes.slice(pos, end));
      pos = end;
    },
  });
}

async function collect(stream) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The error `fn` throws or rejects with. */
async function caught(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail("no error thrown");
}

/** Asserts that `decompress` and `decompressStream` reject `input` with a ZstdError `code`. */
async function assertRejects(input, code) {
  const oneShot = await caught(() => zstd.decompress(input));
  const streamed = await caught(() =>
    collect(new Blob([input]).stream().pipeThrough(zstd.decompressStream()))
  );
  for (const e of [oneShot, streamed]) {
    assert.ok(e instanceof zstd.ZstdError, String(e));
    assert.equal(e.name, "ZstdError");
    assert.equal(e.code, code);
  }
}

describe("node: built package", () => {
  it("exports the public API", () => {
    for (const name of ["compress", "decompress", "compressStream", "decompressStream"]) {
      assert.equal(typeof zstd[name], "function", name);
    }
    assert.equal(typeof zstd.ZstdError, "function");
    assert.equal(typeof zstd.ZstdDictionary, "function");
    assert.equal(typeof zstd.trainDictionary, "function");
    assert.equal(typeof zstd.readFrameInfo, "function");
  });

  it("readFrameInfo reads the frames of the bundle's compress", () => {
    const frame = zstd.compress(SAMPLE, { checksum: true });
    const [info] = zstd.readFrameInfo(frame);
    assert.equal(info.contentSize, SAMPLE.length);
    assert.equal(info.compressedSize, frame.length);
    assert.equal(info.hasChecksum, true);
  });

  for (const level of LEVELS) {
    it(`compress at level ${level} round-trips and libzstd decodes it`, () => {
      const frame = zstd.compress(SAMPLE, { level });
      assert.ok(frame.length < SAMPLE.length, `${frame.length} bytes`);
      assertBytes(zstd.decompress(frame), SAMPLE, `level ${level}`);
      assertLibzstdDecodes(frame, SAMPLE, `level ${level}`);
    });
  }

  it("compressStream and decompressStream round-trip over odd chunks", async () => {
    const frame = await collect(
      chunked(SAMPLE, [1, 7, 4096, 65537]).pipeThrough(zstd.compressStream({ level: 3 })),
    );
    assertLibzstdDecodes(frame, SAMPLE, "compressStream");
    const out = await collect(chunked(frame, [3, 1000, 1]).pipeThrough(zstd.decompressStream()));
    assertBytes(out, SAMPLE, "decompressStream");
    const viaBlob = await collect(
      new Blob([SAMPLE]).stream().pipeThrough(zstd.compressStream({ level: 1 }))
        .pipeThrough(zstd.decompressStream()),
    );
    assertBytes(viaBlob, SAMPLE, "Blob stream");
  });

  it("writes and checks a content checksum", async () => {
    const frame = zstd.compress(SAMPLE, { level: 3, checksum: true });
    // Frame header descriptor (after the 4-byte magic): bit 2 is the checksum flag.
    assert.equal(frame[4] & 4, 4);
    assertLibzstdDecodes(frame, SAMPLE, "checksum frame");
    assertBytes(zstd.decompress(frame), SAMPLE, "checksum frame");
    const bad = frame.slice();
    bad[bad.length - 1] ^= 1;
    await assertRejects(bad, "checksum_wrong");
  });

  for (const args of [["-19", "--check"], ["-1", "--no-check"], ["--fast=3"]]) {
    it(`decodes a frame from the zstd CLI (${args.join(" ")})`, async () => {
      const frame = zstdCli([...args, "-c"], SAMPLE);
      assertBytes(zstd.decompress(frame), SAMPLE, "decompress");
      const out = await collect(chunked(frame, [5, 777]).pipeThrough(zstd.decompressStream()));
      assertBytes(out, SAMPLE, "decompressStream");
    });
  }

  it("rejects corrupted frames with a ZstdError code", async () => {
    const frame = zstdCli(["-3", "--check", "-c"], SAMPLE);
    const badMagic = frame.slice();
    badMagic[0] ^= 0xff;
    await assertRejects(badMagic, "prefix_unknown");
    await assertRejects(frame.subarray(0, frame.length >> 1), "input_truncated");
  });

  it("misuse: detached buffers and unknown option keys are TypeErrors", async () => {
    // Node 20 has no ArrayBuffer.prototype.detached: the fallback detects the detached buffer.
    const detached = () => {
      const view = zstd.compress(SAMPLE.subarray(0, 1000));
      structuredClone(view.buffer, { transfer: [view.buffer] });
      return view;
    };
    for (const run of [() => zstd.compress(detached()), () => zstd.decompress(detached())]) {
      assert.throws(run, (e) => e instanceof TypeError && /^input .*detached/.test(e.message));
    }
    const written = await caught(() =>
      new Blob([SAMPLE]).stream().pipeThrough(
        new TransformStream({
          transform: (_, controller) => controller.enqueue(detached()),
        }),
      ).pipeThrough(zstd.decompressStream()).pipeTo(new WritableStream())
    );
    assert.ok(written instanceof TypeError && /^chunk .*detached/.test(written.message));
    await assertRejects(new Uint8Array(0), "input_truncated");
    assert.throws(
      () => zstd.decompress(SAMPLE, { maxOutputsize: 1 }),
      {
        name: "TypeError",
        message: 'unknown option "maxOutputsize" (did you mean "maxOutputSize"?)',
      },
    );
    assert.throws(() => zstd.compressStream({ pledgedsize: 5 }), /did you mean "pledgedSize"/);
  });
});

describe("node: compressAsync and decompressAsync (node:worker_threads)", () => {
  it("compress in a worker: the frame of compress, the main thread free meanwhile", async () => {
    const big = sampleData(2 << 20);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const frame = await zstd.compressAsync(big, { level: 19 });
    clearInterval(timer);
    assert.ok(ticks > 0, "the main thread ran timers during compressAsync");
    assertBytes(frame, zstd.compress(big, { level: 19 }), "compressAsync = compress");
    assertLibzstdDecodes(frame, big, "compressAsync at level 19");
    assertBytes(await zstd.decompressAsync(frame), big, "decompressAsync");
  });

  it("10 calls at once, transfer, errors and abort", async () => {
    const inputs = Array.from({ length: 10 }, (_, i) => sampleData(30_000 + i * 1000));
    const frames = await Promise.all(inputs.map((x, i) => zstd.compressAsync(x, { level: i + 1 })));
    frames.forEach((f, i) => assertBytes(f, zstd.compress(inputs[i], { level: i + 1 }), `${i}`));
    const moved = SAMPLE.slice();
    const frame = await zstd.compressAsync(moved, { transfer: true });
    assert.equal(moved.byteLength, 0);
    assertBytes(await zstd.decompressAsync(frame), SAMPLE, "after transfer");
    const e = await caught(() => zstd.decompressAsync(frame.subarray(0, 100)));
    assert.ok(e instanceof zstd.ZstdError);
    assert.equal(e.code, "input_truncated");
    assert.ok((await caught(() => zstd.compressAsync(SAMPLE, { levle: 1 }))) instanceof TypeError);
    const aborted = await caught(() => zstd.compressAsync(SAMPLE, { signal: AbortSignal.abort() }));
    assert.equal(aborted.name, "AbortError");
  });

  it("workers: 2 compresses jobs in parallel into one frame libzstd decodes", async () => {
    const big = sampleData((1 << 20) + 300_000); // two jobs of 1 MiB with windowLog 17
    const options = { level: 5, windowLog: 17, checksum: true };
    const frame = await zstd.compressAsync(big, { ...options, workers: 2 });
    assert.equal(zstd.readFrameInfo(frame).length, 1);
    assertLibzstdDecodes(frame, big, "compressAsync with workers: 2");
    assertBytes(await zstd.compressAsync(big, { ...options, workers: 3 }), frame, "workers: 3");
    const stream = zstd.compressStream({ ...options, workers: 2, pledgedSize: big.length });
    const streamed = new Uint8Array(
      await new Response(new Blob([big]).stream().pipeThrough(stream)).arrayBuffer(),
    );
    assertBytes(streamed, frame, "compressStream with workers: 2");
  });

  it("idle workers do not keep the process alive", () => {
    // A file, not `-e`: workers inherit execArgv, and `--input-type` would stop them.
    const script = join(outDir, "exits.mjs");
    writeFileSync(
      script,
      `import { compressAsync } from "./mod.mjs";
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const f = await compressAsync(new Uint8Array(4 << 20).map((_, i) => i * i >> 7), { level: 19 });
      clearInterval(timer);
      console.log(f.length, ticks > 0);`,
    );
    const out = execFileSync(process.execPath, [script], {
      timeout: 60_000,
      encoding: "utf8",
    });
    assert.match(out, /^\d+ true\n$/); // true: it ran in a worker
  });

  it("without the worker file, the calls run inline", async () => {
    const bare = mkdtempSync(join(tmpdir(), "zstd-node-bare-"));
    try {
      await build({
        entryPoints: [join(ROOT, "mod.ts")],
        outfile: join(bare, "mod.mjs"),
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        logLevel: "silent",
      });
      const lone = await import(pathToFileURL(join(bare, "mod.mjs")).href);
      const frames = await Promise.all(
        [1, 2, 3].map((level) => lone.compressAsync(SAMPLE, { level })),
      );
      frames.forEach((f, i) =>
        assertBytes(f, zstd.compress(SAMPLE, { level: i + 1 }), `inline ${i}`)
      );
      const e = await caught(() => lone.decompressAsync(new Uint8Array([1, 2, 3, 4, 5])));
      assert.equal(e.code, "prefix_unknown");
      lone.terminateWorkers();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe("node: bundles", () => {
  it("tree shaking leaves the encoder out of a decoder-only bundle", async () => {
    const decoder = await buildBundle(ENTRIES["decoder only"], { minify: false });
    // esbuild marks each file's part of a bundle with a "// path" line. Encoder files may leave
    // module-level scratch arrays and constants, never a function or class.
    const encoderCode = [];
    const files = [];
    let file = "";
    for (const line of decoder.text.split("\n")) {
      const mark = /^\/\/ (\S+\.ts)$/.exec(line);
      if (mark !== null) files.push(file = mark[1]);
      else if (ENCODER_FILES.test(file) && /^(async )?(function|class)\b|= class\b/.test(line)) {
        encoderCode.push(`${file}: ${line}`);
      }
    }
    assert.ok(files.includes("decoder/decompress.ts"), `file marks: ${files.join(", ")}`);
    assert.deepEqual(encoderCode, []);

    // The one-shot and fastest block compressors by name (esbuild may add a digit).
    const full = await buildBundle(ENTRIES["full"], { minify: false });
    for (const name of ["compressFrame", "compressBlockFast"]) {
      const definition = new RegExp(`^function ${name}\\d*\\(`, "m");
      assert.match(full.text, definition);
      assert.doesNotMatch(decoder.text, definition);
    }

    const minDecoder = await buildBundle(ENTRIES["decoder only"]);
    const minFull = await buildBundle(ENTRIES["full"]);
    assert.ok(
      minDecoder.code.length < 0.5 * minFull.code.length,
      `decoder only ${minDecoder.code.length} B, full ${minFull.code.length} B`,
    );
  });
});
