/**
 * Streaming against one-shot compression: `compressStream` (input written in chunks) and
 * `compress` on the same bytes, interleaved call by call, best round of each, per level ×
 * scenario. Issue 6's target: the stream within 10% of one-shot throughput.
 *
 *   deno run -A bench/stream_interleaved.ts [--levels=1,3,8] [--scenarios=a,b] [--rounds=8]
 *     [--chunk=65536] [--native]
 *   bun bench/stream_interleaved.ts [same options]
 *
 * `--native`: also libzstd's streaming compressor with no size pledged (`node:zlib`), the
 * parameters of an unknown size that our stream without `pledgedSize` has too, in the same rounds.
 */

import { compress, compressStream } from "../mod.ts";
import { nativeCompressUnknownSize, runtime, streamByteCount } from "./native.ts";
import { scenario } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const levels = (option("levels") ?? "1,3,8").split(",").map(Number);
const names = option("scenarios")?.split(",") ?? ["decodecorpus-z000033", "large-log-stream"];
const rounds = Number(option("rounds") ?? 8);
const chunkSize = Number(option("chunk") ?? 65536);
const withNative = args.includes("--native");

/** Writes `data` in `chunkSize` pieces through a compressStream; returns the frame's size. */
async function streamSize(data: Uint8Array, level: number): Promise<number> {
  const { readable, writable } = compressStream({ level });
  const writing = (async () => {
    const writer = writable.getWriter();
    for (let at = 0; at < data.length; at += chunkSize) {
      await writer.write(data.subarray(at, Math.min(data.length, at + chunkSize)));
    }
    await writer.close();
  })();
  const size = await streamByteCount(readable);
  await writing;
  return size;
}

console.log(`${runtime}; chunks of ${chunkSize} B; best of ${rounds} interleaved rounds`);
console.log(
  "| level | scenario | one-shot (B) | stream (B) | one-shot MiB/s | stream MiB/s | stream/one-shot |" +
    (withNative ? " native stream (B) | native stream MiB/s | stream/native stream |" : ""),
);
console.log("|---|---|---|---|---|---|---|" + (withNative ? "---|---|---|" : ""));
for (const name of names) {
  const data = scenario(name);
  const calls = Math.max(1, Math.round((4 << 20) / Math.max(data.length, 1)));
  for (const level of levels) {
    const oneShotSize = compress(data, { level }).length;
    const streamedSize = await streamSize(data, level);
    const nativeSize = withNative ? nativeCompressUnknownSize(data, level).length : 0;
    let bestOneShot = Infinity;
    let bestStream = Infinity;
    let bestNative = Infinity;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      for (let i = 0; i < calls; i++) {
        if (compress(data, { level }).length !== oneShotSize) throw new Error("size changed");
      }
      bestOneShot = Math.min(bestOneShot, (performance.now() - t) / calls);
      t = performance.now();
      for (let i = 0; i < calls; i++) {
        if (await streamSize(data, level) !== streamedSize) throw new Error("size changed");
      }
      bestStream = Math.min(bestStream, (performance.now() - t) / calls);
      if (withNative) {
        t = performance.now();
        for (let i = 0; i < calls; i++) nativeCompressUnknownSize(data, level);
        bestNative = Math.min(bestNative, (performance.now() - t) / calls);
      }
    }
    const mib = data.length / 1048576;
    const oneShot = mib / (bestOneShot / 1000);
    const streamed = mib / (bestStream / 1000);
    const native = mib / (bestNative / 1000);
    const nativeCells = withNative
      ? ` ${nativeSize} | ${native.toFixed(0)} | ${(streamed / native).toFixed(2)}x |`
      : "";
    console.log(
      `| ${level} | ${name} | ${oneShotSize} | ${streamedSize} | ${oneShot.toFixed(0)} | ${
        streamed.toFixed(0)
      } | ${(streamed / oneShot).toFixed(2)}x |${nativeCells}`,
    );
  }
}
