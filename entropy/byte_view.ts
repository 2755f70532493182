/**
 * A DataView per output buffer, cached: the bit writers flush four bytes with one store, and the
 * encoder writes into the same few buffers block after block. Each encoder workspace holds one
 * cache (a fresh DataView per block costs small inputs measurably).
 *
 * @module
 */

/** The DataView of the last buffer asked for. */
export class ByteViews {
  #array: Uint8Array = new Uint8Array(0);
  #view: DataView = new DataView(this.#array.buffer);

  /** A DataView over exactly `bytes`. */
  of(bytes: Uint8Array): DataView {
    if (bytes !== this.#array) {
      this.#array = bytes;
      this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.#view;
  }
}
