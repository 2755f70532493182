/**
 * Serves tests/runtimes/http_app.ts on 127.0.0.1 on a free port, with Deno.serve under Deno and
 * Bun.serve under Bun, and prints `PORT <n>` when it listens:
 *
 *     node_modules/deno/deno run -A tests/runtimes/http_server.ts
 *     node_modules/bun/bin/bun.exe tests/runtimes/http_server.ts
 *
 * @module
 */

import { handler } from "./http_app.ts";

/** The part of Bun's API used here. */
interface BunLike {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch: (req: Request) => Promise<Response>;
  }): { port: number };
}

const bun = (globalThis as { Bun?: BunLike }).Bun;
if (bun !== undefined) {
  // idleTimeout: seconds without traffic before Bun closes a connection (255 at most); level 22
  // on a loaded machine can be slow to produce its first block.
  const server = bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 255, fetch: handler });
  console.log(`PORT ${server.port}`);
} else {
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`PORT ${port}`),
  }, handler);
}
