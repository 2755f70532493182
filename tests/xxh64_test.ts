// XXH64 against published vectors, the xxhsum tool (full 64 bits) and libzstd (the low 32 bits
// that a frame stores as its content checksum), in one piece and re-chunked oddly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { Xxh64, xxh64Low32 } from "../entropy/xxh64.ts";
import { decodecorpusDir } from "./corpus.ts";

const CORPUS = decodecorpusDir();
/** The seed of xxHash's own sanity tests (PRIME32_1); above 2^31, so it exercises the sign. */
const PRIME32 = 2654435761;

/** Full 64-bit digest as 16 lowercase hex digits (the way xxhsum prints it). */
function hex64(data: Uint8Array, seed = 0, start = 0, end = data.length): string {
  const hasher = new Xxh64(seed);
  hasher.update(data, start, end);
  return hasher.digestHigh32().toString(16).padStart(8, "0") +
    hasher.digestLow32().toString(16).padStart(8, "0");
}

/** Deterministic pseudo-random bytes (xorshift32), so every bit pattern shows up. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 24;
  }
  return out;
}

/** The buffer xxHash's sanity tests hash: byte i is the top byte of PRIME32 * PRIME64_1^i. */
function sanityBuffer(length: number): Uint8Array {
  const out = new Uint8Array(length);
  const mask = (1n << 64n) - 1n;
  let gen = BigInt(PRIME32);
  for (let i = 0; i < length; i++) {
    out[i] = Number(gen >> 56n);
    gen = (gen * 11400714785074694797n) & mask;
  }
  return out;
}

/** Inputs checked against the native tools: three byte patterns at many lengths. */
function toolInputs(): { name: string; bytes: Uint8Array }[] {
  const lengths: number[] = [];
  for (let n = 0; n <= 100; n++) lengths.push(n);
  lengths.push(255, 1000, 4096 + 31, 65536 + 1, 131072 + 19, 1 << 20);
  const random = randomBytes(1 << 20, 0x9e3779b9);
  const ones = new Uint8Array(1 << 20).fill(0xff); // all-ones lanes stress every carry
  const inputs: { name: string; bytes: Uint8Array }[] = [];
  for (const n of lengths) {
    inputs.push({ name: `random_${n}`, bytes: random.subarray(0, n) });
    inputs.push({ name: `ones_${n}`, bytes: ones.subarray(0, n) });
    if (n <= 100 || n === 65537) {
      inputs.push({ name: `zeros_${n}`, bytes: new Uint8Array(n) });
    }
  }
  return inputs;
}

