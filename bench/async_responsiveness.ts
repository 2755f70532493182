/**
 * compressAsync off the main thread (issue 24): a benchmark, not a test.
 *
 * 1. Worker start-up: the first compressAsync of 100 bytes (starts a worker, loads the module in
 *    it) against the next ones (reuse it), and the same for decompressAsync.
 * 2. Responsiveness: the worst gap between ticks of a 10 ms `setInterval` on the main thread while
 *    `compressAsync` compresses `--size` MiB (default 64) of log lines at `--level` (default 19),
 *    against the same with the synchronous `compress` (one long gap: the whole compression).
 *
 *   deno run -A bench/async_responsiveness.ts [--size=64] [--level=19] [--sync=0]
 *   bun bench/async_responsiveness.ts [--size=64] [--level=19]
 */

import process from "node:process";
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

const [asyncGap, asyncTime] = await worstGap(() => compressAsync(data, { level }));
console.log(
  `${runtime}: compressAsync ${sizeMiB} MiB L${level}: ${(asyncTime / 1000).toFixed(1)} s, ` +
    `worst 10 ms-interval gap ${asyncGap.toFixed(1)} ms`,
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
