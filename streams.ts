/**
 * A byte transform with real backpressure in both directions, shared by the streaming decoder
 * (and later the encoder). `TransformStream` cannot pause inside one `transform()` call until the
 * reader pulls, yet one small compressed chunk can expand to gigabytes; so this builds the pair
 * from a `WritableStream` and a `ReadableStream` whose `pull()` wakes the producer.
 *
 * @module
 */

/** What a streaming codec provides: consume a chunk piece by piece, then finish. */
export interface ChunkProcessor {
  /** Accepts the next input chunk (called only after `next()` returned null). */
  feed(chunk: Uint8Array): void;
  /** Returns the next output piece, or null when the chunk is used up. */
  next(): Uint8Array | null;
  /** Input ended: returns the final output pieces (may be empty) or throws. */
  finish(): Uint8Array[];
}

/** Output queued on the readable side before the producer waits for its reader. */
const HIGH_WATER_MARK = 1 << 20;

/**
 * A readable/writable pair (the shape of `TransformStream`, usable with `pipeThrough`) running
 * `processor` with `normalize` applied to each written chunk.
 */
export class ByteTransform implements TransformStream<Uint8Array, Uint8Array> {
  /** The output side. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The input side. */
  readonly writable: WritableStream<Uint8Array>;

  constructor(processor: ChunkProcessor, normalize: (chunk: unknown) => Uint8Array) {
    let out!: ReadableStreamDefaultController<Uint8Array>;
    let wake: (() => void) | null = null;
    let cancelled = false;
    let cancelReason: unknown = undefined;
    const waitForReader = () =>
      new Promise<void>((resolve) => {
        wake = resolve;
      });
    const resume = () => {
      const w = wake;
      wake = null;
      if (w !== null) w();
    };
    let inputController!: WritableStreamDefaultController;
    this.readable = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          out = controller;
        },
        pull() {
          resume();
        },
        cancel(reason) {
          cancelled = true;
          cancelReason = reason;
          inputController.error(reason);
          resume();
        },
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    const fail = (e: unknown) => {
      if (!cancelled) out.error(e);
      throw e;
    };
    this.writable = new WritableStream<Uint8Array>({
      start(controller) {
        inputController = controller;
      },
      async write(chunk) {
        if (cancelled) throw cancelReason;
        try {
          processor.feed(normalize(chunk));
          for (;;) {
            const piece = processor.next();
            if (piece === null) return;
            if (piece.length > 0) out.enqueue(piece);
            while (!cancelled && (out.desiredSize ?? 0) <= 0) await waitForReader();
            if (cancelled) throw cancelReason;
          }
        } catch (e) {
          fail(e);
        }
      },
      close() {
        if (cancelled) return;
        try {
          for (const piece of processor.finish()) if (piece.length > 0) out.enqueue(piece);
        } catch (e) {
          fail(e);
        }
        out.close();
      },
      abort(reason) {
        if (!cancelled) out.error(reason);
        cancelled = true;
        cancelReason = reason;
        resume();
      },
    });
  }
}
