/**
 * Helpers of the runtime tests (node_smoke.mjs, browser.mjs): sample data, libzstd through the
 * zstd CLI, byte comparison. These files run under `node --test` from .ci/run; their names carry
 * no test suffix, so `deno test tests/` and `bun test tests/` leave them out.
 *
 * @module
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Deterministic sample of `size` bytes that gives every block type: text-like lines with repeats
 * at all distances (compressed blocks over several 128 KiB blocks), then 8 KiB of noise (raw
 * literals) and a run of one byte (an RLE block at most levels).
 *
 * @param {number} size
 * @returns {Uint8Array}
 */
export function sampleData(size) {
  const words = ["zstd", "frame", "block", "window", "literal", "offset", "match", "entropy"];
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const out = new Uint8Array(size);
  const textEnd = size - (8 << 10) - (4 << 10);
  const encoder = new TextEncoder();
  let pos = 0;
  while (pos < textEnd) {
    const word = words[next() % words.length];
    const line = `${word} ${next() % 1000} ${words[next() % words.length]}\n`;
    const bytes = encoder.encode(line).subarray(0, textEnd - pos);
    out.set(bytes, pos);
    pos += bytes.length;
  }
  for (; pos < size - (4 << 10); pos++) out[pos] = next() & 0xff;
  out.fill(0x61, pos);
  return out;
}

/**
 * Runs the zstd CLI with `args`, `input` on stdin; returns stdout.
 *
 * @param {string[]} args
 * @param {Uint8Array} input
 * @returns {Uint8Array}
 */
export function zstdCli(args, input) {
  const out = execFileSync("zstd", args, {
    input,
    maxBuffer: 1 << 28,
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Asserts that two byte arrays are equal, reporting the first difference (not both arrays).
 *
 * @param {Uint8Array} actual
 * @param {Uint8Array} expected
 * @param {string} what
 */
export function assertBytes(actual, expected, what) {
  assert.ok(actual instanceof Uint8Array, `${what}: not a Uint8Array`);
  let i = 0;
  const n = Math.min(actual.length, expected.length);
  while (i < n && actual[i] === expected[i]) i++;
  if (i < n || actual.length !== expected.length) {
    assert.fail(
      `${what}: ${actual.length} bytes, expected ${expected.length}; first difference at ${i}`,
    );
  }
}

/** Debian's Chromium (CHROMIUM_PATH overrides it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Chromium's flags here: headless as root, and every background service off (the network is
 * closed, and its connections would be refused many at a time).
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
