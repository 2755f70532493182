/**
 * The command line (cli.ts), run as a subprocess of the current runtime (Deno or Bun) in a
 * temporary directory and checked against the zstd CLI in both directions: files we write
 * decompress with `zstd -d`, files `zstd` writes decompress with ours, `-l` prints what `zstd -l`
 * prints, and the options, output names and exit codes are zstd's.
 */

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../cli.ts";
import { compress } from "../mod.ts";
import { concat, DECODECORPUS_DIR, DICT_DIR, readBytes, sameBytes, textLike } from "./helpers.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const isDeno = "Deno" in globalThis;
// Deno needs `run` and permissions; Bun runs a file given as its first argument.
const RUNTIME_ARGS = isDeno ? ["run", "-A", CLI] : [CLI];

interface CliResult {
  status: number | null;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs our CLI in `cwd` with `args`, feeding `input` (default: nothing) on stdin. */
function cli(cwd: string, args: string[], input: Uint8Array = new Uint8Array(0)): CliResult {
  const r = spawnSync(process.execPath, [...RUNTIME_ARGS, ...args], {
    cwd,
    input,
    maxBuffer: 1 << 28,
  });
  return {
    status: r.status,
    stdout: new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength),
    stderr: r.stderr.toString(),
  };
}

/** Runs the zstd CLI in `cwd`; returns stdout (throws on a non-zero exit). */
function zstd(cwd: string, args: string[], input?: Uint8Array): Uint8Array {
  const out = execFileSync("zstd", args, {
    cwd,
    input,
    maxBuffer: 1 << 28,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Runs `fn` in a fresh temporary directory, removed afterwards. */
function inTempDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "zstd-cli-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const corpus = (name: string) => readBytes(DECODECORPUS_DIR + name);
// Two real inputs of the decodecorpus set (220 KB and 95 KB), plus generated text.
const INPUT_A = corpus("z000000");
const INPUT_B = corpus("z000003");
const TEXT = textLike(300_000, 5);

function ok(r: CliResult): void {
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
}

describe("cli: compression", () => {
  it(
    "writes FILE.zst that zstd -d restores, the frame compress() makes",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      writeFileSync(join(dir, "b"), INPUT_B);
      writeFileSync(join(dir, "empty"), new Uint8Array(0));
      const r = cli(dir, ["a", "b", "empty"]);
      ok(r);
      assert.match(r.stderr, /3 files compressed/);
      const expected: [string, Uint8Array][] = [
        ["a", INPUT_A],
        ["b", INPUT_B],
        ["empty", new Uint8Array(0)],
      ];
      for (const [name, data] of expected) {
        const frame = readBytes(join(dir, `${name}.zst`));
        assert.ok(sameBytes(zstd(dir, ["-d", "-c", `${name}.zst`]), data), name);
        // The file is streamed with its size pledged: the one-shot frame, checksum on (zstd's
        // CLI default).
        assert.ok(sameBytes(frame, compress(data, { checksum: true })), name);
      }
      // -k is the default: the sources stay.
      assert.ok(existsSync(join(dir, "a")));
    }),
  );

  it(
    "honours levels, --fast, --no-check and combined flags",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      for (
        const [args, level, checksum] of [
          [["-kf19"], 19, true],
          [["-f", "--fast=3"], -3, true],
          [["-f1", "--no-check"], 1, false],
        ] as [string[], number, boolean][]
      ) {
        ok(cli(dir, [...args, "a"]));
        const frame = readBytes(join(dir, "a.zst"));
        assert.ok(sameBytes(frame, compress(INPUT_A, { level, checksum })), args.join(" "));
        assert.ok(sameBytes(zstd(dir, ["-d", "-c", "a.zst"]), INPUT_A), args.join(" "));
      }
    }),
  );

  it(
    "gates levels above 19 behind --ultra, as zstd",
    inTempDir((dir) => {
      writeFileSync(join(dir, "t"), TEXT);
      const capped = cli(dir, ["-20", "-c", "t"]);
      ok(capped);
      assert.match(capped.stderr, /reduced to 19/);
      assert.ok(sameBytes(capped.stdout, compress(TEXT, { level: 19, checksum: true })));
      const ultra = cli(dir, ["--ultra", "-20", "-c", "t"]);
      ok(ultra);
      assert.equal(ultra.stderr, "");
      assert.ok(sameBytes(ultra.stdout, compress(TEXT, { level: 20, checksum: true })));
      assert.ok(sameBytes(zstd(dir, ["-d"], ultra.stdout), TEXT));
      const beyond = cli(dir, ["--ultra", "-30", "-c", "t"]);
      ok(beyond);
      assert.match(beyond.stderr, /reduced to 22/);
      // Faster than our fastest level: reduced to it, with a warning.
      const fast = cli(dir, ["--fast=100", "-c", "t"]);
      ok(fast);
      assert.match(fast.stderr, /--fast=7/);
      assert.ok(sameBytes(fast.stdout, compress(TEXT, { level: -7, checksum: true })));
    }),
  );

  it(
    "--no-content-size leaves the size out of the header",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      ok(cli(dir, ["--no-content-size", "a"]));
      const listing = text(zstd(dir, ["-lv", "a.zst"]));
      assert.doesNotMatch(listing, /Decompressed Size/);
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "a.zst"]), INPUT_A));
    }),
  );
});

