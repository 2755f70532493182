/**
 * Zstandard over HTTP: `Content-Encoding: zstd` ([RFC 8878](https://www.rfc-editor.org/rfc/rfc8878),
 * with the 8 MiB window of [RFC 9659](https://www.rfc-editor.org/rfc/rfc9659)) and
 * dictionary-compressed `dcz` ([RFC 9842](https://www.rfc-editor.org/rfc/rfc9842)) for servers
 * ({@linkcode encodeResponse}) and for clients whose `fetch` does not decode them
 * ({@linkcode decodeResponse}).
 *
 * @module
 */

import { ZstdDictionary } from "./dictionary.ts";
import { ZstdError } from "./errors.ts";
import { type CompressOptions, resolveCompressOptions } from "./encoder/options.ts";
import { StreamEncoder } from "./encoder/stream.ts";
import { Strategy } from "./encoder/params.ts";
import { ByteTransform } from "./streams.ts";
import { createDecompressStream } from "./decoder/stream.ts";
import { type DecompressOptions, toBytes } from "./decoder/options.ts";

/** Largest window of HTTP `zstd` output: 8 MiB (RFC 9659), what browsers accept. */
export const HTTP_MAX_WINDOW_LOG = 23;

/** Options of {@linkcode encodeResponse}. All are optional. */
export interface EncodeResponseOptions {
  /**
   * Compression level, -7 to 22, as for `compress`. Whatever the level, the window never
   * exceeds 8 MiB (RFC 9659; with `dcz`, the larger of 8 MiB and 1.25 times the dictionary, at
   * most 128 MiB, as RFC 9842 allows): level 22 alone would use 128 MiB, which browsers refuse.
   *
   * @default {3}
   */
  level?: number;
  /**
   * Append the XXH64 content checksum to each frame.
   *
   * @default {false}
   */
  checksum?: boolean;
  /**
   * Bodies shorter than this many bytes are sent as they are. The length is the
   * `Content-Length` header's; without one, up to `threshold` bytes of the body are read
   * before the response is returned, to learn whether it is shorter (0 reads nothing and
   * compresses every body, the empty one included).
   *
   * @default {1024}
   */
  threshold?: number;
  /**
   * A dictionary for `Content-Encoding: dcz` (RFC 9842): the bytes of a resource this server
   * sent with a `Use-As-Dictionary` header. When the request's `Available-Dictionary` header
   * carries their SHA-256 and its `Accept-Encoding` allows `dcz`, the body is compressed with
   * them as a raw-content (prefix) dictionary. Pass the same array on every call (its hash is
   * computed once and kept with it) and do not modify it.
   */
  dictionary?: Uint8Array;
  /**
   * Whether a media type (the `Content-Type` without parameters, lower case, such as
   * `"text/html"`) is worth compressing. The default refuses images (but SVG, BMP and icons),
   * audio, video, fonts already compressed (WOFF, WOFF2), archives and compressed formats
   * (zip, gzip, zstd, bzip2, xz, 7z, rar, jar, epub, apk, and anything `+zip`, `+gzip`,
   * `+zstd`), `application/octet-stream`, PDF and `text/event-stream` (whose events must not
   * wait in a compressor); it accepts every other type and a missing `Content-Type`.
   */
  compressible?: (mediaType: string) => boolean;
}

/** Options of {@linkcode decodeResponse}. All are optional. */
export interface DecodeResponseOptions {
  /**
   * Largest window accepted, as a power of two (10 to 31): 23 (8 MiB, RFC 9659) for `zstd`;
   * for `dcz`, by default, the larger of 8 MiB and 1.25 times the dictionary (RFC 9842).
   *
   * @default {23}
   */
  maxWindowLog?: number;
  /**
   * Largest decoded body in bytes (a non-negative integer, or `Infinity`); a body that grows
   * past it errors with `ZstdError` `output_too_large`.
   *
   * @default {Infinity}
   */
  maxOutputSize?: number;
  /**
   * Verify the frames' content checksums when they carry one.
   *
   * @default {true}
   */
  verifyChecksum?: boolean;
  /**
   * The dictionary of `dcz` responses: the bytes of the resource the server marked with
   * `Use-As-Dictionary`, whose SHA-256 the request sent in `Available-Dictionary`. A `dcz`
   * body that names another dictionary is refused with `ZstdError` `dictionary_wrong`.
   */
  dictionary?: Uint8Array;
}

