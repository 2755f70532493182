/**
 * The encoder against libzstd: every frame we write at every level must decode to the exact
 * input with libzstd in-process, with the zstd CLI and with our decoder; sizes are checked
 * against libzstd's at the same level, measured in the same run. Levels 13 to 22 run on a
 * sample of the corpus; `deno task test:full` runs them on all of it.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { compress, decompress } from "../mod.ts";
import { levelParameters } from "../encoder/params.ts";
import { fitsRows as fits16 } from "../matchers/lazy_rows.ts";
import { fitsRows as fits32 } from "../matchers/lazy_rows32.ts";
import { usesRowFinder } from "../matchers/match_state.ts";
import { Strategy, uniformParameters } from "../matchers/strategy.ts";
import { setIndexLimit } from "../matchers/workspace.ts";
import {
  concat,
  DECODECORPUS_DIR,
  DICT_DIR,
  FULL,
  nativeCompress,
  nativeDecompress,
  oneShotNativeCompress,
  randomBytes,
  readBytes,
  rng,
  sameBytes,
  textLike,
  zstdCli,
  zstdCliDecode,
} from "./helpers.ts";

const LEVELS = [-7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4];
// The hash-chain and row strategies (greedy, lazy, lazy2).
const LAZY_LEVELS = [5, 6, 7, 8, 9, 10, 11, 12];
// btlazy2 and the optimal parsers (btopt, btultra, btultra2), which also take levels 13 to 15
// on inputs up to 256 KiB.
const HIGH_LEVELS = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22];

/** The corpus files the high levels run on: all of them in the full run, else a sample. */
function highLevelFiles(files: Uint8Array[]): Uint8Array[] {
  // Every seventh, and two large files whose blocks the splitter cuts.
  return FULL ? files : files.filter((_, i) => i % 7 === 3 || i === 22 || i === 33);
}

/** The decodecorpus originals (the content of each .zst). */
function corpusFiles(): Uint8Array[] {
  return readdirSync(DECODECORPUS_DIR)
    .filter((f) => /^z\d+$/.test(f))
    .sort()
    .map((f) => readBytes(DECODECORPUS_DIR + f));
}

/** Total compressed sizes of `files` at `level`: ours, then libzstd's. */
function totalSizes(files: Uint8Array[], level: number): [number, number] {
  let ours = 0;
  let theirs = 0;
  for (const f of files) {
    ours += compress(f, { level }).length;
    theirs += nativeCompress(f, level).length;
  }
  return [ours, theirs];
}

/**
 * At each level, our frame of `data` decodes with libzstd and is at most `bound` times (0.5%
 * larger than) Bun's one-shot libzstd's, the compressor that cuts blocks as we do (the size is
 * checked under Bun only: see oneShotNativeCompress).
 */
function withinOneShot(data: Uint8Array, levels: number[], bound = 1.005): void {
  for (const level of levels) {
    const frame = compress(data, { level });
    assert.ok(sameBytes(nativeDecompress(frame), data), `level ${level}: libzstd`);
    const theirs = oneShotNativeCompress(data, level)?.length ?? Infinity;
    assert.ok(
      frame.length <= theirs * bound,
      `level ${level}: ${frame.length} > ${bound} × ${theirs}`,
    );
  }
}

/** Checks one frame with libzstd in-process and our decoder. */
function checkFrame(frame: Uint8Array, original: Uint8Array, what: string): void {
  assert.ok(sameBytes(nativeDecompress(frame), original), `libzstd: ${what}`);
  assert.ok(sameBytes(decompress(frame), original), `ours: ${what}`);
}

/** Checks many frames with one run of the zstd CLI (it decodes concatenated frames). */
function checkFramesWithCli(frames: Uint8Array[], originals: Uint8Array[], what: string): void {
  assert.ok(sameBytes(zstdCliDecode(frames), concat(originals)), `zstd CLI: ${what}`);
}

