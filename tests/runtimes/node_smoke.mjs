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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
  zstd = await import(pathToFileURL(join(outDir, "mod.mjs")).href);
});

after(() => {
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
