/**
 * Prints the XXH64 (low 32 bits) of our compressed output for a fixed set of inputs and levels,
 * one line each. The determinism test runs it under Deno and Bun and compares the outputs.
 */

import { compress } from "../mod.ts";
import { xxh64Low32 } from "../entropy/xxh64.ts";

function text(size: number, seed: number): Uint8Array {
  let s = seed;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    const r = (s >>> 16) & 0x7fff;
    out[i] = r % 7 === 0 ? 32 : 97 + (r % 13);
  }
  return out;
}

const inputs = [new Uint8Array(0), text(1000, 1), text(200_000, 2), text(1_500_000, 3)];
for (let i = 0; i < inputs.length; i++) {
  for (const level of [-7, -3, -1, 1, 2, 3, 4, 5, 8, 12, 13, 15, 16, 18, 19, 22]) {
    const frame = compress(inputs[i], { level, checksum: true });
    console.log(`${i} ${level} ${frame.length} ${xxh64Low32(frame, 0, frame.length).toString(16)}`);
  }
}
