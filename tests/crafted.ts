/**
 * Hand-built frames for the hostile-input tests and the crafted families of `deno task fuzz`:
 * blocks, empty and RLE frames, frames that read a raw dictionary, and content-size rewrites.
 */

/** The Zstandard frame magic number, little-endian. */
export const MAGIC: readonly number[] = [0x28, 0xb5, 0x2f, 0xfd];

/** A block: header (size, type, last flag) and body; RLE blocks give their regenerated size. */
export function block(body: ArrayLike<number>, type: number, last: boolean, size = body.length) {
  const bh = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [bh & 255, (bh >> 8) & 255, bh >> 16, ...Array.from(body)];
}

/** A raw block of `text`. */
export function raw(text: string, last: boolean): number[] {
  return block([...new TextEncoder().encode(text)], 0, last);
}

/** An empty frame (one empty raw block, no content size) with a window of 2^windowLog bytes. */
export function emptyFrame(windowLog: number): number[] {
  return [...MAGIC, 0x00, (windowLog - 10) << 3, ...raw("", true)];
}

/**
 * A frame of `n` RLE blocks of `size` bytes (default 128 KiB) with a window of 2^windowLog bytes
 * (default 128 KiB), with `contentSize` in 8 bytes or none. Block `i` repeats 0x61 + i % 16.
 */
export function rleFrame(n: number, contentSize?: number, windowLog = 17, size = 128 << 10) {
  const wd = (windowLog - 10) << 3;
  const head = contentSize === undefined ? [...MAGIC, 0x00, wd] : [
    ...MAGIC,
    0xc0,
    wd,
    ...Array.from({ length: 8 }, (_, i) => Math.floor(contentSize / 2 ** (8 * i)) & 255),
  ];
  const out = new Uint8Array(head.length + 4 * n);
  out.set(head);
  for (let i = 0; i < n; i++) {
    out.set(block([0x61 + (i & 15)], 1, i === n - 1, size), head.length + 4 * i);
  }
  return out;
}

/** `n` copies of `frame`, concatenated. */
export function repeat(frame: ArrayLike<number>, n: number): Uint8Array {
  const out = new Uint8Array(frame.length * n);
  for (let i = 0; i < n; i++) out.set(frame, i * frame.length);
  return out;
}

/**
 * A frame (1 KiB window, no content size) whose one sequence copies `matchLength` (3 to 34)
 * bytes from `back` bytes before its start: from a dictionary's content when `back` is at most
 * its length, running on into the frame's own output when the match is longer than `back`. No
 * literals; all three sequence tables in RLE mode, so the bit stream holds only the offset's
 * extra bits.
 */
export function dictionaryMatchFrame(back: number, matchLength: number): Uint8Array {
  const value = back + 3; // offset value (above the three repeat codes)
  const code = 31 - Math.clz32(value);
  const bits = 2 ** code + (value - 2 ** code); // the end mark above the extra bits
  const stream: number[] = [];
  for (let v = bits; v > 0; v = Math.floor(v / 256)) stream.push(v & 255);
  const body = [0x00, 0x01, 0x54, 0x00, code, matchLength - 3, ...stream];
  return new Uint8Array([...MAGIC, 0x00, 0x00, ...block(body, 2, true)]);
}

/** What `dictionaryMatchFrame(back, matchLength)` decodes to with `dictionary`. */
export function dictionaryMatchContent(
  dictionary: Uint8Array,
  back: number,
  matchLength: number,
): Uint8Array {
  const out = new Uint8Array(matchLength);
  const at = dictionary.length - back;
  for (let k = 0; k < matchLength; k++) out[k] = k < back ? dictionary[at + k] : out[k - back];
  return out;
}

/**
 * `frame` (one Zstandard frame) with its header rewritten to carry `size` (below 2^64) as an
 * 8-byte content size; single-segment frames stay so (their window is then the size). Returns
 * null when the frame is not a Zstandard frame.
 */
export function withContentSize(frame: Uint8Array, size: bigint): Uint8Array | null {
  if (frame.length < 6 || frame[0] !== 0x28 || frame[3] !== 0xfd) return null;
  const fhd = frame[4];
  const single = (fhd & 0x20) !== 0;
  const dictBytes = [0, 1, 2, 4][fhd & 3];
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >> 6];
  const keep = 5 + (single ? 0 : 1) + dictBytes; // magic, descriptor, window, dictionary ID
  const end = keep + fcsBytes;
  if (frame.length < end) return null;
  const out = new Uint8Array(frame.length - fcsBytes + 8);
  out.set(frame.subarray(0, keep));
  out[4] = fhd | 0xc0;
  for (let i = 0; i < 8; i++) {
    out[keep + i] = Number((size >> BigInt(8 * i)) & 255n);
  }
  out.set(frame.subarray(end), keep + 8);
  return out;
}
