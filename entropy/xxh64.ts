/**
 * XXH64 without BigInt: every 64-bit value is a pair of 32-bit halves.
 *
 * Zstandard frames carry the low 32 bits of XXH64(content, seed 0) as their optional content
 * checksum (RFC 8878, section 3.1.1). The decoder verifies it by default, so `update` is a hot
 * path: it hashes 32-byte stripes straight from the caller's array with the four accumulators in
 * local variables, and only a tail of fewer than 32 bytes is ever copied (into `#buffer`).
 *
 * Representation: a 64-bit value is `hi` (any int32/uint32 bit pattern) and `lo` (kept as a
 * uint32, i.e. `>>> 0`, so that a carry is simply `lo > 0xffffffff` after an addition).
 *
 * 64-bit multiply modulo 2^64: (ah·2^32 + al)·(bh·2^32 + bl) mod 2^64 has
 *   lo = low32(al·bl)          (`Math.imul`)
 *   hi = high32(al·bl) + low32(al·bh) + low32(ah·bl)   (mod 2^32)
 * and high32(al·bl) of two uint32 values comes from one float multiply: the double `al * bl` is
 * within 2^10 of the exact product (< 2^64, 53-bit mantissa), subtracting the exact low half
 * `Math.imul(al, bl) >>> 0` adds at most another 2^10 of rounding error, so
 * `(al * bl - lo) / 2^32` lies within 2^-21 of the exact high half and `+ 0.5` then truncation
 * (`>>> 0`) gives it exactly. This is cheaper than four 16-bit limb products (measured in Deno
 * and Bun).
 *
 * @module
 */

// The five 64-bit primes of XXH64, as high and low 32-bit halves.
const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;
// P1 + P2 mod 2^64 and -P1 mod 2^64: the initial values of accumulators 1 and 4 for seed 0.
const P1_PLUS_P2_HI = 0x60ea27ee;
const P1_PLUS_P2_LO = 0xadc0b5d6;
const MINUS_P1_HI = 0x61c8864e;
const MINUS_P1_LO = 0x7a143579;

/** 2^-32: scales the float product so that its high 32 bits become the integer part. */
const INV_2_32 = 1 / 4294967296;

/** The stripe size: four 8-byte lanes, one per accumulator. */
const STRIPE = 32;

// Result of the cold-path 64-bit helpers below (the "second result in a preallocated field").
let resHi = 0;
let resLo = 0;

/** (ah:al) * (bh:bl) mod 2^64 into resHi:resLo. `al` and `bl` must be uint32 values. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const lo = Math.imul(al, bl) >>> 0;
  const mulHi = ((al * bl - lo) * INV_2_32 + 0.5) >>> 0;
  resHi = (mulHi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  resLo = lo;
}

/** (ah:al) + (bh:bl) mod 2^64 into resHi:resLo. `al` and `bl` must be uint32 values. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  resHi = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
  resLo = lo >>> 0;
}

/**
 * XXH64's round(0, input) = rotl(input * P2, 31) * P1 into resHi:resLo: what a lane of the
 * final tail and a merged accumulator contribute. `lo` must be a uint32 value.
 */
function roundFromZero(hi: number, lo: number): void {
  mul64(hi, lo, P2_HI, P2_LO);
  const rHi = (resHi << 31) | (resLo >>> 1);
  const rLo = ((resLo << 31) | (resHi >>> 1)) >>> 0;
  mul64(rHi, rLo, P1_HI, P1_LO);
}

/** Streaming XXH64. One object is reused across frames with reset(). */
export class Xxh64 {
  // The four accumulators, as high and low halves (low halves are uint32 values).
  #v1Hi = 0;
  #v1Lo = 0;
  #v2Hi = 0;
  #v2Lo = 0;
  #v3Hi = 0;
  #v3Lo = 0;
  #v4Hi = 0;
  #v4Lo = 0;
  #seed = 0;
  /** Bytes hashed so far (exact up to 2^53). */
  #totalLength = 0;
  /** The last `totalLength % 32` bytes, which do not yet fill a stripe. */
  #buffer: Uint8Array = new Uint8Array(STRIPE);
  #bufferLength = 0;
  // The last digest, computed by #digest() without touching the state above.
  #digestHi = 0;
  #digestLo = 0;

