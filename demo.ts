/**
 * What @x/zstd is for, in under a minute: compression in pure TypeScript beside the runtime's
 * native libzstd (Bun's built-in zstd, or node:zlib in Deno). One-shot `compress` at levels 1, 3
 * and 19 on a megabyte of log lines (sizes and speed against libzstd's), `compressStream` over a
 * ReadableStream, and a dictionary trained with `trainDictionary` on small JSON records. Every
 * frame we write is decoded by native libzstd and compared with the original.
 *
 *   deno run -A demo.ts   (deno task demo)        bun demo.ts
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import { compress, compressStream, decompress, trainDictionary, ZstdDictionary } from "./mod.ts";
import { logLines, prng } from "./bench/scenarios.ts";
import { nativeCompress, nativeDecompress, nativeName, runtime } from "./bench/native.ts";

const MIB = 1 << 20;
let allOk = true;

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function check(ok: boolean): string {
  allOk &&= ok;
  return ok ? "✓" : "✗ MISMATCH";
}

function mibps(bytes: number, ms: number): string {
  return (bytes / MIB / (ms / 1000)).toFixed(1);
}

/**
 * Best times of `ours` and `theirs`, run in turns (so load on the machine hits both alike) for
 * `budgetMs`, at least twice each: the best run is one after the JIT warmed up (Bun's takes a
 * second or two of runs).
 */
function race(ours: () => void, theirs: () => void, budgetMs: number): [number, number] {
  let bestOurs = Infinity;
  let bestTheirs = Infinity;
  const start = performance.now();
  for (let round = 0; round < 2 || performance.now() - start < budgetMs; round++) {
    let t = performance.now();
    ours();
    bestOurs = Math.min(bestOurs, performance.now() - t);
    t = performance.now();
    theirs();
    bestTheirs = Math.min(bestTheirs, performance.now() - t);
  }
  return [bestOurs, bestTheirs];
}

console.log(`@x/zstd demo on ${runtime}, beside native ${nativeName}\n`);

// 1. One-shot compression, level by level.
const logs = logLines(MIB, 1);
console.log(`compress(): ${logs.length} bytes of log lines, ours beside libzstd at the same level`);
console.log(
  "level   ours (bytes)  libzstd (bytes)   size   ours MiB/s  libzstd MiB/s  speed  " +
    "libzstd decodes ours",
);
for (const level of [1, 3, 19]) {
  let ours = compress(logs, { level });
  let theirs = nativeCompress(logs, level);
  const [oursMs, theirsMs] = race(
    () => ours = compress(logs, { level }),
    () => theirs = nativeCompress(logs, level),
    level === 19 ? 1000 : 3000,
  );
  const sizeDiff = ((ours.length / theirs.length - 1) * 100).toFixed(2);
  console.log(
    `${String(level).padStart(5)}  ${String(ours.length).padStart(13)}  ` +
      `${String(theirs.length).padStart(15)}  ${(Number(sizeDiff) >= 0 ? "+" : "") + sizeDiff}%` +
      `${mibps(logs.length, oursMs).padStart(12)}  ${mibps(logs.length, theirsMs).padStart(13)}` +
      `  ${(theirsMs / oursMs).toFixed(2).padStart(4)}x  ` +
      `byte-exact ${check(same(nativeDecompress(ours), logs))}`,
  );
}
console.log("(size: ours against libzstd's; speed: our speed as a fraction of libzstd's)\n");

// 2. A stream: any ReadableStream<Uint8Array> through compressStream(), in bounded memory.
const big = logLines(16 * MIB, 2);
const chunkSize = 64 << 10;
let sent = 0;
const source = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (sent >= big.length) controller.close();
    else controller.enqueue(big.subarray(sent, sent + chunkSize));
    sent += chunkSize;
  },
});
const streamed = new Uint8Array(
  await new Response(source.pipeThrough(compressStream({ level: 3 }))).arrayBuffer(),
);
console.log(
  `compressStream(): ${big.length} bytes in ${chunkSize >> 10} KiB chunks -> ` +
    `${streamed.length} bytes (ratio ${(big.length / streamed.length).toFixed(2)}; libzstd's ` +
    `one-shot level 3: ${nativeCompress(big, 3).length}); libzstd decodes it byte-exact ` +
    `${check(same(nativeDecompress(streamed), big))}\n`,
);