const ENCODE_KEYS = new Set(["level", "checksum", "threshold", "dictionary", "compressible"]);
const DECODE_KEYS = new Set(["maxWindowLog", "maxOutputSize", "verifyChecksum", "dictionary"]);

/** The 8 bytes that open a `dcz` body: a skippable frame (magic 0x184D2A5E) of 32 bytes. */
export const DCZ_MAGIC: Uint8Array = new Uint8Array([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0, 0, 0]);
/** Length of the `dcz` header: the magic, then the dictionary's SHA-256. */
const DCZ_HEADER_SIZE = 40;

/**
 * Compresses a response for the client that sent `request`, when the client accepts it and the
 * response gains from it; otherwise returns the response unchanged. Use it around any handler:
 *
 * - The body is streamed through the Zstandard encoder with `Content-Encoding: zstd`, or `dcz`
 *   with the `dictionary` option (RFC 9842). `Vary: Accept-Encoding` is appended (with
 *   `Available-Dictionary` when a `dictionary` is given), `Content-Length` and `Accept-Ranges` are removed, a strong
 *   `ETag` becomes weak; status, status text and every other header are kept.
 * - `Accept-Encoding` is read with its q-values: `zstd` (or `dcz`) is used only when the client
 *   lists it (or `*`) with a q-value above 0 and not below that of `identity`.
 * - Left alone: HEAD requests; statuses 204, 206 and 304 and bodiless responses; responses that
 *   already have a `Content-Encoding` or a `Content-Range`; `Cache-Control: no-transform`;
 *   bodies shorter than `threshold`; media types that do not compress (see
 *   {@linkcode EncodeResponseOptions.compressible}).
 * - The window is at most 8 MiB (RFC 9659) whatever the level, so browsers decode every level.
 *
 * @param request The request being answered (its method and its `Accept-Encoding` and
 * `Available-Dictionary` headers are read).
 * @param response The handler's response, or a promise of it.
 * @param options Level, checksum, size threshold, `dcz` dictionary and media-type rule: see
 * {@linkcode EncodeResponseOptions}.
 * @returns The response to send.
 * @throws {TypeError} when `request` is not a Request, `response` not a Response, or an option
 * has the wrong type or an unknown name.
 * @throws {RangeError} on option values out of range.
 *
 * @example Deno
 * ```ts ignore
 * import { encodeResponse } from "@x/zstd";
 * Deno.serve((req) => encodeResponse(req, new Response("<h1>Hello</h1>".repeat(500), {
 *   headers: { "content-type": "text/html; charset=utf-8" },
 * })));
 * ```
 *
 * @example Compress a response for a client that accepts zstd
 * ```ts
 * import { decompress, encodeResponse } from "@x/zstd";
 * const request = new Request("http://localhost/", {
 *   headers: { "accept-encoding": "gzip, br, zstd" },
 * });
 * const json = JSON.stringify(Array.from({ length: 1000 }, (_, id) => ({ id, ok: true })));
 * const response = await encodeResponse(
 *   request,
 *   Response.json(JSON.parse(json)),
 *   { level: 19 },
 * );
 * console.log(response.headers.get("content-encoding")); // "zstd"
 * console.log(response.headers.get("vary")); // "Accept-Encoding"
 * const body = decompress(new Uint8Array(await response.arrayBuffer()));
 * console.log(new TextDecoder().decode(body) === json); // true
 * ```
 */
