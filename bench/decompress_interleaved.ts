/**
 * Decompression, steady state: ours, native libzstd and fzstd interleaved in short rounds (8
 * calls each; 3 on the 16 MiB input), 30 rounds (`--rounds=N`): the best call per decoder, and
 * the median over rounds of the paired ratios of each round's median calls. Interleaving cancels
 * machine drift; the best call shows each decoder's warmed-up speed, free of the first-touch page
 * faults and GC pauses that dominate some mitata runs on this VM (see BENCHMARKS.md), and the
 * median shows what they cost in a loop (under Bun, a fresh 16 MiB typed array costs ~40 ms of
 * page faults and zeroing, which a decoder pays or not depending on what the allocator
 * recycles). Same frames as the mitata benchmark.
 *
 *   deno run -A bench/decompress_interleaved.ts [--rounds=30] [--cpu]
 *   bun bench/decompress_interleaved.ts [--rounds=30] [--cpu]
 *
 * --cpu times calls in the process's CPU time (user + system) instead of wall time: on a machine
 * loaded past its cores, hardly a call runs without being descheduled, and wall time then
 * measures the other processes.
 */

import process from "node:process";
import { decompress as fzstd } from "fzstd";
import { decompress } from "../mod.ts";
import { cliCompress, nativeDecompress, nativeName, runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

/** The process's CPU time in ms (user + system: page faults count). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The best and the median time of `calls` calls, in ms. */
function timeCalls(fn: () => Uint8Array, size: number, calls: number): [number, number] {
  const clock = cpu ? cpuMs : () => performance.now();
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = clock();
    const out = fn();
    const dt = clock() - t;
    if (out.length !== size) throw new Error("wrong output length");
    times.push(dt);
  }
  times.sort((a, b) => a - b);
  return [times[0], times[times.length >> 1]];
}

function median(values: number[]): number {
  const v = values.slice().sort((a, b) => a - b);
  return v[v.length >> 1];
}

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const rounds = Number(args.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 30);
const cpu = args.includes("--cpu");

console.log(
  `${runtime}, native = ${nativeName}; ${rounds} interleaved rounds of 8 calls (3 on 16 MiB)` +
    (cpu ? ", CPU time" : ", wall time"),
);
console.log(
  "MiB/s of the best call; ratios of the best calls, then (in brackets) the median over rounds " +
    "of the paired ratios of each round's median call.",
);
console.log(
  "| input | frame | ours MiB/s | native MiB/s | fzstd MiB/s | ours/native | ours/fzstd |",
);
console.log("|---|---|---|---|---|---|---|");
for (const name of ["decodecorpus-z000033", "large-log-stream"]) {
  const data = scenario(name);
  for (const level of [3, 19]) {
    const frame = cliCompress(data, level);
    const calls = data.length > 4 << 20 ? 3 : 8;
    let ours = Infinity;
    let native = Infinity;
    let fz = Infinity;
    const vsNative: number[] = [];
    const vsFzstd: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const o = timeCalls(() => decompress(frame), data.length, calls);
      const n = timeCalls(() => nativeDecompress(frame), data.length, calls);
      const f = timeCalls(() => fzstd(frame), data.length, calls);
      ours = Math.min(ours, o[0]);
      native = Math.min(native, n[0]);
      fz = Math.min(fz, f[0]);
      vsNative.push(n[1] / o[1]);
      vsFzstd.push(f[1] / o[1]);
    }
    const mib = data.length / 1048576;
    console.log(
      `| ${name} | L${level} (${frame.length} B) | ${(mib / ours * 1000).toFixed(0)} | ` +
        `${(mib / native * 1000).toFixed(0)} | ${(mib / fz * 1000).toFixed(0)} | ` +
        `${(native / ours).toFixed(2)}x (${median(vsNative).toFixed(2)}x) | ` +
        `${(fz / ours).toFixed(2)}x (${median(vsFzstd).toFixed(2)}x) |`,
    );
  }
}
