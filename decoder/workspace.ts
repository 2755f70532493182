/**
 * The decoder's working memory: the block context (entropy tables, repeat offsets, the blocks'
 * scratch and the results the block stages pass each other, context.ts), the frame header being
 * decoded and the checksum state. One decoding at a time owns one: one-shot calls share a cached
 * one ({@linkcode takeOneShotDecoderWorkspace}); each stream decoder owns one for its life
 * ({@linkcode takeStreamDecoderWorkspace}) and gives it back when its input ends, for the next
 * stream (a fresh one costs a stream of 256 KiB about 10% under Bun: its scratch buffers). Decoding
 * is synchronous and calls no user code, so the cached one is free again when the call returns; a
 * call that finds it taken (a decoding started inside another) gets a fresh one.
 *
 * Memory kept while idle: the cached workspace and {@linkcode SPARE_STREAM_DECODERS} spare, each
 * with scratch for the largest block it decoded (about 2.5 times the block size: 320 KiB at most).
 *
 * The cache and the spares are the decoder's only mutable module-level state besides two test hooks
 * (`outputAllocations` in decompress.ts, `windowAllocations` in stream.ts) and the dictionaries'
 * digests (dictionary.ts, a WeakMap from a dictionary to its decoding tables, derived once).
 *
 * @module
 */

import { Xxh64 } from "../entropy/xxh64.ts";
import { BlockContext } from "./context.ts";
import { FrameHeader } from "./frame.ts";

/** One decoding's working memory. */
export class DecoderWorkspace {
  readonly ctx: BlockContext = new BlockContext();
  readonly header: FrameHeader = new FrameHeader();
  readonly hash: Xxh64 = new Xxh64();
  /** Whether a decoding holds this workspace. */
  inUse = false;
  /** Whether it serves stream decoders (and goes back to their spares). */
  forStream = false;
}

// The workspace one-shot calls share; made by the first.
let cachedOneShot: DecoderWorkspace | null = null;

/**
 * A workspace for one one-shot decoding: the cached one, or a fresh one when the cached one is in
 * use. Give it back with {@linkcode releaseDecoderWorkspace}, in a `finally`.
 */
export function takeOneShotDecoderWorkspace(): DecoderWorkspace {
  let ws = cachedOneShot;
  if (ws === null) ws = cachedOneShot = new DecoderWorkspace();
  else if (ws.inUse) ws = new DecoderWorkspace();
  ws.inUse = true;
  return ws;
}

/** Stream decoders' workspaces kept for the next streams. */
export const SPARE_STREAM_DECODERS = 1;
// Workspaces of finished stream decoders.
const spareStreams: DecoderWorkspace[] = [];

/** A workspace for one stream decoder, a finished stream's when there is one. */
export function takeStreamDecoderWorkspace(): DecoderWorkspace {
  const ws = spareStreams.pop() ?? new DecoderWorkspace();
  ws.inUse = true;
  ws.forStream = true;
  return ws;
}

/** The decoding holding `ws` is over; a stream's becomes a spare for the next stream. */
export function releaseDecoderWorkspace(ws: DecoderWorkspace): void {
  ws.inUse = false;
  if (ws.forStream && spareStreams.length < SPARE_STREAM_DECODERS) spareStreams.push(ws);
}