describe("cli: decompression", () => {
  it(
    "restores what zstd writes: levels, --fast, with and without checksum, concatenated frames",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      const variants: string[][] = [[], ["-19"], ["--fast=3"], ["--no-check"], ["--ultra", "-22"]];
      const frames: Uint8Array[] = [];
      for (const args of variants) {
        zstd(dir, ["-q", "-f", ...args, "a", "-o", "a.zst"]);
        frames.push(readBytes(join(dir, "a.zst")));
        const r = cli(dir, ["-d", "-f", "a.zst", "-o", "out"]);
        ok(r);
        assert.ok(sameBytes(readBytes(join(dir, "out")), INPUT_A), args.join(" "));
      }
      // Several frames and a skippable frame in one file, as `cat` makes them.
      const skippable = new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
      writeFileSync(join(dir, "all.zst"), concat([frames[0], skippable, ...frames.slice(1)]));
      const r = cli(dir, ["-d", "all.zst"]);
      ok(r);
      const expected = concat(frames.map(() => INPUT_A));
      assert.ok(sameBytes(readBytes(join(dir, "all")), expected));
    }),
  );

  it(
    "an input without .zst is an error for that file only; .tzst gives .tar",
    inTempDir((dir) => {
      writeFileSync(join(dir, "plain"), INPUT_B);
      writeFileSync(join(dir, "b.tzst"), zstd(dir, ["-c"], INPUT_B));
      const r = cli(dir, ["-d", "plain", "b.tzst"]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^zstd: plain: unknown suffix/m);
      assert.ok(sameBytes(readBytes(join(dir, "b.tar")), INPUT_B));
      assert.ok(!existsSync(join(dir, "plain.out")));
    }),
  );

  it(
    "-t passes good files and fails corrupted and truncated ones",
    inTempDir((dir) => {
      const frame = zstd(dir, ["-c"], INPUT_A);
      writeFileSync(join(dir, "good.zst"), frame);
      const corrupted = frame.slice();
      corrupted[frame.length >> 1] ^= 0x55;
      writeFileSync(join(dir, "bad.zst"), corrupted);
      writeFileSync(join(dir, "short.zst"), frame.subarray(0, frame.length - 100));
      const good = cli(dir, ["-t", "good.zst"]);
      ok(good);
      assert.match(good.stderr, new RegExp(`good.zst\\s*: ${INPUT_A.length} bytes`));
      for (const name of ["bad.zst", "short.zst"]) {
        const r = cli(dir, ["-t", name]);
        assert.equal(r.status, 1, name);
        assert.match(r.stderr, new RegExp(`^zstd: ${name}: `), name);
      }
      // The content checksum catches what the structure does not: a flipped checksum byte.
      const badSum = frame.slice();
      badSum[frame.length - 1] ^= 1;
      writeFileSync(join(dir, "sum.zst"), badSum);
      assert.equal(cli(dir, ["-t", "sum.zst"]).status, 1);
      ok(cli(dir, ["-t", "--no-check", "sum.zst"]));
      // A failed decompression leaves no partial output behind.
      assert.equal(cli(dir, ["-d", "bad.zst"]).status, 1);
      assert.ok(!existsSync(join(dir, "bad")));
    }),
  );

  it(
    "uses a dictionary with -D both ways",
    inTempDir((dir) => {
      const dict = DICT_DIR + "dictionary";
      const sample = DICT_DIR + "files/auditd.service";
      const data = readBytes(sample);
      writeFileSync(join(dir, "s"), data);
      zstd(dir, ["-q", "-D", dict, "s", "-o", "theirs.zst"]);
      const r = cli(dir, ["-d", "-c", "-D", dict, "theirs.zst"]);
      ok(r);
      assert.ok(sameBytes(r.stdout, data));
      ok(cli(dir, ["-D", dict, "s"]));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "-D", dict, "s.zst"]), data));
      // Without it, the frame names a dictionary that was not given.
      const missing = cli(dir, ["-d", "-c", "theirs.zst"]);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /dictionary/);
    }),
  );
});

