/**
 * Parameter sweep for the lazy band (issue 21): for each candidate configuration of a level, the
 * size ratio (ours ÷ native libzstd at that level) and the speed ratio on each input, interleaved
 * call by call in one process.
 *
 *   bun tools/lazy_sweep.ts --level=8 --configs='[{},{"hashLog":16}]' [--scenarios=a,b] [--rounds=3]
 */

import { compress } from "../mod.ts";
import { nativeCompress, runtime } from "../bench/native.ts";
import { LAZY_SCENARIOS, scenario } from "../bench/scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => {
  const a = args.find((a) => a.startsWith(`--${name}=`));
  return a === undefined ? undefined : a.slice(name.length + 3);
};
const level = Number(option("level") ?? 8);
const configs = JSON.parse(option("configs") ?? "[{}]") as Record<string, unknown>[];
const names = option("scenarios")?.split(",") ?? LAZY_SCENARIOS;
const rounds = Number(option("rounds") ?? 3);
function run(data: Uint8Array, c: Record<string, unknown>): Uint8Array {
  const { hashRel, ...rest } = c;
  if (typeof hashRel === "number") {
    const srcLog = 32 - Math.clz32(Math.max(data.length - 1, 1));
    rest.hashLog = Math.max(6, Math.min(Number(rest.hashLog ?? 30), srcLog - hashRel));
  }
  return compress(data, { level, ...rest });
}
const sizeOnly = args.includes("--size-only");

console.log(`${runtime}, level ${level}, best of ${rounds}`);
const rows: string[] = [];
const totals = configs.map(() => ({ ours: 0, native: 0, worst: 0, minSpeed: Infinity }));
for (const name of names) {
  const data = scenario(name);
  const nativeSize = nativeCompress(data, level).length;
  const calls = Math.max(1, Math.round((2 << 20) / Math.max(data.length, 1)));
  let bestNative = Infinity;
  const best = configs.map(() => Infinity);
  const sizes = configs.map((c) => run(data, c).length);
  if (!sizeOnly) {
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      for (let i = 0; i < calls; i++) nativeCompress(data, level);
      bestNative = Math.min(bestNative, performance.now() - t);
      configs.forEach((c, k) => {
        t = performance.now();
        for (let i = 0; i < calls; i++) run(data, c);
        best[k] = Math.min(best[k], performance.now() - t);
      });
    }
  }
  const cells = configs.map((_, k) => {
    const ratio = sizes[k] / nativeSize;
    const speed = bestNative / best[k];
    const t = totals[k];
    t.ours += sizes[k];
    t.native += nativeSize;
    t.worst = Math.max(t.worst, ratio);
    if (!sizeOnly) t.minSpeed = Math.min(t.minSpeed, speed);
    return sizeOnly ? ratio.toFixed(4) : `${ratio.toFixed(4)} ${speed.toFixed(2)}x`;
  });
  const mibs = sizeOnly
    ? ""
    : ` native ${(data.length / 1048576 / (bestNative / calls / 1000)).toFixed(0)} MiB/s`;
  rows.push(`${name.padEnd(22)} ${cells.join(" | ")}${mibs}`);
  console.log(rows[rows.length - 1]);
}
console.log(
  "total/worst/min:       " +
    totals.map((t) =>
      `${(t.ours / t.native).toFixed(4)}/${t.worst.toFixed(4)}/${t.minSpeed.toFixed(2)}x`
    ).join(" | "),
);
configs.forEach((c, k) => console.log(`config ${k}: ${JSON.stringify(c)}`));