export async function encodeResponse(
  request: Request,
  response: Response | Promise<Response>,
  options?: EncodeResponseOptions,
): Promise<Response> {
  if (!(request instanceof Request)) {
    throw new TypeError(`request must be a Request, got ${describe(request)}`);
  }
  const opts = checkEncodeOptions(options);
  const res = await response;
  if (!(res instanceof Response)) {
    throw new TypeError(`response must be a Response, got ${describe(res)}`);
  }
  const headers = res.headers;
  if (
    request.method === "HEAD" || res.body === null || res.status === 204 ||
    res.status === 206 || res.status === 304 || headers.has("content-range") ||
    hasCoding(headers.get("content-encoding")) ||
    hasToken(headers.get("cache-control"), "no-transform") ||
    !opts.compressible(mediaType(headers.get("content-type")))
  ) {
    return res;
  }
  const length = contentLength(headers.get("content-length"));
  if (length >= 0 && length < opts.threshold) return res;

  // The coding: dcz when the client has our dictionary, else zstd, as the client allows.
  const accepted = parseAcceptEncoding(request.headers.get("accept-encoding"));
  const identity = accepted.get("identity") ?? -1;
  const qOf = (coding: string) => accepted.get(coding) ?? accepted.get("*") ?? 0;
  const acceptable = (q: number) => q > 0 && q >= identity;
  let coding: "zstd" | "dcz" | null = acceptable(qOf("zstd")) ? "zstd" : null;
  let hash: Uint8Array | null = null;
  if (opts.dictionary !== null && acceptable(qOf("dcz")) && qOf("dcz") >= qOf("zstd")) {
    const available = parseByteSequence(request.headers.get("available-dictionary"));
    if (available !== null) {
      hash = await dictionaryHash(opts.dictionary);
      if (sameBytes(available, hash)) coding = "dcz";
    }
  }
  if (coding === null) {
    return withHeaders(res, res.body, (h) => {
      addVary(h, "Accept-Encoding");
      if (opts.dictionary !== null) addVary(h, "Available-Dictionary");
    });
  }

  // The body: read up to `threshold` bytes when its length is unknown.
  let body: ReadableStream<Uint8Array> = res.body;
  if (length < 0 && opts.threshold > 0) {
    const reader = body.getReader();
    const head: Uint8Array[] = [];
    let size = 0;
    while (size < opts.threshold) {
      const r = await reader.read();
      if (r.done) return withHeaders(res, concat(head, size), () => {});
      const chunk = toBytes(r.value, "chunk");
      head.push(chunk);
      size += chunk.length;
    }
    body = prepend(head, reader);
  }

  const dictionary = coding === "dcz" ? rawDictionary(opts.dictionary!) : null;
  const maxWindowLog = dictionary === null
    ? HTTP_MAX_WINDOW_LOG
    : dczWindowLog(dictionary.content.length);
  const compressOptions: CompressOptions = { level: opts.level, checksum: opts.checksum };
  if (dictionary !== null) compressOptions.dictionary = dictionary;
  // The parameters fit the Content-Length when there is one (the size is not pledged: the
  // frame stays valid whatever the body's real length).
  const dictSize = dictionary === null ? 0 : dictionary.content.length;
  Object.assign(compressOptions, cappedWindow(opts.level, length, dictSize, maxWindowLog));
  const encoder = new StreamEncoder(resolveCompressOptions(compressOptions, -1), -1, false);
  const stream = body.pipeThrough(new ByteTransform(encoder, (chunk) => toBytes(chunk, "chunk")));
  const out = coding === "dcz" ? prepend([DCZ_MAGIC, hash!], stream.getReader()) : stream;
  return withHeaders(res, out, (h) => {
    h.set("content-encoding", coding!);
    h.delete("content-length");
    h.delete("accept-ranges");
    addVary(h, "Accept-Encoding");
    // With a dictionary, the coding also depends on the client's Available-Dictionary.
    if (opts.dictionary !== null) addVary(h, "Available-Dictionary");
    const etag = h.get("etag");
    if (etag !== null && etag.startsWith('"')) h.set("etag", `W/${etag}`);
  });
}

/**
 * Decodes a response whose `Content-Encoding` is `zstd` or `dcz` (RFC 9842), for runtimes whose
 * `fetch` does not: the body is decoded as it streams in, and `Content-Encoding` (its last
 * coding, or codings) and `Content-Length` are removed. A response with another coding, or none,
 * is returned unchanged. By default windows are limited to 8 MiB (RFC 9659), as browsers limit
 * them.
 *
 * @param response A response, or a promise of one (such as `fetch(url)`).
 * @param options Limits, checksum verification and the `dcz` dictionary: see
 * {@linkcode DecodeResponseOptions}.
 * @returns The response with the decoded body.
 * @throws {TypeError} when `response` is not a Response or an option has the wrong type or an
 * unknown name.
 * @throws {RangeError} on option values out of range.
 * @throws {ZstdError} `dictionary_wrong` when a `dcz` body names another dictionary than
 * `dictionary` (or none was given), `prefix_unknown` when it lacks the `dcz` header,
 * `input_truncated` when it ends inside it; the body stream errors with `ZstdError` on invalid
 * or over-limit data.
 *
 * @example Fetch zstd-encoded JSON
 * ```ts ignore
 * import { decodeResponse } from "@x/zstd";
 * const response = await decodeResponse(
 *   fetch("http://localhost:8000/data.json", { headers: { "accept-encoding": "zstd" } }),
 *   { maxOutputSize: 64 << 20 },
 * );
 * console.log(await response.json());
 * ```
 *
 * @example Decode an encoded response
 * ```ts
 * import { compress, decodeResponse } from "@x/zstd";
 * const frame = new Uint8Array(compress(new TextEncoder().encode('{"hello":"world"}')));
 * const encoded = new Response(frame, {
 *   headers: { "content-encoding": "zstd", "content-type": "application/json" },
 * });
 * const response = await decodeResponse(encoded);
 * console.log(response.headers.has("content-encoding")); // false
 * console.log((await response.json()).hello); // "world"
 * ```
 */
