/**
 * The command line (cli.ts), run as a subprocess of the current runtime (Deno or Bun) in a
 * temporary directory and checked against the zstd CLI in both directions: files we write
 * decompress with `zstd -d`, files `zstd` writes decompress with ours, `-l` prints what `zstd -l`
 * prints, and the options, output names and exit codes are zstd's.
 */

import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, it as nodeIt } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../cli.ts";
import { compress, compressAsync, terminateWorkers } from "../mod.ts";
import { concat, DECODECORPUS_DIR, DICT_DIR, readBytes, sameBytes, textLike } from "./helpers.ts";

// Each test runs the CLI as subprocesses: on a busy machine that takes far more than Bun's
// default 5 s per test.
const TEST_TIMEOUT_MS = 600_000;
const it = (name: string, fn: () => Promise<void>) =>
  nodeIt(name, { timeout: TEST_TIMEOUT_MS }, fn);

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const isDeno = "Deno" in globalThis;
// Deno needs `run` and permissions; Bun runs a file given as its first argument.
const RUNTIME_ARGS = isDeno ? ["run", "-A", CLI] : [CLI];

interface CliResult {
  status: number | null;
  stdout: Uint8Array;
  stderr: string;
}

/**
 * Runs our CLI in `cwd` with `args`, feeding `input` (default: nothing) on stdin; `stdout` is a
 * file descriptor to write to instead of a pipe.
 */
function cli(
  cwd: string,
  args: string[],
  input: Uint8Array = new Uint8Array(0),
  stdout?: number,
): CliResult {
  const r = spawnSync(process.execPath, [...RUNTIME_ARGS, ...args], {
    cwd,
    input,
    maxBuffer: 1 << 28,
    stdio: ["pipe", stdout ?? "pipe", "pipe"],
  });
  if (stdout !== undefined) {
    return { status: r.status, stdout: new Uint8Array(0), stderr: r.stderr.toString() };
  }
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
    "-T# compresses on # workers (-T0: one per core) into one frame zstd -d restores",
    inTempDir(async (dir) => {
      const big = textLike((1 << 20) + 200_000, 9);
      writeFileSync(join(dir, "big"), big);
      ok(cli(dir, ["-q", "--long=17", "-T2", "-o", "two.zst", "big"]));
      ok(cli(dir, ["-q", "--long=17", "--threads=3", "-o", "three.zst", "big"]));
      const two = readBytes(join(dir, "two.zst"));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "two.zst"]), big));
      assert.ok(sameBytes(readBytes(join(dir, "three.zst")), two));
      const expected = await compressAsync(big, { windowLog: 17, checksum: true, workers: 2 });
      assert.ok(sameBytes(two, expected));
      ok(cli(dir, ["-q", "--long=17", "-T0", "-o", "all.zst", "big"]));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "all.zst"]), big));
      terminateWorkers();
    }),
  );

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
      assert.equal(
        missing.stderr,
        "zstd: can't stat nothere : No such file or directory -- ignored \n",
      );
      const help = cli(dir, ["-h"]);
      ok(help);
      assert.match(text(help.stdout), /Usage: zstd/);
      const version = cli(dir, ["-qV"]);
      ok(version);
      const config = JSON.parse(readFileSync(new URL("../deno.json", import.meta.url), "utf8"));
      assert.equal(text(version.stdout), `${config.version}\n`);
      // -T# and friends: a file of one job compresses as with one worker.
      writeFileSync(join(dir, "t"), TEXT.subarray(0, 1000));
      ok(cli(dir, ["-T4", "--single-thread", "--threads=2", "-q", "t"]));
      assert.ok(sameBytes(
        readBytes(join(dir, "t.zst")),
        compress(TEXT.subarray(0, 1000), {
          checksum: true,
        }),
      ));
      assert.equal(cli(dir, ["-T257", "t"]).status, 1);
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

// ---------------------------------------------------------------------------------------------
// Safety: what the CLI reads, writes and removes, against the zstd CLI's behaviour and messages.