describe("compress: interoperability", () => {
  const files = corpusFiles();

  it("every level from -7 to 12 on every decodecorpus file", () => {
    for (const level of [...LEVELS, ...LAZY_LEVELS]) {
      const frames = files.map((f) => compress(f, { level }));
      frames.forEach((frame, i) => checkFrame(frame, files[i], `level ${level}, file ${i}`));
      checkFramesWithCli(frames, files, `level ${level}`);
    }
  });

  it("levels 13 to 22 on decodecorpus files", () => {
    const sample = highLevelFiles(files);
    for (const level of HIGH_LEVELS) {
      const frames = sample.map((f) => compress(f, { level }));
      frames.forEach((frame, i) => checkFrame(frame, sample[i], `level ${level}, file ${i}`));
      checkFramesWithCli(frames, sample, `level ${level}`);
    }
  });

  it("levels 13 to 22 on generated inputs", () => {
    const inputs: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["1 byte", new Uint8Array([42])],
      ["9 bytes", new Uint8Array([1, 2, 3, 1, 2, 3, 1, 2, 3])],
      ["all-zero 1 MiB", new Uint8Array(1 << 20)],
      ["random 300 KB", randomBytes(300_000, 4)],
      ["text 1.5 MB", textLike(1_500_000, 6)],
    ];
    for (const size of [131071, 131073, 262145]) {
      inputs.push([`text ${size}`, textLike(size, size)]);
    }
    for (const level of HIGH_LEVELS) {
      const frames: Uint8Array[] = [];
      for (const [name, data] of inputs) {
        const frame = compress(data, { level });
        checkFrame(frame, data, `${name} at level ${level}`);
        frames.push(frame);
      }
      checkFramesWithCli(frames, inputs.map((i) => i[1]), `generated inputs at level ${level}`);
    }
  });

  it("generated inputs: empty, 1 byte, all-zero, random, text, sizes around 128 KiB", () => {
    const inputs: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["1 byte", new Uint8Array([42])],
      ["all-zero 1 MiB", new Uint8Array(1 << 20)],
      ["random 1 MiB", randomBytes(1 << 20, 3)],
      ["text 10 MiB", textLike(10 << 20, 5)],
    ];
    for (const size of [131071, 131072, 131073, 262143, 262144, 262145, 393216 + 7]) {
      inputs.push([`text ${size}`, textLike(size, size)]);
    }
    for (const level of LEVELS) {
      const frames: Uint8Array[] = [];
      for (const [name, data] of inputs) {
        const frame = compress(data, { level });
        checkFrame(frame, data, `${name} at level ${level}`);
        frames.push(frame);
      }
      checkFramesWithCli(frames, inputs.map((i) => i[1]), `generated inputs at level ${level}`);
    }
  });

  it("dfast with buckets (searchLog 3 to 5, both lookaheads; levels 5 and 6) at every minMatch", () => {
    const line = new TextEncoder().encode("2026-12-05T23:30:00Z INFO request completed in 12 ms\n");
    const repeated = new Uint8Array(1 << 20);
    for (let p = 0; p < repeated.length; p += line.length) {
      repeated.set(line.subarray(0, repeated.length - p), p);
    }
    const inputs: [string, Uint8Array][] = [
      ["1 byte", new Uint8Array([42])],
      ["all-zero 300 KiB", new Uint8Array(300 << 10)],
      ["random 200 KiB", randomBytes(200 << 10, 7)],
      ["text 3 MiB", textLike(3 << 20, 11)],
      ["a log line repeated, 1 MiB", repeated],
      ["text 20 KiB", textLike(20 << 10, 13)],
    ];
    // At searchLog 3, targetLength 4 and above selects libzstd's lazy lookahead over klauspost's
    // (level 5 from 256 KiB to 1 MiB); above searchLog 3 it is always libzstd's.
    for (const [searchLog, targetLength] of [[3, 2], [3, 4], [4, 4], [5, 4]]) {
      for (const minMatch of [4, 5, 6, 7]) {
        const options = { level: 5, strategy: "dfast", searchLog, targetLength, minMatch } as const;
        const what = `searchLog ${searchLog}, targetLength ${targetLength}, minMatch ${minMatch}`;
        const frames = inputs.map(([name, data]) => {
          const frame = compress(data, options);
          checkFrame(frame, data, `${name}, ${what}`);
          return frame;
        });
        checkFramesWithCli(frames, inputs.map((i) => i[1]), what);
      }
    }
  });

  it("seeded random inputs: skewed alphabets, runs and repeats, at random levels", () => {
    const r = rng(2024);
    for (let trial = 0; trial < 400; trial++) {
      const size = 1 + Math.floor(r() ** 2 * 300_000);
      const alphabet = 1 + Math.floor(r() * 256);
      const skew = r() * 8;
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        if (i > 16 && r() < 0.3) {
          // Copy a run from earlier: matches of every length and distance.
          const len = Math.min(size - i, 3 + Math.floor(r() ** 3 * 200));
          const from = Math.floor(r() * (i - 1));
          for (let k = 0; k < len; k++) data[i + k] = data[from + k];
          i += len - 1;
        } else {
          data[i] = Math.floor(r() ** skew * alphabet);
        }
      }
      // Every fourth trial at a level of 5 and above (their inputs kept smaller).
      const all = [...LAZY_LEVELS, ...HIGH_LEVELS];
      const level = trial % 4 === 3
        ? all[Math.floor(r() * all.length)]
        : LEVELS[Math.floor(r() * LEVELS.length)];
      const input = trial % 4 === 3 ? data.subarray(0, 100_000) : data;
      checkFrame(compress(input, { level }), input, `trial ${trial}, level ${level}`);
    }
  });

  it("checksums and unknown content size", () => {
    const data = textLike(300_000, 9);
    for (const level of [-3, 1, 3]) {
      for (const checksum of [false, true]) {
        for (const contentSize of [false, true]) {
          const frame = compress(data, { level, checksum, contentSize });
          assert.equal((frame[4] & 4) !== 0, checksum);
          checkFrame(frame, data, `level ${level} checksum ${checksum} size ${contentSize}`);
          checkFramesWithCli([frame], [data], `level ${level} checksum ${checksum}`);
        }
      }
    }
    // A corrupted checksummed frame is rejected by libzstd: the checksum is really XXH64.
    const frame = compress(data, { checksum: true });
    frame[frame.length - 1] ^= 1;
    assert.throws(() => nativeDecompress(frame));
  });

  it("parameter overrides produce valid frames", () => {
    const data = textLike(500_000, 11);
    const variants = [
      { level: 1, windowLog: 10 },
      { level: 1, hashLog: 6, minMatch: 4 },
      { level: 3, chainLog: 6, hashLog: 20 },
      { level: 2, strategy: "dfast" as const, minMatch: 7 },
      { level: 3, strategy: "fast" as const, targetLength: 9 },
      { level: 4, windowLog: 17 },
      { level: 19, windowLog: 16, chainLog: 12 },
      { level: 12, strategy: "btlazy2" as const, searchLog: 2 },
      { level: 16, strategy: "btultra2" as const, minMatch: 5, targetLength: 8 },
      { level: 22, hashLog: 8, chainLog: 7 },
    ];
    for (const options of variants) {
      const frame = compress(data, options);
      checkFrame(frame, data, JSON.stringify(options));
    }
  });
});

