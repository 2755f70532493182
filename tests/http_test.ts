/**
 * zstd over HTTP (issue 25), under Deno and Bun: `encodeResponse`'s negotiation, skip rules and
 * window cap, `decodeResponse` on libzstd's frames, `dcz` (RFC 9842) both ways, the stream
 * classes, and a real server (Deno.serve under Deno, Bun.serve under Bun) on 127.0.0.1 answering
 * fetch. Bodies are checked with the zstd CLI (libzstd), never only with our decoder. Chromium's
 * side is tests/runtimes/http_browser.mjs.
 *
 * @module
 */

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  compress,
  compressStream,
  decodeResponse,
  decompress,
  encodeResponse,
  type EncodeResponseOptions,
  ZstdCompressionStream,
  ZstdDecompressionStream,
  ZstdError,
} from "../mod.ts";
import { sameBytes, zstdCli } from "./helpers.ts";
import { DICTIONARY, handler, jsonBody } from "./runtimes/http_app.ts";

const isBun = "Bun" in globalThis;
const JSON_TYPE = { "content-type": "application/json" };
const BODY = jsonBody(50_000);

let tmp = "";
let dictPath = "";
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "zstd-http-"));
  dictPath = join(tmp, "dictionary.json");
  writeFileSync(dictPath, DICTIONARY);
});
after(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
});

function request(acceptEncoding: string | null, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (acceptEncoding !== null) headers.set("accept-encoding", acceptEncoding);
  return new Request("http://localhost/", { ...init, headers });
}

function response(body: Uint8Array | null = BODY, init: ResponseInit = {}): Response {
  return new Response(body as BodyInit | null, { headers: JSON_TYPE, ...init });
}

