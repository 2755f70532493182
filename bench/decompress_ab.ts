/**
 * A/B of two checkouts' decoders in one process: this one (B) and another (A, `--other`), called
 * alternately round by round on the same frames, best round of each.
 *
 *   deno run -A bench/decompress_ab.ts --other=/path/to/checkout [--rounds=15]
 *   bun bench/decompress_ab.ts --other=/path/to/checkout
 *
 * Frames: 1 KiB and 10 KiB of log lines (per-call overhead), decodecorpus z000033 at levels 3
 * and 19, and 256 KiB of log lines through decompressStream.
 */

import { runtime, streamByteCount } from "./native.ts";
import { scenario } from "./scenarios.ts";

type Lib = {
  compress(input: Uint8Array, options?: { level?: number }): Uint8Array;
  decompress(input: Uint8Array): Uint8Array;
  decompressStream(): TransformStream<Uint8Array, Uint8Array>;
};

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const other = option("other");
if (other === undefined) throw new TypeError("--other=/path/to/checkout is required");
const rounds = Number(option("rounds") ?? 15);

const a = (await import(`${other}/mod.ts`)) as Lib;
const b = (await import("../mod.ts")) as Lib;

const logs = scenario("large-log-stream");
const z = scenario("decodecorpus-z000033");
const frames: [string, Uint8Array, number][] = [
  ["1k-log L3", b.compress(logs.slice(0, 1024), { level: 3 }), 1024],
  ["10k-log L3", b.compress(logs.slice(0, 10240), { level: 3 }), 10240],
  ["z000033 L3", b.compress(z, { level: 3 }), z.length],
  ["z000033 L19", b.compress(z, { level: 19 }), z.length],
];
const streamFrame = b.compress(logs.slice(0, 256 * 1024), { level: 3 });

async function streamSize(lib: Lib): Promise<number> {
  return await streamByteCount(
    new Blob([streamFrame as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      lib.decompressStream(),
    ),
  );
}

console.log(`${runtime}; A = ${other}, B = this checkout; best of ${rounds} alternating rounds`);
console.log("| frame | A MiB/s | B MiB/s | B/A |");
console.log("|---|---|---|---|");
for (const [name, frame, size] of frames) {
  const calls = Math.max(1, Math.round((8 << 20) / size));
  const best = [Infinity, Infinity];
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const lib = side === 0 ? a : b;
      const t = performance.now();
      for (let i = 0; i < calls; i++) {
        if (lib.decompress(frame).length !== size) throw new Error("size changed");
      }
      best[side] = Math.min(best[side], (performance.now() - t) / calls);
    }
  }
  const mibs = best.map((ms) => size / 1048576 / (ms / 1000));
  const ratio = (mibs[1] / mibs[0]).toFixed(3);
  console.log(`| ${name} | ${mibs[0].toFixed(0)} | ${mibs[1].toFixed(0)} | ${ratio} |`);
}
const best = [Infinity, Infinity];
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 === 0 ? [0, 1] : [1, 0]) {
    const lib = side === 0 ? a : b;
    const t = performance.now();
    for (let i = 0; i < 8; i++) {
      if (await streamSize(lib) !== 256 * 1024) throw new Error("size changed");
    }
    best[side] = Math.min(best[side], (performance.now() - t) / 8);
  }
}
const mibs = best.map((ms) => 0.25 / (ms / 1000));
const ratio = (mibs[1] / mibs[0]).toFixed(3);
console.log(`| 256k-log L3 stream | ${mibs[0].toFixed(0)} | ${mibs[1].toFixed(0)} | ${ratio} |`);
