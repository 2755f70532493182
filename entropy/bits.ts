/**
 * Bit arithmetic shared by the entropy coders, the match finders and the encoder.
 *
 * @module
 */

/** Index of the highest set bit of `x` (1 to 2^31 − 1): floor(log2(x)). */
export function highbit(x: number): number {
  return 31 - Math.clz32(x);
}
