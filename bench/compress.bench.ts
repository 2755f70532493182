/**
 * Compression: ours vs native libzstd in the same process, per level × scenario: both output
 * sizes, both throughputs, and the ratios.
 *
 *   deno run -A bench/compress.bench.ts [--levels=1,3] [--scenarios=a,b] [--quick]
 *   bun bench/compress.bench.ts [--levels=1,3] [--scenarios=a,b] [--quick]
 *
 * Native is `node:zlib`'s zstd under Deno and `Bun.zstdCompressSync` under Bun (libzstd 1.5.7
 * in both). Bun rejects negative levels and Deno's `node:zlib` reads level -1 as "default", so
 * those cells have no native column. Each measured function checks the output size against the
 * size measured before timing and folds it into a printed sum, so no side can skip work unseen.
 */

import { bench, group, run } from "mitata";
import { compress } from "../mod.ts";
import { nativeCompress, nativeName, runtime } from "./native.ts";
import { scenario, SCENARIO_NAMES } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const quick = args.includes("--quick");
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const levels = (option("levels") ?? "1,3").split(",").map(Number);
const names = option("scenarios")?.split(",") ?? SCENARIO_NAMES;

function nativeSupports(level: number): boolean {
  return level > 0 || (runtime === "Deno" && level !== -1);
}

interface Case {
  name: string;
  level: number;
  data: Uint8Array;
  ours: number;
  native: number;
}

const cases: Case[] = [];
for (const name of names) {
  const data = scenario(name);
  for (const level of levels) {
    const ours = compress(data, { level }).length;
    const native = nativeSupports(level) ? nativeCompress(data, level).length : 0;
    cases.push({ name, level, data, ours, native });
  }
}

let checksum = 0;
function check(size: number, expected: number): void {
  if (size !== expected) throw new Error(`size changed: ${size} != ${expected}`);
  checksum = (checksum + size) | 0;
}

// Warm-up outside the measurement: JIT tiers, and fresh memory (first touches of guest memory
// are slow in this VM until the GC has recycled some output buffers).
const warmUntil = performance.now() + (quick ? 1000 : 3000);
while (performance.now() < warmUntil) {
  for (const c of cases) {
    check(compress(c.data, { level: c.level }).length, c.ours);
    if (c.native) check(nativeCompress(c.data, c.level).length, c.native);
  }
}

for (const c of cases) {
  const label = `L${c.level} ${c.name}`;
  group(label, () => {
    bench(`ours ${label}`, () => check(compress(c.data, { level: c.level }).length, c.ours))
      .gc(false);
    if (c.native) {
      bench(`native ${label}`, () => check(nativeCompress(c.data, c.level).length, c.native))
        .gc(false);
    }
  });
}

const result = await run({ format: quick ? "quiet" : "mitata" });

const mibs = (size: number, ns: number) => (size / 1048576) / (ns / 1e9);
const median = new Map<string, number>();
for (const trial of result.benchmarks) {
  for (const r of trial.runs) if (r.stats) median.set(r.name, r.stats.p50);
}
console.log(`\n${runtime}, native = ${nativeName}; MiB/s of input from the median time per call`);
console.log(`(size check sum ${checksum})`);
console.log(
  "| level | scenario | ours (B) | native (B) | size ours/native | ours MiB/s | native MiB/s | speed ours/native |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const c of cases) {
  const label = `L${c.level} ${c.name}`;
  const ours = mibs(c.data.length, median.get(`ours ${label}`)!);
  const cells = [
    c.level,
    c.name,
    c.ours,
    c.native || "—",
    c.native ? (c.ours / c.native).toFixed(4) : "—",
    ours.toFixed(0),
  ];
  if (c.native) {
    const native = mibs(c.data.length, median.get(`native ${label}`)!);
    cells.push(native.toFixed(0), `${(ours / native).toFixed(2)}x`);
  } else {
    cells.push("—", "—");
  }
  console.log(`| ${cells.join(" | ")} |`);
}
