/**
 * Deterministic frame mutations shared by the hostile-input tests and `deno task fuzz`, and the
 * invariant every decoding of hostile input must keep.
 */

import { decompress, decompressStream, ZstdError } from "../mod.ts";

/** xorshift-style PRNG returning floats in [0, 1). */
export function mutationRng(seed: number): () => number {
  let s = seed | 0 || 0x9e3779b9;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0;
    s ^= s >>> 13;
    return (s >>> 0) / 4294967296;
  };
}

/** One random mutation of `frame`: bit flips, byte runs, deletions, insertions, header edits. */
export function mutate(frame: Uint8Array, r: () => number): Uint8Array {
  const kind = (r() * 6) | 0;
  const f = frame.slice();
  const at = (limit = f.length) => (r() * limit) | 0;
  switch (kind) {
    case 0:
      for (let k = 0; k < 1 + r() * 4; k++) f[at()] ^= 1 << ((r() * 8) | 0);
      return f;
    case 1: {
      const p = at();
      for (let k = 0; k < 1 + r() * 24 && p + k < f.length; k++) f[p + k] = (r() * 256) | 0;
      return f;
    }
    case 2: {
      const n = Math.min(f.length, 1 + ((r() * 8) | 0));
      const p = at(f.length - n + 1);
      const out = new Uint8Array(Math.max(0, f.length - n));
      out.set(f.subarray(0, p));
      out.set(f.subarray(p + n), p);
      return out;
    }
    case 3: {
      const p = at();
      const n = 1 + ((r() * 8) | 0);
      const out = new Uint8Array(f.length + n);
      out.set(f.subarray(0, p));
      for (let k = 0; k < n; k++) out[p + k] = (r() * 256) | 0;
      out.set(f.subarray(p), p + n);
      return out;
    }
    case 4:
      // Frame header and first block header: the fields that size everything else.
      f[4 + at(Math.min(14, f.length - 4))] = (r() * 256) | 0;
      return f;
    default:
      return f.subarray(0, at());
  }
}

/** What a decoding ended with: "ok" or the ZstdError code; anything else is a failure. */
export type Outcome = string;

/** One-shot outcome; throws anything that is not a ZstdError. */
export function oneShotOutcome(input: Uint8Array, maxOutputSize: number): [Outcome, Uint8Array?] {
  try {
    return ["ok", decompress(input, { maxOutputSize })];
  } catch (e) {
    if (e instanceof ZstdError) return [e.code];
    throw e;
  }
}

/** Streaming outcome with the given chunk size; throws anything that is not a ZstdError. */
export async function streamOutcome(
  input: Uint8Array,
  chunk: number,
  maxOutputSize: number,
): Promise<Outcome> {
  const ts = decompressStream({ maxOutputSize });
  const writer = ts.writable.getWriter();
  const reading = (async () => {
    for await (const _ of ts.readable) { /* drain */ }
  })();
  const writing = (async () => {
    for (let i = 0; i < input.length; i += chunk) await writer.write(input.subarray(i, i + chunk));
    await writer.close();
  })();
  const results = await Promise.allSettled([writing, reading]);
  for (const res of results) {
    if (res.status === "rejected") {
      if (res.reason instanceof ZstdError) return res.reason.code;
      throw res.reason;
    }
  }
  return "ok";
}