describe("compress: determinism", () => {
  it("compressing twice gives identical bytes", () => {
    const data = textLike(700_000, 13);
    const atLevel13 = compress(data, { level: 13 });
    for (const level of [-5, 1, 2, 3, 4, 8, 13, 16, 19, 22]) {
      assert.ok(sameBytes(compress(data, { level }), compress(data, { level })), `level ${level}`);
    }
    // Tables kept from the larger levels (see TablePool) serve a smaller one: same frame.
    assert.ok(sameBytes(compress(data, { level: 13 }), atLevel13), "level 13 after 22");
  });

  it("one-shot calls past the index limit at the row levels give the frames they give alone", () => {
    // The row loops (matchers/lazy_rows.ts, lazy_rows32.ts) keep their rows in module tables,
    // whose entries must stay below each call's window: when the one-shot workspace starts its
    // indices again from 1, the next calls must not see the entries of the calls before.
    const inputs = [textLike(600_000, 31), textLike(700_000, 32), textLike(1_300_000, 33)];
    const levels = [7, 8, 11];
    const alone = levels.map((level) => inputs.map((data) => compress(data, { level })));
    const previous = setIndexLimit(1 << 21);
    try {
      for (let round = 0; round < 3; round++) {
        levels.forEach((level, l) =>
          inputs.forEach((data, i) => {
            const frame = compress(data, { level });
            assert.ok(sameBytes(frame, alone[l][i]), `level ${level}, input ${i}, round ${round}`);
          })
        );
      }
    } finally {
      setIndexLimit(previous);
    }
    assert.ok(sameBytes(nativeDecompress(alone[2][2]), inputs[2]), "libzstd: level 11");
  });

  it("Deno and Bun give identical bytes", () => {
    const script = fileURLToPath(new URL("../tools/compress_digests.ts", import.meta.url));
    const deno = fileURLToPath(new URL("../node_modules/deno/deno", import.meta.url));
    const bun = fileURLToPath(new URL("../node_modules/bun/bin/bun.exe", import.meta.url));
    const opts = { maxBuffer: 1 << 24, encoding: "utf8" as const };
    const fromDeno = execFileSync(deno, ["run", "-A", script], opts);
    const fromBun = execFileSync(bun, [script], opts);
    assert.ok(fromDeno.length > 100);
    assert.equal(fromBun, fromDeno);
  });
});

