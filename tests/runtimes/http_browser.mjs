/**
 * zstd over HTTP in a real browser (issue 25): tests/runtimes/http_server.ts runs as a child
 * process under Deno (Deno.serve) and under Bun (Bun.serve), answering through
 * `encodeResponse`; headless Chromium (playwright-core) loads the page and fetches JSON from
 * each, decoding with its own zstd decoder. Checked in the page: the SHA-256 of every decoded
 * body against the original's, the headers, and that the transfer was compressed, for bodies
 * from 0 bytes to 20 MB at levels 1, 3, 19 and 22. Also shown here:
 *
 * - a body that libzstd compressed at level 22 with a 128 MiB window (`zstd --ultra -22
 *   --long=27`, what level 22 does without the cap) fails in Chromium, fetched or loaded as a
 *   page, while the zstd CLI decodes it; our level 22 (window capped at 8 MiB) loads;
 * - `dcz` (RFC 9842): Chromium stores the dictionary sent with `Use-As-Dictionary`, announces it
 *   in `Available-Dictionary`, and decodes our `dcz` response;
 * - the decoder side under Node: `decodeResponse(fetch(...))` on the servers' zstd and dcz
 *   responses (Node's fetch decodes neither), checked against the zstd CLI's output.
 *
 *     node --test tests/runtimes/http_browser.mjs
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { assertBytes, CHROMIUM, CHROMIUM_ARGS, ROOT, zstdCli } from "./helpers.mjs";

const SERVERS = {
  "Deno.serve": [join(ROOT, "node_modules/deno/deno"), ["run", "-A"]],
  "Bun.serve": [join(ROOT, "node_modules/bun/bin/bun.exe"), []],
};
const MARKER = "uncapped window marker";

let tmp = "";
let browser;
/** @type {typeof import("../../mod.ts")} */
let zstd;
const children = [];
const ports = {};
/** The uncapped page: its bytes, and libzstd's frame with a 128 MiB window. */
let uncapped;
let uncappedFrame;

