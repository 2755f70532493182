/**
 * One-shot compression: one frame holding the whole input, cut into blocks of at most 128 KiB.
 *
 * @module
 */

import { xxh64Low32 } from "../entropy/xxh64.ts";
import { BlockEncoder } from "./block.ts";
import { optimalBlockSize } from "./block_split.ts";
import { writeFrameHeader } from "./frame.ts";
import type { ResolvedCompressOptions } from "./options.ts";

// Largest output buffer kept between calls.
const KEEP_OUTPUT = 8 << 20;
let pooledOutput = new Uint8Array(64 * 1024);

/** Compresses `src` into one frame. */
export function compressFrame(src: Uint8Array, options: ResolvedCompressOptions): Uint8Array {
  const n = src.length;
  const params = options.params;
  const encoder = new BlockEncoder(params, src, true);
  const blockSize = encoder.blockSize;
  // Blocks gather in a buffer kept between calls (grown by half when a block does not fit);
  // the result is one exact-size copy.
  let out = pooledOutput;
  let pos = writeFrameHeader(
    out,
    0,
    params.windowLog,
    options.contentSize ? n : -1,
    options.checksum,
  );
  let start = 0;
  let savings = 0; // input consumed minus output produced, for the block splitter
  // The input is cut in segments of `blockSize`, as libzstd's streaming compressor buffers it;
  // the pre-splitter may cut a full segment once, and the rest of the segment is one block.
  // One-shot and streamed compression thus give the same frames.
  let segmentEnd = 0;
  do {
    let end: number;
    if (start === segmentEnd) {
      segmentEnd = Math.min(start + blockSize, n);
      const first = optimalBlockSize(
        src,
        start,
        segmentEnd - start,
        blockSize,
        params.strategy,
        savings,
      ); // deno-fmt-ignore
      end = start + first;
    } else {
      end = segmentEnd;
    }
    const size = end - start;
    const written = encoder.encode(src, start, end, end === n);
    if (pos + written + 4 > out.length) {
      const grown = new Uint8Array(Math.max(pos + written + 4, out.length + (out.length >>> 1)));
      grown.set(out.subarray(0, pos));
      out = grown;
      if (out.length <= KEEP_OUTPUT) pooledOutput = out;
    }
    out.set(encoder.out.subarray(0, written), pos);
    pos += written;
    savings += size - written;
    start = end;
  } while (start < n);
  if (options.checksum) {
    const digest = xxh64Low32(src, 0, n);
    out[pos++] = digest;
    out[pos++] = digest >>> 8;
    out[pos++] = digest >>> 16;
    out[pos++] = digest >>> 24;
  }
  return out.slice(0, pos);
}
