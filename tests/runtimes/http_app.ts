/**
 * The HTTP test application: a handler that answers through `encodeResponse`, served by Deno and
 * Bun (tests/runtimes/http_server.ts for the browser test, in-process in tests/http_test.ts).
 * Every body carries the SHA-256 of its original bytes in `x-original-sha256`, so a client
 * checks what it decoded; `x-request-*` echo what the client sent.
 *
 * Routes (query parameters in brackets):
 * - `/`: an HTML page (the browser test's helpers), compressed at the default level.
 * - `/json` [size, level, threshold, chunked, length, type]: `size` bytes of JSON (padded with
 *   spaces), at `level`; `chunked=1` streams it in 64 KiB chunks; `length=1` sends a
 *   Content-Length; `type` replaces the Content-Type.
 * - `/dict`: the dictionary (64 KiB of JSON) with `Use-As-Dictionary: match="/dcz/*"`.
 * - `/dcz/json` [size, level]: JSON like the dictionary's, with `dcz` for clients that have it.
 * - `/uncapped.json`, `/uncapped.html`: bodies compressed by the zstd CLI with a 128 MiB window
 *   (`--ultra -22 --long=27`), from the files that the HTTP_TEST_FIXTURES directory holds;
 *   `/capped.html`: the same page through `encodeResponse` at level 22.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { encodeResponse } from "../../mod.ts";

const encoder = new TextEncoder();

/** `size` bytes of deterministic JSON records (an array, padded with spaces to the size). */
export function jsonBody(size: number, seed = 1): Uint8Array {
  const words = ["alpha", "beta", "gamma", "delta", "zstd", "window", "frame", "browser"];
  let s = seed | 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const parts: string[] = [];
  let length = 2;
  for (let i = 0; length < size; i++) {
    const record = JSON.stringify({
      id: i,
      name: `${words[next() % 8]} ${words[next() % 8]}`,
      value: next() % 100_000,
      tags: [words[next() % 8], words[next() % 8]],
      ok: (next() & 1) === 1,
    });
    parts.push(record);
    length += record.length + 1;
  }
  const out = new Uint8Array(size);
  if (size < 2) return out.fill(0x20);
  let text = `[${parts.join(",")}]`;
  // Cut whole records until it fits, then pad.
  while (text.length > size) {
    parts.pop();
    text = `[${parts.join(",")}]`;
  }
  out.fill(0x20);
  out.set(encoder.encode(text));
  return out;
}

/** Hex SHA-256. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The dictionary of the `dcz` routes. */
export const DICTIONARY: Uint8Array = jsonBody(64 << 10, 7);

/** The `match` pattern the dictionary is sent with. */
export const DICTIONARY_MATCH = "/dcz/*";

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>zstd over HTTP</title>
<h1 id="marker">zstd over HTTP</h1>
<script>
  // Fetches url; returns what the page saw: the body's SHA-256 checked against the server's,
  // the headers, and the resource timing sizes (encoded: as transferred).
  globalThis.check = async (url) => {
    try {
      const response = await fetch(url);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      await new Promise((resolve) => setTimeout(resolve, 0));
      const href = new URL(url, location.href).href;
      const timing = performance.getEntriesByName(href).pop();
      let json = null;
      if (bytes.length > 0 && (response.headers.get("content-type") ?? "").includes("json")) {
        json = Array.isArray(JSON.parse(new TextDecoder().decode(bytes)));
      }
      return {
        status: response.status,
        length: bytes.length,
        same: hex === response.headers.get("x-original-sha256"),
        json,
        encoding: response.headers.get("content-encoding"),
        vary: response.headers.get("vary"),
        encodedBodySize: timing?.encodedBodySize ?? -1,
        decodedBodySize: timing?.decodedBodySize ?? -1,
        acceptEncoding: response.headers.get("x-request-accept-encoding"),
        availableDictionary: response.headers.get("x-request-available-dictionary"),
      };
    } catch (e) {
      return { error: String(e) };
    }
  };
  globalThis.ready = true;