describe("cli: files and streams", () => {
  it(
    "stdin to stdout, both ways",
    inTempDir((dir) => {
      const packed = cli(dir, [], TEXT);
      ok(packed);
      assert.ok(sameBytes(zstd(dir, ["-d"], packed.stdout), TEXT));
      // No size is known on stdin: the frame has none, and -l says so.
      writeFileSync(join(dir, "s.zst"), packed.stdout);
      assert.doesNotMatch(text(zstd(dir, ["-lv", "s.zst"])), /Decompressed Size/);
      const unpacked = cli(dir, ["-d"], zstd(dir, ["-c", "-9"], TEXT));
      ok(unpacked);
      assert.ok(sameBytes(unpacked.stdout, TEXT));
      // `-` names stdin, and -dc combines.
      const dash = cli(dir, ["-dc", "-"], packed.stdout);
      ok(dash);
      assert.ok(sameBytes(dash.stdout, TEXT));
    }),
  );

  it(
    "-o writes there; an existing output is refused without -f",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      ok(cli(dir, ["a", "-o", "x.zst"]));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "x.zst"]), INPUT_A));
      writeFileSync(join(dir, "a.zst"), "keep me");
      const refused = cli(dir, ["a"]);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /a\.zst already exists/);
      assert.equal(readFileSync(join(dir, "a.zst"), "utf8"), "keep me");
      ok(cli(dir, ["-f", "a"]));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "a.zst"]), INPUT_A));
      // Same for decompression, and -o onto the input itself is refused even with -f.
      assert.equal(cli(dir, ["-d", "x.zst", "-o", "a"]).status, 1);
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
      assert.equal(cli(dir, ["-f", "a", "-o", "a"]).status, 1);
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
      // Several inputs into one -o file need -f: they are concatenated.
      writeFileSync(join(dir, "b"), INPUT_B);
      assert.equal(cli(dir, ["a", "b", "-o", "ab.zst"]).status, 1);
      ok(cli(dir, ["-f", "a", "b", "-o", "ab.zst"]));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "ab.zst"]), concat([INPUT_A, INPUT_B])));
    }),
  );

  it(
    "--rm removes the source after success, not with -c, not on failure",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      const mode = statSync(join(dir, "a")).mode;
      ok(cli(dir, ["-c", "--rm", "a"]));
      assert.ok(existsSync(join(dir, "a")));
      ok(cli(dir, ["--rm", "a"]));
      assert.ok(!existsSync(join(dir, "a")));
      // The output has the input's permissions, as zstd gives it.
      assert.equal(statSync(join(dir, "a.zst")).mode, mode);
      ok(cli(dir, ["-d", "--rm", "a.zst"]));
      assert.ok(!existsSync(join(dir, "a.zst")));
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
      writeFileSync(join(dir, "bad.zst"), INPUT_B);
      assert.equal(cli(dir, ["-d", "--rm", "bad.zst"]).status, 1);
      assert.ok(existsSync(join(dir, "bad.zst")));
    }),
  );
});

