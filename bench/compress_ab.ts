/**
 * A/B of two checkouts of this library in one process: this one (B) and another (A, `--other`,
 * e.g. the main branch's worktree), called alternately round by round on the same inputs, best
 * round of each. Both sides see the same machine noise; the output sizes must agree.
 *
 *   deno run -A bench/compress_ab.ts --other=/path/to/checkout [--levels=1,3,8,19] [--rounds=15]
 *   bun bench/compress_ab.ts --other=/path/to/checkout [--inputs=10k-random,z000033,stream]
 *
 * Inputs: small ones where per-call overhead shows (1 KiB and 10 KiB of log lines and of random
 * bytes), decodecorpus z000033, and 256 KiB of log lines as a stream (per-stream overhead); or,
 * with `--scenarios=a,b`, any of bench/scenarios.ts (no stream). `--cpu`: the process's CPU time
 * instead of wall time (less disturbed by other work on a shared machine). `--size-change`: the
 * two sides may write different sizes (a change of parse), whose ratio is printed. Besides the
 * best rounds, the median of the per-round ratios B/A (rounds alternate which side goes first).
 * `--slice=N`: N bytes of each scenario (from byte N when it holds 2N or more, as in
 * compress_interleaved.ts). `--b-first`: import this checkout before the other. In Bun the
 * checkout imported second has run 0.80-0.94x as fast as the first with the same code: run both
 * orders and take the geometric mean of the two medians.
 *
 *   bun bench/compress_ab.ts --other=../base --levels=5,8 --scenarios=real-json --cpu --rounds=9
 *   deno run -A bench/compress_ab.ts --other=../base --levels=6 --scenarios=real-prose \
 *     --slice=1048576 --cpu --b-first
 */

import process from "node:process";
import { runtime, streamByteCount } from "./native.ts";
import { scenario } from "./scenarios.ts";

type Lib = {
  compress(input: Uint8Array, options?: { level?: number }): Uint8Array;
  compressStream(options?: { level?: number }): TransformStream<Uint8Array, Uint8Array>;
};

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const other = option("other");
if (other === undefined) throw new TypeError("--other=/path/to/checkout is required");
const levels = (option("levels") ?? "1,3,8,19").split(",").map(Number);
const rounds = Number(option("rounds") ?? 15);
// A subset of the inputs by name (comma-separated), and whether to run the stream.
const only = option("inputs")?.split(",");
const scenarioNames = option("scenarios")?.split(",");
const cpu = args.includes("--cpu");
const sizeChange = args.includes("--size-change");
const slice = Number(option("slice") ?? 0);
const bFirst = args.includes("--b-first");
const now = cpu
  ? () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  : () => performance.now();

const first = (await import(bFirst ? "../mod.ts" : `${other}/mod.ts`)) as Lib;
const second = (await import(bFirst ? `${other}/mod.ts` : "../mod.ts")) as Lib;
const a = bFirst ? second : first;
const b = bFirst ? first : second;

const logs = scenario("large-log-stream");
const inputs: [string, Uint8Array][] = [
  ["1k-log", logs.slice(0, 1024)],
  ["10k-log", logs.slice(0, 10 * 1024)],
  ["1k-random", scenario("small-1k-random")],
  ["10k-random", scenario("small-10k-random")],
  ["z000033", scenario("decodecorpus-z000033")],
];
const streamInput = logs.slice(0, 256 * 1024);
/** The scenario's bytes, or the `--slice` of them. */
function sliced(data: Uint8Array): Uint8Array {
  if (slice <= 0) return data;
  const from = data.length >= 2 * slice ? slice : 0;
  return data.subarray(from, from + slice);
}
const selected: [string, Uint8Array][] = scenarioNames !== undefined
  ? scenarioNames.map((name) => [name, sliced(scenario(name))])
  : only === undefined
  ? inputs
  : inputs.filter(([name]) => only.includes(name));
const withStream = scenarioNames === undefined && (only === undefined || only.includes("stream"));

async function streamSize(lib: Lib, level: number): Promise<number> {
  return await streamByteCount(
    new Blob([streamInput]).stream().pipeThrough(lib.compressStream({ level })),
  );
}

console.log(
  `${runtime}; A = ${other}, B = this checkout; best of ${rounds} alternating rounds` +
    (cpu ? " (CPU time)" : "") + (slice > 0 ? `; slices of ${slice} bytes` : "") +
    (bFirst ? "; B imported first" : ""),
);
console.log("| level | input | size A | size B/A | A MiB/s | B MiB/s | B/A best | B/A median |");
console.log("|---|---|---|---|---|---|---|---|");
for (const level of levels) {
  for (const [name, data] of selected) {
    const size = a.compress(data, { level }).length;
    const sizeB = b.compress(data, { level }).length;
    if (sizeB !== size && !sizeChange) throw new Error(`${name}: sizes differ (--size-change?)`);
    const sizes = [size, sizeB];
    // About 2 MiB of input per round (levels 19+: 1 MiB), at least one call.
    const calls = Math.max(1, Math.round((level >= 16 ? 1 << 20 : 2 << 20) / data.length));
    const best = [Infinity, Infinity];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      const times = [0, 0];
      for (const side of order) {
        const lib = side === 0 ? a : b;
        const t = now();
        for (let i = 0; i < calls; i++) {
          if (lib.compress(data, { level }).length !== sizes[side]) {
            throw new Error("size changed");
          }
        }
        times[side] = (now() - t) / calls;
        best[side] = Math.min(best[side], times[side]);
      }
      ratios.push(times[0] / times[1]);
    }
    ratios.sort((x, y) => x - y);
    const mibs = best.map((ms) => data.length / 1048576 / (ms / 1000));
    console.log(
      `| ${level} | ${name} | ${size} | ${(sizeB / size).toFixed(4)} | ${mibs[0].toFixed(1)} | ${
        mibs[1].toFixed(1)
      } | ${(mibs[1] / mibs[0]).toFixed(3)} | ${ratios[ratios.length >> 1].toFixed(3)} |`,
    );
  }
  if (!withStream) continue;
  const size = await streamSize(a, level);
  if (await streamSize(b, level) !== size) throw new Error("stream: sizes differ");
  const calls = level >= 16 ? 2 : 8;
  const best = [Infinity, Infinity];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) {
      const lib = side === 0 ? a : b;
      const t = now();
      for (let i = 0; i < calls; i++) {
        if (await streamSize(lib, level) !== size) throw new Error("size changed");
      }
      best[side] = Math.min(best[side], (now() - t) / calls);
    }
  }
  const mibs = best.map((ms) => streamInput.length / 1048576 / (ms / 1000));
  console.log(
    `| ${level} | 256k-log stream | ${size} | 1.0000 | ${mibs[0].toFixed(1)} | ${
      mibs[1].toFixed(1)
    } | ${(mibs[1] / mibs[0]).toFixed(3)} | — |`,
  );
}
