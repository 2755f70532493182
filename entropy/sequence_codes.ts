/**
 * Facts of the format shared by the encoder and the decoder for the three sequence streams
 * (RFC 8878 §3.1.1.3.2.1 and §3.1.1.3.2.2): the baseline and extra-bit count of every
 * literal-length, match-length and offset code, and the predefined distributions.
 *
 * @module
 */

/** Largest literal-length code. */
export const MAX_LL_CODE = 35;
/** Largest match-length code. */
export const MAX_ML_CODE = 52;
/** Largest offset code the format defines. */
export const MAX_OF_CODE = 31;
/** Largest offset code the predefined offset distribution covers. */
export const DEFAULT_MAX_OF_CODE = 28;
/** Largest accuracy log of the literal-length and match-length tables. */
export const LL_ML_MAX_LOG = 9;
/** Largest accuracy log of the offset table. */
export const OF_MAX_LOG = 8;
/** Smallest match length the format can express. */
export const MIN_MATCH = 3;

/** Literal-length codes 16..35: [baseline, extra bits]. Codes 0..15 are the length itself. */
// deno-fmt-ignore
const LL_TAIL = [
  [16, 1], [18, 1], [20, 1], [22, 1], [24, 2], [28, 2], [32, 3], [40, 3], [48, 4], [64, 6],
  [128, 7], [256, 8], [512, 9], [1024, 10], [2048, 11], [4096, 12], [8192, 13], [16384, 14],
  [32768, 15], [65536, 16],
];

/** Match-length codes 32..52: [baseline, extra bits]. Codes 0..31 are the length minus 3. */
// deno-fmt-ignore
const ML_TAIL = [
  [35, 1], [37, 1], [39, 1], [41, 1], [43, 2], [47, 2], [51, 3], [59, 3], [67, 4], [83, 4],
  [99, 5], [131, 7], [259, 8], [515, 9], [1027, 10], [2051, 11], [4099, 12], [8195, 13],
  [16387, 14], [32771, 15], [65539, 16],
];

/** Baseline of each literal-length code. */
export const LL_BASELINES: Int32Array = new Int32Array(MAX_LL_CODE + 1);
/** Extra bits of each literal-length code. */
export const LL_EXTRA_BITS: Uint8Array = new Uint8Array(MAX_LL_CODE + 1);
/** Baseline of each match-length code (a match length, not minus 3). */
export const ML_BASELINES: Int32Array = new Int32Array(MAX_ML_CODE + 1);
/** Extra bits of each match-length code. */
export const ML_EXTRA_BITS: Uint8Array = new Uint8Array(MAX_ML_CODE + 1);

for (let c = 0; c < 16; c++) LL_BASELINES[c] = c;
for (let i = 0; i < LL_TAIL.length; i++) {
  LL_BASELINES[16 + i] = LL_TAIL[i][0];
  LL_EXTRA_BITS[16 + i] = LL_TAIL[i][1];
}
for (let c = 0; c < 32; c++) ML_BASELINES[c] = c + 3;
for (let i = 0; i < ML_TAIL.length; i++) {
  ML_BASELINES[32 + i] = ML_TAIL[i][0];
  ML_EXTRA_BITS[32 + i] = ML_TAIL[i][1];
}

/** Predefined literal-length distribution, accuracy log 6. */
// deno-fmt-ignore
export const LL_DEFAULT_NORM: Int16Array = Int16Array.from([
  4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
  -1, -1, -1, -1,
]);
/** Accuracy log of {@linkcode LL_DEFAULT_NORM}. */
export const LL_DEFAULT_LOG = 6;

/** Predefined match-length distribution, accuracy log 6. */
// deno-fmt-ignore
export const ML_DEFAULT_NORM: Int16Array = Int16Array.from([
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
]);
/** Accuracy log of {@linkcode ML_DEFAULT_NORM}. */
export const ML_DEFAULT_LOG = 6;

/** Predefined offset-code distribution, accuracy log 5. */
// deno-fmt-ignore
export const OF_DEFAULT_NORM: Int16Array = Int16Array.from([
  1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
]);
/** Accuracy log of {@linkcode OF_DEFAULT_NORM}. */
export const OF_DEFAULT_LOG = 5;

// Literal-length code of lengths below 64, match-length code of (length − 3) below 128.
const LL_CODE = new Uint8Array(64);
const ML_CODE = new Uint8Array(128);
for (let c = 0, v = 0; c <= MAX_LL_CODE && v < 64; c++) {
  const n = 1 << LL_EXTRA_BITS[c];
  for (let i = 0; i < n && v < 64; i++) LL_CODE[v++] = c;
}
for (let c = 0, v = 0; c <= MAX_ML_CODE && v < 128; c++) {
  const n = 1 << ML_EXTRA_BITS[c];
  for (let i = 0; i < n && v < 128; i++) ML_CODE[v++] = c;
}

/** Literal-length code of `litLength`. */
export function llCodeOf(litLength: number): number {
  return litLength < 64 ? LL_CODE[litLength] : 50 - Math.clz32(litLength);
}

/** Match-length code of `mlBase` (match length − 3). */
export function mlCodeOf(mlBase: number): number {
  return mlBase < 128 ? ML_CODE[mlBase] : 67 - Math.clz32(mlBase);
}
