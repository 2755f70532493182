/**
 * compressAsync off the main thread (issue 24): a benchmark, not a test.
 *
 * 1. Worker start-up: the first compressAsync of 100 bytes (starts a worker, loads the module in
 *    it) against the next ones (reuse it), and the same for decompressAsync.
 * 2. Responsiveness: the worst gap between ticks of a 10 ms `setInterval` on the main thread while
 *    `compressAsync` compresses `--size` MiB (default 64) of log lines at `--level` (default 19),
 *    against the same with the synchronous `compress` (one long gap: the whole compression).
 *
 *   deno run -A bench/async_responsiveness.ts [--size=64] [--level=19] [--sync=0] [--workers=1] [--warm=1]
 *   bun bench/async_responsiveness.ts [--size=64] [--level=19] [--workers=1]
 *
 * Measured on the 2-core CI machine (shared: load average about 3 during the runs):
 *
 * - Start-up, first call against the next ones (100 bytes): Deno 2.9.6 65-100 ms then 0.4-1 ms;
 *   Bun 1.4.5 30-40 ms then 0.1-0.5 ms; Node 20.20 (the esbuild bundle, worker_threads) 87-91 ms
 *   then 0.2-0.5 ms. The first decompressAsync on a warm worker: 2-8 ms (its code's first run).
 * - 64 MiB of log lines at level 19: compressAsync 62.5 s (Deno), 51.5-61.5 s (Bun), the main
 *   thread's worst 10 ms-interval gap 113-326 ms, against 51.7 s / 58.8 s and one gap of the
 *   whole compression (51,697 ms / 58,783 ms) for the synchronous compress. Without the load of
 *   other processes (4 MiB, warm pool): 15.6 ms (Deno), 18.3 ms (Bun). The 50 ms target
 *   is not shown on this shared machine: the worst gaps fall mid-compression, when the worker,
 *   the main thread and other processes share 2 cores. Before the input was copied in pieces,
 *   copying 64 MiB on the calling thread alone took ~200 ms.
 */

import process from "node:process";
import { loadavg } from "node:os";
import { compress, compressAsync, decompressAsync, terminateWorkers } from "../mod.ts";
import { runtime } from "./native.ts";
import { logLines } from "./scenarios.ts";

const args = process.argv.slice(2);
function arg(name: string, fallback: number): number {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.slice(name.length + 3));
}
const sizeMiB = arg("size", 64);
const level = arg("level", 19);
const withSync = arg("sync", 1) !== 0;
const workers = arg("workers", 1);

// 1. Start-up.
const tiny = new Uint8Array(100).fill(7);
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await compressAsync(tiny);
  times.push(performance.now() - t);
}
const frame = compress(tiny);
const dtimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await decompressAsync(frame);
  dtimes.push(performance.now() - t);
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(", ");
console.log(`${runtime}: compressAsync(100 B) calls, ms: ${fmt(times)}`);
console.log(`${runtime}: decompressAsync(100 B) calls, ms: ${fmt(dtimes)}`);

// 2. Responsiveness.
const data = logLines(sizeMiB << 20, 1);
// `--warm=1` with several workers: one multi-core call first starts them all, so that the call
// measured below pays no start-up (each `new Worker` blocks Deno's calling thread 40-100 ms, the
// start-up measured above, not the steady state's).
if (arg("warm", 0) !== 0 && workers > 1) {
  await compressAsync(data.subarray(0, 4 << 20), { level: 3, workers, windowLog: 17 });
}

/** Runs `work` with a 10 ms interval ticking; the worst gap between ticks, and the time taken. */
async function worstGap(work: () => Promise<unknown>): Promise<[number, number]> {
  let last = performance.now();
  let worst = 0;
  let worstAt = 0;
  const start = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > worst) [worst, worstAt] = [now - last, last - start];
    last = now;
  }, 10);
  await work();
  const total = performance.now() - start;
  clearInterval(timer);
  if (performance.now() - last > worst) [worst, worstAt] = [performance.now() - last, last - start];
  if (process.env.GAP_AT) console.log(`  worst gap from ${worstAt.toFixed(0)} ms`);
  return [worst, total];
}

const [asyncGap, asyncTime] = await worstGap(() => compressAsync(data, { level, workers }));
console.log(
  `${runtime}: compressAsync ${sizeMiB} MiB L${level} workers ${workers}: ` +
    `${(asyncTime / 1000).toFixed(1)} s, worst 10 ms-interval gap ${asyncGap.toFixed(1)} ms ` +
    `(load ${loadavg().map((x) => x.toFixed(2)).join(" ")})`,
);
if (withSync) {
  const [syncGap, syncTime] = await worstGap(async () => {
    await new Promise((r) => setTimeout(r, 20)); // let the interval start ticking
    compress(data, { level });
  });
  console.log(
    `${runtime}: compress (sync) ${sizeMiB} MiB L${level}: ${(syncTime / 1000).toFixed(1)} s, ` +
      `worst 10 ms-interval gap ${syncGap.toFixed(1)} ms`,
  );
}
terminateWorkers();
