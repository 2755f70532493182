/**
 * A `zstd` command line in pure TypeScript, for Deno and Bun: the options, output names, messages
 * and exit codes of the reference `zstd` CLI, on top of this package's streams, so files of any
 * size are compressed in bounded memory.
 *
 * ```sh
 * deno run -R -W jsr:@x/zstd/cli -19 big.log          # writes big.log.zst, keeps big.log
 * deno run -R -W jsr:@x/zstd/cli -d big.log.zst -o copy.log
 * tar c dir | bun cli.ts -c > dir.tar.zst              # stdin to stdout
 * bun cli.ts -l *.zst                                  # frames, sizes, ratio, checksum
 * bun cli.ts -b1 -e19 file                             # benchmark, beside native libzstd
 * ```
 *
 * Compression, decompression, `-t`, `-l`, `--train` and `-b` are supported; run with `-h` for the
 * list of options. Errors print as `zstd: FILE: message` on stderr and the exit code is 1, as
 * with `zstd`.
 *
 * As with `zstd`, devices and (without `-f`) symbolic links are not read, `--rm` removes only a
 * regular input whose output was written in full, and the partial output of a failed run is
 * removed; run as a program, SIGINT and SIGTERM remove it too (exit 130 and 143).
 *
 * Differences from `zstd`: levels go down to `--fast=7` only (faster levels are reduced to it);
 * `--long` sets the window but does not add long-distance matching; there is no recursion (`-r`),
 * no multithreading (`-T#` is accepted and ignored), no pass-through of unknown formats with
 * `-df`, no other formats (gzip, xz, lz4); an existing output is an error without `-f` instead of
 * a prompt; `--rm` keeps the input when the output is not a regular file; decoding errors are
 * described in this decoder's words.
 *
 * @example Run the command line in-process
 * ```ts
 * import { main } from "@x/zstd/cli";
 * const exitCode = await main(["-q", "--version"]); // prints the version
 * console.log(exitCode); // 0
 * ```
 *
 * @module
 */

import process from "node:process";
import { removeUnfinishedOnSignals } from "./cli/files.ts";
import { main } from "./cli/main.ts";

export { main };

if (import.meta.main) {
  // Only as a program: in-process callers of `main` keep their own signal handling.
  removeUnfinishedOnSignals();
  // The exit code is set, not forced with process.exit, so pending output is flushed first.
  process.exitCode = await main(process.argv.slice(2));
}
