/**
 * Deterministic benchmark inputs shared by the decompress and compress benchmarks. Generated
 * from a seeded PRNG (never Math.random) so every run, runtime and machine sees the same bytes.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { decodecorpusDir } from "../tests/corpus.ts";

/** A named input. */
export interface Scenario {
  name: string;
  data: Uint8Array;
}

/** xorshift32, returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function randomBytes(size: number, seed: number): Uint8Array {
  const r = prng(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (r() * 256) | 0;
  return out;
}

const LEVELS = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
const PATHS = [
  "/api/v1/users",
  "/api/v1/orders",
  "/api/v2/search",
  "/static/app.js",
  "/healthz",
  "/api/v1/sessions",
];
const MESSAGES = [
  "request completed",
  "cache miss, fetching from origin",
  "slow query detected",
  "user authenticated",
  "rate limit exceeded",
  "connection reset by peer",
];

/** Realistic log lines (timestamps, levels, paths, ids, durations), `size` bytes. */
export function logLines(size: number, seed: number): Uint8Array {
  const r = prng(seed);
  const enc = new TextEncoder();
  const out = new Uint8Array(size);
  let p = 0;
  let t = Date.UTC(2026, 10, 24, 12, 0, 0);
  while (p < size) {
    t += Math.floor(r() * 900);
    const line = `${new Date(t).toISOString()} ${LEVELS[(r() * LEVELS.length) | 0]} ` +
      `[worker-${(r() * 16) | 0}] ${MESSAGES[(r() * MESSAGES.length) | 0]} ` +
      `method=GET path=${PATHS[(r() * PATHS.length) | 0]} status=${r() < 0.9 ? 200 : 503} ` +
      `request_id=${((r() * 0xffffffff) >>> 0).toString(16).padStart(8, "0")} ` +
      `duration_ms=${(r() * 250).toFixed(1)}\n`;
    const bytes = enc.encode(line);
    const n = Math.min(bytes.length, size - p);
    out.set(bytes.subarray(0, n), p);
    p += n;
  }
  return out;
}

/** A few repeated patterns with small mutations: highly compressible. */
function lowEntropy(size: number, seed: number): Uint8Array {
  const r = prng(seed);
  const patterns = [0, 1, 2, 3].map((i) => randomBytes(64 + i * 37, seed + i));
  const out = new Uint8Array(size);
  let p = 0;
  while (p < size) {
    const pat = patterns[(r() * patterns.length) | 0];
    const n = Math.min(pat.length, size - p);
    out.set(pat.subarray(0, n), p);
    if (r() < 0.3) out[p + ((r() * n) | 0)] = (r() * 256) | 0;
    p += n;
  }
  return out;
}

const makers: Record<string, () => Uint8Array> = {
  "small-1k-random": () => randomBytes(1024, 1),
  "small-10k-random": () => randomBytes(10 * 1024, 2),
  "small-4k-log-lines": () => logLines(4096, 3),
  "decodecorpus-z000033": () => new Uint8Array(readFileSync(decodecorpusDir() + "z000033")),
  "high-entropy-1m": () => randomBytes(1 << 20, 4),
  "low-entropy-1m": () => lowEntropy(1 << 20, 5),
  "large-log-stream": () => logLines(16 << 20, 6),
};

/** Names of every scenario, in benchmark order. */
export const SCENARIO_NAMES: readonly string[] = Object.keys(makers);

/**
 * The seed issue's "large-log-stream": 16 MiB of four fixed log lines repeated in order (libzstd
 * compresses it about 9,600:1 at every level from 1 to 15). Not the realistic logs above.
 */
function logRepeat(size: number): Uint8Array {
  const lines = "2024-01-15T10:30:00.000Z INFO  [main] Server started on port 8080\n" +
    "2024-01-15T10:30:01.000Z DEBUG [http] GET /api/health 200 1ms\n" +
    "2024-01-15T10:30:02.000Z WARN  [db] Slow query detected: SELECT * FROM users (250ms)\n" +
    "2024-01-15T10:30:03.000Z ERROR [auth] Invalid token for user_id=12345\n";
  const unit = new TextEncoder().encode(lines);
  const out = new Uint8Array(size);
  for (let p = 0; p < size; p += unit.length) out.set(unit.subarray(0, size - p), p);
  return out;
}

// Real files, from the dev dependencies `npm ci` installs (pinned by package-lock.json), so every
// clone measures the same bytes.
const modules = new URL("../node_modules/", import.meta.url);

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = `${dir}/${name}`;
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

/** The parts one after another, at most `limit` bytes of them. */
export function concat(parts: Uint8Array[], limit = Infinity): Uint8Array {
  const total = Math.min(limit, parts.reduce((n, part) => n + part.length, 0));
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    if (p === total) break;
    const n = Math.min(part.length, total - p);
    out.set(part.subarray(0, n), p);
    p += n;
  }
  return out;
}

