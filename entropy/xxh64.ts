/**
 * XXH64 without BigInt: every 64-bit value is a pair of int32 halves (hi, lo).
 *
 * Zstandard frames carry the low 32 bits of XXH64(content, seed 0) as their optional content
 * checksum (RFC 8878, section 3.1.1). The decoder verifies it by default, so `update` is a hot
 * path: it hashes 32-byte stripes straight from the caller's bytes through a DataView, with the
 * four accumulators in local variables; only a tail of fewer than 32 bytes is ever copied.
 *
 * Arithmetic on (hi, lo) pairs, all halves held as int32 bit patterns:
 * - add: lo = (al + bl) | 0, and the carry out of bit 31 is
 *   ((al & bl) | ((al | bl) & ~lo)) >>> 31 — branch-free: with a compare, the random carries
 *   cost a mispredicted branch each and halved the speed in Deno.
 * - multiply mod 2^64: lo = Math.imul(al, bl) and
 *   hi = high32(al * bl) + Math.imul(al, bh) + Math.imul(ah, bl), where high32 of two uint32
 *   values comes from one float multiply: the double `al * bl` is within 2^10 of the exact
 *   product (< 2^64, 53-bit mantissa), subtracting the exact low half adds at most another 2^10
 *   of rounding error, so `(al * bl - lo) / 2^32` is within 2^-21 of the exact high half H.
 *   Flooring that minus (2^31 - 0.5) gives H - 2^31 exactly, in int32 range; the 2^31 is added
 *   back modulo 2^32 as INT32_MIN. Measured surprises: keeping every float-to-int conversion
 *   inside int32 range matters to JavaScriptCore (Bun), which takes a slow path for larger
 *   values (`(... + 0.5) >>> 0` ran at half the speed there); and the `| 0` right after
 *   Math.floor, so that the sum with the Math.imul terms is integer rather than float
 *   arithmetic, was worth 1.5x in Deno. Four 16-bit limb products were slower in Deno.
 *
 * Reading 32-bit words: DataView.getInt32 beat byte loads with shifts and ors in both runtimes
 * (1 MiB in 32-byte stripes: Deno about 1700 vs 1050 MiB/s, Bun about 910 vs 810 MiB/s), so
 * `update` keeps one DataView of the ArrayBuffer it was last given, made anew only when the
 * buffer changes.
 *
 * @module
 */

// The five 64-bit primes of XXH64, as high and low 32-bit halves. Low halves are used both in
// Math.imul (which reads them as int32) and in float products (which need the uint32 value).
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

/** 2^-32: scales a float product so that its high 32 bits become the integer part. */
const INV_2_32 = 1 / 4294967296;
/** 2^31 - 0.5: floor(high + 0.5 - 2^31) rounds to the nearest integer and stays in int32. */
const TWO_31_MINUS_HALF = 2147483647.5;
/** -2^31 as an int32: adding it is adding 2^31 modulo 2^32. */
const INT32_MIN = -2147483648;

/** The stripe size: four 8-byte lanes, one per accumulator. */
const STRIPE = 32;

// Result of the cold-path 64-bit helpers below (the "second result in a preallocated field").
let resHi = 0;
let resLo = 0;

/** (ah:al) * (bh:bl) mod 2^64 into resHi:resLo. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const lo = Math.imul(al, bl);
  resHi = ((Math.floor(((al >>> 0) * (bl >>> 0) - (lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
    Math.imul(al, bh) + Math.imul(ah, bl) + INT32_MIN) | 0;
  resLo = lo;
}

/** (ah:al) + (bh:bl) mod 2^64 into resHi:resLo. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al + bl) | 0;
  resHi = (ah + bh + (((al & bl) | ((al | bl) & ~lo)) >>> 31)) | 0;
  resLo = lo;
}

/**
 * XXH64's round(0, input) = rotl(input * P2, 31) * P1 into resHi:resLo: what a lane of the
 * final tail and each accumulator at the merge contribute.
 */
function roundFromZero(hi: number, lo: number): void {
  mul64(hi, lo, P2_HI, P2_LO);
  mul64((resHi << 31) | (resLo >>> 1), (resLo << 31) | (resHi >>> 1), P1_HI, P1_LO);
}

/** h = (h ^ round(0, v)) * P1 + P4 into resHi:resLo: folds accumulator v into the digest. */
function mergeAccumulator(hHi: number, hLo: number, vHi: number, vLo: number): void {
  roundFromZero(vHi, vLo);
  mul64(hHi ^ resHi, hLo ^ resLo, P1_HI, P1_LO);
  add64(resHi, resLo, P4_HI, P4_LO);
}