describe("cli: list, train, bench, arguments", () => {
  it(
    "-l prints what zstd -l prints",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      ok(cli(dir, ["a"]));
      zstd(dir, ["-q", "--no-check", "-19", "a", "-o", "n.zst"]);
      const streamed = zstd(dir, ["-c"], INPUT_B);
      const skippable = new Uint8Array([0x5f, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9]);
      writeFileSync(
        join(dir, "multi.zst"),
        concat([readBytes(join(dir, "a.zst")), skippable, streamed]),
      );
      const files = ["a.zst", "n.zst", "multi.zst"];
      for (const args of [["-l", "a.zst"], ["-l", ...files], ["-lv", "a.zst"], ["-lv", "n.zst"]]) {
        const ours = cli(dir, args);
        ok(ours);
        assert.equal(text(ours.stdout), text(zstd(dir, args)), args.join(" "));
      }
      const row = text(cli(dir, ["-l", "a.zst"]).stdout).split("\n")[1];
      assert.match(row, /^\s+1\s+0\s+[\d.]+ KiB\s+220 KiB\s+[\d.]+\s+XXH64\s+a\.zst$/);
      const notZstd = cli(dir, ["-l", "a", "a.zst"]);
      assert.equal(notZstd.status, 1);
      assert.match(notZstd.stderr, /^zstd: a: not compressed by zstd/m);
      assert.equal(cli(dir, ["-l"]).status, 1);
    }),
  );

  it(
    "--train writes a dictionary that zstd -D accepts",
    inTempDir((dir) => {
      const samplesDir = DICT_DIR + "files/";
      const names = readdirSync(samplesDir).filter((n) => !n.endsWith(".zst")).sort()
        .slice(0, 80);
      const r = cli(dir, [
        "--train",
        ...names.map((n) => samplesDir + n),
        "--maxdict=8KiB",
        "-o",
        "d",
      ]);
      ok(r);
      assert.match(r.stderr, /Save dictionary of size \d+ into file d/);
      const dictionary = readBytes(join(dir, "d"));
      assert.ok(dictionary.length <= 8192 && dictionary.length > 1024);
      const data = readBytes(samplesDir + names[3]);
      writeFileSync(join(dir, "s"), data);
      ok(cli(dir, ["-D", "d", "s"]));
      const withDict = readBytes(join(dir, "s.zst"));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "-D", "d", "s.zst"]), data));
      assert.ok(withDict.length < compress(data, { checksum: true }).length);
      assert.equal(cli(dir, ["--train", "s", "-o", "d2"]).status, 1); // too few samples
    }),
  );

  it(
    "-b1 -e3 prints a line per level",
    inTempDir((dir) => {
      writeFileSync(join(dir, "t"), TEXT.subarray(0, 50_000));
      const r = cli(dir, ["-b1", "-e3", "-i0", "t"]);
      ok(r);
      const lines = text(r.stdout).trimEnd().split("\n");
      assert.equal(lines.length, 3);
      lines.forEach((line, i) => {
        assert.match(
          line,
          new RegExp(`^ ${i + 1}#t\\s+:\\s+50000 ->\\s+\\d+ \\(x[\\d.]+\\),.*MiB/s`),
        );
      });
    }),
  );

  it(
    "bad arguments exit 1 with a message; help and version exit 0",
    inTempDir((dir) => {
      for (const args of [["--bogus"], ["-x"], ["-o"], ["--fast=abc"], ["--maxdict=1"], ["-e"]]) {
        const r = cli(dir, args);
        assert.equal(r.status, 1, args.join(" "));
        assert.match(r.stderr, /^zstd: /, args.join(" "));
      }
      const missing = cli(dir, ["nothere"]);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /^zstd: nothere: No such file or directory/);
      const help = cli(dir, ["-h"]);
      ok(help);
      assert.match(text(help.stdout), /Usage: zstd/);
      const version = cli(dir, ["-qV"]);
      ok(version);
      const config = JSON.parse(readFileSync(new URL("../deno.json", import.meta.url), "utf8"));
      assert.equal(text(version.stdout), `${config.version}\n`);
      // -T# and friends are accepted and ignored.
      writeFileSync(join(dir, "t"), TEXT.subarray(0, 1000));
      ok(cli(dir, ["-T4", "--single-thread", "--threads=2", "-q", "t"]));
    }),
  );

  it(
    "main() runs in-process and returns the exit code",
    inTempDir(async (dir) => {
      const file = join(dir, "t");
      writeFileSync(file, TEXT);
      assert.equal(await main(["-q", "-9", file]), 0);
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", file + ".zst"]), TEXT));
      assert.equal(await main(["-q", "-t", file + ".zst"]), 0);
      assert.equal(await main(["-qq", "-d", join(dir, "nothere.zst")]), 1);
      assert.equal(await main(["-qq", file]), 1); // t.zst exists
    }),
  );
});