/** Writes `inputs` into a fresh temporary directory, runs `fn` on it, and removes it. */
function withInputFiles(
  inputs: { name: string; bytes: Uint8Array }[],
  fn: (dir: string) => void,
): void {
  const dir = mkdtempSync(join(tmpdir(), "xxh64_test_"));
  try {
    for (const { name, bytes } of inputs) writeFileSync(join(dir, name), bytes);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasXxhsum(): boolean {
  try {
    execFileSync("xxhsum", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("XXH64 reference vectors", () => {
  it("hashes the empty input", () => {
    assert.equal(hex64(new Uint8Array(0)), "ef46db3751d8e999");
    assert.equal(xxh64Low32(new Uint8Array(0), 0, 0), 0x51d8e999);
    assert.equal(hex64(new Uint8Array(0), PRIME32), "ac75fda2929b17ef");
  });

  it('hashes "abc"', () => {
    const abc = new TextEncoder().encode("abc");
    assert.equal(hex64(abc), "44bc2cf5ad770999");
    assert.equal(hex64(abc, PRIME32), "1318df30094a85fd");
    assert.equal(xxh64Low32(abc, 0, 3), 0xad770999);
  });

  it("matches xxHash's sanity-test vectors (seeds 0 and 2654435761)", () => {
    const buffer = sanityBuffer(222);
    const vectors: [number, number, string][] = [
      [1, 0, "e934a84adb052768"],
      [1, PRIME32, "5014607643a9b4c3"],
      [4, 0, "9136a0dca57457ee"],
      [14, 0, "8282dcc4994e35c8"],
      [14, PRIME32, "c3bd6bf63deb6df0"],
      [222, 0, "b641ae8cb691c174"],
      [222, PRIME32, "20cb8ab7ae10c14a"],
    ];
    for (const [length, seed, expected] of vectors) {
      assert.equal(hex64(buffer, seed, 0, length), expected, `length ${length}, seed ${seed}`);
    }
  });

  it("hashes a range in the middle of an array like the same bytes on their own", () => {
    const buffer = sanityBuffer(300);
    const shifted = new Uint8Array(300 + 13);
    shifted.set(buffer.subarray(0, 222), 5);
    assert.equal(hex64(shifted, 0, 5, 5 + 222), "b641ae8cb691c174");
    assert.equal(hex64(shifted.subarray(5, 5 + 222)), "b641ae8cb691c174");
  });
});

describe("XXH64 against native tools", () => {
  it("gives the full 64 bits that xxhsum -H1 prints", () => {
    if (!hasXxhsum()) {
      // CI installs xxhsum (.ci/run), so there a missing tool is a failure, not a skip.
      assert.ok(!process.env.CI, "xxhsum is missing in CI: .ci/run should install it");
      console.warn("xxhsum not found (apt-get install xxhash): skipping the 64-bit comparison");
      return;
    }
    const inputs = toolInputs();
    withInputFiles(inputs, (dir) => {
      const output = execFileSync("xxhsum", ["-H1", ...inputs.map((input) => input.name)], {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        maxBuffer: 1 << 24,
      });
      const expected = new Map<string, string>();
      for (const line of output.trim().split("\n")) {
        const [hash, name] = line.split(/\s+/);
        expected.set(name, hash);
      }
      assert.equal(expected.size, inputs.length);
      for (const { name, bytes } of inputs) {
        assert.equal(hex64(bytes), expected.get(name), name);
      }
    });
  });

  it("gives the low 32 bits that zstd -C stores as the frame checksum", () => {
    const inputs = toolInputs();
    withInputFiles(inputs, (dir) => {
      // Writes name.zst next to each input; -C: content checksum on.
      execFileSync("zstd", ["-C", "-q", "-f", "--", ...inputs.map((input) => input.name)], {
        cwd: dir,
        stdio: "ignore",
      });
      for (const { name, bytes } of inputs) {
        const frame = readFileSync(join(dir, `${name}.zst`));
        assert.ok(frame[4] & 4, `${name}: checksum flag set`);
        const stored = frame.readUInt32LE(frame.length - 4);
        assert.equal(xxh64Low32(bytes, 0, bytes.length), stored, name);
      }
    });
  });

  it("agrees with zstd -C -c on a large input piped through stdin", () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5, 7);
    const frame = execFileSync("zstd", ["-C", "-c", "-q", "-1"], {
      input: bytes,
      maxBuffer: 1 << 24,
    });
    assert.equal(xxh64Low32(bytes, 0, bytes.length), frame.readUInt32LE(frame.length - 4));
  });

  it("matches the checksums of the decodecorpus frames", () => {
    let checked = 0;
    for (const name of readdirSync(CORPUS).sort()) {
      if (!name.endsWith(".zst")) continue;
      const frame = readFileSync(join(CORPUS, name));
      // Frame header descriptor (the byte after the magic), bit 2: content checksum present.
      if (frame.readUInt32LE(0) !== 0xfd2fb528 || (frame[4] & 4) === 0) continue;
      const original = readFileSync(join(CORPUS, name.slice(0, -4)));
      assert.equal(
        xxh64Low32(original, 0, original.length),
        frame.readUInt32LE(frame.length - 4),
        name,
      );
      checked++;
    }
    assert.ok(checked > 0, "some corpus frames carry a checksum");
  });
});

describe("XXH64 streaming", () => {
  const data = randomBytes(20000, 12345);
  const oneShot = new Map<number, string>();
  for (const seed of [0, 1, PRIME32, 0xffffffff]) oneShot.set(seed, hex64(data, seed));

  /** Feeds `data` in pieces from `nextSize`, taking a digest after each (which must not disturb). */
  function streamed(seed: number, nextSize: () => number): string {
    const hasher = new Xxh64(seed);
    let pos = 0;
    while (pos < data.length) {
      const end = Math.min(data.length, pos + nextSize());
      hasher.update(data, pos, end);
      hasher.digestLow32();
      hasher.digestHigh32();
      pos = end;
    }
    return hasher.digestHigh32().toString(16).padStart(8, "0") +
      hasher.digestLow32().toString(16).padStart(8, "0");
  }

  for (const size of [1, 7, 31, 32, 33, 100, 4096]) {
    it(`gives the one-shot digest when fed ${size} bytes at a time`, () => {
      for (const [seed, expected] of oneShot) {
        assert.equal(streamed(seed, () => size), expected, `seed ${seed}`);
      }
    });
  }

  it("gives the one-shot digest when fed random piece sizes, including empty ones", () => {
    let x = 99;
    const nextSize = () => {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      const r = (x >>> 16) & 0x7fff;
      return r % 8 === 0 ? 0 : r % 3 === 0 ? r % 5 : r % 97;
    };
    for (let round = 0; round < 20; round++) {
      for (const [seed, expected] of oneShot) {
        assert.equal(streamed(seed, nextSize), expected, `round ${round}, seed ${seed}`);
      }
    }
  });

  it("gives the same digest whatever arrays and offsets the pieces come from", () => {
    const hasher = new Xxh64();
    let pos = 0;
    let piece = 0;
    while (pos < data.length) {
      const end = Math.min(data.length, pos + 37 + (piece % 5) * 29);
      // Alternate between a pooled Buffer (odd byteOffset), a copy at offset 3 and `data` itself.
      if (piece % 3 === 0) {
        const buffer = Buffer.from(data.subarray(pos, end));
        hasher.update(buffer, 0, buffer.length);
      } else if (piece % 3 === 1) {
        const copy = new Uint8Array(end - pos + 10);
        copy.set(data.subarray(pos, end), 3);
        hasher.update(copy.subarray(3), 0, end - pos);
      } else {
        hasher.update(data, pos, end);
      }
      pos = end;
      piece++;
    }
    assert.equal(
      hasher.digestHigh32().toString(16).padStart(8, "0") +
        hasher.digestLow32().toString(16).padStart(8, "0"),
      oneShot.get(0),
    );
  });

  it("starts over on reset, with the new seed", () => {
    const hasher = new Xxh64(PRIME32);
    hasher.update(data, 0, 1234);
    hasher.reset();
    hasher.update(data, 0, data.length);
    assert.equal(hasher.digestLow32(), parseInt(oneShot.get(0)!.slice(8), 16));
    hasher.reset(PRIME32);
    hasher.update(data, 0, data.length);
    assert.equal(hasher.digestHigh32(), parseInt(oneShot.get(PRIME32)!.slice(0, 8), 16));
  });

  it("rejects ranges outside the array", () => {
    const hasher = new Xxh64();
    assert.throws(() => hasher.update(data, -1, 5), RangeError);
    assert.throws(() => hasher.update(data, 6, 5), RangeError);
    assert.throws(() => hasher.update(data, 0, data.length + 1), RangeError);
    assert.throws(() => hasher.update(data, 0.5, 5), RangeError);
    assert.throws(() => xxh64Low32(data, 0, NaN), RangeError);
  });
});