/** The data view of a hasher that holds none of the caller's bytes. */
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/** Streaming XXH64. One object is reused across frames with reset(). */
export class Xxh64 {
  // The four accumulators, as high and low int32 halves.
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
  #bufferView: DataView = new DataView(this.#buffer.buffer);
  #bufferLength = 0;
  /**
   * A view of the whole ArrayBuffer behind the last `data` that had a full stripe, kept until
   * `reset` so that a stream of blocks from one window makes one DataView, not one per call.
   */
  #dataView: DataView = EMPTY_VIEW;
  // The digest computed by #digest() (from copies of the state, which it leaves unchanged).
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
    const s = seed | 0;
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
    // Let go of the caller's bytes: one DataView per frame is cheap, holding a buffer alive is not.
    this.#dataView = EMPTY_VIEW;
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
    if (
      !(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end &&
        end <= data.length)
    ) {
      throw new RangeError(
        `Cannot hash bytes [${start}, ${end}): the range is not within the ${data.length} bytes given`,
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
      this.#stripes(this.#bufferView, 0, STRIPE);
    }
    // `& 31` keeps the low bits right even for ranges beyond 2^31 bytes.
    const stripesEnd = end - ((end - pos) & (STRIPE - 1));
    if (stripesEnd > pos) {
      let view = this.#dataView;
      if (view.buffer !== data.buffer) {
        view = new DataView(data.buffer);
        this.#dataView = view;
      }
      const offset = data.byteOffset;
      this.#stripes(view, offset + pos, offset + stripesEnd);
    }
    for (let i = stripesEnd; i < end; i++) buffer[i - stripesEnd] = data[i];
    this.#bufferLength = end - stripesEnd;
  }