export async function decodeResponse(
  response: Response | Promise<Response>,
  options?: DecodeResponseOptions,
): Promise<Response> {
  const opts = checkDecodeOptions(options);
  const res = await response;
  if (!(res instanceof Response)) {
    throw new TypeError(`response must be a Response, got ${describe(res)}`);
  }
  const codings = (res.headers.get("content-encoding") ?? "").split(",")
    .map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity");
  let last = codings[codings.length - 1];
  if (res.body === null || (last !== "zstd" && last !== "dcz")) return res;
  let body: ReadableStream<Uint8Array> = res.body;
  while (last === "zstd" || last === "dcz") {
    codings.pop();
    const limits: DecompressOptions = {
      maxWindowLog: opts.maxWindowLog ?? HTTP_MAX_WINDOW_LOG,
      maxOutputSize: opts.maxOutputSize,
      verifyChecksum: opts.verifyChecksum,
    };
    if (last === "dcz") {
      if (opts.dictionary === null) {
        throw new ZstdError("dictionary_wrong", "A dcz response needs the dictionary option");
      }
      const reader = body.getReader();
      const head = await readExactly(reader, DCZ_HEADER_SIZE);
      if (head.length < DCZ_HEADER_SIZE) {
        throw new ZstdError("input_truncated", "The dcz body ends inside its 40-byte header");
      }
      if (!sameBytes(head.subarray(0, 8), DCZ_MAGIC)) {
        throw new ZstdError("prefix_unknown", "The dcz body does not start with the dcz magic");
      }
      if (!sameBytes(head.subarray(8, DCZ_HEADER_SIZE), await dictionaryHash(opts.dictionary))) {
        throw new ZstdError(
          "dictionary_wrong",
          "The dcz body was compressed with another dictionary (SHA-256 differs)",
        );
      }
      const dictionary = rawDictionary(opts.dictionary);
      if (opts.maxWindowLog === undefined) {
        limits.maxWindowLog = dczWindowLog(dictionary.content.length);
      }
      body = prepend([head.subarray(DCZ_HEADER_SIZE)], reader)
        .pipeThrough(createDecompressStream({ ...limits, dictionary }));
    } else {
      body = body.pipeThrough(createDecompressStream(limits));
    }
    last = codings[codings.length - 1];
  }
  return withHeaders(res, body, (h) => {
    h.delete("content-length");
    if (codings.length === 0) h.delete("content-encoding");
    else h.set("content-encoding", codings.join(", "));
  });
}

/**
 * Parses an `Accept-Encoding` header into codings (lower case) and their q-values (0 to 1; 1
 * when absent). An absent or empty header gives an empty map.
 */
export function parseAcceptEncoding(header: string | null): Map<string, number> {
  const result = new Map<string, number>();
  if (header === null) return result;
  for (const item of header.split(",")) {
    const [name, ...params] = item.split(";");
    const coding = name.trim().toLowerCase();
    if (coding === "") continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=");
      if (key.trim().toLowerCase() !== "q" || value === undefined) continue;
      const v = Number(value.trim());
      q = Number.isFinite(v) && v >= 0 ? Math.min(v, 1) : 0;
    }
    // A coding listed twice keeps its highest q-value.
    result.set(coding, Math.max(q, result.get(coding) ?? 0));
  }
  return result;
}

/**
 * Window log of a `dcz` frame: the larger of 8 MiB and 1.25 times the dictionary (RFC 9842),
 * at most 128 MiB, rounded down to a power of two.
 */
function dczWindowLog(dictSize: number): number {
  const limit = Math.max(1 << HTTP_MAX_WINDOW_LOG, dictSize * 1.25);
  let log = HTTP_MAX_WINDOW_LOG;
  while (log < 27 && 2 ** (log + 1) <= limit) log++;
  return log;
}

/**
 * The level's parameters for the size (−1: unknown), with the window capped at `maxLog` and the
 * tables shrunk with it as libzstd shrinks them to a window. With a dictionary (`dcz`), the
 * window also covers the dictionary and the body where the cap allows, so that all of the
 * body can refer to all of the dictionary (a new version of a file against the old one).
 */
