/**
 * Bundle sizes: mod.ts built by esbuild as a browser ES module (bundled, minified, tree-shaken),
 * once for a decoder-only import and once for the whole API; prints minified and minified+gzipped
 * bytes (gzip level 9).
 *
 *     node tools/bundle_sizes.mjs
 *
 * tests/runtimes/node_smoke.mjs builds the same bundles to check that tree shaking leaves the
 * encoder out of the decoder-only one. Module-level scratch arrays of the encoder stay in it:
 * esbuild takes `new Uint8Array(n)` for a side effect.
 *
 * @module
 */

import { build } from "esbuild";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Entry points, by name: what an application imports. */
export const ENTRIES = {
  "decoder only": 'export { decompress, decompressStream } from "./mod.ts";',
  "full": 'export * from "./mod.ts";',
};

/** Source files that only the encoder uses (paths relative to the repository). */
export const ENCODER_FILES =
  /^(encoder|matchers)\/|^entropy\/(fse_encoder|huffman_encoder|byte_view)\.ts$/;

/**
 * Bundles `source` (an entry module's text, resolved from the repository root) for browsers.
 * Returns the code and, per source file, the bytes it contributes.
 *
 * @param {string} source
 * @param {{ minify?: boolean }} [options]
 * @returns {Promise<{ code: Uint8Array, text: string, inputs: Record<string, number> }>}
 */
export async function buildBundle(source, options = {}) {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, sourcefile: "entry.ts", loader: "ts" },
    // Paths in the metafile and the bundle's comments are relative to this.
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: options.minify ?? true,
    treeShaking: true,
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  const inputs = {};
  for (const [path, info] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    if (info.bytesInOutput > 0) inputs[path] = info.bytesInOutput;
  }
  return { code: output.contents, text: output.text, inputs };
}

/**
 * Minified and minified+gzipped sizes of every entry, and the bytes that encoder files put in
 * each.
 *
 * @returns {Promise<{ name: string, minified: number, gzipped: number, encoderBytes: number }[]>}
 */
export async function measureBundles() {
  const rows = [];
  for (const [name, source] of Object.entries(ENTRIES)) {
    const { code, inputs } = await buildBundle(source);
    let encoderBytes = 0;
    for (const [path, bytes] of Object.entries(inputs)) {
      if (ENCODER_FILES.test(path)) encoderBytes += bytes;
    }
    rows.push({
      name,
      minified: code.length,
      gzipped: gzipSync(code, { level: 9 }).length,
      encoderBytes,
    });
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await measureBundles();
  const format = (n) => n.toLocaleString("en-US").padStart(10);
  console.log(`${"bundle".padEnd(14)}${"min".padStart(10)}${"min+gz".padStart(10)}  encoder files`);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(14)}${format(row.minified)}${format(row.gzipped)}  ${
        format(row.encoderBytes).trim()
      } B`,
    );
  }
}
