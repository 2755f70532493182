/**
 * -b#/-e#: in-memory speed and ratio of each level, this implementation beside native libzstd
 * (node:zlib) when the runtime has it.
 *
 * @module
 */

import { basename } from "node:path";
import { compress, decompress } from "../mod.ts";
import { readBytes } from "./files.ts";
import { writeStdout } from "./io.ts";
import { describeError, type Run, runtimeName, VERSION } from "./messages.ts";

// Size of the generated sample benchmarked when -b is given no file.
const SYNTHETIC_SIZE = 4 << 20;

/** -b#/-e#: in-memory speed and ratio of each level, ours beside native libzstd. */
export async function bench(run: Run): Promise<number> {
  const s = run.settings;
  const first = run.level(s.level);
  const last = Math.max(first, s.benchEnd === null ? first : run.level(s.benchEnd));
  const native = await loadNativeZstd();
  const inputs: { name: string; data: Uint8Array }[] = [];
  if (s.files.length === 0) {
    inputs.push({ name: "Synthetic 50%", data: syntheticData(SYNTHETIC_SIZE) });
  }
  for (const file of s.files) {
    try {
      inputs.push({ name: basename(file), data: readBytes(file) });
    } catch (e) {
      run.error(`${file}: ${describeError(e)}`);
      return 1;
    }
  }
  if (!run.loadDictionary()) return 1;
  const against = native === null
    ? "(libzstd is not available in this runtime)"
    : "| the same for native libzstd (node:zlib)";
  run.info(
    `@x/zstd v${VERSION} on ${runtimeName()}, best run of at least ${s.benchSeconds} s:\n` +
      `level#input : size -> compressed (ratio), compression, decompression speed ${against}`,
  );
  const dictionary = run.dictionary ?? undefined;
  for (const { name, data } of inputs) {
    for (let level = first; level <= last; level++) {
      const options = { level, checksum: s.checksum, dictionary };
      const ours = measure(
        s.benchSeconds,
        data,
        () => compress(data, options),
        (frame) => decompress(frame, { dictionary, maxOutputSize: data.length }),
      );
      // Our frames must be libzstd's to read: checked once per level, outside the timing.
      if (
        ours === null ||
        (native !== null && dictionary === undefined &&
          !sameBytes(native.decompress(compress(data, options)), data))
      ) {
        run.error(`${name}: level ${level}: the round trip changed the data`);
        return 1;
      }
      let line = `${String(level).padStart(2)}#${name.slice(0, 17).padEnd(17)} :` +
        `${String(data.length).padStart(10)} ->${benchFigures(data.length, ours)}`;
      if (native !== null && dictionary === undefined) {
        const theirs = measure(
          s.benchSeconds,
          data,
          () => native.compress(data, level, s.checksum),
          (frame) => native.decompress(frame),
        );
        if (theirs !== null) line += "  | libzstd" + benchFigures(data.length, theirs);
      }
      await writeStdout(line + "\n");
    }
  }
  return 0;
}

/** libzstd through `node:zlib` (Deno, Bun, Node.js 22.15+), when the runtime has it. */
interface NativeZstd {
  compress(data: Uint8Array, level: number, checksum: boolean): Uint8Array;
  decompress(frame: Uint8Array): Uint8Array;
}

async function loadNativeZstd(): Promise<NativeZstd | null> {
  let zlib: typeof import("node:zlib");
  try {
    zlib = await import("node:zlib");
  } catch {
    return null;
  }
  if (typeof zlib.zstdCompressSync !== "function") return null;
  const c = zlib.constants as unknown as Record<string, number>;
  return {
    compress(data, level, checksum) {
      // The size pledged, as our one-shot `compress` knows it: the same parameters are chosen.
      return zlib.zstdCompressSync(data, {
        pledgedSrcSize: data.length,
        params: {
          [c.ZSTD_c_compressionLevel]: level,
          [c.ZSTD_c_checksumFlag]: checksum ? 1 : 0,
        },
      });
    },
    decompress(frame) {
      return zlib.zstdDecompressSync(frame);
    },
  };
}

/** Compressed size and best times of one codec on one input at one level. */
interface Measurement {
  compressedSize: number;
  compressMs: number;
  decompressMs: number;
}

/**
 * Times `compressFn` then `decompressFn` on its frame, each the fastest of repeated runs over at
 * least `seconds` (one run for 0); null when the frame does not decompress to `data`.
 */
function measure(
  seconds: number,
  data: Uint8Array,
  compressFn: () => Uint8Array,
  decompressFn: (frame: Uint8Array) => Uint8Array,
): Measurement | null {
  let frame = compressFn();
  const compressMs = bestTime(seconds, () => {
    frame = compressFn();
  });
  let restored = decompressFn(frame);
  const decompressMs = bestTime(seconds, () => {
    restored = decompressFn(frame);
  });
  if (!sameBytes(restored, data)) return null;
  return { compressedSize: frame.length, compressMs, decompressMs };
}

/** Fastest of repeated runs of `fn` over at least `seconds`, in ms. */
function bestTime(seconds: number, fn: () => void): number {
  let best = Infinity;
  const start = performance.now();
  do {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  } while (performance.now() - start < seconds * 1000);
  return Math.max(best, 1e-3);
}

/** "compressed (xratio), speed MiB/s, speed MiB/s", speeds in input bytes per second. */
function benchFigures(size: number, m: Measurement): string {
  const speed = (ms: number) => ((size / (1 << 20)) / (ms / 1000)).toFixed(1).padStart(7);
  return `${String(m.compressedSize).padStart(10)} (x${(size / m.compressedSize).toFixed(3)}), ` +
    `${speed(m.compressMs)} MiB/s, ${speed(m.decompressMs)} MiB/s`;
}

/**
 * Compressible sample data for `-b` without files, in the spirit of zstd's "Synthetic 50%":
 * about half the bytes are copies of recent data, the rest letters of a skewed alphabet.
 */
function syntheticData(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let state = 0x2545f491;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  let pos = 0;
  while (pos < size) {
    const length = 4 + Math.floor(random() * 60);
    if (pos > 1024 && random() < 0.5) {
      const from = pos - 1 - Math.floor(random() * 1024);
      for (let i = 0; i < length && pos < size; i++) out[pos++] = out[from + i];
    } else {
      // Squaring skews the alphabet towards its first letters, as text is skewed.
      for (let i = 0; i < length && pos < size; i++) {
        out[pos++] = 97 + Math.floor(random() * random() * 26);
      }
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