function cappedWindow(
  level: number,
  sizeHint: number,
  dictSize: number,
  maxLog: number,
): Pick<CompressOptions, "windowLog" | "hashLog" | "chainLog"> {
  const p = resolveCompressOptions({ level }, sizeHint).params;
  let { windowLog, hashLog, chainLog } = p;
  if (dictSize > 0) {
    const span = dictSize + Math.max(sizeHint, 0);
    windowLog = Math.max(windowLog, Math.min(maxLog, Math.ceil(Math.log2(span))));
  }
  if (windowLog > maxLog) {
    windowLog = maxLog;
    if (hashLog > windowLog + 1) hashLog = windowLog + 1;
    const cycleLog = chainLog - (p.strategy >= Strategy.BtLazy2 ? 1 : 0);
    if (cycleLog > windowLog) chainLog -= cycleLog - windowLog;
  }
  return { windowLog, hashLog, chainLog };
}

interface CheckedEncodeOptions {
  level: number;
  checksum: boolean;
  threshold: number;
  dictionary: Uint8Array | null;
  compressible: (mediaType: string) => boolean;
}

function checkEncodeOptions(options: EncodeResponseOptions | undefined): CheckedEncodeOptions {
  const result: CheckedEncodeOptions = {
    level: 3,
    checksum: false,
    threshold: 1024,
    dictionary: null,
    compressible: defaultCompressible,
  };
  if (options === undefined) return result;
  if (options === null || typeof options !== "object") {
    throw new TypeError("options must be an object");
  }
  checkKeys(options, ENCODE_KEYS);
  if (options.level !== undefined) result.level = options.level;
  if (options.checksum !== undefined) result.checksum = options.checksum;
  // The encoder's own checks: TypeError or RangeError naming level or checksum.
  resolveCompressOptions({ level: result.level, checksum: result.checksum }, -1);
  if (options.threshold !== undefined) {
    const t = options.threshold;
    if (typeof t !== "number") throw new TypeError(`threshold must be a number, got ${typeof t}`);
    if (!Number.isSafeInteger(t) || t < 0) {
      throw new RangeError(`threshold must be a non-negative integer, got ${t}`);
    }
    result.threshold = t;
  }
  if (options.dictionary !== undefined) {
    if (!(options.dictionary instanceof Uint8Array)) {
      throw new TypeError(`dictionary must be a Uint8Array, got ${describe(options.dictionary)}`);
    }
    result.dictionary = options.dictionary;
  }
  if (options.compressible !== undefined) {
    if (typeof options.compressible !== "function") {
      throw new TypeError(
        `compressible must be a function, got ${describe(options.compressible)}`,
      );
    }
    result.compressible = options.compressible;
  }
  return result;
}

interface CheckedDecodeOptions {
  maxWindowLog: number | undefined;
  maxOutputSize: number;
  verifyChecksum: boolean;
  dictionary: Uint8Array | null;
}

function checkDecodeOptions(options: DecodeResponseOptions | undefined): CheckedDecodeOptions {
  const result: CheckedDecodeOptions = {
    maxWindowLog: undefined,
    maxOutputSize: Infinity,
    verifyChecksum: true,
    dictionary: null,
  };
  if (options === undefined) return result;
  if (options === null || typeof options !== "object") {
    throw new TypeError("options must be an object");
  }
  checkKeys(options, DECODE_KEYS);
  result.maxWindowLog = options.maxWindowLog;
  if (options.maxOutputSize !== undefined) result.maxOutputSize = options.maxOutputSize;
  if (options.verifyChecksum !== undefined) result.verifyChecksum = options.verifyChecksum;
  // The decoder's own checks: TypeError or RangeError naming the option.
  createDecompressStream({
    maxWindowLog: result.maxWindowLog ?? HTTP_MAX_WINDOW_LOG,
    maxOutputSize: result.maxOutputSize,
    verifyChecksum: result.verifyChecksum,
  });
  if (options.dictionary !== undefined) {
    if (!(options.dictionary instanceof Uint8Array)) {
      throw new TypeError(`dictionary must be a Uint8Array, got ${describe(options.dictionary)}`);
    }
    result.dictionary = options.dictionary;
  }
  return result;
}

function checkKeys(options: object, known: Set<string>): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new TypeError(`Unknown option "${key}": expected one of ${[...known].join(", ")}`);
    }
  }
}

