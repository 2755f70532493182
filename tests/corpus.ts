/**
 * Paths to the test data in `testdata/` (see testdata/README.md), relative to this module so a
 * clone in any folder finds them. The decodecorpus originals are not committed: they are the
 * content of the committed libzstd frames, decoded by libzstd in-process (node:zlib) the first
 * time `decodecorpusDir()` runs in a clone, checked against `testdata/decodecorpus/SHA256SUMS`,
 * and kept beside the frames (ignored by git).
 */

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

/** The repository's test data folder, ending with a slash. */
export const TESTDATA_DIR: string = fileURLToPath(new URL("../testdata/", import.meta.url));
const DECODECORPUS = TESTDATA_DIR + "decodecorpus/";
/** The dictionary test set: `dictionary` and `files/` (originals with their `.zst` frames). */
export const DICT_DIR: string = TESTDATA_DIR + "dict_tests/";

/** Names of the `.zst` files of the decodecorpus set. */
export function decodecorpusFrames(): string[] {
  return readdirSync(DECODECORPUS).filter((f) => f.endsWith(".zst")).sort();
}

let originalsChecked = false;

/**
 * The decodecorpus folder, ending with a slash: the committed frames `z000000.zst`… and beside
 * each its original `z000000`…, which this writes where missing: libzstd's decoding of the frame,
 * checked against its recorded SHA-256. Written under a temporary name and renamed, so a reader
 * never sees a partial file, even with several test processes at once.
 */
export function decodecorpusDir(): string {
  if (originalsChecked) return DECODECORPUS;
  let digests: Map<string, string> | null = null;
  for (const frameName of decodecorpusFrames()) {
    const name = frameName.slice(0, -4);
    const path = DECODECORPUS + name;
    if (existsSync(path)) continue;
    digests ??= new Map(
      readFileSync(DECODECORPUS + "SHA256SUMS", "utf8").trim().split("\n").map((line) => {
        const [digest, file] = line.split(/\s+\*?/);
        return [file, digest];
      }),
    );
    const original = zlib.zstdDecompressSync(readFileSync(DECODECORPUS + frameName));
    const digest = createHash("sha256").update(original).digest("hex");
    if (digest !== digests.get(name)) {
      throw new Error(`testdata/decodecorpus/${frameName} decodes to bytes of SHA-256 ${digest}`);
    }
    const temporary = `${path}.tmp-${process.pid}`;
    writeFileSync(temporary, original);
    renameSync(temporary, path);
  }
  originalsChecked = true;
  return DECODECORPUS;
}