async function bytesOf(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

/** The Window_Size a frame header declares (RFC 8878 3.1.1.1.2), or its content size. */
function frameWindow(frame: Uint8Array): number {
  assert.deepEqual([...frame.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], "not a zstd frame");
  const fhd = frame[4];
  if ((fhd & 0x20) !== 0) return Infinity; // single segment: the window is the content size
  const exponent = frame[5] >> 3;
  const base = 2 ** (10 + exponent);
  return base + (base / 8) * (frame[5] & 7);
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Errors of an async function (or undefined). */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("encodeResponse", () => {
  it("compresses for a client that accepts zstd: headers kept, Vary appended, the CLI decodes", async () => {
    const original = response(BODY, {
      status: 201,
      statusText: "Created",
      headers: {
        ...JSON_TYPE,
        "content-length": String(BODY.length),
        "vary": "Origin",
        "etag": '"v1"',
        "accept-ranges": "bytes",
        "x-custom": "kept",
        "set-cookie": "a=b",
      },
    });
    const res = await encodeResponse(request("gzip, deflate, br, zstd"), original, { level: 19 });
    assert.equal(res.status, 201);
    assert.equal(res.statusText, "Created");
    assert.equal(res.headers.get("content-encoding"), "zstd");
    assert.equal(res.headers.get("vary"), "Origin, Accept-Encoding");
    assert.equal(res.headers.get("content-length"), null);
    assert.equal(res.headers.get("accept-ranges"), null);
    assert.equal(res.headers.get("etag"), 'W/"v1"');
    assert.equal(res.headers.get("x-custom"), "kept");
    assert.equal(res.headers.get("set-cookie"), "a=b");
    assert.equal(res.headers.get("content-type"), "application/json");
    const frame = await bytesOf(res);
    assert.ok(frame.length < BODY.length / 4, `${frame.length} bytes`);
    assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), BODY), "the zstd CLI decodes the body");
  });

  it("accepts a Promise<Response>, and keeps a Vary that already names Accept-Encoding", async () => {
    const res = await encodeResponse(
      request("zstd"),
      Promise.resolve(response(BODY, { headers: { ...JSON_TYPE, vary: "accept-encoding" } })),
    );
    assert.equal(res.headers.get("content-encoding"), "zstd");
    assert.equal(res.headers.get("vary"), "accept-encoding");
    assert.ok(sameBytes(zstdCli(["-d", "-c"], await bytesOf(res)), BODY));
  });

  it("keeps the window at 8 MiB or less at every level (RFC 9659), 22 included", async () => {
    const body = jsonBody(20_000);
    for (const level of [1, 3, 9, 19, 20, 21, 22]) {
      // A stream without Content-Length: the size is unknown, so levels 20-22 would take
      // their 32-128 MiB windows.
      const stream = new Blob([body as BlobPart]).stream();
      const res = await encodeResponse(request("zstd"), new Response(stream), { level });
      const frame = await bytesOf(res);
      const window = frameWindow(frame);
      assert.ok(window <= 8 << 20, `level ${level}: window ${window}`);
      assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), body), `level ${level}: zstd CLI`);
    }
    // Without the cap, the same stream at level 22 declares a 128 MiB window (what the
    // browser test shows Chromium refusing): compressStream's own frame, for comparison.
    const uncapped = new Uint8Array(
      await new Response(
        new Blob([jsonBody(2000) as BlobPart]).stream().pipeThrough(
          compressStream({ level: 1, windowLog: 27 }),
        ),
      ).arrayBuffer(),
    );
    assert.equal(frameWindow(uncapped), 128 << 20);
  });

  it("fits the window to a Content-Length", async () => {
    const res = await encodeResponse(
      request("zstd"),
      response(BODY, { headers: { ...JSON_TYPE, "content-length": String(BODY.length) } }),
      { level: 22 },
    );
    const frame = await bytesOf(res);
    assert.ok(frameWindow(frame) <= 64 << 10, `window ${frameWindow(frame)}`);
    assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), BODY));
  });

  describe("Accept-Encoding and q-values", () => {
    const cases: [string | null, boolean][] = [
      [null, false],
      ["", false],
      ["gzip, deflate, br", false],
      ["zstd", true],
      ["ZStd", true],
      ["gzip, deflate, br, zstd", true],
      ["zstd;q=0", false],
      ["zstd; q=0.000", false],
      ["gzip;q=1, zstd;q=0.5", true],
      ["br;q=1.0, zstd;q=0.8, *;q=0.1", true],
      ["*", true],
      ["*;q=0", false],
      ["*, zstd;q=0", false],
      ["zstd;q=0.5, identity;q=1", false],
      ["zstd;q=0.5, identity;q=0.5", true],
      ["identity", false],
      ["zstd;q=0.1, identity;q=0", true],
    ];
    for (const [header, compressed] of cases) {
      it(`${JSON.stringify(header)}: ${compressed ? "zstd" : "not compressed"}`, async () => {
        const res = await encodeResponse(request(header), response());
        assert.equal(res.headers.get("content-encoding"), compressed ? "zstd" : null);
        // The choice depended on Accept-Encoding either way: caches must know.
        assert.equal(res.headers.get("vary"), "Accept-Encoding");
        const body = await bytesOf(res);
        assert.ok(sameBytes(compressed ? zstdCli(["-d", "-c"], body) : body, BODY));
      });
    }
  });

  describe("skip rules: the response is returned as it is", () => {
    const skips: [string, () => [Request, Response, EncodeResponseOptions?]][] = [
      ["a HEAD request", () => [request("zstd", { method: "HEAD" }), response()]],
      ["status 204", () => [request("zstd"), response(null, { status: 204 })]],
      ["status 304", () => [request("zstd"), response(null, { status: 304 })]],
      ["a bodiless 200", () => [request("zstd"), response(null)]],
      [
        "status 206 (a range)",
        () => [
          request("zstd"),
          response(BODY, {
            status: 206,
            headers: { ...JSON_TYPE, "content-range": `bytes 0-49999/90000` },
          }),
        ],
      ],
      [
        "a Content-Range on another status",
        () => [
          request("zstd"),
          response(BODY, { headers: { ...JSON_TYPE, "content-range": "bytes 0-49999/50000" } }),
        ],
      ],
      [
        "already encoded (gzip)",
        () => [request("zstd"), response(BODY, { headers: { "content-encoding": "gzip" } })],
      ],
      [
        "already encoded (zstd)",
        () => [request("zstd"), response(BODY, { headers: { "content-encoding": "zstd" } })],
      ],
      [
        "Cache-Control: no-transform",
        () => [
          request("zstd"),
          response(BODY, { headers: { ...JSON_TYPE, "cache-control": "public, No-Transform" } }),
        ],
      ],
      [
        "a Content-Length below the threshold",
        () => [
          request("zstd"),
          response(BODY.subarray(0, 1023), {
            headers: { ...JSON_TYPE, "content-length": "1023" },
          }),
        ],
      ],
      [
        "a Content-Length below a chosen threshold",
        () => [
          request("zstd"),
          response(BODY, { headers: { ...JSON_TYPE, "content-length": String(BODY.length) } }),
          { threshold: BODY.length + 1 },
        ],
      ],
      [
        "a media type refused by the compressible option",
        () => [request("zstd"), response(), {
          compressible: (type) => type !== "application/json",
        }],
      ],
    ];
    for (
      const type of [
        "image/png",
        "image/jpeg",
        "image/webp",
        "video/mp4",
        "audio/mpeg",
        "application/zip",
        "application/gzip",
        "application/zstd",
        "application/x-xz",
        "application/octet-stream",
        "application/pdf",
        "application/epub+zip",
        "font/woff2",
        "font/woff",
        "text/event-stream",
      ]
    ) {
      skips.push([
        `Content-Type ${type}`,
        () => [request("zstd"), response(BODY, { headers: { "content-type": type } })],
      ]);
    }
    for (const [name, make] of skips) {
      it(name, async () => {
        const [req, res, options] = make();
        const out = await encodeResponse(req, res, options);
        assert.equal(out, res, "the same Response object");
        assert.equal(
          out.headers.get("content-encoding") ?? "",
          res.headers.get("content-encoding") ?? "",
        );
      });
    }

    it("a body shorter than the threshold, its length unknown (read, then sent as it is)", async () => {
      const small = BODY.subarray(0, 1000);
      const parts = [small.subarray(0, 300), small.subarray(300)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const part = parts.shift();
          if (part === undefined) controller.close();
          else controller.enqueue(part);
        },
      });
      const out = await encodeResponse(
        request("zstd"),
        new Response(stream, { status: 202, headers: { ...JSON_TYPE, "x-custom": "kept" } }),
      );
      assert.equal(out.headers.get("content-encoding"), null);
      assert.equal(out.status, 202);
      assert.equal(out.headers.get("x-custom"), "kept");
      assert.ok(sameBytes(await bytesOf(out), small));
    });

    it("compressed again when the rule does not apply: types that compress", async () => {
      for (
        const type of [
          "image/svg+xml",
          "text/html; charset=utf-8",
          "text/css",
          "application/javascript",
          "application/wasm",
          "application/ld+json",
          null,
        ]
      ) {
        const headers: HeadersInit = type === null ? {} : { "content-type": type };
        const res = await encodeResponse(
          request("zstd"),
          new Response(BODY as BodyInit, { headers }),
        );
        assert.equal(res.headers.get("content-encoding"), "zstd", String(type));
        assert.ok(sameBytes(zstdCli(["-d", "-c"], await bytesOf(res)), BODY), String(type));
      }
    });

    it("compressed: Content-Encoding identity, and threshold 0 on an empty body", async () => {
      const identity = await encodeResponse(
        request("zstd"),
        response(BODY, { headers: { ...JSON_TYPE, "content-encoding": "identity" } }),
      );
      assert.equal(identity.headers.get("content-encoding"), "zstd");
      assert.ok(sameBytes(zstdCli(["-d", "-c"], await bytesOf(identity)), BODY));
      const empty = await encodeResponse(request("zstd"), response(new Uint8Array(0)), {
        threshold: 0,
      });
      assert.equal(empty.headers.get("content-encoding"), "zstd");
      const frame = await bytesOf(empty);
      assert.ok(frame.length > 0);
      assert.equal(zstdCli(["-d", "-c"], frame).length, 0);
    });
  });

  it("dcz (RFC 9842): with the client's dictionary, the 40-byte header then a frame libzstd decodes with it", async () => {
    const hash = await sha256(DICTIONARY);
    const available = `:${base64(hash)}:`;
    const body = jsonBody(50_000, 8);
    const req = request("gzip, br, zstd, dcb, dcz", {
      headers: { "available-dictionary": available },
    });
    const res = await encodeResponse(req, response(body), { dictionary: DICTIONARY, level: 19 });
    assert.equal(res.headers.get("content-encoding"), "dcz");
    assert.equal(res.headers.get("vary"), "Accept-Encoding, Available-Dictionary");
    const bytes = await bytesOf(res);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0, 0, 0]);
    assert.deepEqual([...bytes.subarray(8, 40)], [...hash]);
    const frame = bytes.subarray(40);
    assert.ok(sameBytes(zstdCli(["-d", "-c", "-D", dictPath], frame), body), "zstd -D");
    // Smaller than zstd without the dictionary.
    const plain = await bytesOf(
      await encodeResponse(request("zstd"), response(body), { level: 19 }),
    );
    assert.ok(bytes.length < plain.length, `dcz ${bytes.length}, zstd ${plain.length}`);
    // And our decoder, through decodeResponse.
    const decoded = await decodeResponse(
      new Response(bytes as BodyInit, { headers: { "content-encoding": "dcz" } }),
      { dictionary: DICTIONARY },
    );
    assert.ok(sameBytes(await bytesOf(decoded), body));
  });

  it("dcz of a new version against the old one: the window spans both, at most 8 MiB here", async () => {
    const available = `:${base64(await sha256(DICTIONARY))}:`;
    const tail = new TextEncoder().encode(',{"id":"new","added":true}]');
    const v2 = new Uint8Array(DICTIONARY.length + tail.length);
    v2.set(DICTIONARY);
    v2.set(tail, DICTIONARY.length);
    const req = request("zstd, dcz", { headers: { "available-dictionary": available } });
    const dcz = await bytesOf(await encodeResponse(req, response(v2), { dictionary: DICTIONARY }));
    const zstd = await bytesOf(await encodeResponse(request("zstd"), response(v2)));
    assert.ok(dcz.length * 5 < zstd.length, `dcz ${dcz.length}, zstd ${zstd.length}`);
    const window = frameWindow(dcz.subarray(40));
    assert.ok(window >= v2.length && window <= 8 << 20, `window ${window}`);
    assert.ok(sameBytes(zstdCli(["-d", "-c", "-D", dictPath], dcz.subarray(40)), v2));
  });

  it("dcz only when the client has the same dictionary and accepts dcz; zstd otherwise", async () => {
    const good = `:${base64(await sha256(DICTIONARY))}:`;
    const other = `:${base64(await sha256(BODY))}:`;
    const cases: [string, string | null, string | null][] = [
      ["zstd, dcz", good, "dcz"],
      ["dcz", good, "dcz"],
      ["zstd, dcz", other, "zstd"],
      ["zstd, dcz", null, "zstd"],
      ["zstd, dcz", "not a byte sequence", "zstd"],
      ["zstd", good, "zstd"],
      ["zstd, dcz;q=0", good, "zstd"],
      ["zstd, dcz;q=0.5", good, "zstd"],
      ["gzip", good, null],
    ];
    for (const [accept, available, expected] of cases) {
      const headers: Record<string, string> = {};
      if (available !== null) headers["available-dictionary"] = available;
      const res = await encodeResponse(request(accept, { headers }), response(), {
        dictionary: DICTIONARY,
      });
      assert.equal(res.headers.get("content-encoding"), expected, `${accept} / ${available}`);
      assert.equal(res.headers.get("vary"), "Accept-Encoding, Available-Dictionary");
      await res.body?.cancel();
    }
  });

  it("misuse: TypeError or RangeError naming the argument", async () => {
    const req = request("zstd");
    const cases: [() => Promise<unknown>, ErrorConstructor, RegExp][] = [
      [() => encodeResponse("/" as unknown as Request, response()), TypeError, /request/],
      [() => encodeResponse(req, "body" as unknown as Response), TypeError, /response/],
      [
        () => encodeResponse(req, Promise.resolve(null as unknown as Response)),
        TypeError,
        /response/,
      ],
      [
        () => encodeResponse(req, response(), "fast" as unknown as EncodeResponseOptions),
        TypeError,
        /options/,
      ],
      [
        () => encodeResponse(req, response(), { level: "3" as unknown as number }),
        TypeError,
        /level/,
      ],
      [() => encodeResponse(req, response(), { level: 23 }), RangeError, /level/],
      [() => encodeResponse(req, response(), { threshold: -1 }), RangeError, /threshold/],
      [
        () => encodeResponse(req, response(), { threshold: "1" as unknown as number }),
        TypeError,
        /threshold/,
      ],
      [
        () => encodeResponse(req, response(), { dictionary: "d" as unknown as Uint8Array }),
        TypeError,
        /dictionary/,
      ],
      [
        () => encodeResponse(req, response(), { compressible: 1 as unknown as () => boolean }),
        TypeError,
        /compressible/,
      ],
      [
        () => encodeResponse(req, response(), { windowLog: 27 } as EncodeResponseOptions),
        TypeError,
        /windowLog/,
      ],
    ];
    for (const [fn, type, message] of cases) {
      const e = await caught(fn);
      assert.ok(e instanceof type, `${fn}: ${e}`);
      assert.match((e as Error).message, message);
    }
  });
});

