/**
 * Constants of the Zstandard format (RFC 8878) that both the encoder and the decoder use: their
 * one home, at the bottom layer beside `errors.ts` (encoder/ and decoder/ never import each
 * other).
 *
 * @module
 */

/** Magic number of a Zstandard frame, little-endian (RFC 8878 §3.1.1). */
export const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use the 16 magics 0x184D2A50..0x184D2A5F (RFC 8878 §3.1.2). */
export const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
/** The first skippable magic. */
export const SKIPPABLE_MAGIC = 0x184d2a50;
/** First four bytes of a zstd-format dictionary, little-endian (RFC 8878 §5). */
export const DICTIONARY_MAGIC = 0xec30a437;
/** Largest block the format allows, whatever the window (RFC 8878 §3.1.1.2.3): 128 KiB. */
export const BLOCK_SIZE_MAX = 128 * 1024;