  /**
   * The low 32 bits of the 64-bit digest of everything given so far. The state is unchanged, so
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
   * The high 32 bits of the 64-bit digest of everything given so far. The state is unchanged.
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
   * Runs XXH64's round, acc = rotl(acc + lane * P2, 31) * P1, on every lane of the stripes in
   * `view` from byte `pos` to `end`; `end - pos` is a multiple of 32.
   */
  #stripes(view: DataView, pos: number, end: number): void {
    let v1Hi = this.#v1Hi, v1Lo = this.#v1Lo;
    let v2Hi = this.#v2Hi, v2Lo = this.#v2Lo;
    let v3Hi = this.#v3Hi, v3Lo = this.#v3Lo;
    let v4Hi = this.#v4Hi, v4Lo = this.#v4Lo;
    let inHi = 0, inLo = 0, hi = 0, lo = 0, sum = 0, rotHi = 0;
    for (let p = pos; p < end; p += STRIPE) {
      // Lane 1. The four lanes are written out so that the accumulators stay in locals.
      inLo = view.getInt32(p, true);
      inHi = view.getInt32(p + 4, true);
      lo = Math.imul(inLo, P2_LO);
      hi = ((Math.floor(((inLo >>> 0) * P2_LO - (lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(inLo, P2_HI) + Math.imul(inHi, P2_LO) + INT32_MIN) | 0;
      sum = (lo + v1Lo) | 0;
      hi = (hi + v1Hi + (((lo & v1Lo) | ((lo | v1Lo) & ~sum)) >>> 31)) | 0;
      rotHi = (hi << 31) | (sum >>> 1);
      lo = (sum << 31) | (hi >>> 1);
      v1Lo = Math.imul(lo, P1_LO);
      v1Hi = ((Math.floor(((lo >>> 0) * P1_LO - (v1Lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(lo, P1_HI) + Math.imul(rotHi, P1_LO) + INT32_MIN) | 0;
      // Lane 2.
      inLo = view.getInt32(p + 8, true);
      inHi = view.getInt32(p + 12, true);
      lo = Math.imul(inLo, P2_LO);
      hi = ((Math.floor(((inLo >>> 0) * P2_LO - (lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(inLo, P2_HI) + Math.imul(inHi, P2_LO) + INT32_MIN) | 0;
      sum = (lo + v2Lo) | 0;
      hi = (hi + v2Hi + (((lo & v2Lo) | ((lo | v2Lo) & ~sum)) >>> 31)) | 0;
      rotHi = (hi << 31) | (sum >>> 1);
      lo = (sum << 31) | (hi >>> 1);
      v2Lo = Math.imul(lo, P1_LO);
      v2Hi = ((Math.floor(((lo >>> 0) * P1_LO - (v2Lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(lo, P1_HI) + Math.imul(rotHi, P1_LO) + INT32_MIN) | 0;
      // Lane 3.
      inLo = view.getInt32(p + 16, true);
      inHi = view.getInt32(p + 20, true);
      lo = Math.imul(inLo, P2_LO);
      hi = ((Math.floor(((inLo >>> 0) * P2_LO - (lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(inLo, P2_HI) + Math.imul(inHi, P2_LO) + INT32_MIN) | 0;
      sum = (lo + v3Lo) | 0;
      hi = (hi + v3Hi + (((lo & v3Lo) | ((lo | v3Lo) & ~sum)) >>> 31)) | 0;
      rotHi = (hi << 31) | (sum >>> 1);
      lo = (sum << 31) | (hi >>> 1);
      v3Lo = Math.imul(lo, P1_LO);
      v3Hi = ((Math.floor(((lo >>> 0) * P1_LO - (v3Lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(lo, P1_HI) + Math.imul(rotHi, P1_LO) + INT32_MIN) | 0;
      // Lane 4.
      inLo = view.getInt32(p + 24, true);
      inHi = view.getInt32(p + 28, true);
      lo = Math.imul(inLo, P2_LO);
      hi = ((Math.floor(((inLo >>> 0) * P2_LO - (lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(inLo, P2_HI) + Math.imul(inHi, P2_LO) + INT32_MIN) | 0;
      sum = (lo + v4Lo) | 0;
      hi = (hi + v4Hi + (((lo & v4Lo) | ((lo | v4Lo) & ~sum)) >>> 31)) | 0;
      rotHi = (hi << 31) | (sum >>> 1);
      lo = (sum << 31) | (hi >>> 1);
      v4Lo = Math.imul(lo, P1_LO);
      v4Hi = ((Math.floor(((lo >>> 0) * P1_LO - (v4Lo >>> 0)) * INV_2_32 - TWO_31_MINUS_HALF) | 0) +
        Math.imul(lo, P1_HI) + Math.imul(rotHi, P1_LO) + INT32_MIN) | 0;
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
      add64(
        (v1Hi << 1) | (v1Lo >>> 31),
        (v1Lo << 1) | (v1Hi >>> 31),
        (v2Hi << 7) | (v2Lo >>> 25),
        (v2Lo << 7) | (v2Hi >>> 25),
      );
      add64(resHi, resLo, (v3Hi << 12) | (v3Lo >>> 20), (v3Lo << 12) | (v3Hi >>> 20));
      add64(resHi, resLo, (v4Hi << 18) | (v4Lo >>> 14), (v4Lo << 18) | (v4Hi >>> 14));
      mergeAccumulator(resHi, resLo, v1Hi, v1Lo);
      mergeAccumulator(resHi, resLo, v2Hi, v2Lo);
      mergeAccumulator(resHi, resLo, v3Hi, v3Lo);
      mergeAccumulator(resHi, resLo, v4Hi, v4Lo);
    } else {
      add64(0, this.#seed, P5_HI, P5_LO);
    }
    // h += total length (64-bit; exact below 2^53).
    add64(resHi, resLo, Math.floor(total / 4294967296), total | 0);
    hHi = resHi;
    hLo = resLo;

    // The buffered tail (total % 32 bytes): 8-byte lanes, then one 4-byte word, then bytes.
    const view = this.#bufferView;
    const n = this.#bufferLength;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      // h = rotl(h ^ round(0, lane), 27) * P1 + P4
      roundFromZero(view.getInt32(p + 4, true), view.getInt32(p, true));
      hHi ^= resHi;
      hLo ^= resLo;
      mul64((hHi << 27) | (hLo >>> 5), (hLo << 27) | (hHi >>> 5), P1_HI, P1_LO);
      add64(resHi, resLo, P4_HI, P4_LO);
      hHi = resHi;
      hLo = resLo;
    }
    if (p + 4 <= n) {
      // h = rotl(h ^ (word * P1), 23) * P2 + P3
      mul64(0, view.getInt32(p, true), P1_HI, P1_LO);
      hHi ^= resHi;
      hLo ^= resLo;
      mul64((hHi << 23) | (hLo >>> 9), (hLo << 23) | (hHi >>> 9), P2_HI, P2_LO);
      add64(resHi, resLo, P3_HI, P3_LO);
      hHi = resHi;
      hLo = resLo;
      p += 4;
    }
    for (; p < n; p++) {
      // h = rotl(h ^ (byte * P5), 11) * P1
      mul64(0, view.getUint8(p), P5_HI, P5_LO);
      hHi ^= resHi;
      hLo ^= resLo;
      mul64((hHi << 11) | (hLo >>> 21), (hLo << 11) | (hHi >>> 21), P1_HI, P1_LO);
      hHi = resHi;
      hLo = resLo;
    }

    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    mul64(hHi, hLo ^ (hHi >>> 1), P2_HI, P2_LO);
    mul64(resHi ^ (resHi >>> 29), resLo ^ ((resLo >>> 29) | (resHi << 3)), P3_HI, P3_LO);
    this.#digestHi = resHi >>> 0;
    this.#digestLo = (resLo ^ resHi) >>> 0;
  }
}

/** The hasher behind xxh64Low32, reused so that one-shot hashing allocates nothing per call. */
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
  const digest = oneShot.digestLow32();
  oneShot.reset(0); // drops its view of `data`
  return digest;
}