describe("decodeResponse", () => {
  it("decodes libzstd's zstd body; Content-Encoding and Content-Length removed, the rest kept", async () => {
    const frame = zstdCli(["-19", "--check", "-c"], BODY);
    const res = await decodeResponse(
      new Response(frame as BodyInit, {
        status: 200,
        statusText: "Fine",
        headers: {
          ...JSON_TYPE,
          "content-encoding": "zstd",
          "content-length": String(frame.length),
          "x-custom": "kept",
        },
      }),
    );
    assert.equal(res.statusText, "Fine");
    assert.equal(res.headers.get("content-encoding"), null);
    assert.equal(res.headers.get("content-length"), null);
    assert.equal(res.headers.get("x-custom"), "kept");
    assert.ok(sameBytes(await bytesOf(res), BODY));
  });

  it("decodes libzstd's dcz body (zstd -D with the raw dictionary, the dcz header before it)", async () => {
    const body = jsonBody(40_000, 8);
    const frame = zstdCli(["-19", "-c", "-D", dictPath], body);
    const dcz = new Uint8Array(40 + frame.length);
    dcz.set([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0, 0, 0]);
    dcz.set(await sha256(DICTIONARY), 8);
    dcz.set(frame, 40);
    const res = await decodeResponse(
      new Response(dcz as BodyInit, { headers: { "content-encoding": "dcz" } }),
      { dictionary: DICTIONARY },
    );
    assert.ok(sameBytes(await bytesOf(res), body));
    // Refusals, before the body is read further.
    const make = (bytes: Uint8Array) =>
      new Response(bytes as BodyInit, { headers: { "content-encoding": "dcz" } });
    const codes: string[] = [];
    for (
      const [bytes, dictionary] of [
        [dcz, BODY],
        [dcz, undefined],
        [dcz.subarray(0, 30), DICTIONARY],
        [frame, DICTIONARY],
      ] as [Uint8Array, Uint8Array | undefined][]
    ) {
      const e = await caught(() => decodeResponse(make(bytes), dictionary ? { dictionary } : {}));
      codes.push(e instanceof ZstdError ? e.code : String(e));
    }
    assert.deepEqual(codes, [
      "dictionary_wrong",
      "dictionary_wrong",
      "input_truncated",
      "prefix_unknown",
    ]);
  });

  it("limits: an 8 MiB window by default (RFC 9659), maxWindowLog and maxOutputSize", async () => {
    // From stdin the CLI does not know the size: the header declares the 16 MiB window.
    const frame = zstdCli(["-3", "--long=24", "-c"], BODY);
    assert.equal(frameWindow(frame), 16 << 20);
    const make = () => new Response(frame as BodyInit, { headers: { "content-encoding": "zstd" } });
    const e = await caught(async () => await (await decodeResponse(make())).arrayBuffer());
    assert.ok(e instanceof ZstdError && e.code === "window_too_large", String(e));
    const wide = await decodeResponse(make(), { maxWindowLog: 24 });
    assert.ok(sameBytes(await bytesOf(wide), BODY));
    const e2 = await caught(async () =>
      await (await decodeResponse(make(), { maxWindowLog: 24, maxOutputSize: 1000 })).arrayBuffer()
    );
    assert.ok(e2 instanceof ZstdError && e2.code === "output_too_large", String(e2));
  });

  it("peels zstd off a list of codings, leaves other codings and plain responses alone", async () => {
    const frame = compress(BODY);
    const res = await decodeResponse(
      new Response(frame as BodyInit, { headers: { "content-encoding": "gzip, zstd" } }),
    );
    assert.equal(res.headers.get("content-encoding"), "gzip");
    assert.ok(sameBytes(await bytesOf(res), BODY));
    for (const coding of [null, "gzip", "identity"]) {
      const plain = new Response(BODY as BodyInit, {
        headers: coding === null ? {} : { "content-encoding": coding },
      });
      assert.equal(await decodeResponse(plain), plain);
    }
  });

  it("misuse: TypeError or RangeError naming the argument", async () => {
    const res = () =>
      new Response(compress(BODY) as BodyInit, { headers: { "content-encoding": "zstd" } });
    const cases: [() => Promise<unknown>, ErrorConstructor, RegExp][] = [
      [() => decodeResponse("x" as unknown as Response), TypeError, /response/],
      [() => decodeResponse(res(), { maxWindowLog: 40 }), RangeError, /maxWindowLog/],
      [() => decodeResponse(res(), { maxOutputSize: -1 }), RangeError, /maxOutputSize/],
      [
        () => decodeResponse(res(), { verifyChecksum: 1 as unknown as boolean }),
        TypeError,
        /verifyChecksum/,
      ],
      [
        () => decodeResponse(res(), { dictionary: [] as unknown as Uint8Array }),
        TypeError,
        /dictionary/,
      ],
      [() => decodeResponse(res(), { level: 3 } as unknown as object), TypeError, /level/],
    ];
    for (const [fn, type, message] of cases) {
      const e = await caught(fn);
      assert.ok(e instanceof type, `${fn}: ${e}`);
      assert.match((e as Error).message, message);
    }
  });
});