// 3. A dictionary for small records: each compressed on its own, as a service stores them.
const random = prng(7);
const statuses = ["pending", "paid", "shipped", "delivered", "returned"];
const records = Array.from({ length: 3000 }, (_, i) =>
  new TextEncoder().encode(JSON.stringify({
    id: 100000 + i,
    type: "order",
    customer: { name: `customer-${(random() * 5000) | 0}`, country: ["FR", "DE", "US"][i % 3] },
    status: statuses[(random() * statuses.length) | 0],
    currency: "EUR",
    items: Array.from({ length: 1 + ((random() * 3) | 0) }, () => ({
      sku: `SKU-${(random() * 900 + 100) | 0}`,
      quantity: 1 + ((random() * 4) | 0),
    })),
    total: Math.round(random() * 50000) / 100,
  })));
const training = records.slice(0, 2000);
const held = records.slice(2000);
const t = performance.now();
const dictBytes = trainDictionary(training, { maxSize: 16 << 10 });
const trainMs = performance.now() - t;
const dictionary = new ZstdDictionary(dictBytes);
const rawBytes = held.reduce((n, r) => n + r.length, 0);
const plain = held.map((r) => compress(r, { level: 3 }));
const withDict = held.map((r) => compress(r, { level: 3, dictionary }));
const plainBytes = plain.reduce((n, f) => n + f.length, 0);
const dictFrameBytes = withDict.reduce((n, f) => n + f.length, 0);
console.log(
  `trainDictionary(): ${dictBytes.length}-byte dictionary from ${training.length} JSON records ` +
    `in ${(trainMs / 1000).toFixed(1)} s`,
);
console.log(
  `  ${held.length} other records, ${rawBytes} bytes, each compressed alone: ` +
    `${plainBytes} bytes without the dictionary, ${dictFrameBytes} with it ` +
    `(${(plainBytes / dictFrameBytes).toFixed(2)}x smaller, ratio ` +
    `${(rawBytes / plainBytes).toFixed(2)} -> ${(rawBytes / dictFrameBytes).toFixed(2)})`,
);
console.log(`  decoded by ${nativeDictionaryCheck(withDict, held, dictBytes)}`);

/** Decodes the frames with native libzstd and the dictionary: Bun's node:zlib, else zstd -D. */
function nativeDictionaryCheck(
  frames: Uint8Array[],
  originals: Uint8Array[],
  dict: Uint8Array,
): string {
  if ("Bun" in globalThis) {
    const ok = frames.every((f, i) =>
      same(new Uint8Array(zlib.zstdDecompressSync(f, { dictionary: dict } as never)), originals[i])
    );
    return `native libzstd (node:zlib), byte-exact ${check(ok)}`;
  }
  // Deno's node:zlib ignores `dictionary`: the zstd command line decodes the frames instead.
  const dir = mkdtempSync(join(tmpdir(), "zstd-demo-"));
  try {
    writeFileSync(join(dir, "dict"), dict);
    const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let pos = 0;
    for (const f of frames) {
      all.set(f, pos);
      pos += f.length;
    }
    writeFileSync(join(dir, "records.zst"), all);
    const out = execFileSync("zstd", ["-q", "-d", "-c", "-D", "dict", "records.zst"], {
      cwd: dir,
      maxBuffer: 1 << 28,
    });
    const expected = new Uint8Array(originals.reduce((n, r) => n + r.length, 0));
    pos = 0;
    for (const r of originals) {
      expected.set(r, pos);
      pos += r.length;
    }
    return `libzstd (the zstd CLI, -D), byte-exact ${check(same(new Uint8Array(out), expected))}`;
  } catch {
    // No zstd command here: our decoder checks the frames instead.
    const ok = frames.every((f, i) => same(decompress(f, { dictionary }), originals[i]));
    return `@x/zstd (no native decoder with dictionaries here), byte-exact ${check(ok)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(allOk ? "\nEvery frame decoded byte-exact." : "\nA check failed.");
if (!allOk) throw new Error("demo failed");