/** @types/node's declarations, concatenated in path order (TypeScript with doc comments). */
function declarationFiles(): Uint8Array[] {
  return filesUnder(new URL("@types/node", modules).pathname, ".d.ts").map((f) =>
    new Uint8Array(readFileSync(f))
  );
}

/** English prose: the doc comments of @types/node, their ` * ` markers removed. */
function prose(): Uint8Array {
  const dec = new TextDecoder();
  const lines: string[] = [];
  for (const file of declarationFiles()) {
    for (const line of dec.decode(file).split("\n")) {
      const m = /^\s*\* ?(.*)$/.exec(line);
      if (m !== null && !m[1].startsWith("@") && !m[1].startsWith("```")) lines.push(m[1]);
    }
  }
  return new TextEncoder().encode(lines.join("\n"));
}

/** JSON records (compact, one array) describing each line of @types/node: an API's output. */
function jsonRecords(size: number): Uint8Array {
  const dec = new TextDecoder();
  const records: unknown[] = [];
  let bytes = 0;
  let id = 1000;
  for (const path of filesUnder(new URL("@types/node", modules).pathname, ".d.ts")) {
    const file = path.slice(path.indexOf("@types/node"));
    const lines = dec.decode(readFileSync(path)).split("\n");
    for (let i = 0; i < lines.length && bytes < size; i++) {
      const text = lines[i].trim();
      if (text === "") continue;
      const kind = text.startsWith("*") || text.startsWith("/*")
        ? "comment"
        : /^(export |declare |interface |function |class |type )/.test(text)
        ? "declaration"
        : "code";
      const record = { id: id++, file, line: i + 1, kind, length: text.length, text };
      records.push(record);
      bytes += JSON.stringify(record).length + 1;
    }
  }
  return new TextEncoder().encode(JSON.stringify(records)).subarray(0, size);
}

/** A bundled, minified-in-part JavaScript file (playwright-core's core bundle). */
function jsBundle(): Uint8Array {
  return new Uint8Array(readFileSync(new URL("playwright-core/lib/coreBundle.js", modules)));
}

/** The first `size` bytes of an x86-64 executable (esbuild's). */
function binary(size: number): Uint8Array {
  const file = readFileSync(new URL("@esbuild/linux-x64/bin/esbuild", modules));
  return new Uint8Array(file.buffer, file.byteOffset, Math.min(size, file.length)).slice();
}

// Not in the default matrix: the inputs of the lazy band's matrix (issue 21). The realistic
// logs at 4 MiB, the seed's repetitive logs, and real files.
makers["log-repeat-16m"] = () => logRepeat(16 << 20);
makers["real-ts-declarations"] = () => concat(declarationFiles(), 4 << 20);
makers["real-prose"] = prose;
makers["real-json"] = () => jsonRecords(4 << 20);
makers["real-js-bundle"] = jsBundle;
makers["real-x86-binary"] = () => binary(4 << 20);

/** The lazy band's inputs: the seven scenarios, the seed's repetitive logs and real files. */
export const LAZY_SCENARIOS: readonly string[] = [
  ...SCENARIO_NAMES,
  "log-repeat-16m",
  "real-ts-declarations",
  "real-prose",
  "real-json",
  "real-js-bundle",
  "real-x86-binary",
];

// Not in the lazy band's matrix (which they would lengthen by a third): small and mid-sized
// slices of the real files, 1 MiB in, for the size classes of 16 KiB and 128 KiB, where levels 5
// to 10 take the hash chain (docs/perf/2026-12-06-small-inputs.md).
makers["slice-16k-json"] = () => jsonRecords(4 << 20).slice(1 << 20, (1 << 20) + (16 << 10));
makers["slice-16k-prose"] = () => prose().slice(1 << 20, (1 << 20) + (16 << 10));
makers["slice-64k-js-bundle"] = () => jsBundle().slice(1 << 20, (1 << 20) + (64 << 10));
makers["slice-64k-x86-binary"] = () => binary(4 << 20).slice(1 << 20, (1 << 20) + (64 << 10));

/** The slices above. */
export const SLICE_SCENARIOS: readonly string[] = [
  "slice-16k-json",
  "slice-16k-prose",
  "slice-64k-js-bundle",
  "slice-64k-x86-binary",
];

// Not in the default matrix: the large scenario shortened to 4 MiB, for levels 16 to 22, where
// 16 MiB takes minutes a round (the same generator and seed: its first 4 MiB).
makers["large-log-stream-4m"] = () => logLines(4 << 20, 6);

const cache = new Map<string, Uint8Array>();

/** One scenario's bytes (generated once per process). */
export function scenario(name: string): Uint8Array {
  let data = cache.get(name);
  if (data === undefined) {
    const make = makers[name];
    if (make === undefined) throw new RangeError(`Unknown scenario ${name}`);
    data = make();
    cache.set(name, data);
  }
  return data;
}

/** All scenarios. */
export function scenarios(): Scenario[] {
  return SCENARIO_NAMES.map((name) => ({ name, data: scenario(name) }));
}
