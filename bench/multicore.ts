/**
 * Multi-core compression (issue 24): `compressAsync` with `workers: 2` (or `--workers`) against
 * `workers: 1`, on `--size` MiB (default 16) of real text (the JavaScript, TypeScript, JSON and
 * Markdown files of node_modules, in path order, repeated to the size), at `--levels` (default
 * 3,19), in interleaved rounds in one process; the sizes of both frames, and the frame of the
 * multi-core one decoded and compared. Prints the load average before each round: on a shared
 * machine the ratio means little when other processes hold the cores, so on Linux it also reads
 * each thread's CPU time (/proc/self/task): the busiest thread's time is the critical path the
 * call would take with a core per worker, and their ratio the speedup free cores would give.
 * (The sum over threads misses a Deno worker that ended, idle for a second, before the reading.)
 *
 * With `--stream=1`, `compressStream` (the size pledged, 1 MiB chunks) instead of `compressAsync`:
 * with one worker, the stream compresses on the calling thread; the output's chunks are kept as
 * they come and joined after the time is taken (see viaStream).
 *
 *   deno run -A bench/multicore.ts [--size=16] [--levels=3,19] [--rounds=3] [--workers=2] [--stream=1]
 *   bun bench/multicore.ts [--size=16] [--levels=3,19] [--rounds=3] [--workers=2]
 *
 * Results: docs/perf/2026-12-05-multicore.md.
 */

import process from "node:process";
import { loadavg } from "node:os";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compressAsync, compressStream, decompress, terminateWorkers } from "../mod.ts";
import { runtime } from "./native.ts";
import { concat } from "./scenarios.ts";

const args = process.argv.slice(2);
function arg(name: string, fallback: string): string {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
}
const sizeMiB = Number(arg("size", "16"));
const levels = arg("levels", "3,19").split(",").map(Number);
const rounds = Number(arg("rounds", "3"));
const workers = Number(arg("workers", "2"));
const stream = arg("stream", "0") !== "0";

/** `size` bytes of the text files under node_modules, in path order, repeated as needed. */
export function realText(size: number): Uint8Array {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|mjs|cjs|ts|json|md)$/.test(name)) files.push(path);
    }
  };
  walk(root);
  const out = new Uint8Array(size);
  let pos = 0;
  while (pos < size) {
    for (const file of files) {
      if (pos >= size) break;
      const bytes = readFileSync(file);
      const n = Math.min(bytes.length, size - pos);
      out.set(bytes.subarray(0, n), pos);
      pos += n;
    }
  }
  return out;
}

/** CPU time of each thread of this process, in ms (Linux only: an empty map elsewhere). */
function threadTimes(): Map<string, number> {
  const times = new Map<string, number>();
  if (!existsSync("/proc/self/task")) return times;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      times.set(tid, (Number(fields[11]) + Number(fields[12])) * 10); // utime + stime, 100 Hz
    } catch {
      // The thread ended.
    }
  }
  return times;
}

/** The CPU time of the busiest thread since `before`, and of all of them, in ms. */
function cpuSince(before: Map<string, number>): [number, number] {
  let busiest = 0;
  let total = 0;
  for (const [tid, t] of threadTimes()) {
    const d = t - (before.get(tid) ?? 0);
    busiest = Math.max(busiest, d);
    total += d;
  }
  return [busiest, total];
}

/**
 * `data` through `compressStream` in 1 MiB chunks; the output's chunks as they came, joined after
 * the stream ends, so the time is the compressor's, not a consumer's concatenation (on
 * this VM, joining 12 MB of fresh memory costs ~33 ms, a tenth of one thread's level-3 time).
 */
async function viaStream(data: Uint8Array, level: number, w: number): Promise<Uint8Array[]> {
  let pos = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= data.length) return controller.close();
      controller.enqueue(data.subarray(pos, pos + (1 << 20)));
      pos += 1 << 20;
    },
  });
  const compressed = source.pipeThrough(
    compressStream({ level, workers: w, pledgedSize: data.length }),
  );
  const chunks: Uint8Array[] = [];
  const reader = compressed.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) return chunks;
    chunks.push(r.value);
  }
}

if (import.meta.main) await main();

async function main() {
  const data = realText(sizeMiB << 20);
  const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");

  // Warm both workers up (their first jobs run cold code), and the calls themselves (in stream
  // mode the stream's own path on this thread too) at the full size: the first timed two-worker
  // stream of 64 MiB at level 3 took 435-499 ms against 191-314 ms in the next rounds (Deno),
  // after a warm-up of 4 or 8 MiB as well (fresh memory costs ~3 ms a MiB in page faults on this
  // VM, and the buffers of a larger call are new). The first call's start-up is measured on its
  // own (docs/perf/2026-12-05-multicore.md); the speedup is the steady state's.
  for (const level of levels) {
    await compressAsync(data.subarray(0, 4 << 20), { level, workers, windowLog: 17 });
    // At the full size where that is quick (the levels of the row finder and below).
    if (level < 10) {
      for (const w of [workers, 1]) {
        if (stream) await viaStream(data, level, w);
        else await compressAsync(data, { level, workers: w });
      }
    }
  }

  for (const level of levels) {
    const times: Record<number, number[]> = { 1: [], [workers]: [] };
    const busiest: Record<number, number[]> = { 1: [], [workers]: [] };
    const cpu: Record<number, number[]> = { 1: [], [workers]: [] };
    const sizes: Record<number, number> = {};
    for (let round = 0; round < rounds; round++) {
      console.log(`${runtime} L${level} round ${round + 1}: load ${load()}`);
      for (const w of round % 2 === 0 ? [1, workers] : [workers, 1]) {
        const before = threadTimes();
        const t = performance.now();
        const output = stream
          ? await viaStream(data, level, w)
          : await compressAsync(data, { level, workers: w });
        times[w].push(performance.now() - t);
        const frame = Array.isArray(output) ? concat(output) : output;
        const [most, all] = cpuSince(before);
        busiest[w].push(most);
        cpu[w].push(all);
        sizes[w] = frame.length;
        if (w !== 1 && round === 0) {
          const back = decompress(frame);
          if (back.length !== data.length || !back.every((b, i) => b === data[i])) {
            throw new Error("round trip failed");
          }
        }
      }
    }
    const best = (xs: number[]) => Math.min(...xs);
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
    console.log(
      `${runtime} ${
        stream ? "compressStream" : "compressAsync"
      } ${sizeMiB} MiB L${level}: workers 1 ${fmt(times[1])} ms, ${sizes[1]} B; ` +
        `workers ${workers} ${fmt(times[workers])} ms, ${sizes[workers]} B ` +
        `(${(100 * (sizes[workers] / sizes[1] - 1)).toFixed(2)}%); speedup (best of each) ` +
        `${(best(times[1]) / best(times[workers])).toFixed(2)}x, (median of each) ` +
        `${(median(times[1]) / median(times[workers])).toFixed(2)}x; load ${load()}`,
    );
    if (busiest[1].some((x) => x > 0)) {
      console.log(
        `  CPU ms, busiest thread / all threads: workers 1 ${fmt(busiest[1])} / ${fmt(cpu[1])}; ` +
          `workers ${workers} ${fmt(busiest[workers])} / ${fmt(cpu[workers])}; speedup with a ` +
          `core per worker (best busiest-thread times) ` +
          `${(best(busiest[1]) / best(busiest[workers])).toFixed(2)}x`,
      );
    }
  }
  terminateWorkers();
}