describe("ZstdCompressionStream and ZstdDecompressionStream", () => {
  /** Code written for the Web's CompressionStream, taking the class as a parameter. */
  async function pipe(
    Stream: new (format: "zstd") => TransformStream<Uint8Array, Uint8Array>,
    bytes: Uint8Array,
  ): Promise<Uint8Array> {
    const out = new Blob([bytes as BlobPart]).stream().pipeThrough(new Stream("zstd"));
    return new Uint8Array(await new Response(out).arrayBuffer());
  }

  it("are drop-in for CompressionStream and DecompressionStream; libzstd reads and writes them", async () => {
    const frame = await pipe(ZstdCompressionStream, BODY);
    assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), BODY));
    const cli = zstdCli(["-19", "-c"], BODY);
    assert.ok(sameBytes(await pipe(ZstdDecompressionStream, cli), BODY));
    const s = new ZstdCompressionStream({ level: 19, checksum: true });
    assert.ok(s.readable instanceof ReadableStream && s.writable instanceof WritableStream);
    const withOptions = new Blob([BODY as BlobPart]).stream().pipeThrough(s);
    const f2 = new Uint8Array(await new Response(withOptions).arrayBuffer());
    assert.ok(sameBytes(decompress(f2), BODY));
    assert.ok(sameBytes(zstdCli(["-d", "-c"], f2), BODY));
  });

  it("refuse another format and bad options", () => {
    assert.throws(() => new ZstdCompressionStream("gzip" as "zstd"), TypeError);
    assert.throws(() => new ZstdDecompressionStream("deflate" as "zstd"), TypeError);
    assert.throws(() => new ZstdCompressionStream({ level: 99 }), RangeError);
    assert.throws(() => new ZstdDecompressionStream({ maxWindowLog: 5 }), RangeError);
    assert.throws(() => new ZstdCompressionStream(7 as unknown as "zstd"), TypeError);
  });

  it("ZstdDecompressionStream applies its limits", async () => {
    const stream = new Blob([compress(BODY) as BlobPart]).stream()
      .pipeThrough(new ZstdDecompressionStream({ maxOutputSize: 100 }));
    const e = await caught(() => new Response(stream).arrayBuffer());
    assert.ok(e instanceof ZstdError && e.code === "output_too_large", String(e));
  });
});