/** Starts a server script under a runtime; resolves with the port it prints. */
function startServer(command, args) {
  const child = spawn(command, [...args, join(ROOT, "tests/runtimes/http_server.ts")], {
    cwd: ROOT,
    env: { ...process.env, HTTP_TEST_FIXTURES: tmp, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${command}: no port after 120 s`)), 120_000);
    child.stdout.on("data", (data) => {
      out += data;
      const m = /PORT (\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
  });
}

/** A raw GET (no decoding): status, headers and body bytes. */
function rawGet(port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers }, (res) => {
      const parts = [];
      res.on("data", (d) => parts.push(d));
      res.on("end", () => {
        const b = Buffer.concat(parts);
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The Window_Size a frame header declares (Infinity for a single-segment frame). */
function frameWindow(frame) {
  assert.deepEqual([...frame.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], "not a zstd frame");
  if ((frame[4] & 0x20) !== 0) return Infinity;
  const base = 2 ** (10 + (frame[5] >> 3));
  return base + (base / 8) * (frame[5] & 7);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest();

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install chromium`);
  tmp = mkdtempSync(join(tmpdir(), "zstd-http-browser-"));
  // The uncapped body: libzstd at level 22 with a 128 MiB window. From stdin the CLI does not
  // know the size, so the window stays as large as level 22 (with --long=27) makes it.
  uncapped = new TextEncoder().encode(
    `<!doctype html><title>uncapped</title><h1>${MARKER}</h1>\n` +
      Array.from({ length: 3000 }, (_, i) => `<p>row ${i}: ${(i * 7919) % 10007}</p>`).join("\n"),
  );
  uncappedFrame = zstdCli(["--ultra", "-22", "--long=27", "-c", "-q"], uncapped);
  assert.equal(frameWindow(uncappedFrame), 128 << 20);
  writeFileSync(join(tmp, "uncapped.html"), uncapped);
  writeFileSync(join(tmp, "uncapped.html.zst"), uncappedFrame);
  await build({
    entryPoints: [join(ROOT, "mod.ts")],
    outfile: join(tmp, "mod.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
  });
  zstd = await import(pathToFileURL(join(tmp, "mod.mjs")).href);
  for (const [name, [command, args]] of Object.entries(SERVERS)) {
    ports[name] = await startServer(command, args);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
});

after(async () => {
  await browser?.close();
  for (const child of children) child.kill();
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
});

/** [level, size, query, expected coding]: bodies from 0 bytes to 20 MB. */
const CASES = [
  [1, 0, "threshold=0", "zstd"],
  [1, 500, "", null],
  [1, 20_000_000, "chunked=1", "zstd"],
  [3, 0, "threshold=0", "zstd"],
  [3, 5_000, "", "zstd"],
  [3, 1_000_000, "length=1", "zstd"],
  [3, 20_000_000, "", "zstd"],
  [19, 0, "threshold=0", "zstd"],
  [19, 5_000, "", "zstd"],
  [19, 400_000, "chunked=1", "zstd"],
  [22, 0, "threshold=0", "zstd"],
  [22, 5_000, "", "zstd"],
  [22, 250_000, "chunked=1", "zstd"],
];

for (const name of Object.keys(SERVERS)) {
  describe(`Chromium and ${name}`, () => {
    let page;
    const pageErrors = [];
    const base = () => `http://127.0.0.1:${ports[name]}`;

    before(async () => {
      page = await browser.newPage();
      page.on("pageerror", (e) => pageErrors.push(String(e)));
    });
    after(() => page?.close());

    it("loads the zstd-encoded page", async () => {
      const response = await page.goto(`${base()}/`);
      assert.equal(response.status(), 200);
      const headers = response.headers();
      assert.equal(headers["content-encoding"], "zstd");
      assert.equal(headers["vary"], "Accept-Encoding");
      assert.match(headers["content-type"], /^text\/html/);
      await page.waitForFunction(() => globalThis.ready === true, null, { timeout: 60_000 });
      assert.equal(await page.textContent("#marker"), "zstd over HTTP");
      const sizes = await page.evaluate(() => {
        const entry = performance.getEntriesByType("navigation")[0];
        return [entry.encodedBodySize, entry.decodedBodySize];
      });
      assert.ok(sizes[0] > 0 && sizes[0] < sizes[1] / 2, `transferred ${sizes}`);
    });

    for (const [level, size, query, coding] of CASES) {
      it(`fetches ${size} bytes of JSON at level ${level} ${query}`, async () => {
        const url = `/json?size=${size}&level=${level}${query === "" ? "" : `&${query}`}`;
        const r = await page.evaluate((url) => globalThis.check(url), url);
        assert.equal(r.error, undefined, r.error);
        assert.equal(r.status, 200);
        assert.equal(r.length, size);
        assert.equal(r.same, true, "the decoded body's SHA-256 differs from the original's");
        assert.equal(r.json, size === 0 ? null : true);
        assert.equal(r.encoding, coding);
        assert.equal(r.vary, coding === null ? null : "Accept-Encoding");
        assert.match(r.acceptEncoding, /\bzstd\b/);
        if (size >= 5000) {
          assert.ok(r.encodedBodySize < r.decodedBodySize / 2, `${JSON.stringify(r)}`);
        }
      });
    }

    it("our level 22 declares an 8 MiB window; the zstd CLI decodes the same bytes", async () => {
      const path = "/json?size=250000&level=22&chunked=1";
      const res = await rawGet(ports[name], path, { "accept-encoding": "zstd" });
      assert.equal(res.headers["content-encoding"], "zstd");
      // Deno sends it chunked; Bun, having the whole stream before it answers, counts it.
      const length = res.headers["content-length"];
      assert.ok(length === undefined || Number(length) === res.body.length, length);
      assert.equal(frameWindow(res.body), 8 << 20);
      const original = await rawGet(ports[name], path, { "accept-encoding": "identity" });
      assert.equal(original.headers["content-encoding"], undefined);
      assertBytes(zstdCli(["-d", "-c"], res.body), original.body, "level 22, zstd CLI");
    });

    it("a level-22 body with a 128 MiB window fails in Chromium (ERR_ZSTD_WINDOW_SIZE_TOO_BIG), the zstd CLI decodes it, ours loads", async () => {
      const res = await rawGet(ports[name], "/uncapped.html", { "accept-encoding": "zstd" });
      assertBytes(res.body, uncappedFrame, "the uncapped frame as served");
      assertBytes(zstdCli(["-d", "-c"], res.body), uncapped, "the zstd CLI decodes it");
      const failedRequest = (target) =>
        target.waitForEvent("requestfailed", {
          predicate: (r) => r.url().endsWith("/uncapped.html"),
          timeout: 120_000,
        });
      // Fetched: the promise rejects, and Chromium names the reason.
      const fetchFailed = failedRequest(page);
      const fetched = await page.evaluate(() => globalThis.check("/uncapped.html"));
      assert.match(String(fetched.error), /Failed to fetch/, JSON.stringify(fetched));
      assert.equal((await fetchFailed).failure()?.errorText, "net::ERR_ZSTD_WINDOW_SIZE_TOO_BIG");
      // As a page: the navigation commits (status 200, Content-Encoding: zstd), then the body
      // fails and the page stays empty.
      const other = await browser.newPage();
      try {
        const navigationFailed = failedRequest(other);
        const response = await other.goto(`${base()}/uncapped.html`, { waitUntil: "commit" });
        assert.equal(response.headers()["content-encoding"], "zstd");
        assert.equal(
          (await navigationFailed).failure()?.errorText,
          "net::ERR_ZSTD_WINDOW_SIZE_TOO_BIG",
        );
        const text = await other.evaluate(() => document.documentElement?.innerText ?? "");
        assert.ok(!text.includes(MARKER), `Chromium rendered the uncapped page: ${text}`);
      } finally {
        await other.close();
      }
      // The same page compressed by encodeResponse at level 22 loads.
      const capped = await browser.newPage();
      try {
        const response = await capped.goto(`${base()}/capped.html`);
        assert.equal(response.headers()["content-encoding"], "zstd");
        assert.equal(await capped.textContent("h1"), MARKER);
      } finally {
        await capped.close();
      }
    });

    it("dcz (RFC 9842): Chromium announces the dictionary and decodes our dcz response", async () => {
      const dictionary = (await rawGet(ports[name], "/dict", {})).body;
      const available = `:${sha256(dictionary).toString("base64")}:`;
      const r = await page.evaluate(async () => {
        await (await fetch("/dict")).arrayBuffer();
        // The dictionary is stored once read; wait for requests to carry it.
        let r;
        for (let i = 0; i < 40; i++) {
          r = await globalThis.check("/dcz/json?size=200000&level=19");
          if (r.encoding === "dcz" || r.error !== undefined) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        return r;
      });
      assert.equal(r.error, undefined, r.error);
      assert.match(r.acceptEncoding, /\bdcz\b/);
      assert.equal(r.availableDictionary, available);
      assert.equal(r.encoding, "dcz");
      assert.equal(r.same, true, "the decoded body's SHA-256 differs from the original's");
      assert.equal(r.length, 200_000);
      assert.equal(r.json, true);
    });

    it("Node: decodeResponse(fetch(...)) decodes the zstd and dcz responses", async () => {
      const original = await rawGet(ports[name], "/json?size=300000&level=19", {
        "accept-encoding": "identity",
      });
      const url = `${base()}/json?size=300000&level=19`;
      const raw = await fetch(url, { headers: { "accept-encoding": "zstd" } });
      assert.equal(raw.headers.get("content-encoding"), "zstd");
      const frame = new Uint8Array(await raw.arrayBuffer());
      assert.deepEqual([...frame.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], "Node's fetch decoded");
      const decoded = await zstd.decodeResponse(
        fetch(url, { headers: { "accept-encoding": "zstd" } }),
      );
      assert.equal(decoded.headers.get("content-encoding"), null);
      assertBytes(new Uint8Array(await decoded.arrayBuffer()), original.body, "zstd, Node");

      const dictionary = (await rawGet(ports[name], "/dict", {})).body;
      const dictPath = join(tmp, `dictionary-${name}`);
      writeFileSync(dictPath, dictionary);
      const headers = {
        "accept-encoding": "zstd, dcz",
        "available-dictionary": `:${sha256(dictionary).toString("base64")}:`,
      };
      const path = "/dcz/json?size=200000&level=3";
      const dcz = await rawGet(ports[name], path, headers);
      assert.equal(dcz.headers["content-encoding"], "dcz");
      assert.deepEqual([...dcz.body.subarray(0, 8)], [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0, 0, 0]);
      assertBytes(dcz.body.subarray(8, 40), new Uint8Array(sha256(dictionary)), "dcz hash");
      const plain = await rawGet(ports[name], path, { "accept-encoding": "identity" });
      assertBytes(
        zstdCli(["-d", "-c", "-D", dictPath], dcz.body.subarray(40)),
        plain.body,
        "dcz, zstd -D",
      );
      const viaFetch = await zstd.decodeResponse(fetch(base() + path, { headers }), {
        dictionary,
      });
      assertBytes(new Uint8Array(await viaFetch.arrayBuffer()), plain.body, "dcz, Node");
    });

    it("raised no uncaught error in the page", () => {
      assert.deepEqual(pageErrors, []);
    });
  });
}
