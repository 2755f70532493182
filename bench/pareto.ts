/**
 * The lazy band's Pareto picture (issue 21): for levels 3 to 16, our (speed, total size) and
 * native libzstd's, over the same inputs in one process (ours and native alternate input by input,
 * best of `--rounds` per cell), and for each of our levels the fastest native level that
 * compresses at least as small, and the smallest native output among levels at least as fast as
 * ours: where a level of ours sits among libzstd's.
 *
 *   deno run -A bench/pareto.ts [--levels=3-16] [--rounds=2]
 *   bun bench/pareto.ts [--levels=3-16] [--rounds=2]
 *
 * Inputs: z000033, the real files, the large logs shortened to 4 MiB and the low-entropy
 * megabyte (about 21 MiB; not the seed's 1000:1 logs, whose time would be noise beside the rest,
 * nor the incompressible and tiny inputs). Speed is total bytes over total time.
 */

import { compress } from "../mod.ts";
import { nativeCompress, nativeName, runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const [low, high] = (option("levels") ?? "3-16").split("-").map(Number);
const rounds = Number(option("rounds") ?? 2);
const names = [
  "decodecorpus-z000033",
  "low-entropy-1m",
  "large-log-stream-4m",
  "real-ts-declarations",
  "real-prose",
  "real-json",
  "real-js-bundle",
  "real-x86-binary",
];

interface Point {
  size: number;
  ms: number;
}

const inputs = names.map(scenario);
const totalBytes = inputs.reduce((n, d) => n + d.length, 0);
const levels: number[] = [];
for (let level = low; level <= (high ?? low); level++) levels.push(level);
const ours = new Map<number, Point>();
const native = new Map<number, Point>();

/** Best-of-`rounds` time of `run` on `data` (ms) and the size it writes. */
function measure(run: () => Uint8Array): Point {
  let ms = Infinity;
  let size = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    size = run().length;
    ms = Math.min(ms, performance.now() - t);
  }
  return { size, ms };
}

for (const level of levels) {
  const o: Point = { size: 0, ms: 0 };
  const n: Point = { size: 0, ms: 0 };
  for (const data of inputs) {
    // One warm-up call each, then the rounds, ours and native in turn.
    compress(data, { level });
    nativeCompress(data, level);
    const a = measure(() => compress(data, { level }));
    const b = measure(() => nativeCompress(data, level));
    o.size += a.size;
    o.ms += a.ms;
    n.size += b.size;
    n.ms += b.ms;
  }
  ours.set(level, o);
  native.set(level, n);
}

const mibs = (p: Point) => (totalBytes / 1048576 / (p.ms / 1000)).toFixed(1);
console.log(
  `${runtime}, native = ${nativeName}; ${(totalBytes / 1048576).toFixed(1)} MiB over ` +
    `${names.length} inputs, best of ${rounds} per input`,
);
console.log(
  "| level | ours MiB/s | ours size | native MiB/s | native size | ours ÷ native size | speed ours/native | fastest native level at least as small | native at our speed or faster: smallest |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const level of levels) {
  const o = ours.get(level)!;
  const n = native.get(level)!;
  // The fastest native level whose total is no larger than ours at this level.
  let match = "";
  let bestMs = Infinity;
  for (const [l, p] of native) {
    if (p.size <= o.size && p.ms < bestMs) {
      bestMs = p.ms;
      match = `L${l}: ${mibs(p)} MiB/s (${(p.ms / o.ms).toFixed(2)}x our time)`;
    }
  }
  // The smallest native total among levels at least as fast as ours at this level.
  let peer = "";
  let peerSize = Infinity;
  for (const [l, p] of native) {
    if (p.ms <= o.ms && p.size < peerSize) {
      peerSize = p.size;
      peer = `L${l}: ${(p.size / o.size).toFixed(4)} of our size`;
    }
  }
  console.log(
    `| ${level} | ${mibs(o)} | ${o.size} | ${mibs(n)} | ${n.size} | ${
      (o.size / n.size).toFixed(4)
    } | ` +
      `${(n.ms / o.ms).toFixed(2)}x | ${match || "none"} | ${peer || "none"} |`,
  );
}
