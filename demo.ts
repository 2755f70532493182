/**
 * The Quick start's main job: decompress real data with @x/zstd and show sizes, speed and a
 * byte-exact check against the original. Samples are generated here (log lines, JSON records,
 * binary-ish data), compressed by the runtime's native libzstd at several levels, then decoded by
 * ours, one-shot and streamed. Runs with `deno run -A demo.ts` and `bun demo.ts`.
 */

import zlib from "node:zlib";
import * as zstd from "./mod.ts";
import { logLines, prng } from "./bench/scenarios.ts";

function jsonRecords(size: number): Uint8Array {
  const r = prng(11);
  const parts: string[] = [];
  let n = 0;
  while (n < size) {
    const rec = JSON.stringify({
      id: (r() * 1e9) | 0,
      user: `user${(r() * 5000) | 0}`,
      tags: ["a", "b", "c"].slice(0, 1 + ((r() * 3) | 0)),
      score: Math.round(r() * 1000) / 10,
      active: r() < 0.7,
    }) + "\n";
    parts.push(rec);
    n += rec.length;
  }
  return new TextEncoder().encode(parts.join("")).subarray(0, size);
}

const constants = zlib.constants as unknown as Record<string, number>;
function nativeCompress(data: Uint8Array, level: number): Uint8Array {
  return new Uint8Array(zlib.zstdCompressSync(data, {
    params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 1 },
  }));
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mibps(bytes: number, ms: number): string {
  return `${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MiB/s`;
}

async function streamed(frame: Uint8Array): Promise<Uint8Array> {
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < frame.length; i += 64 * 1024) {
        controller.enqueue(frame.subarray(i, i + 64 * 1024));
      }
      controller.close();
    },
  });
  return new Uint8Array(
    await new Response(chunks.pipeThrough(zstd.decompressStream())).arrayBuffer(),
  );
}

const samples: [string, Uint8Array][] = [
  ["log lines, 8 MiB", logLines(8 << 20, 1)],
  ["JSON records, 4 MiB", jsonRecords(4 << 20)],
];

const runtime = "Bun" in globalThis
  ? `Bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `Deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`;
console.log(`@x/zstd demo on ${runtime}: frames by native libzstd, decoded by @x/zstd\n`);
let allOk = true;
for (const [name, data] of samples) {
  for (const level of [3, 19]) {
    const frame = nativeCompress(data, level);
    // Warm up the JIT, then time the best of a few runs.
    for (let i = 0; i < 3; i++) zstd.decompress(frame);
    let best = Infinity;
    let out: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      out = zstd.decompress(frame);
      best = Math.min(best, performance.now() - t);
    }
    const ok = same(out, data) && same(await streamed(frame), data);
    allOk &&= ok;
    console.log(
      `${name.padEnd(20)} level ${
        String(level).padStart(2)
      }: ${frame.length} -> ${out.length} bytes ` +
        `(ratio ${(data.length / frame.length).toFixed(2)}), ${mibps(data.length, best)}, ` +
        `one-shot and streamed ${ok ? "byte-exact ✓" : "MISMATCH ✗"}`,
    );
  }
}
if ("compress" in zstd) console.log("\n(compress is available too: see README)");
console.log(allOk ? "\nAll round trips byte-exact." : "\nA round trip failed.");
if (!allOk) throw new Error("demo failed");