const INCOMPRESSIBLE = new Set([
  "application/octet-stream",
  "application/zip",
  "application/gzip",
  "application/x-gzip",
  "application/zstd",
  "application/x-zstd",
  "application/x-bzip2",
  "application/x-xz",
  "application/x-7z-compressed",
  "application/vnd.rar",
  "application/x-rar-compressed",
  "application/java-archive",
  "application/epub+zip",
  "application/vnd.android.package-archive",
  "application/x-apple-diskimage",
  "application/pdf",
  "application/ogg",
  "font/woff",
  "font/woff2",
  "application/font-woff",
  "application/font-woff2",
  "text/event-stream",
  "multipart/byteranges",
]);

const COMPRESSIBLE_IMAGES = new Set([
  "image/svg+xml",
  "image/bmp",
  "image/x-icon",
  "image/vnd.microsoft.icon",
]);

/** The default media-type rule (see {@linkcode EncodeResponseOptions.compressible}). */
function defaultCompressible(type: string): boolean {
  if (INCOMPRESSIBLE.has(type)) return false;
  if (type.startsWith("image/")) return COMPRESSIBLE_IMAGES.has(type);
  if (type.startsWith("video/") || type.startsWith("audio/")) return false;
  return !/\+(zip|gzip|zstd)$/.test(type);
}

/** The media type of a `Content-Type`, lower case, without parameters ("" when absent). */
function mediaType(header: string | null): string {
  return header === null ? "" : header.split(";")[0].trim().toLowerCase();
}

/** Whether a `Content-Encoding` names a coding other than identity. */
function hasCoding(header: string | null): boolean {
  if (header === null) return false;
  return header.split(",").some((c) => {
    const coding = c.trim().toLowerCase();
    return coding !== "" && coding !== "identity";
  });
}

/** Whether a comma-separated header (directives with or without values) holds `token`. */
function hasToken(header: string | null, token: string): boolean {
  if (header === null) return false;
  return header.split(",").some((d) => d.split("=")[0].trim().toLowerCase() === token);
}

/** A `Content-Length` value, or −1 when absent or invalid. */
function contentLength(header: string | null): number {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return -1;
  const n = Number(header);
  return Number.isSafeInteger(n) ? n : -1;
}

/** Appends `name` to `Vary` unless it is there, or `Vary` is `*`. */
function addVary(headers: Headers, name: string): void {
  const vary = headers.get("vary");
  if (vary !== null && (hasToken(vary, "*") || hasToken(vary, name.toLowerCase()))) return;
  headers.append("vary", name);
}

/** A structured-field byte sequence (`:base64:`), decoded; null when absent or malformed. */
function parseByteSequence(header: string | null): Uint8Array | null {
  const m = header === null ? null : /^\s*:([A-Za-z0-9+/=]*):\s*$/.exec(header);
  if (m === null) return null;
  try {
    return Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const hashes = new WeakMap<Uint8Array, Promise<Uint8Array>>();
const dictionaries = new WeakMap<Uint8Array, ZstdDictionary>();

/** SHA-256 of a dictionary, computed once per array. */
function dictionaryHash(bytes: Uint8Array): Promise<Uint8Array> {
  let hash = hashes.get(bytes);
  if (hash === undefined) {
    hash = crypto.subtle.digest("SHA-256", bytes.slice()).then((d) => new Uint8Array(d));
    hashes.set(bytes, hash);
  }
  return hash;
}

/** The raw-content dictionary of `dcz`, built once per array. */
function rawDictionary(bytes: Uint8Array): ZstdDictionary {
  let dictionary = dictionaries.get(bytes);
  if (dictionary === undefined) {
    dictionary = new ZstdDictionary(bytes, { raw: true });
    dictionaries.set(bytes, dictionary);
  }
  return dictionary;
}

/** A copy of `res` with another body and its headers changed by `edit`. */
function withHeaders(
  res: Response,
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  edit: (headers: Headers) => void,
): Response {
  const headers = new Headers(res.headers);
  edit(headers);
  return new Response(body as BodyInit | null, {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}

/** A stream of `head`'s chunks, then of what `reader` reads; cancelling it cancels the reader. */
function prepend(
  head: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (i < head.length) {
        const chunk = head[i++];
        if (chunk.length > 0) return controller.enqueue(chunk);
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Reads until `n` bytes or the end; returns what it read (possibly more than `n`). */
async function readExactly(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  n: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < n) {
    const r = await reader.read();
    if (r.done) break;
    const chunk = toBytes(r.value, "chunk");
    parts.push(chunk);
    size += chunk.length;
  }
  return concat(parts, size);
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
