/**
 * One block of any type into the output buffer. The caller guarantees room for
 * `ctx.blockMaxSize` bytes at `op`: compressed blocks use all of it (literals at its end).
 *
 * @module
 */

import type { BlockContext } from "./context.ts";
import { decodeLiterals } from "./literals.ts";
import { decodeSequences, WILD_SLACK } from "./sequences.ts";

/**
 * Readable bytes guaranteed before and after a compressed block body, so that bit readers can
 * load 32-bit words without bounds checks. Bodies too close to either end of their array are
 * copied into the context's `padded` buffer first (rare: a block at the start of a stream chunk or
 * at the input's end).
 */
export const BLOCK_PADDING = 16;

/** Block types (RFC 8878 §3.1.1.2.2). */
export const RAW_BLOCK = 0;
/** A single byte repeated. */
export const RLE_BLOCK = 1;
/** Literals and sequences. */
export const COMPRESSED_BLOCK = 2;

/**
 * Decodes the block body src[pos, pos + size) of `type` into out at `op`; for RLE blocks `size`
 * is the regenerated size and the body is one byte. Returns the new output position.
 */
export function decodeBlock(
  ctx: BlockContext,
  type: number,
  src: Uint8Array,
  pos: number,
  size: number,
  out: Uint8Array,
  op: number,
  historyStart: number,
): number {
  if (type === RAW_BLOCK) {
    if (size < 32) {
      for (let i = 0; i < size; i++) out[op + i] = src[pos + i];
    } else {
      out.set(src.subarray(pos, pos + size), op);
    }
    return op + size;
  }
  if (type === RLE_BLOCK) {
    out.fill(src[pos], op, op + size);
    return op + size;
  }
  // An empty compressed block has no literals section, which RFC 8878 requires; libzstd (one-shot,
  // streaming and the CLI) decodes it as an empty block, like an empty raw block, and so do we.
  if (size === 0) return op;
  if (pos < BLOCK_PADDING || pos + size + BLOCK_PADDING > src.length) {
    let padded = ctx.padded;
    if (padded.length < BLOCK_PADDING + size + BLOCK_PADDING) {
      padded = ctx.padded = new Uint8Array(BLOCK_PADDING + ctx.blockMaxSize + BLOCK_PADDING);
    }
    padded.set(src.subarray(pos, pos + size), BLOCK_PADDING);
    src = padded;
    pos = BLOCK_PADDING;
  }
  const end = pos + size;
  const litEnd = op + ctx.blockMaxSize + WILD_SLACK;
  const used = decodeLiterals(ctx, src, pos, end, out, litEnd);
  return decodeSequences(
    ctx,
    src,
    pos + used,
    end,
    out,
    op,
    litEnd - ctx.literalsSize,
    litEnd,
    historyStart,
  );
}
