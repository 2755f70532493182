/**
 * Deterministic benchmark inputs shared by the decompress and compress benchmarks. Generated
 * from a seeded PRNG (never Math.random) so every run, runtime and machine sees the same bytes.
 */

import { readFileSync } from "node:fs";
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
