/**
 * The command line's entry: arguments to an operation, and the exit code.
 *
 * @module
 */

import process from "node:process";
import { HELP, parseArgs, type Settings, UsageError } from "./args.ts";
import { bench } from "./bench.ts";
import { stdoutBroken, writeStdout } from "./io.ts";
import { list } from "./list.ts";
import { describeError, Run, runtimeName, VERSION, WriteError } from "./messages.ts";
import { train } from "./train.ts";
import { transcode } from "./transcode.ts";

/**
 * Runs the zstd command line with `args` (without the program name) and returns the exit code:
 * 0 on success, 1 when an argument is bad or any file failed. Messages go to stderr, data and
 * listings to stdout, as `zstd` does.
 *
 * @example Compress a file, test it, list it
 * ```ts
 * import { main } from "@x/zstd/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const file = join(mkdtempSync(join(tmpdir(), "zstd-")), "hello.txt");
 * writeFileSync(file, "hello hello hello hello\n");
 * console.log(await main(["-q", "-19", file])); // 0, and hello.txt.zst is written
 * console.log(await main(["-q", "-t", file + ".zst"])); // 0
 * ```
 */
export async function main(args: string[]): Promise<number> {
  // A failed write to stdout is reported by its callback (and printed once); without a listener
  // the stream's 'error' event would also end the process with a stack trace. Once stdout has
  // failed the listener stays: the stream is broken and may still emit.
  const ignore = (): void => {};
  process.stdout.on("error", ignore);
  try {
    return await runMain(args);
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    if (e.code !== "EPIPE") process.stderr.write(`zstd: ${describeError(e)}\n`);
    return 1;
  } finally {
    if (!stdoutBroken()) process.stdout.off("error", ignore);
  }
}

async function runMain(args: string[]): Promise<number> {
  let settings: Settings;
  try {
    settings = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`zstd: ${e.message}\nTry 'zstd --help' for the list of options.\n`);
    return 1;
  }
  if (settings.help) {
    await writeStdout(HELP);
    return 0;
  }
  if (settings.version) {
    // As zstd: -qV prints the bare version, for scripts.
    const banner = `*** @x/zstd CLI v${VERSION}, Zstandard in TypeScript, on ${runtimeName()} ***`;
    await writeStdout((settings.displayLevel < 2 ? VERSION : banner) + "\n");
    return 0;
  }
  const run = new Run(settings);
  switch (settings.operation) {
    case "list":
      return await list(run);
    case "train":
      return train(run);
    case "bench":
      return await bench(run);
    default:
      return await transcode(run);
  }
}