  /**
   * Creates a hasher.
   *
   * @param seed The seed as a uint32 (the high half of XXH64's 64-bit seed is 0). Default 0.
   *
   * @example
   * ```ts
   * import { Xxh64 } from "./xxh64.ts";
   * const hasher = new Xxh64();
   * hasher.update(new Uint8Array(0), 0, 0);
   * if (hasher.digestHigh32() !== 0xef46db37 || hasher.digestLow32() !== 0x51d8e999) {
   *   throw new Error("unexpected digest");
   * }
   * ```
   */
  constructor(seed: number = 0) {
    this.reset(seed);
  }

  /**
   * Starts a new hash, forgetting all input so far.
   *
   * @param seed The seed as a uint32. Default 0.
   *
   * @example
   * ```ts
   * import { Xxh64 } from "./xxh64.ts";
   * const hasher = new Xxh64();
   * hasher.update(new Uint8Array([1, 2, 3]), 0, 3);
   * hasher.reset();
   * if (hasher.digestLow32() !== 0x51d8e999) throw new Error("reset failed");
   * ```
   */
  reset(seed: number = 0): void {
    const s = seed >>> 0;
    this.#seed = s;
    add64(P1_PLUS_P2_HI, P1_PLUS_P2_LO, 0, s);
    this.#v1Hi = resHi;
    this.#v1Lo = resLo;
    add64(P2_HI, P2_LO, 0, s);
    this.#v2Hi = resHi;
    this.#v2Lo = resLo;
    this.#v3Hi = 0;
    this.#v3Lo = s;
    add64(MINUS_P1_HI, MINUS_P1_LO, 0, s);
    this.#v4Hi = resHi;
    this.#v4Lo = resLo;
    this.#totalLength = 0;
    this.#bufferLength = 0;
  }

  /**
   * Hashes `data[start, end)`, continuing the input given so far.
   *
   * @param data The bytes.
   * @param start Index of the first byte to hash.
   * @param end Index after the last byte to hash.
   *
   * @example
   * ```ts
   * import { Xxh64 } from "./xxh64.ts";
   * const bytes = new TextEncoder().encode("abc");
   * const hasher = new Xxh64();
   * hasher.update(bytes, 0, 1);
   * hasher.update(bytes, 1, 3);
   * if (hasher.digestHigh32() !== 0x44bc2cf5 || hasher.digestLow32() !== 0xad770999) {
   *   throw new Error("unexpected digest");
   * }
   * ```
   */
  update(data: Uint8Array, start: number, end: number): void {
    if (!(start >= 0 && start <= end && end <= data.length)) {
      throw new RangeError(
        `Cannot hash range [${start}, ${end}): it is not within the ${data.length} bytes given`,
      );
    }
    let pos = start;
    this.#totalLength += end - start;
    const buffer = this.#buffer;
    let buffered = this.#bufferLength;
    if (buffered > 0) {
      const take = Math.min(STRIPE - buffered, end - pos);
      // Short copies by loop: `set` would need a subarray view (an allocation).
      for (let i = 0; i < take; i++) buffer[buffered + i] = data[pos + i];
      buffered += take;
      pos += take;
      if (buffered < STRIPE) {
        this.#bufferLength = buffered;
        return;
      }
      this.#stripes(buffer, 0, STRIPE);
      buffered = 0;
    }
    const stripesEnd = pos + ((end - pos) & ~(STRIPE - 1));
    if (stripesEnd > pos) this.#stripes(data, pos, stripesEnd);
    for (let i = stripesEnd; i < end; i++) buffer[i - stripesEnd] = data[i];
    this.#bufferLength = end - stripesEnd;
  }