/** The part of Bun's server API used here. */
interface BunServer {
  port: number;
  stop(force: boolean): void;
}

describe(`a real ${isBun ? "Bun.serve" : "Deno.serve"} on 127.0.0.1, fetched`, () => {
  let base = "";
  let stop: () => Promise<void> = () => Promise.resolve();
  before(async () => {
    const bun = (globalThis as {
      Bun?: {
        serve(o: {
          hostname: string;
          port: number;
          idleTimeout: number;
          fetch: typeof handler;
        }): BunServer;
      };
    }).Bun;
    if (bun !== undefined) {
      const server = bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        idleTimeout: 255,
        fetch: handler,
      });
      base = `http://127.0.0.1:${server.port}`;
      stop = () => Promise.resolve(server.stop(true));
    } else {
      const ready = Promise.withResolvers<number>();
      const server = Deno.serve({
        hostname: "127.0.0.1",
        port: 0,
        onListen: ({ port }) => ready.resolve(port),
      }, handler);
      base = `http://127.0.0.1:${await ready.promise}`;
      stop = () => server.shutdown();
    }
  });
  after(() => stop());

  /** fetch, with Bun's own zstd decoding off (Bun's fetch decodes zstd, keeping the header). */
  function get(path: string, headers: Record<string, string>): Promise<Response> {
    const init = { headers, ...(isBun ? { decompress: false } : {}) } as RequestInit;
    return fetch(base + path, init);
  }

  it("serves zstd that the zstd CLI and decodeResponse decode, at levels 1, 3, 19 and 22", async () => {
    for (const [level, size] of [[1, 2_000_000], [3, 300_000], [19, 100_000], [22, 60_000]]) {
      const path = `/json?size=${size}&level=${level}&chunked=1`;
      const original = jsonBody(size);
      const res = await get(path, { "accept-encoding": "gzip, br, zstd" });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-encoding"), "zstd");
      assert.equal(res.headers.get("vary"), "Accept-Encoding");
      assert.equal(res.headers.get("content-type"), "application/json");
      const frame = await bytesOf(res);
      assert.ok(frameWindow(frame) <= 8 << 20, `level ${level}: window ${frameWindow(frame)}`);
      assert.ok(sameBytes(zstdCli(["-d", "-c"], frame), original), `level ${level}: zstd CLI`);
      const decoded = await decodeResponse(get(path, { "accept-encoding": "zstd" }));
      assert.equal(decoded.headers.get("content-encoding"), null);
      assert.ok(sameBytes(await bytesOf(decoded), original), `level ${level}: decodeResponse`);
    }
  });

  it("serves identity to a client that does not accept zstd, and small bodies as they are", async () => {
    const plain = await get("/json?size=5000", { "accept-encoding": "gzip;q=1, zstd;q=0" });
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.ok(sameBytes(await bytesOf(plain), jsonBody(5000)));
    const small = await get("/json?size=100", { "accept-encoding": "zstd" });
    assert.equal(small.headers.get("content-encoding"), null);
    assert.ok(sameBytes(await bytesOf(small), jsonBody(100)));
  });

  it("serves dcz to a client with the dictionary; decodeResponse and zstd -D decode it", async () => {
    const dictionary = await bytesOf(await get("/dict", {}));
    assert.ok(sameBytes(dictionary, DICTIONARY));
    const available = `:${base64(await sha256(dictionary))}:`;
    const headers = {
      "accept-encoding": "gzip, br, zstd, dcb, dcz",
      "available-dictionary": available,
    };
    const original = jsonBody(200_000, 8);
    const res = await get("/dcz/json?size=200000&level=19", headers);
    assert.equal(res.headers.get("content-encoding"), "dcz");
    const bytes = await bytesOf(res);
    assert.ok(sameBytes(zstdCli(["-d", "-c", "-D", dictPath], bytes.subarray(40)), original));
    const decoded = await decodeResponse(get("/dcz/json?size=200000&level=19", headers), {
      dictionary,
    });
    assert.ok(sameBytes(await bytesOf(decoded), original));
  });
});