/** Runs the zstd CLI in `cwd`: exit code and stderr, whatever they are. */
function zstdRun(cwd: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync("zstd", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  return { status: r.status, stderr: r.stderr.toString() };
}

/** Our CLI and zstd give the same exit code and the same messages for `args`. */
function sameAsZstd(dir: string, args: string[]): CliResult {
  const ours = cli(dir, args);
  const theirs = zstdRun(dir, args);
  assert.equal(ours.stderr, theirs.stderr, args.join(" "));
  assert.equal(ours.status, theirs.status, args.join(" "));
  return ours;
}

/** A running CLI process and its end: exit code or signal, and everything it wrote to stderr. */
interface Started {
  child: ChildProcess;
  ended: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  exited: () => boolean;
}

function startCli(cwd: string, args: string[]): Started {
  const child = spawn(process.execPath, [...RUNTIME_ARGS, ...args], {
    cwd,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  let exited = false;
  child.stderr!.on("data", (chunk) => stderr += chunk.toString());
  const ended = new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve) => {
      child.on("close", (code, signal) => {
        exited = true;
        resolve({ code, signal, stderr });
      });
    },
  );
  return { child, ended, exited: () => exited };
}

/**
 * Sends `signal` to the CLI. Not with `child.kill`: Deno's node:child_process then reports the
 * child as killed by the signal whatever its exit code (Deno 2.9), hiding the 130 we check.
 */
function signalCli(run: Started, signal: "SIGINT" | "SIGTERM"): void {
  process.kill(run.child.pid!, signal);
}

/**
 * A writer that opens the FIFO `fifo`, writes the file `from` into it and then keeps it open
 * (so its reader never sees the end) until killed.
 */
function holdFifo(cwd: string, fifo: string, from: string): ChildProcess {
  return spawn("sh", ["-c", 'exec 3>"$0"; cat "$1" >&3; exec sleep 3600', fifo, from], {
    cwd,
    stdio: "ignore",
  });
}

/** Polls until `condition` holds; fails when `stopped` says it never will. */
async function waitUntil(condition: () => boolean, stopped: () => boolean): Promise<void> {
  const deadline = Date.now() + TEST_TIMEOUT_MS - 60_000;
  while (!condition()) {
    assert.ok(!stopped(), "the CLI ended before the condition held");
    assert.ok(Date.now() < deadline, "timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const fileSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
};

function mkfifo(path: string): void {
  execFileSync("mkfifo", [path]);
}

describe("cli: safety of inputs, outputs and --rm", () => {
  it(
    "refuses devices, as zstd; --rm never removes one",
    inTempDir((dir) => {
      sameAsZstd(dir, ["/dev/null"]);
      const zero = cli(dir, ["-c", "/dev/zero"]);
      assert.equal(zero.status, 1);
      assert.equal(zero.stderr, "zstd: /dev/zero is not a regular file -- ignored \n");
      assert.equal(zero.stdout.length, 0);
      // A device node of our own (as root) to try --rm on: /dev/null is not ours to risk.
      const node = join(dir, "nul");
      if (spawnSync("mknod", [node, "c", "1", "3"]).status === 0) {
        const r = sameAsZstd(dir, ["--rm", "nul"]);
        assert.equal(r.status, 1);
        assert.equal(r.stderr, "zstd: nul is not a regular file -- ignored \n");
        assert.ok(lstatSync(node).isCharacterDevice());
        assert.ok(!existsSync(join(dir, "nul.zst")));
      }
      // Directories and missing files: zstd's messages too.
      mkdirSync(join(dir, "d"));
      sameAsZstd(dir, ["d"]);
      sameAsZstd(dir, ["nothere"]);
      sameAsZstd(dir, ["-d", "nothere.zst"]);
    }),
  );

  it(
    "compresses a FIFO, as zstd, and --rm keeps it",
    inTempDir(async (dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      mkfifo(join(dir, "fifo"));
      const writer = spawn("sh", ["-c", "cat a > fifo"], { cwd: dir, stdio: "ignore" });
      const writerDone = new Promise((resolve) => writer.on("close", resolve));
      const r = await startCli(dir, ["--rm", "fifo"]).ended;
      if (r.code !== 0) writer.kill(); // Else it is done: the CLI read to its end.
      await writerDone;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^zstd: Refusing to remove non-regular file fifo$/m);
      assert.ok(lstatSync(join(dir, "fifo")).isFIFO());
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "fifo.zst"]), INPUT_A));
      // The size is unknown, as on stdin: not in the header.
      assert.doesNotMatch(text(zstd(dir, ["-lv", "fifo.zst"])), /Decompressed Size/);
    }),
  );

  it(
    "-o onto a FIFO or /dev/null writes it in place and --rm keeps the source",
    inTempDir(async (dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      mkfifo(join(dir, "pipe"));
      const reader = spawn("sh", ["-c", "cat pipe > got"], { cwd: dir, stdio: "ignore" });
      const readerDone = new Promise((resolve) => reader.on("close", resolve));
      const r = await startCli(dir, ["--rm", "a", "-o", "pipe"]).ended;
      if (r.code !== 0) reader.kill(); // Else it ends at the end of the data.
      await readerDone;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(lstatSync(join(dir, "pipe")).isFIFO());
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "got"]), INPUT_A));
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
      // /dev/null needs no -f, as with zstd, and is not a place to move data to.
      ok(cli(dir, ["-q", "--rm", "a", "-o", "/dev/null"]));
      assert.ok(existsSync(join(dir, "a")));
      assert.ok(statSync("/dev/null").isCharacterDevice());
      writeFileSync(join(dir, "a.zst"), compress(INPUT_A));
      ok(cli(dir, ["-q", "-d", "--rm", "a.zst", "-o", "/dev/null"]));
      assert.ok(existsSync(join(dir, "a.zst")));
    }),
  );

  it(
    "skips symbolic links without -f, as zstd; -f follows them and --rm removes only the link",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      writeFileSync(join(dir, "a.zst"), compress(INPUT_A));
      symlinkSync("a", join(dir, "link"));
      symlinkSync("a.zst", join(dir, "zlink"));
      symlinkSync("nowhere", join(dir, "dangling"));
      const r = sameAsZstd(dir, ["--rm", "link"]);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, "Warning : link is a symbolic link, ignoring \n");
      assert.ok(lstatSync(join(dir, "link")).isSymbolicLink());
      assert.ok(!existsSync(join(dir, "link.zst")));
      for (const args of [["-q", "link"], ["-d", "-c", "zlink"], ["-t", "zlink"], ["dangling"]]) {
        sameAsZstd(dir, args);
      }
      assert.equal(cli(dir, ["-l", "zlink"]).status, 1);
      // The other names are still done, and the exit code is theirs (zstd's rule).
      writeFileSync(join(dir, "b"), INPUT_B);
      const mixed = cli(dir, ["-q", "link", "b"]);
      ok(mixed);
      assert.ok(existsSync(join(dir, "b.zst")));
      // -f follows the link; --rm then removes the link, never the file it points to.
      ok(cli(dir, ["-q", "-f", "--rm", "link"]));
      assert.ok(!existsSync(join(dir, "link")));
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "link.zst"]), INPUT_A));
      // A link to a FIFO is a pipe (as /dev/stdin or <(command) are): followed, as zstd does.
      mkfifo(join(dir, "fifo"));
      symlinkSync("fifo", join(dir, "flink"));
      const writer = spawn("sh", ["-c", "cat b > fifo"], { cwd: dir, stdio: "ignore" });
      const piped = cli(dir, ["-c", "flink"]);
      writer.kill();
      ok(piped);
      assert.ok(sameBytes(zstd(dir, ["-d"], piped.stdout), INPUT_B));
    }),
  );

  it(
    "-o DIR is an error with or without -f: zstd's message",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      writeFileSync(join(dir, "b"), INPUT_B);
      mkdirSync(join(dir, "d"));
      // zstd 1.5.4 prints the same line, then crashes (SIGSEGV).
      for (const args of [["a", "-o", "d"], ["-f", "a", "-o", "d"], ["-f", "a", "b", "-o", "d"]]) {
        const r = cli(dir, args);
        assert.equal(r.status, 1, args.join(" "));
        assert.equal(r.stderr, "zstd: d: Is a directory\n", args.join(" "));
      }
      assert.deepEqual(readdirSync(join(dir, "d")), []);
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
    }),
  );

  it(
    "a full disk (/dev/full) is one message and exit 1, in every runtime; --rm keeps the source",
    inTempDir((dir) => {
      writeFileSync(join(dir, "a"), INPUT_A);
      const message = "zstd: a: Write error : cannot write block : No space left on device\n";
      for (
        const args of [["--rm", "a", "-o", "/dev/full"], ["-f", "--rm", "a", "-o", "/dev/full"]]
      ) {
        const r = cli(dir, args);
        assert.equal(r.status, 1, args.join(" "));
        assert.equal(r.stderr, message, args.join(" "));
      }
      assert.ok(sameBytes(readBytes(join(dir, "a")), INPUT_A));
      assert.ok(statSync("/dev/full").isCharacterDevice());
      writeFileSync(join(dir, "a.zst"), compress(INPUT_A));
      const full = openSync("/dev/full", "w");
      try {
        const toStdout = cli(dir, ["-c", "a"], undefined, full);
        assert.equal(toStdout.status, 1);
        assert.equal(toStdout.stderr, message);
        const decoded = cli(dir, ["-dc", "a.zst"], undefined, full);
        assert.equal(decoded.status, 1);
        assert.equal(decoded.stderr, message.replace("a:", "a.zst:"));
        const help = cli(dir, ["-h"], undefined, full);
        assert.equal(help.status, 1);
        assert.equal(
          help.stderr,
          "zstd: Write error : cannot write block : No space left on device\n",
        );
      } finally {
        closeSync(full);
      }
    }),
  );

  it(
    "data that is not zstd's: zstd's message",
    inTempDir((dir) => {
      writeFileSync(join(dir, "plain.zst"), INPUT_B);
      writeFileSync(join(dir, "trail.zst"), concat([compress(INPUT_B), INPUT_B.subarray(0, 64)]));
      for (const args of [["-t", "plain.zst"], ["-d", "plain.zst"], ["-t", "trail.zst"]]) {
        sameAsZstd(dir, args);
      }
      assert.ok(!existsSync(join(dir, "plain")));
    }),
  );
});