</script>
<p>${"This page is long enough to be compressed. ".repeat(60)}</p>
`;

const bodies = new Map<string, Uint8Array>();

/** jsonBody, kept: the 20 MB body is built once. */
function cachedJson(size: number, seed: number): Uint8Array {
  const key = `${size}/${seed}`;
  let body = bodies.get(key);
  if (body === undefined) {
    body = jsonBody(size, seed);
    bodies.set(key, body);
  }
  return body;
}

/** A stream of `bytes` in 64 KiB chunks. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let pos = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(pos, pos + (64 << 10)));
      pos += 64 << 10;
    },
  });
}

function int(url: URL, name: string, fallback: number): number {
  const v = url.searchParams.get(name);
  return v === null ? fallback : Number(v);
}

/** Headers of a test body: its SHA-256 and an echo of the request's encoding headers. */
async function testHeaders(req: Request, original: Uint8Array, type: string): Promise<Headers> {
  const headers = new Headers({
    "content-type": type,
    "cache-control": "no-store",
    "x-original-sha256": await sha256Hex(original),
  });
  const accept = req.headers.get("accept-encoding");
  if (accept !== null) headers.set("x-request-accept-encoding", accept);
  const available = req.headers.get("available-dictionary");
  if (available !== null) headers.set("x-request-available-dictionary", available);
  return headers;
}

function body(bytes: Uint8Array, stream: boolean): BodyInit {
  return (stream ? chunked(bytes) : bytes) as BodyInit;
}

/** The application. */
export async function handler(req: Request): Promise<Response> {
  const url = new URL(req.url);
  switch (url.pathname) {
    case "/":
      return encodeResponse(
        req,
        new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
      );
    case "/json": {
      const original = cachedJson(int(url, "size", 10_000), 1);
      const headers = await testHeaders(
        req,
        original,
        url.searchParams.get("type") ?? "application/json",
      );
      if (url.searchParams.get("length") === "1") {
        headers.set("content-length", String(original.length));
      }
      const response = new Response(body(original, url.searchParams.get("chunked") === "1"), {
        headers,
      });
      return encodeResponse(req, response, {
        level: int(url, "level", 3),
        threshold: int(url, "threshold", 1024),
      });
    }
    case "/dict":
      return new Response(DICTIONARY as BodyInit, {
        headers: {
          "content-type": "application/json",
          "use-as-dictionary": `match="${DICTIONARY_MATCH}"`,
          "cache-control": "max-age=3600",
        },
      });
    case "/dcz/json": {
      const original = cachedJson(int(url, "size", 100_000), 8);
      const headers = await testHeaders(req, original, "application/json");
      return encodeResponse(req, new Response(body(original, false), { headers }), {
        level: int(url, "level", 3),
        dictionary: DICTIONARY,
      });
    }
    case "/capped.html": {
      const dir = process.env.HTTP_TEST_FIXTURES;
      if (dir === undefined) return new Response("no fixtures", { status: 404 });
      const page = new Uint8Array(readFileSync(join(dir, "uncapped.html")));
      // A stream without length: level 22 would take a 128 MiB window; capped at 8 MiB.
      return encodeResponse(
        req,
        new Response(chunked(page), { headers: { "content-type": "text/html; charset=utf-8" } }),
        { level: 22 },
      );
    }
    case "/uncapped.json":
    case "/uncapped.html": {
      const dir = process.env.HTTP_TEST_FIXTURES;
      if (dir === undefined) return new Response("no fixtures", { status: 404 });
      const name = url.pathname.slice(1);
      const original = readFileSync(join(dir, name));
      const frame = readFileSync(join(dir, `${name}.zst`));
      const headers = await testHeaders(
        req,
        new Uint8Array(original),
        name.endsWith(".html") ? "text/html; charset=utf-8" : "application/json",
      );
      headers.set("content-encoding", "zstd");
      headers.set("vary", "Accept-Encoding");
      return new Response(new Uint8Array(frame) as BodyInit, { headers });
    }
    default:
      return new Response("not found", { status: 404 });
  }
}
