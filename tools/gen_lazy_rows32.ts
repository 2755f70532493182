/**
 * Writes matchers/lazy_rows32.ts: matchers/lazy_rows.ts with rows of 32 entries (`ROW_BITS` 5)
 * instead of 16, module tables of 2^23 entries (`ROW_LOG` 23, level 12's) instead of 2^22, and a
 * header saying so. The loop serves both row sizes only as two modules, each with its size a
 * constant (one loop for both cost levels 7-10 3-10%, see lazy_rows.ts); this keeps the second a
 * copy nobody edits. tests/layers_test.ts checks that the file is what this writes.
 *
 *   deno run -A tools/gen_lazy_rows32.ts
 */

import { readFileSync, writeFileSync } from "node:fs";

const HEADER = `/**
 * Lazy and lazy2 over the row finder's rows of 32 entries (searchLog 5: levels 11 and 12 above
 * 256 KiB, level 10 from 256 KiB to 1 MiB): matchers/lazy_rows.ts with \`ROW_BITS\` 5 and
 * \`ROW_LOG\` 23, written by tools/gen_lazy_rows32.ts. Do not edit: edit lazy_rows.ts and run the
 * tool (see lazy_rows.ts's comment for the loop itself).
 *
 * @module
 */
`;

/** lazy_rows32.ts's text from lazy_rows.ts's `source`. */
export function rows32Source(source: string): string {
  const end = source.indexOf(" * @module\n */\n");
  const bits = "const ROW_BITS: number = 4;\n";
  const log = "const ROW_LOG = 22;\n";
  if (
    !source.startsWith("/**\n") || end < 0 || source.split(bits).length !== 2 ||
    source.split(log).length !== 2
  ) {
    throw new Error(
      "lazy_rows.ts no longer has the module comment, ROW_BITS or ROW_LOG this tool expects",
    );
  }
  return HEADER + source.slice(end + " * @module\n */\n".length)
    .replace(bits, "const ROW_BITS: number = 5;\n")
    .replace(log, "const ROW_LOG = 23;\n");
}

if (import.meta.main) {
  const dir = new URL("../matchers/", import.meta.url);
  const text = rows32Source(readFileSync(new URL("lazy_rows.ts", dir), "utf8"));
  writeFileSync(new URL("lazy_rows32.ts", dir), text);
}