describe("cli: interruption removes the partial output", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(
      `${signal} while compressing from a FIFO: the partial FILE.zst is removed, exit ${code}`,
      inTempDir(async (dir) => {
        writeFileSync(join(dir, "a"), INPUT_A);
        mkfifo(join(dir, "fifo"));
        // The writer keeps the FIFO open: the CLI is surely still reading when signalled.
        const writer = holdFifo(dir, "fifo", "a");
        try {
          const run = startCli(dir, ["fifo"]);
          await waitUntil(() => fileSize(join(dir, "fifo.zst")) > 0, run.exited);
          signalCli(run, signal);
          const r = await run.ended;
          assert.equal(r.code, code, `${r.signal} ${r.stderr}`);
          assert.ok(!existsSync(join(dir, "fifo.zst")));
        } finally {
          writer.kill();
        }
      }),
    );
  }

  it(
    "SIGTERM while decompressing from a FIFO: the partial file is removed, exit 143",
    inTempDir(async (dir) => {
      writeFileSync(join(dir, "t.zst"), zstd(dir, ["-c"], TEXT));
      mkfifo(join(dir, "fifo.zst"));
      const writer = holdFifo(dir, "fifo.zst", "t.zst");
      try {
        const run = startCli(dir, ["-d", "fifo.zst"]);
        await waitUntil(() => fileSize(join(dir, "fifo")) > 0, run.exited);
        signalCli(run, "SIGTERM");
        const r = await run.ended;
        assert.equal(r.code, 143, `${r.signal} ${r.stderr}`);
        assert.ok(!existsSync(join(dir, "fifo")));
      } finally {
        writer.kill();
      }
    }),
  );

  it(
    "SIGINT while compressing a large file at -19: FILE.zst is removed, FILE kept, exit 130",
    inTempDir(async (dir) => {
      // 16 MiB (repeated text, a byte changed per MiB): a run of several seconds in any runtime.
      const tile = textLike(1 << 20, 11);
      const big = new Uint8Array(16 << 20);
      for (let i = 0; i < 16; i++) {
        big.set(tile, i << 20);
        big[(i << 20) + 7] = i;
      }
      writeFileSync(join(dir, "big"), big);
      const run = startCli(dir, ["-19", "--rm", "big"]);
      // The frame header is written first: the output exists long before the input is read.
      await waitUntil(() => fileSize(join(dir, "big.zst")) > 0, run.exited);
      signalCli(run, "SIGINT");
      const r = await run.ended;
      assert.equal(r.code, 130, `${r.signal} ${r.stderr}`);
      assert.ok(!existsSync(join(dir, "big.zst")));
      assert.ok(sameBytes(readBytes(join(dir, "big")), big));
      // Nothing is in the way of the next run.
      const again = cli(dir, ["-1", "big"]);
      ok(again);
      assert.ok(sameBytes(zstd(dir, ["-d", "-c", "big.zst"]), big));
    }),
  );
});
