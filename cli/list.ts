/**
 * -l: the frames of each file, as `zstd -l` lists them, read from their headers and block
 * headers only ({@linkcode walkFrames}, the walk behind `readFrameInfo`).
 *
 * @module
 */

import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { type FrameInfo, walkFrames } from "../frame_info.ts";
import { ZstdError } from "../mod.ts";
import { skipLinks } from "./files.ts";
import { writeStdout } from "./io.ts";
import { describeError, humanSize, type Run } from "./messages.ts";

/** -l: frames, sizes, ratio and checksum of each file, as `zstd -l`. */
export async function list(run: Run): Promise<number> {
  const s = run.settings;
  if (s.files.length === 0 || s.files.includes("-")) {
    run.error("--list does not support reading from standard input");
    return 1;
  }
  s.files = skipLinks(run, s.files);
  if (s.files.length === 0) return 1;
  const verbose = s.displayLevel >= 3;
  const exact = s.displayLevel >= 4;
  let failures = 0;
  const total = new ListInfo();
  let listed = 0;
  if (!verbose) {
    await writeStdout("Frames  Skips  Compressed  Uncompressed  Ratio  Check  Filename\n");
  }
  for (const file of s.files) {
    let info: ListInfo;
    try {
      info = analyzeFile(file);
    } catch (e) {
      run.error(`${file}: ${describeError(e)}`);
      failures++;
      continue;
    }
    listed++;
    total.add(info);
    await writeStdout(verbose ? verboseListing(file, info, exact) : listRow(info, file));
  }
  if (!verbose && listed > 1) {
    await writeStdout("-".repeat(65) + " \n" + listRow(total, `${listed} files`, false));
  }
  return failures === 0 ? 0 : 1;
}

/** What `-l` shows of one file (or the total of several). */
class ListInfo {
  frames = 0;
  skippableFrames = 0;
  compressedSize = 0;
  /** Sum of the frames' content sizes; −1 when a frame does not declare its size. */
  decompressedSize = 0;
  hasChecksum = false;
  /** The last frame's checksum (4 bytes, as stored); −1 when it has none. */
  lastChecksum = -1;
  /** Window and dictionary ID of the last frame, as zstd -lv shows them. */
  windowSize = 0;
  dictionaryId = 0;

  add(other: ListInfo): void {
    this.frames += other.frames;
    this.skippableFrames += other.skippableFrames;
    this.compressedSize += other.compressedSize;
    this.decompressedSize = this.decompressedSize < 0 || other.decompressedSize < 0
      ? -1
      : this.decompressedSize + other.decompressedSize;
  }
}

/**
 * Walks the frames of `path` without decoding them ({@linkcode walkFrames}, as
 * {@linkcode readFrameInfo} does): frame headers, block headers and checksums, reading a few bytes
 * at each position, so a file of any size is listed at once. Throws on a file that is not a
 * sequence of whole frames.
 */
function analyzeFile(path: string): ListInfo {
  if (statSync(path).isDirectory()) {
    throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  }
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new Error("File is empty, not compressed by zstd");
    const readAt = (pos: number, length: number): Uint8Array => {
      const buf = new Uint8Array(length);
      const n = readSync(fd, buf, 0, length, pos);
      return buf.subarray(0, n);
    };
    const frames: FrameInfo[] = [];
    const cursor = { pos: 0 };
    try {
      walkFrames(size, readAt, frames, cursor);
    } catch (e) {
      if (!(e instanceof ZstdError)) throw e;
      switch (e.code) {
        case "input_truncated":
          throw new Error("Error: reached end of file with incomplete frame");
        case "prefix_unknown":
          throw new Error(
            cursor.pos === 0
              ? "not compressed by zstd"
              : `not a zstd frame at offset ${cursor.pos} (trailing data)`,
          );
        case "corruption_detected":
          throw new Error(`reserved block type at offset ${cursor.pos}`);
        default:
          throw e;
      }
    }
    const info = new ListInfo();
    info.compressedSize = size;
    for (const frame of frames) {
      if (frame.kind === "skippable") {
        info.skippableFrames++;
        continue;
      }
      info.frames++;
      info.windowSize = frame.windowSize;
      info.dictionaryId = frame.dictionaryId;
      if (frame.contentSize === undefined) info.decompressedSize = -1;
      else if (info.decompressedSize >= 0) info.decompressedSize += frame.contentSize;
      if (frame.hasChecksum) {
        info.hasChecksum = true;
        // The checksum is the frame's last 4 bytes, stored little-endian.
        const checksum = readAt(frame.offset + frame.compressedSize - 4, 4);
        info.lastChecksum = (checksum[0] | (checksum[1] << 8) | (checksum[2] << 16) |
          (checksum[3] << 24)) >>> 0;
      }
    }
    return info;
  } finally {
    closeSync(fd);
  }
}

/** One line of the `-l` table, in zstd's columns. */
function listRow(info: ListInfo, name: string, showCheck = true): string {
  const check = showCheck ? (info.hasChecksum ? "XXH64" : "None") : "";
  const compressed = humanSize(info.compressedSize, false);
  const head = `${String(info.frames + info.skippableFrames).padStart(6)}  ` +
    `${String(info.skippableFrames).padStart(5)}  ` +
    `${compressed.value.toFixed(compressed.precision).padStart(6)}${compressed.suffix.padStart(4)}`;
  if (info.decompressedSize < 0) return `${head}${" ".repeat(23)}${check.padStart(5)}  ${name}\n`;
  const decompressed = humanSize(info.decompressedSize, false);
  const ratio = info.decompressedSize / Math.max(info.compressedSize, 1);
  return `${head}  ` +
    `${decompressed.value.toFixed(decompressed.precision).padStart(8)}` +
    `${decompressed.suffix.padStart(4)}  ${ratio.toFixed(3).padStart(5)}  ${check.padStart(5)}  ` +
    `${name}\n`;
}

/** `-lv`: zstd's detailed listing of one file. */
function verboseListing(name: string, info: ListInfo, exact: boolean): string {
  const sized = (n: number) => {
    const h = humanSize(n, exact);
    return `${h.value.toFixed(h.precision)}${h.suffix} (${n} B)`;
  };
  let out = `${name} \n# Zstandard Frames: ${info.frames}\n`;
  if (info.skippableFrames > 0) out += `# Skippable Frames: ${info.skippableFrames}\n`;
  out += `DictID: ${info.dictionaryId}\n`;
  out += `Window Size: ${sized(info.windowSize)}\n`;
  out += `Compressed Size: ${sized(info.compressedSize)}\n`;
  if (info.decompressedSize >= 0) {
    out += `Decompressed Size: ${sized(info.decompressedSize)}\n`;
    out += `Ratio: ${(info.decompressedSize / Math.max(info.compressedSize, 1)).toFixed(4)}\n`;
  }
  if (info.hasChecksum) {
    out += `Check: XXH64 ${info.lastChecksum.toString(16).padStart(8, "0")}\n`;
  } else out += "Check: None\n";
  return out + "\n";
}