  /**
   * The low 32 bits of the 64-bit digest of everything given so far; the state is unchanged, so
   * `update` may continue afterwards.
   *
   * @returns The low half as a uint32.
   *
   * @example
   * ```ts
   * import { Xxh64 } from "./xxh64.ts";
   * if (new Xxh64().digestLow32() !== 0x51d8e999) throw new Error("unexpected digest");
   * ```
   */
  digestLow32(): number {
    this.#digest();
    return this.#digestLo;
  }

  /**
   * The high 32 bits of the 64-bit digest of everything given so far; the state is unchanged.
   *
   * @returns The high half as a uint32.
   *
   * @example
   * ```ts
   * import { Xxh64 } from "./xxh64.ts";
   * if (new Xxh64().digestHigh32() !== 0xef46db37) throw new Error("unexpected digest");
   * ```
   */
  digestHigh32(): number {
    this.#digest();
    return this.#digestHi;
  }

  /**
   * Runs XXH64's round on every lane of the stripes in `data[pos, end)`; `end - pos` is a
   * multiple of 32. One round: acc = rotl(acc + lane * P2, 31) * P1.
   */
  #stripes(data: Uint8Array, pos: number, end: number): void {
    let v1Hi = this.#v1Hi, v1Lo = this.#v1Lo;
    let v2Hi = this.#v2Hi, v2Lo = this.#v2Lo;
    let v3Hi = this.#v3Hi, v3Lo = this.#v3Lo;
    let v4Hi = this.#v4Hi, v4Lo = this.#v4Lo;
    let inHi = 0, inLo = 0, hi = 0, lo = 0, rotHi = 0;
    for (let p = pos; p < end; p += STRIPE) {
      // Lane 1. The lanes are written out: a loop over accumulator arrays was slower.
      inLo = (data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24)) >>> 0;
      inHi = data[p + 4] | (data[p + 5] << 8) | (data[p + 6] << 16) | (data[p + 7] << 24);
      lo = Math.imul(inLo, P2_LO) >>> 0;
      hi = (((inLo * P2_LO - lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(inLo, P2_HI) +
        Math.imul(inHi, P2_LO);
      lo += v1Lo;
      hi = (hi + v1Hi + (lo > 0xffffffff ? 1 : 0)) | 0;
      lo = lo >>> 0;
      rotHi = (hi << 31) | (lo >>> 1);
      lo = ((lo << 31) | (hi >>> 1)) >>> 0;
      v1Lo = Math.imul(lo, P1_LO) >>> 0;
      v1Hi = ((((lo * P1_LO - v1Lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(lo, P1_HI) +
        Math.imul(rotHi, P1_LO)) | 0;
      // Lane 2.
      inLo = (data[p + 8] | (data[p + 9] << 8) | (data[p + 10] << 16) | (data[p + 11] << 24)) >>>
        0;
      inHi = data[p + 12] | (data[p + 13] << 8) | (data[p + 14] << 16) | (data[p + 15] << 24);
      lo = Math.imul(inLo, P2_LO) >>> 0;
      hi = (((inLo * P2_LO - lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(inLo, P2_HI) +
        Math.imul(inHi, P2_LO);
      lo += v2Lo;
      hi = (hi + v2Hi + (lo > 0xffffffff ? 1 : 0)) | 0;
      lo = lo >>> 0;
      rotHi = (hi << 31) | (lo >>> 1);
      lo = ((lo << 31) | (hi >>> 1)) >>> 0;
      v2Lo = Math.imul(lo, P1_LO) >>> 0;
      v2Hi = ((((lo * P1_LO - v2Lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(lo, P1_HI) +
        Math.imul(rotHi, P1_LO)) | 0;
      // Lane 3.
      inLo = (data[p + 16] | (data[p + 17] << 8) | (data[p + 18] << 16) |
        (data[p + 19] << 24)) >>> 0;
      inHi = data[p + 20] | (data[p + 21] << 8) | (data[p + 22] << 16) | (data[p + 23] << 24);
      lo = Math.imul(inLo, P2_LO) >>> 0;
      hi = (((inLo * P2_LO - lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(inLo, P2_HI) +
        Math.imul(inHi, P2_LO);
      lo += v3Lo;
      hi = (hi + v3Hi + (lo > 0xffffffff ? 1 : 0)) | 0;
      lo = lo >>> 0;
      rotHi = (hi << 31) | (lo >>> 1);
      lo = ((lo << 31) | (hi >>> 1)) >>> 0;
      v3Lo = Math.imul(lo, P1_LO) >>> 0;
      v3Hi = ((((lo * P1_LO - v3Lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(lo, P1_HI) +
        Math.imul(rotHi, P1_LO)) | 0;
      // Lane 4.
      inLo = (data[p + 24] | (data[p + 25] << 8) | (data[p + 26] << 16) |
        (data[p + 27] << 24)) >>> 0;
      inHi = data[p + 28] | (data[p + 29] << 8) | (data[p + 30] << 16) | (data[p + 31] << 24);
      lo = Math.imul(inLo, P2_LO) >>> 0;
      hi = (((inLo * P2_LO - lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(inLo, P2_HI) +
        Math.imul(inHi, P2_LO);
      lo += v4Lo;
      hi = (hi + v4Hi + (lo > 0xffffffff ? 1 : 0)) | 0;
      lo = lo >>> 0;
      rotHi = (hi << 31) | (lo >>> 1);
      lo = ((lo << 31) | (hi >>> 1)) >>> 0;
      v4Lo = Math.imul(lo, P1_LO) >>> 0;
      v4Hi = ((((lo * P1_LO - v4Lo) * INV_2_32 + 0.5) >>> 0) + Math.imul(lo, P1_HI) +
        Math.imul(rotHi, P1_LO)) | 0;
    }
    this.#v1Hi = v1Hi;
    this.#v1Lo = v1Lo;
    this.#v2Hi = v2Hi;
    this.#v2Lo = v2Lo;
    this.#v3Hi = v3Hi;
    this.#v3Lo = v3Lo;
    this.#v4Hi = v4Hi;
    this.#v4Lo = v4Lo;
  }

  /** Computes the digest into #digestHi/#digestLo from copies of the state. */
  #digest(): void {
    const total = this.#totalLength;
    let hHi: number, hLo: number;
    if (total >= STRIPE) {
      // h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18), then merge each v.
      const v1Hi = this.#v1Hi, v1Lo = this.#v1Lo, v2Hi = this.#v2Hi, v2Lo = this.#v2Lo;
      const v3Hi = this.#v3Hi, v3Lo = this.#v3Lo, v4Hi = this.#v4Hi, v4Lo = this.#v4Lo;
      hHi = (v1Hi << 1) | (v1Lo >>> 31);
      hLo = ((v1Lo << 1) | (v1Hi >>> 31)) >>> 0;
      add64(hHi, hLo, (v2Hi << 7) | (v2Lo >>> 25), ((v2Lo << 7) | (v2Hi >>> 25)) >>> 0);
      add64(resHi, resLo, (v3Hi << 12) | (v3Lo >>> 20), ((v3Lo << 12) | (v3Hi >>> 20)) >>> 0);
      add64(resHi, resLo, (v4Hi << 18) | (v4Lo >>> 14), ((v4Lo << 18) | (v4Hi >>> 14)) >>> 0);
      hHi = resHi;
      hLo = resLo;
      for (let lane = 0; lane < 4; lane++) {
        // h = (h ^ round(0, v)) * P1 + P4
        const vHi = lane === 0 ? v1Hi : lane === 1 ? v2Hi : lane === 2 ? v3Hi : v4Hi;
        const vLo = lane === 0 ? v1Lo : lane === 1 ? v2Lo : lane === 2 ? v3Lo : v4Lo;
        roundFromZero(vHi, vLo);
        mul64(hHi ^ resHi, (hLo ^ resLo) >>> 0, P1_HI, P1_LO);
        add64(resHi, resLo, P4_HI, P4_LO);
        hHi = resHi;
        hLo = resLo;
      }
    } else {
      add64(0, this.#seed, P5_HI, P5_LO);
      hHi = resHi;
      hLo = resLo;
    }
    // h += total length (64-bit; exact below 2^53).
    add64(hHi, hLo, Math.floor(total / 4294967296), total >>> 0);
    hHi = resHi;
    hLo = resLo;

    // The buffered tail: 8-byte lanes, then one 4-byte word, then single bytes.
    const b = this.#buffer;
    const n = this.#bufferLength;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      // h = rotl(h ^ round(0, lane), 27) * P1 + P4
      roundFromZero(
        b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24),
        (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0,
      );
      hHi ^= resHi;
      hLo ^= resLo;
      mul64((hHi << 27) | (hLo >>> 5), ((hLo << 27) | (hHi >>> 5)) >>> 0, P1_HI, P1_LO);
      add64(resHi, resLo, P4_HI, P4_LO);
      hHi = resHi;
      hLo = resLo;
    }
    if (p + 4 <= n) {
      // h = rotl(h ^ (word * P1), 23) * P2 + P3
      mul64(0, (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0, P1_HI, P1_LO);
      hHi ^= resHi;
      hLo ^= resLo;
      mul64((hHi << 23) | (hLo >>> 9), ((hLo << 23) | (hHi >>> 9)) >>> 0, P2_HI, P2_LO);
      add64(resHi, resLo, P3_HI, P3_LO);
      hHi = resHi;
      hLo = resLo;
      p += 4;
    }
    for (; p < n; p++) {
      // h = rotl(h ^ (byte * P5), 11) * P1
      mul64(0, b[p], P5_HI, P5_LO);
      hHi ^= resHi;
      hLo ^= resLo;
      mul64((hHi << 11) | (hLo >>> 21), ((hLo << 11) | (hHi >>> 21)) >>> 0, P1_HI, P1_LO);
      hHi = resHi;
      hLo = resLo;
    }

    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hLo = (hLo ^ (hHi >>> 1)) >>> 0;
    mul64(hHi, hLo, P2_HI, P2_LO);
    hLo = (resLo ^ ((resLo >>> 29) | (resHi << 3))) >>> 0;
    hHi = resHi ^ (resHi >>> 29);
    mul64(hHi, hLo, P3_HI, P3_LO);
    this.#digestHi = resHi >>> 0;
    this.#digestLo = (resLo ^ resHi) >>> 0;
  }
}

/** A hasher reused by xxh64Low32, so that one-shot hashing allocates nothing. */
const oneShot = new Xxh64();

/**
 * One-shot helper: the low 32 bits of XXH64(data[start, end), seed 0), which is the value a
 * Zstandard frame stores (little-endian) as its content checksum.
 *
 * @param data The bytes.
 * @param start Index of the first byte to hash.
 * @param end Index after the last byte to hash.
 * @returns The low 32 bits of the digest as a uint32.
 *
 * @example
 * ```ts
 * import { xxh64Low32 } from "./xxh64.ts";
 * const bytes = new TextEncoder().encode("abc");
 * if (xxh64Low32(bytes, 0, bytes.length) !== 0xad770999) throw new Error("unexpected digest");
 * ```
 */
export function xxh64Low32(data: Uint8Array, start: number, end: number): number {
  oneShot.reset(0);
  oneShot.update(data, start, end);
  return oneShot.digestLow32();
}
