/**
 * The worker of {@linkcode compressAsync} and {@linkcode decompressAsync} (see async.ts): runs
 * `compress` or `decompress` on each request and posts the result back, its buffer transferred.
 * Runs as a Web Worker (Deno, Bun, browsers: `self`) or a `node:worker_threads` worker (Node 20:
 * `parentPort`). Errors go back as plain records (name, ZstdError code, message) for the caller's
 * side to rebuild.
 *
 * A bundler must emit this file next to the module that holds async.ts: browsers' bundlers (Vite,
 * webpack 5, Parcel) find it from `new Worker(new URL("./worker.ts", import.meta.url), { type:
 * "module" })`; for Node the build emits it as `worker` with the extension of the bundle that
 * imports it (`mod.mjs` → `worker.mjs`), as tests/runtimes/node_smoke.mjs does.
 *
 * @module
 */

import { decompressFrames } from "./decoder/decompress.ts";
import { compressFrame } from "./encoder/compress.ts";
import { compressJob } from "./encoder/jobs.ts";
import { resolveCompressOptions } from "./encoder/options.ts";
import { DEFAULT_MAX_OUTPUT_ONE_SHOT, resolveDecompressOptions } from "./decoder/options.ts";
import { ZstdDictionary } from "./dictionary.ts";
import { ZstdError } from "./errors.ts";
import type { WorkerReply, WorkerRequest } from "./async.ts";

interface Port {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** Runs one request; the reply and what it transfers. */
function run(request: WorkerRequest): [WorkerReply, Transferable[]] {
  try {
    const options: Record<string, unknown> = { ...request.options };
    if (request.dictionary !== undefined) {
      options.dictionary = new ZstdDictionary(request.dictionary.bytes, {
        raw: request.dictionary.raw,
      });
    }
    const job = request.job;
    const output = job !== undefined
      ? compressJob(request.input, job.prefix, job.first, job.params, job.last, job.into ?? null)
      : request.op === "compress"
      ? compressFrame(request.input, resolveCompressOptions(options, request.input.length))
      : decompressFrames(
        request.input,
        resolveDecompressOptions(options, DEFAULT_MAX_OUTPUT_ONE_SHOT),
      );
    // A job's blocks written into shared memory (`job.into`) are shared back, not moved.
    const buffer = output.buffer;
    return [{ id: request.id, output }, buffer instanceof ArrayBuffer ? [buffer] : []];
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return [{
      id: request.id,
      error: {
        name: error.name,
        message: error.message,
        code: e instanceof ZstdError ? e.code : undefined,
      },
    }, []];
  }
}

interface NodeProcess {
  getBuiltinModule?(name: string): unknown;
}

interface NodeParentPort extends Port {
  on(event: "message", listener: (data: WorkerRequest) => void): void;
}

const scope = globalThis as unknown as {
  postMessage?: Port["postMessage"];
  onmessage?: ((event: MessageEvent<WorkerRequest>) => void) | null;
  process?: NodeProcess;
};

if (typeof scope.postMessage === "function") {
  scope.onmessage = (event) => {
    const [reply, transfer] = run(event.data);
    scope.postMessage!(reply, transfer);
  };
} else {
  const threads = scope.process?.getBuiltinModule?.("node:worker_threads") as
    | { parentPort: NodeParentPort | null }
    | undefined;
  const port = threads?.parentPort;
  if (port) {
    port.on("message", (request) => {
      const [reply, transfer] = run(request);
      port.postMessage(reply, transfer);
    });
  }
}