describe("compress: ratio against libzstd", () => {
  it("per level, total size over the decodecorpus files is within 1% of libzstd's (0.5% at 5-12)", () => {
    const files = corpusFiles();
    const rows: string[] = [];
    for (const level of [...LEVELS, ...LAZY_LEVELS]) {
      let ours = 0;
      let theirs = 0;
      for (const f of files) {
        ours += compress(f, { level }).length;
        // libzstd in-process reads level -1 as "default"; the CLI spells it --fast=1.
        theirs += level === -1 ? zstdCli(["-c", "-q", "--fast=1"], f).length : nativeCompress(
          f,
          level,
        ).length;
      }
      rows.push(`${level}: ${ours} / ${theirs} = ${(ours / theirs).toFixed(4)}`);
      // The lazy band's bound is issue 21's (btlazy2 skipping through literals once wrote 1.0104
      // at levels 11-12, where inputs under 256 KiB take it).
      const bound = level >= 5 ? 1.005 : 1.01;
      assert.ok(ours <= theirs * bound, `level ${level}: ${ours} > ${bound} × ${theirs}\n${rows}`);
    }
    console.log("compressed size over libzstd's:\n  " + rows.join("\n  "));
  });

  it("levels 5 to 10 on files up to 256 KiB (the hash chain): within 0.5% of libzstd", () => {
    // The corpus total hides these: levels 5 and 6 on the buckets wrote 1.2% more than libzstd
    // over the files of 16 to 128 KiB (2.3% and 1.3% over 140-256 KiB of real files), levels 7
    // to 10 on the row finder 0.9-1.4% more, and level 9 on the chain with libzstd's lazy
    // skipping 2.1% more over the files up to 16 KiB.
    const small = corpusFiles().filter((f) => f.length <= 16 << 10);
    const mid = corpusFiles().filter((f) => f.length > 16 << 10 && f.length <= 256 << 10);
    assert.ok(small.length >= 20 && mid.length >= 20, `${small.length} and ${mid.length} files`);
    for (const [name, files] of [["up to 16 KiB", small], ["16 to 256 KiB", mid]] as const) {
      for (let level = 5; level <= 10; level++) {
        const [ours, theirs] = totalSizes(files, level);
        assert.ok(ours <= theirs * 1.005, `${name}, level ${level}: ${ours} > 1.005 × ${theirs}`);
      }
    }
  });

  it("levels 11 and 12 from 16 to 128 KiB (lazy2 on the hash chain): within 0.5% of libzstd", () => {
    // Ours (TABLES in encoder/params.ts): libzstd's btlazy2 ran at 0.48-0.6x native
    // there in Deno; the deep chain (searchLog 9 and 10, every position inserted, no miss limit)
    // runs 2-3x as fast. With the miss limit the slices of real files wrote 1.0031 and 1.0043.
    for (const [level, searchLog] of [[11, 9], [12, 10]]) {
      for (const size of [(16 << 10) + 1, 64 << 10, 128 << 10]) {
        const p = levelParameters(level, size, 0);
        assert.equal(p.strategy, Strategy.Lazy2, `level ${level}, ${size} B`);
        assert.equal(p.searchLog, searchLog, `level ${level}, ${size} B`);
      }
      assert.equal(levelParameters(level, 16 << 10, 0).strategy, Strategy.BtOpt);
      assert.equal(levelParameters(level, (128 << 10) + 1, 0).strategy, Strategy.BtLazy2);
    }
    // Level 15 there searches 2^5 tree nodes (libzstd 2^6): the same sizes, 1.04x. Its sizes are
    // checked with levels 13 to 22 below.
    assert.equal(levelParameters(15, 64 << 10, 0).searchLog, 5);
    assert.equal(levelParameters(15, 200_000, 0).searchLog, 6);
    const files = corpusFiles().filter((f) => f.length > 16 << 10 && f.length <= 128 << 10);
    assert.ok(files.length >= 20, `${files.length} files`);
    for (const level of [11, 12]) {
      const [ours, theirs] = totalSizes(files, level);
      assert.ok(ours <= theirs * 1.005, `level ${level}: ${ours} > 1.005 × ${theirs}`);
    }
  });

  it("btopt skipping dearer positions (11-12 to 16 KiB, 14-15 to 256 KiB): within 0.5% of libzstd", () => {
    // Ours (OPT_SKIP_BITS in encoder/params.ts): btopt searches no position that the next one
    // reaches for at most a bit more, where libzstd searches all but those it reaches for no more.
    for (const level of [14, 15]) {
      for (const size of [(16 << 10) + 1, 128 << 10, 256 << 10]) {
        const p = uniformParameters(levelParameters(level, size, 0));
        assert.equal(p.strategy, Strategy.BtOpt, `level ${level}, ${size} B`);
        assert.equal(p.skipBits, 1, `level ${level}, ${size} B`);
      }
      for (const size of [16 << 10, (256 << 10) + 1, -1]) {
        assert.equal(uniformParameters(levelParameters(level, size, 0)).skipBits, 0);
      }
    }
    assert.equal(uniformParameters(levelParameters(13, 64 << 10, 0)).skipBits, 0);
    // Levels 11 and 12 up to 16 KiB (btopt there; lazy2 above).
    for (const level of [11, 12]) {
      for (const size of [1, 16 << 10]) {
        const p = uniformParameters(levelParameters(level, size, 0));
        assert.equal(p.strategy, Strategy.BtOpt, `level ${level}, ${size} B`);
        assert.equal(p.skipBits, 1, `level ${level}, ${size} B`);
      }
      assert.equal(uniformParameters(levelParameters(level, (16 << 10) + 1, 0)).skipBits, 0);
    }
    const small = corpusFiles().filter((f) => f.length <= 16 << 10);
    const mid = corpusFiles().filter((f) => f.length > 16 << 10 && f.length <= 256 << 10);
    assert.ok(small.length >= 20 && mid.length >= 20, `${small.length} and ${mid.length} files`);
    for (const [level, files] of [[11, small], [12, small], [14, mid], [15, mid]] as const) {
      let ours = 0;
      let theirs = 0;
      for (const f of files) {
        const frame = compress(f, { level });
        checkFrame(frame, f, `level ${level}, ${f.length} B`);
        ours += frame.length;
        theirs += nativeCompress(f, level).length;
      }
      assert.ok(ours <= theirs * 1.005, `level ${level}: ${ours} > 1.005 × ${theirs}`);
    }
  });

  it("levels 5 and 6 on files of 256 KiB to 1 MiB: within 0.5% of libzstd", () => {
    // Their parameters of our own there (MID_LEVELS_5_6 in encoder/params.ts): 0.9935 and 0.9989
    // of Bun's libzstd's total (level 6 on rows of 16 with 2^17 entries since the eighteenth
    // session of 12-07; z000091 alone 1.039).
    const files = corpusFiles().filter((f) => f.length > 256 << 10 && f.length <= 1 << 20);
    assert.ok(files.length >= 10, `${files.length} files`);
    for (const level of [5, 6]) {
      const [ours, theirs] = totalSizes(files, level);
      assert.ok(ours <= theirs * 1.005, `level ${level}: ${ours} > 1.005 × ${theirs}`);
    }
  });

  it("the hash chain and the binary trees above 128 KiB: tables of half the input's size", () => {
    // Its entries are the chains' heads or the trees' roots only: the same sizes as libzstd's 2^19
    // to 2^23 (the totals over decodecorpus, checked above, and the far files below).
    for (const level of [5, 6, 7, 8, 9, 10]) {
      const p = levelParameters(level, 200_000, 0);
      assert.ok(!usesRowFinder(p) && p.strategy <= Strategy.Lazy2, `level ${level}`);
      assert.equal(p.hashLog, 17, `level ${level}`);
      // The chain's links too (levels 6 to 10 had libzstd's 2^18): 1.02-1.05x, +0.02-0.04%.
      assert.equal(p.chainLog, 17, `level ${level}`);
    }
    for (
      const [size, level, hashLog] of [
        [200_000, 11, 17],
        [200_000, 12, 17],
        [1 << 20, 13, 19],
        [1 << 20, 15, 19],
        [4 << 20, 14, 21],
        [(128 << 10) + 1, 11, 17],
      ]
    ) {
      const p = levelParameters(level, size, 0);
      assert.equal(p.strategy, Strategy.BtLazy2);
      assert.equal(p.hashLog, hashLog, `level ${level}, ${size} B`);
    }
    // The optimal parsers too.
    for (
      const [size, level, hashLog] of [[200_000, 13, 17], [1 << 20, 16, 19], [4 << 20, 22, 21]]
    ) {
      const p = levelParameters(level, size, 0);
      assert.ok(p.strategy > Strategy.BtLazy2, `level ${level}`);
      assert.equal(p.hashLog, hashLog, `level ${level}, ${size} B`);
    }
    // Up to 128 KiB (libzstd's 2^17 at level 11), with a dictionary and for unknown sizes,
    // libzstd's.
    assert.equal(levelParameters(11, 128 << 10, 0).hashLog, 17);
    assert.equal(levelParameters(13, 1 << 20, 1000).hashLog, 22);
    assert.equal(levelParameters(13, -1, 0).hashLog, 22);
    // Text (testdata's systemd units, 133 KiB) and random bytes: libzstd decodes the frames.
    const unitsDir = DICT_DIR + "files/";
    const units = concat(
      readdirSync(unitsDir).filter((f) => !f.endsWith(".zst")).sort().map((f) =>
        readBytes(unitsDir + f)
      ),
    );
    assert.ok(units.length > 128 << 10 && units.length <= 256 << 10, `${units.length} B`);
    withinOneShot(units, [5, 6, 7, 9, 11, 12, 13, 16]);
    withinOneShot(randomBytes(250_000, 61), [5, 6, 8, 11, 13]);
  });

  it("levels 5 and 6 on three far files of 335 to 430 KiB: within 0.5% of libzstd", () => {
    // The 2- and 4-position buckets, which levels 5 and 6 use above 1 MiB, had written these 1.7%
    // and 0.9% larger than libzstd (z000051 alone +1.8% and +1.6%). Level 5's finder up to 1 MiB,
    // 2-position buckets with libzstd's lazy lookahead, writes 0.9928 (4-position ones: 0.9849).
    const files = ["z000040", "z000051", "z000079"].map((f) => readBytes(DECODECORPUS_DIR + f));
    for (const level of [5, 6]) {
      const [ours, theirs] = totalSizes(files, level);
      assert.ok(ours <= theirs * 1.005, `level ${level}: ${ours} > 1.005 × ${theirs}`);
    }
  });

  it("levels 7 to 12 on two far files of 320 and 500 KiB: within 0.75% of libzstd", () => {
    // The row finder's table halved for speed had written z000011 1.3% and z000088 1.0% larger
    // than libzstd at level 8; the corpus total hides it (its near files come out 2-3.5% smaller).
    const files = ["z000011", "z000088"].map((f) => readBytes(DECODECORPUS_DIR + f));
    for (let level = 7; level <= 12; level++) {
      const [ours, theirs] = totalSizes(files, level);
      assert.ok(ours <= theirs * 1.0075, `level ${level}: ${ours} > 1.0075 × ${theirs}`);
    }
  });

  it("levels 10 to 12 search one row size less than libzstd above 1 MiB, 11 and 12 above 256 KiB", () => {
    // libzstd's searchLog: 5, 6, 6 (rows of 32, 64, 64). Ours above 1 MiB and for unknown sizes:
    // 4, 5, 5; from 256 KiB to 1 MiB 11 and 12 take rows of 32 (1.7x as fast as libzstd's 64,
    // +0.4%) and level 10 the hash chain, one step deeper (the test below). The frames and sizes at
    // those levels above 2 MiB are checked against libzstd below.
    for (const size of [(1 << 20) + 1, 4 << 20, -1]) {
      assert.deepEqual([10, 11, 12].map((l) => levelParameters(l, size, 0).searchLog), [4, 5, 5]);
    }
    for (const size of [(256 << 10) + 1, 1 << 20]) {
      assert.deepEqual([10, 11, 12].map((l) => levelParameters(l, size, 0).searchLog), [6, 5, 5]);
    }
  });

  it("levels 5, 7, 8, 11 and 12 from 512 KiB to 1 MiB: their own tables, within 0.5% of libzstd", () => {
    // Levels 11 and 12 keep 2^20 row entries: half of it (2^19 at 1 MiB) wrote 1.0057 of Bun's
    // libzstd's total over six 1 MiB slices of real files and logs (encoder/params.ts); 2^20,
    // 1.0040. Up to 512 KiB: half (2^18).
    for (const size of [(512 << 10) + 1, 1 << 20]) {
      assert.deepEqual([11, 12].map((l) => levelParameters(l, size, 0).hashLog), [20, 20]);
    }
    assert.deepEqual([11, 12].map((l) => levelParameters(l, 512 << 10, 0).hashLog), [18, 18]);
    // Level 5 from 256 KiB to 1 MiB: a long table of 2^(srcLog - 3) entries, a short one of 2^16
    // (LEVEL_5_MID_LOG); levels 7 and 8 above 512 KiB: 2^18 rows (the test below).
    const level5 = [(256 << 10) + 1, 512 << 10, (512 << 10) + 1, 1 << 20].map((size) => {
      const p = levelParameters(5, size, 0);
      return [p.hashLog, p.chainLog];
    });
    assert.deepEqual(level5, [[16, 16], [16, 16], [17, 16], [17, 16]]);
    // These tables (at levels 7 and 8, rows read ahead at 11 and 12) on 951 KiB of text and two far
    // files (testdata's systemd units, z000011, z000088): libzstd decodes the frames. Of Bun's
    // one-shot libzstd (sizes checked under Bun): level 5 0.9835 (0.9663 with 2^18 entries in each
    // table), 7 1.0028 and 8 1.0025 (1.0014 and 1.0012 with 2^19 rows), 11 and 12 1.0038 (1.0042
    // with 2^19).
    const unitsDir = DICT_DIR + "files/";
    const units = readdirSync(unitsDir).filter((f) => !f.endsWith(".zst")).sort().map((f) =>
      readBytes(unitsDir + f)
    );
    const far = ["z000011", "z000088"].map((f) => readBytes(DECODECORPUS_DIR + f));
    const data = concat([...units, ...far]);
    assert.ok(data.length > 512 << 10 && data.length <= 1 << 20, `${data.length} B`);
    withinOneShot(data, [5, 7, 8, 11, 12]);
  });

  it("levels 7 to 12 on the row finder run one of the row loops, streams and large inputs too", () => {
    // lazy.ts's loop writes the same bytes, slower: level 12's 2^23 entries (streams of unknown
    // size, inputs above 8 MiB) had run there until lazy_rows32.ts's tables took 2^23 entries
    // (streams at level 12 1.2-1.3x faster in Deno). Inputs up to 256 KiB take the hash chain, and
    // so do levels 8 to 10 up to 1 MiB (the test below).
    for (const size of [(256 << 10) + 1, 1 << 20, (1 << 20) + 1, 4 << 20, 12 << 20, 1 << 30, -1]) {
      for (let level = 7; level <= 12; level++) {
        const p = levelParameters(level, size, 0);
        if (p.hashChain === true) continue;
        assert.ok(usesRowFinder(p), `level ${level}, ${size} B: ${JSON.stringify(p)}`);
        assert.ok(fits16(p) || fits32(p), `level ${level}, ${size} B: ${JSON.stringify(p)}`);
      }
    }
  });

  it("levels 8 to 10 from 256 KiB to 1 MiB: lazy2 on the hash chain, within 0.5% of libzstd", () => {
    // Ours (MID_CHAIN_LOG in encoder/params.ts): 2^18 heads and links, searchLog 4, 5 and 6, where
    // libzstd searches rows of 16, 16 and 32. In one shot and with a pledged size, not with a
    // dictionary nor for unknown sizes.
    for (const size of [(256 << 10) + 1, 512 << 10, 1 << 20]) {
      for (const [level, searchLog] of [[8, 4], [9, 5], [10, 6]]) {
        const p = uniformParameters(levelParameters(level, size, 0));
        assert.ok(p.hashChain === true && !usesRowFinder(p), `level ${level}, ${size} B`);
        assert.equal(p.strategy, Strategy.Lazy2);
        assert.deepEqual([p.hashLog, p.chainLog, p.searchLog], [18, 18, searchLog]);
      }
    }
    for (
      const [size, dictSize] of [[256 << 10, 0], [(1 << 20) + 1, 0], [-1, 0], [300 << 10, 1000]]
    ) {
      for (const level of [7, 8, 9, 10, 11]) {
        const p = uniformParameters(levelParameters(level, size, dictSize));
        assert.equal(p.hashChain, false, `level ${level}, ${size} B, dictionary ${dictSize} B`);
      }
    }
    // decodecorpus's files of that size (the frames of every level are decoded by libzstd above):
    // 0.9947, 0.9936 and 0.9949 of Bun's one-shot libzstd's total.
    const files = corpusFiles().filter((f) => f.length > 256 << 10 && f.length <= 1 << 20);
    assert.ok(files.length >= 10, `${files.length} files`);
    for (const level of [8, 9, 10]) {
      const [ours, theirs] = totalSizes(files, level);
      assert.ok(ours <= theirs * 1.005, `level ${level}: ${ours} > 1.005 × ${theirs}`);
    }
    // 951 KiB of text and two far files (as below): libzstd decodes the frames.
    const unitsDir = DICT_DIR + "files/";
    const units = readdirSync(unitsDir).filter((f) => !f.endsWith(".zst")).sort().map((f) =>
      readBytes(unitsDir + f)
    );
    const far = ["z000011", "z000088"].map((f) => readBytes(DECODECORPUS_DIR + f));
    withinOneShot(concat([...units, ...far]), [8, 9, 10]);
  });

  it("levels 7 and 8: half of libzstd's row table above 1 MiB, a quarter of the input's to 1 MiB", () => {
    // libzstd's hashLog at levels 7 and 8: 20. Ours above 1 MiB and for unknown sizes: 19. From
    // 512 KiB to 1 MiB a quarter of the input's power of two (2^18), up to 512 KiB half (2^18 at
    // 512 KiB; encoder/params.ts, MID_ROW_LOG_BELOW). The frames and sizes of both levels above
    // 1 MiB are checked against libzstd below; at 1 MiB, in the next test.
    for (const size of [(1 << 20) + 1, 4 << 20, 64 << 20, -1]) {
      assert.deepEqual([7, 8].map((l) => levelParameters(l, size, 0).hashLog), [19, 19]);
    }
    for (const size of [(512 << 10) + 1, 1 << 20]) {
      assert.deepEqual([7, 8].map((l) => levelParameters(l, size, 0).hashLog), [18, 18]);
    }
    assert.deepEqual([7, 8].map((l) => levelParameters(l, 512 << 10, 0).hashLog), [18, 18]);
    assert.deepEqual([7, 8].map((l) => levelParameters(l, 300 << 10, 0).hashLog), [18, 18]);
    // Level 9 keeps libzstd's table for its 4 MiB window (in one shot, a quarter of it when the
    // input's repeats do not reach 2 MiB back: reach_test.ts).
    assert.equal(levelParameters(9, 4 << 20, 0).hashLog, 21);
  });

  it("levels 7 to 12 above 2 MiB: within 0.5% of libzstd on matches 2 MiB back", () => {
    // Five far files (1.9 MiB), then the same bytes again with every 997th byte changed: the
    // second half is made of matches of ~1000 bytes reaching back 2 MiB, which the row tables
    // must still find. 0.9998-1.0001 of Bun's one-shot libzstd at levels 7 to 12.
    const parts = ["z000011", "z000088", "z000040", "z000051", "z000079"].map((f) =>
      readBytes(DECODECORPUS_DIR + f)
    );
    const half = parts.reduce((n, p) => n + p.length, 0);
    const data = new Uint8Array(2 * half);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    data.copyWithin(half, 0, half);
    for (let p = half; p < data.length; p += 997) data[p] ^= 0x5a;
    for (let level = 7; level <= 12; level++) {
      const frame = compress(data, { level });
      assert.ok(sameBytes(nativeDecompress(frame), data), `level ${level}: libzstd`);
      const theirs = nativeCompress(data, level).length;
      assert.ok(
        frame.length <= theirs * 1.005,
        `level ${level}: ${frame.length} > 1.005 × ${theirs}`,
      );
    }
  });

  it("after a run the pre-splitter cut short, the next blocks are pre-split too", () => {
    // The corpus files end to end up to 3 MiB (as in an archive): a 56 KiB run of one byte ends a
    // block early, and a block after a very repetitive one was not pre-split: 1.0153 of Bun's
    // one-shot libzstd at level 3 and 1.0113 at level 9; 0.9998 and 0.9995 with the cuts. Only
    // that compressor cuts blocks as we do: the size is checked under Bun.
    const files = corpusFiles();
    const data = new Uint8Array(3 << 20);
    let at = 0;
    for (const f of files) {
      if (at + f.length > data.length) break;
      data.set(f, at);
      at += f.length;
    }
    const input = data.subarray(0, at);
    withinOneShot(input, [3, 9]);
  });

  it("levels 7 to 9 on 4 MiB of parts of two kinds, twice: within 1.5% (7, 8), 0.5% (9)", () => {
    // Text (testdata's systemd units, 133 KiB), five far decodecorpus files, then both again.
    // Levels 7 to 12 had halved the row table above 2 MiB: 1.0121 and 1.0119 of Bun's one-shot
    // libzstd at levels 7 and 8 (1.0003 and 0.9999 with the whole table). Levels 7 and 8 halve it
    // again above 1 MiB (LEVELS_7_8 in encoder/params.ts), for 1.2-1.4x in both runtimes: 1.0126
    // and 1.0120, the most of the inputs measured (real files and their mixes +0.1 to +1.1%).
    // Level 9 takes a quarter of its table here (the reach probe sees 1.5% of the repeats 2 MiB
    // back or more) and keeps its 4 MiB window: 1.0006 (with level 8's 2 MiB window, 1.88: the
    // second half repeats the first 2.1 MiB back). Sizes checked under Bun.
    const unitsDir = DICT_DIR + "files/";
    const units = concat(
      readdirSync(unitsDir).filter((f) => !f.endsWith(".zst")).sort().map((f) =>
        readBytes(unitsDir + f)
      ),
    );
    const far = ["z000011", "z000088", "z000040", "z000051", "z000079"].map((f) =>
      readBytes(DECODECORPUS_DIR + f)
    );
    const data = concat([units, ...far, units, ...far]);
    withinOneShot(data, [7, 8], 1.015);
    withinOneShot(data, [9]);
  });

  it("levels 5 and 6 reach a whole window back from every position", () => {
    // Their bucket finder (matchers/dfast_lazy.ts) took libzstd's dfast floor, the block's end less
    // the window: a copy exactly 2 MiB (their window) back could not be reached, 1.33x libzstd's
    // size here, and one 2 MiB - 8 KiB back only from the first 8 KiB of each block, 1.05x.
    const text = textLike(512 << 10, 41);
    const before = concat([text, randomBytes((2 << 20) - text.length, 42)]);
    const data = concat([before, text]);
    withinOneShot(data, [5, 6]);
    for (const level of [5, 6]) {
      const frame = compress(data, { level });
      const without = compress(before, { level }).length;
      assert.ok(frame.length < without + 1000, `level ${level}: ${frame.length} / ${without}`);
    }
  });

  it("levels 5 to 8 find a copy of a copy whose original lies beyond the window", () => {
    // Random bytes, copied twice: the third copy can only be found from the second, which was
    // written as one long match. Its positions were left out of the tables (levels 5 and 6 where
    // the match ran to a block's end, levels 7 and 8 past the limited update at a block's start):
    // 1.28x libzstd's size at level 6 on the first input, 1.20x at levels 7 and 8 on the second.
    const a = randomBytes(511 << 10, 43);
    const inputs = [
      [a, randomBytes(858 << 10, 44), a, randomBytes(419 << 10, 45)],
      [a, randomBytes(700 << 10, 46), a, randomBytes(600 << 10, 47)],
    ];
    for (const parts of inputs) {
      const data = concat([...parts, a]);
      withinOneShot(data, [5, 6, 7, 8]);
      for (const level of [5, 6, 7, 8]) {
        const frame = compress(data, { level });
        const without = compress(concat(parts), { level }).length;
        // Found, if not at its first bytes: a lost copy costs its 511 KiB.
        assert.ok(frame.length < without + (16 << 10), `level ${level}: ${frame.length}`);
      }
    }
  });

  it("a part with far matches among near ones keeps the level's tables (btlazy2)", () => {
    // z000050's repeats lie far (76% of those the reach probe sees), z000033's and z000035's near:
    // end to end, 1.2% of the whole's are far, and btlazy2 took the trees over the last 64 KiB:
    // 1.0141 of Bun's one-shot libzstd at level 13. The probe now asks the share of each 512 KiB
    // too: 1.0000. (Checked under Bun, whose one-shot compressor cuts blocks as we do.)
    const data = concat(
      ["z000033", "z000050", "z000035"].map((f) => readBytes(DECODECORPUS_DIR + f)),
    );
    withinOneShot(data, [13]);
  });

  it("levels 11 and 12 below 256 KiB find the matches of long literal runs", () => {
    // Copies that reach back into long runs of literals: btlazy2 skipping the runs' positions
    // (as libzstd's row and chain finders do, not its trees) wrote these 7-15% larger. Up to
    // 128 KiB (z000095) the deep chain inserts every position too.
    for (const name of ["z000028", "z000074", "z000095"]) {
      const f = readBytes(DECODECORPUS_DIR + name);
      for (const level of [11, 12]) {
        const ours = compress(f, { level }).length;
        const theirs = nativeCompress(f, level).length;
        assert.ok(ours <= theirs * 1.005, `${name} level ${level}: ${ours} > 1.005 × ${theirs}`);
      }
    }
  });

  it("btlazy2 takes matches of 192 bytes or more without searching past them: near libzstd's size", () => {
    // Ours (TREE_LOOKAHEAD_STOP in matchers/lazy.ts). Patterns of 64 to 175 bytes repeated, a
    // byte changed in three of ten (bench/scenarios.ts's low-entropy input): there the searches
    // past long matches took a fifth to a third of levels 13-15's time. Levels 11 and 12 are
    // btlazy2 from 128 to 256 KiB, levels 13 to 15 above 256 KiB.
    const r = rng(5);
    const patterns = [0, 1, 2, 3].map((i) => randomBytes(64 + i * 37, 5 + i));
    const data = new Uint8Array(600_000);
    for (let p = 0; p < data.length;) {
      const pattern = patterns[(r() * 4) | 0];
      const n = Math.min(pattern.length, data.length - p);
      data.set(pattern.subarray(0, n), p);
      if (r() < 0.3) data[p + ((r() * n) | 0)] = (r() * 256) | 0;
      p += n;
    }
    for (const level of [13, 14, 15]) {
      assert.equal(levelParameters(level, data.length, 0).strategy, Strategy.BtLazy2);
    }
    withinOneShot(data, [13, 14, 15], 1.015);
    const part = data.subarray(0, 200_000);
    for (const level of [11, 12]) {
      assert.equal(levelParameters(level, part.length, 0).strategy, Strategy.BtLazy2);
    }
    withinOneShot(part, [11, 12], 1.015);
  });

  it("levels 13 to 22: within 0.5% (btlazy2 band, 13-15) and 1% (16-22) of libzstd", () => {
    const files = highLevelFiles(corpusFiles());
    const rows: string[] = [];
    for (const level of HIGH_LEVELS) {
      let ours = 0;
      let theirs = 0;
      for (const f of files) {
        ours += compress(f, { level }).length;
        theirs += nativeCompress(f, level).length;
      }
      rows.push(`${level}: ${ours} / ${theirs} = ${(ours / theirs).toFixed(4)}`);
      const bound = level <= 15 ? 1.005 : 1.01;
      assert.ok(ours <= theirs * bound, `level ${level}: ${ours} > ${bound} × ${theirs}\n${rows}`);
    }
    console.log("compressed size over libzstd's:\n  " + rows.join("\n  "));
  });
});

