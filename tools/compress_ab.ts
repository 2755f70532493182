/**
 * A/B of two trees' compressors in one process: this tree's `compress` against the one in
 * `--other` (for example a `git worktree` of the commit before a change), with native libzstd
 * beside them. Times are the process's CPU time (less disturbed by other work on a shared
 * machine than wall time), the two sides alternate which goes first, and the result is the
 * median of the paired ratios (> 1: this tree is faster) and the best round of each.
 *
 *   git worktree add --detach ../base HEAD~1 && ln -s "$PWD/node_modules" ../base/
 *   deno run -A tools/compress_ab.ts --other=../base --levels=5,8 --scenarios=real-json
 *   bun tools/compress_ab.ts --other=../base --levels=5,8 --rounds=9
 */

import process from "node:process";
import { resolve } from "node:path";
import { compress } from "../mod.ts";
import { nativeCompress } from "../bench/native.ts";
import { scenario } from "../bench/scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const other = option("other");
if (other === undefined) throw new Error("--other=<path of the other tree> is required");
const otherModule = await import(new URL(`file://${resolve(other)}/mod.ts`).href);
const compressOther = otherModule.compress as typeof compress;
const levels = (option("levels") ?? "5,8").split(",").map(Number);
const names = (option("scenarios") ?? "decodecorpus-z000033,real-ts-declarations").split(",");
const rounds = Number(option("rounds") ?? 7);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(f: () => unknown, calls: number): number {
  const t = cpuMs();
  for (let i = 0; i < calls; i++) f();
  return cpuMs() - t;
}

console.log(
  "| input | level | median this/other speed | best | this ÷ native | other ÷ native | size this/other |",
);
console.log("|---|---|---|---|---|---|---|");
for (const name of names) {
  const data = scenario(name);
  const calls = Math.max(1, Math.round((2 << 20) / data.length));
  for (const level of levels) {
    const sizeThis = compress(data, { level }).length;
    const sizeOther = compressOther(data, { level }).length;
    const ratios: number[] = [];
    let bestThis = Infinity;
    let bestOther = Infinity;
    let bestNative = Infinity;
    for (let r = 0; r < rounds; r++) {
      let a: number;
      let b: number;
      if (r & 1) {
        b = time(() => compressOther(data, { level }), calls);
        a = time(() => compress(data, { level }), calls);
      } else {
        a = time(() => compress(data, { level }), calls);
        b = time(() => compressOther(data, { level }), calls);
      }
      bestNative = Math.min(bestNative, time(() => nativeCompress(data, level), calls));
      bestThis = Math.min(bestThis, a);
      bestOther = Math.min(bestOther, b);
      ratios.push(b / a);
    }
    ratios.sort((x, y) => x - y);
    const cells = [
      name,
      level,
      ratios[ratios.length >> 1].toFixed(2),
      (bestOther / bestThis).toFixed(2),
      `${(bestNative / bestThis).toFixed(2)}x`,
      `${(bestNative / bestOther).toFixed(2)}x`,
      (sizeThis / sizeOther).toFixed(4),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}
