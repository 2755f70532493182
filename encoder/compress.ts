/**
 * One-shot compression: one frame holding the whole input, cut into blocks of at most 128 KiB.
 *
 * @module
 */

import { xxh64Low32 } from "../entropy/xxh64.ts";
import { BlockEncoder } from "./block.ts";
import { writeFrameHeader } from "./frame.ts";
import { fitTablesToReach } from "../matchers/reach.ts";
import type { ResolvedCompressOptions } from "./options.ts";
import {
  releaseWorkspace,
  STAGE_BELOW,
  takeOneShotWorkspace,
  type Workspace,
} from "./workspace.ts";

// Inputs below STAGE_BELOW (workspace.ts) are compressed from a copy in the workspace's staging
// buffer. Under JavaScriptCore, a few hundred compressions of 1 KiB inputs left the optimized code
// exiting to the baseline tier on every later large input (Bun: 1 MiB at 11 MiB/s instead of
// 150); compressing from one stable buffer avoids that case. It does not cure the related collapse
// that 4 KiB inputs still cause (bench/mixed_sizes.ts, BENCHMARKS.md).

/** Compresses `input` into one frame. */
export function compressFrame(input: Uint8Array, options: ResolvedCompressOptions): Uint8Array {
  const ws = takeOneShotWorkspace();
  try {
    return compressFrameWith(ws, input, options);
  } finally {
    releaseWorkspace(ws);
  }
}

function compressFrameWith(
  ws: Workspace,
  input: Uint8Array,
  options: ResolvedCompressOptions,
): Uint8Array {
  const n = input.length;
  const dict = options.dictionary;
  // A dictionary's content goes right before the input, as history.
  const first = dict === null ? 0 : dict.content.length;
  let src = input;
  if (first + n < STAGE_BELOW) {
    if (ws.staging.length === 0) ws.staging = new Uint8Array(STAGE_BELOW + 64);
    src = ws.staging;
  } else if (first > 0) {
    src = new Uint8Array(first + n + 8);
  }
  if (src !== input) {
    if (dict !== null) src.set(dict.content);
    src.set(input, first);
  }
  const end = first + n;
  // Levels 5 to 22 shrink their tables for inputs whose repeats all lie near, or that have none
  // (16 to 22: none only; no dictionary).
  const params = options.levelTables && dict === null
    ? fitTablesToReach(options.params, src, first, end, ws.match)
    : options.params;
  const encoder = new BlockEncoder(params, src, ws, dict);
  // Blocks are written straight into the workspace's buffer (grown by half when the next block
  // might not fit); the result is one exact-size copy.
  let out = ws.frameOut;
  let pos = writeFrameHeader(
    out,
    0,
    params.windowLog,
    options.contentSize ? n : -1,
    options.checksum,
    options.dictionaryId,
  );
  const room = encoder.blockRoom;
  let start = first;
  do {
    if (pos + room > out.length) out = ws.growFrameOut(out, pos, pos + room);
    start += encoder.encodeNextInto(src, start, end - start, true, out, pos);
    pos += encoder.written;
  } while (start < end);
  if (options.checksum) {
    const digest = xxh64Low32(input, 0, n);
    out[pos++] = digest;
    out[pos++] = digest >>> 8;
    out[pos++] = digest >>> 16;
    out[pos++] = digest >>> 24;
  }
  return out.slice(0, pos);
}
