/**
 * Dictionaries: libzstd's dictionary frames decode with ours, ours decode with the zstd CLI (and,
 * under Bun, with libzstd in-process), sizes against `zstd -D`, the dictionary ID checks, raw
 * content dictionaries, streams, and argument checks.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";
import { describe, it } from "node:test";
import {
  compress,
  compressStream,
  decompress,
  trainDictionary,
  ZstdDictionary,
  ZstdError,
} from "../mod.ts";
import {
  concat,
  DICT_DIR,
  pipeChunks,
  readBytes,
  rng,
  sameBytes,
  streamDecompress,
  textLike,
} from "./helpers.ts";

const DICT_PATH = DICT_DIR + "dictionary";
const names = readdirSync(DICT_DIR + "files").filter((n) => !n.endsWith(".zst")).sort();
const paths = names.map((n) => DICT_DIR + "files/" + n);
const originals = paths.map(readBytes);
const dictionary = new ZstdDictionary(readBytes(DICT_PATH));
const isBun = "Bun" in globalThis;

/** Runs the zstd CLI on files in a temp directory: `input` → its stdout. */
function cli(args: string[], input: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "zstd-dict-"));
  try {
    const file = join(dir, "in");
    writeFileSync(file, input);
    const out = execFileSync("zstd", [...args, "-c", file], {
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** zstd CLI's frame for `data` with the corpus dictionary (no checksum, as our default). */
function cliCompress(data: Uint8Array, level: number): Uint8Array {
  return cli(["-q", "--no-check", `-${level}`, "-D", DICT_PATH], data);
}

function assertCode(f: () => unknown, code: string) {
  assert.throws(f, (e: unknown) => e instanceof ZstdError && e.code === code);
}

describe("dictionaries: decoding libzstd's frames", () => {
  it("parses the corpus dictionary", () => {
    assert.equal(dictionary.id, 618557512);
    assert.ok(dictionary.layout !== null);
    assert.deepEqual([...dictionary.repeats], [1, 4, 8]);
  });

  it("every .zst of the dictionary corpus decodes to its original", () => {
    let count = 0;
    for (let i = 0; i < names.length; i++) {
      const frame = readBytes(DICT_DIR + "files/" + names[i] + ".zst");
      assert.ok(sameBytes(decompress(frame, { dictionary }), originals[i]), names[i]);
      // Bytes work too (built into a dictionary per call).
      if (i < 5) {
        assert.ok(sameBytes(decompress(frame, { dictionary: readBytes(DICT_PATH) }), originals[i]));
      }
      count++;
    }
    assert.ok(count > 200);
  });

  it("the same frames decode through decompressStream, in odd chunks", async () => {
    const r = rng(5);
    for (let i = 0; i < names.length; i += 7) {
      const frame = readBytes(DICT_DIR + "files/" + names[i] + ".zst");
      const out = await streamDecompress(frame, () => 1 + Math.floor(r() * 40), { dictionary });
      assert.ok(sameBytes(out, originals[i]), names[i]);
    }
  });

  it("frames the zstd CLI writes at levels 1, 3, 9 and 19 decode, several frames in a row", () => {
    const sample = originals.slice(0, 40);
    for (const level of [1, 3, 9, 19]) {
      const frames = concat(sample.map((d) => cliCompress(d, level)));
      assert.ok(sameBytes(decompress(frames, { dictionary }), concat(sample)), `level ${level}`);
    }
  });
});

describe("dictionaries: our frames", () => {
  it("decode with the zstd CLI -D and with ours, at levels 1, 3, 9 and 19", () => {
    const sample = originals.filter((_, i) => i % 3 === 0);
    for (const level of [1, 3, 9, 19]) {
      const frames = sample.map((d) => compress(d, { level, dictionary }));
      for (let i = 0; i < frames.length; i++) {
        assert.ok(sameBytes(decompress(frames[i], { dictionary }), sample[i]));
      }
      const decoded = cli(["-d", "-q", "-D", DICT_PATH], concat(frames));
      assert.ok(sameBytes(decoded, concat(sample)), `level ${level}`);
    }
  });

  it("decode with libzstd in-process (Bun's node:zlib takes a dictionary)", {
    skip: !isBun && "Deno's node:zlib ignores the dictionary option",
  }, () => {
    const dictBytes = readBytes(DICT_PATH);
    for (const level of [1, 3, 9]) {
      for (let i = 0; i < originals.length; i += 11) {
        const frame = compress(originals[i], { level, dictionary });
        const out = zlib.zstdDecompressSync(frame, { dictionary: dictBytes } as never);
        assert.ok(sameBytes(new Uint8Array(out), originals[i]));
      }
    }
  });

  it("total size is at most 2% above zstd -D at levels 1, 3, 5, 9, 13, 16 and 19", () => {
    const lines: string[] = [];
    for (const level of [1, 3, 5, 9, 13, 16, 19]) {
      let ours = 0;
      for (const data of originals) ours += compress(data, { level, dictionary }).length;
      // One CLI run writes one frame per file, back to back.
      const theirs = execFileSync(
        "zstd",
        ["-q", "--no-check", `-${level}`, "-D", DICT_PATH, "-c", ...paths],
        { maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] },
      ).length;
      lines.push(`  L${level}: ${ours} / ${theirs} = ${(ours / theirs).toFixed(4)}`);
      assert.ok(ours <= theirs * 1.02, lines[lines.length - 1]);
    }
    console.log("ours / zstd -D, total over the dictionary corpus:\n" + lines.join("\n"));
  });

  it("with a dictionary, small records shrink several times", () => {
    let plain = 0;
    let withDict = 0;
    for (const data of originals) {
      plain += compress(data).length;
      withDict += compress(data, { dictionary }).length;
    }
    assert.ok(withDict * 3 < plain, `${withDict} vs ${plain}`);
  });

  it("inputs larger than the window and the dictionary, at every strategy", () => {
    const big = concat([textLike(300_000, 3), concat(originals)]);
    for (const level of [-3, 1, 2, 3, 5, 6, 7, 12, 13, 16, 19, 22]) {
      const frame = compress(big, { level, dictionary, checksum: true });
      assert.ok(sameBytes(decompress(frame, { dictionary }), big), `level ${level}`);
      assert.ok(sameBytes(cli(["-d", "-q", "-D", DICT_PATH], frame), big), `CLI, level ${level}`);
    }
  });

  it("compressStream with a dictionary: decodes with the CLI, equals one-shot when pledged", async () => {
    const data = concat(originals.slice(0, 30));
    const r = rng(8);
    for (const level of [1, 3, 8]) {
      const streamed = await pipeChunks(
        compressStream({ level, dictionary }),
        data,
        () => 1 + Math.floor(r() * 3000),
      );
      assert.ok(sameBytes(cli(["-d", "-q", "-D", DICT_PATH], streamed), data));
      const pledged = await pipeChunks(
        compressStream({ level, dictionary, pledgedSize: data.length }),
        data,
        () => 4096,
      );
      assert.ok(sameBytes(pledged, compress(data, { level, dictionary })), `level ${level}`);
    }
  });

  it("dictionaryId: false leaves the ID out; the frame still needs the dictionary's content", () => {
    const data = originals[3];
    const withId = compress(data, { dictionary });
    const without = compress(data, { dictionary, dictionaryId: false });
    assert.equal(withId.length, without.length + 4);
    assert.ok(sameBytes(decompress(without, { dictionary }), data));
    assert.ok(sameBytes(cli(["-d", "-q", "-D", DICT_PATH], without), data));
  });
});

describe("dictionaries: raw content", () => {
  const content = textLike(20_000, 77);
  const raw = new ZstdDictionary(content);
  const records = Array.from({ length: 20 }, (_, i) => content.subarray(i * 900, i * 900 + 700));

  it("bytes without the magic number are content, ID 0", () => {
    assert.equal(raw.id, 0);
    assert.equal(raw.layout, null);
    assert.equal(raw.content.length, content.length);
    const magicButRaw = new ZstdDictionary(readBytes(DICT_PATH), { raw: true });
    assert.equal(magicButRaw.id, 0);
  });

  it("round-trips, and the zstd CLI decodes with the same file as its dictionary", () => {
    const dir = mkdtempSync(join(tmpdir(), "zstd-raw-"));
    try {
      const path = join(dir, "raw");
      writeFileSync(path, content);
      for (const level of [1, 3, 9]) {
        const frames = records.map((d) => compress(d, { level, dictionary: raw }));
        for (const f of frames) assert.ok(f.length < 100, `level ${level}: ${f.length} bytes`);
        const joined = concat(frames);
        assert.ok(sameBytes(decompress(joined, { dictionary: raw }), concat(records)));
        assert.ok(sameBytes(cli(["-d", "-q", "-D", path], joined), concat(records)));
        // And the CLI's frames with the raw dictionary decode with ours.
        const theirs = cli(["-q", `-${level}`, "-D", path], records[4]);
        assert.ok(sameBytes(decompress(theirs, { dictionary: raw }), records[4]));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("dictionaries: errors", () => {
  const frame = compress(originals[0], { dictionary });

  it("a frame that names a dictionary needs that one", async () => {
    assertCode(() => decompress(frame), "dictionary_wrong");
    assertCode(
      () => decompress(frame, { dictionary: new ZstdDictionary(textLike(100)) }),
      "dictionary_wrong",
    );
    await assert.rejects(
      streamDecompress(frame, () => 7),
      (e: unknown) => e instanceof ZstdError && e.code === "dictionary_wrong",
    );
  });

  it("corrupt zstd-format dictionaries raise dictionary_corrupted", () => {
    const bytes = readBytes(DICT_PATH);
    // Entropy tables cut short.
    assertCode(() => new ZstdDictionary(bytes.subarray(0, 20)), "dictionary_corrupted");
    // A repeat offset of 0.
    const zeroRep = bytes.slice();
    const layout = dictionary.layout!;
    zeroRep.fill(0, layout.repeats, layout.repeats + 4);
    assertCode(() => new ZstdDictionary(zeroRep), "dictionary_corrupted");
    // A Huffman description that is not one.
    const badHuffman = bytes.slice();
    badHuffman[8] = 0;
    assertCode(() => new ZstdDictionary(badHuffman), "dictionary_corrupted");
  });

  it("bad arguments are TypeErrors", () => {
    assert.throws(() => compress(originals[0], { dictionary: 5 as never }), TypeError);
    assert.throws(() => decompress(frame, { dictionary: "x" as never }), TypeError);
    assert.throws(() => new ZstdDictionary([1, 2] as never), TypeError);
    assert.throws(() => new ZstdDictionary(new Uint8Array(4), { raw: 1 as never }), TypeError);
    assert.throws(
      () => compress(originals[0], { dictionary, dictionaryId: 1 as never }),
      TypeError,
    );
  });
});

/** JSON log records, generated: what dictionaries are for. */
function jsonRecords(count: number, seed: number): Uint8Array[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const users = ["ada", "grace", "linus", "ken", "dennis", "barbara", "margaret", "alan"];
  const actions = ["login", "logout", "view", "purchase", "search", "update_profile"];
  const text = new TextEncoder();
  return Array.from({ length: count }, () =>
    text.encode(JSON.stringify({
      ts: 1700000000 + Math.floor(r() * 1e6),
      user: pick(users),
      action: pick(actions),
      ok: r() > 0.1,
      latency_ms: Math.floor(r() * 500),
      path: `/api/v1/${pick(actions)}/${Math.floor(r() * 1000)}`,
      agent: r() > 0.5 ? "Mozilla/5.0 (X11; Linux x86_64)" : "curl/8.5.0",
    })));
}

describe("trainDictionary", () => {
  const records = jsonRecords(1200, 11);
  const maxSize = 8192;
  const ours = trainDictionary(records, { maxSize });
  const dir = mkdtempSync(join(tmpdir(), "zstd-train-"));
  const recordPaths = records.map((rec, i) => {
    const path = join(dir, `${i}.json`);
    writeFileSync(path, rec);
    return path;
  });
  const oursPath = join(dir, "ours.dict");
  const theirsPath = join(dir, "theirs.dict");
  writeFileSync(oursPath, ours);
  execFileSync("zstd", [
    "-q",
    "-f",
    "--train",
    `--maxdict=${maxSize}`,
    "-o",
    theirsPath,
    ...recordPaths,
  ], {
    stdio: "ignore",
  });
  const theirs = readBytes(theirsPath);

  it("writes a zstd-format dictionary within maxSize", () => {
    assert.ok(ours.length <= maxSize && ours.length > maxSize / 2, `${ours.length} bytes`);
    const dict = new ZstdDictionary(ours);
    assert.ok(dict.layout !== null);
    assert.ok(dict.id >= 32768 && dict.id < 2 ** 31);
    assert.equal(new ZstdDictionary(trainDictionary(records.slice(0, 50), { id: 77 })).id, 77);
  });

  it("the zstd CLI compresses and decompresses with it", () => {
    const frames = cli(["-q", "-3", "-D", oursPath], records[7]);
    assert.ok(sameBytes(decompress(frames, { dictionary: ours }), records[7]));
    const mine = compress(records[8], { dictionary: ours });
    assert.ok(sameBytes(cli(["-d", "-q", "-D", oursPath], mine), records[8]));
  });

  it("compresses at most 5% larger than a zstd --train dictionary (ours and the CLI compressing)", () => {
    const lines: string[] = [];
    const a = new ZstdDictionary(ours);
    const b = new ZstdDictionary(theirs);
    for (const level of [1, 3, 9]) {
      let withOurs = 0;
      let withTheirs = 0;
      for (const rec of records) {
        withOurs += compress(rec, { level, dictionary: a }).length;
        withTheirs += compress(rec, { level, dictionary: b }).length;
      }
      const cliTotal = (dictPath: string) =>
        execFileSync("zstd", [
          "-q",
          "--no-check",
          `-${level}`,
          "-D",
          dictPath,
          "-c",
          ...recordPaths,
        ], {
          maxBuffer: 1 << 30,
          stdio: ["ignore", "pipe", "ignore"],
        }).length;
      const cliOurs = cliTotal(oursPath);
      const cliTheirs = cliTotal(theirsPath);
      lines.push(
        `  L${level}: our compressor ${withOurs} / ${withTheirs} = ${
          (withOurs / withTheirs).toFixed(4)
        }` +
          `; zstd CLI ${cliOurs} / ${cliTheirs} = ${(cliOurs / cliTheirs).toFixed(4)}`,
      );
      assert.ok(withOurs <= withTheirs * 1.05, lines[lines.length - 1]);
      assert.ok(cliOurs <= cliTheirs * 1.05, lines[lines.length - 1]);
    }
    console.log("trained dictionary, ours / zstd --train:\n" + lines.join("\n"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("low-entropy samples give a valid dictionary that zstd -D and ours use both ways", () => {
    // Samples of one repeated byte leave a single dmer of content (6 or 8 bytes): it is padded
    // in front to the largest repeat offset (8), as zdict does (zstd --train writes 156 bytes
    // for the zeros).
    const sets: [string, Uint8Array[]][] = [
      ["100 all-zero samples of 100 bytes", Array.from({ length: 100 }, () => new Uint8Array(100))],
      ["50 samples of 64 'A's", Array.from({ length: 50 }, () => new Uint8Array(64).fill(65))],
    ];
    for (const [what, samples] of sets) {
      const dir = mkdtempSync(join(tmpdir(), "zstd-train-low-"));
      try {
        const bytes = trainDictionary(samples);
        const dict = new ZstdDictionary(bytes);
        assert.ok(dict.layout !== null, what);
        assert.ok(dict.content.length >= 8, `${what}: ${dict.content.length} bytes of content`);
        for (const rep of dict.repeats) assert.ok(rep <= dict.content.length, what);
        const dictPath = join(dir, "dict");
        writeFileSync(dictPath, bytes);
        const paths = samples.map((sample, i) => {
          const path = join(dir, `${i}`);
          writeFileSync(path, sample);
          return path;
        });
        // zstd --train's dictionary for the same samples: about the same size as ours.
        const theirsPath = join(dir, "theirs");
        execFileSync("zstd", ["-q", "-f", "--train", "-o", theirsPath, ...paths], {
          stdio: "ignore",
        });
        const theirs = readBytes(theirsPath);
        assert.ok(
          Math.abs(bytes.length - theirs.length) <= 16,
          `${bytes.length} / ${theirs.length}`,
        );
        // The CLI compresses every sample with our dictionary; it and we decode the frames.
        const some = paths.slice(0, 5);
        const frames = execFileSync("zstd", ["-q", "-3", "-D", dictPath, "-c", ...some], {
          stdio: ["ignore", "pipe", "ignore"],
        });
        const cliFrames = new Uint8Array(frames.buffer, frames.byteOffset, frames.byteLength);
        const expected = concat(samples.slice(0, 5));
        assert.ok(sameBytes(cli(["-d", "-q", "-D", dictPath], cliFrames), expected), what);
        assert.ok(sameBytes(decompress(cliFrames, { dictionary: dict }), expected), what);
        // Our frames with it: the CLI decodes them.
        for (const level of [1, 3, 19]) {
          const mine = compress(samples[0], { level, dictionary: dict, checksum: true });
          assert.ok(sameBytes(cli(["-d", "-q", "-D", dictPath], mine), samples[0]), what);
          assert.ok(sameBytes(decompress(mine, { dictionary: dict }), samples[0]), what);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("bad arguments", () => {
    assert.throws(() => trainDictionary(records.slice(0, 4)), RangeError);
    assert.throws(() => trainDictionary("x" as never), TypeError);
    assert.throws(() => trainDictionary([1, 2, 3, 4, 5] as never), TypeError);
    assert.throws(() => trainDictionary(records, { maxSize: 100 }), RangeError);
    assert.throws(() => trainDictionary(records, { level: 0.5 }), RangeError);
  });
});
