/**
 * A DataView per output buffer, cached: the bit writers flush four bytes with one store, and the
 * encoder writes into the same few buffers block after block.
 *
 * @module
 */

let lastArray: Uint8Array = new Uint8Array(0);
let lastView: DataView = new DataView(lastArray.buffer);

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== lastArray) {
    lastArray = bytes;
    lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return lastView;
}