describe("compress: argument checks", () => {
  const data = new Uint8Array(10);
  it("rejects inputs that are not bytes", () => {
    assert.throws(() => compress("abc" as unknown as Uint8Array), TypeError);
    assert.throws(() => compress(null as unknown as Uint8Array), TypeError);
    assert.throws(() => compress([1, 2] as unknown as Uint8Array), TypeError);
  });
  it("rejects bad options", () => {
    for (const level of [23, -8, 1.5, NaN, Infinity]) {
      assert.throws(() => compress(data, { level }), RangeError, `level ${level}`);
    }
    assert.throws(() => compress(data, { level: "3" as unknown as number }), TypeError);
    assert.throws(() => compress(data, { checksum: 1 as unknown as boolean }), TypeError);
    assert.throws(
      () => compress(data, { strategy: "turbo" as unknown as "fast" }),
      RangeError,
    );
    assert.throws(() => compress(data, { windowLog: 9 }), RangeError);
    assert.throws(() => compress(data, { hashLog: 31 }), RangeError);
    assert.throws(() => compress(data, { minMatch: 8 }), RangeError);
    assert.throws(() => compress(data, { targetLength: -1 }), RangeError);
    assert.throws(() => compress(data, 5 as unknown as object), TypeError);
  });
  it("accepts a Buffer-like subarray and level 0 as the default", () => {
    const big = textLike(5000, 2);
    const view = big.subarray(100, 4100);
    assert.ok(sameBytes(decompress(compress(view)), view));
    assert.ok(sameBytes(compress(view, { level: 0 }), compress(view, { level: 3 })));
  });
});
