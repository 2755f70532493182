/**
 * The library's layers, read from the import statements: entropy/ and the shared bottom modules
 * (format.ts, errors.ts) import nothing above them, encoder/ and decoder/ never import each other,
 * matchers/ import nothing from encoder/ but the sequence store, and no import cycle spans two
 * directories (issue 23: the cycle matchers/match_state.ts -> opt.ts -> encoder/dictionary.ts ->
 * prime.ts -> match_state.ts ran back up the layers). And working memory lives in the workspaces
 * (encoder/workspace.ts, matchers/workspace.ts, decoder/workspace.ts), not in module-level
 * bindings: the few that stay are listed below with their reason (issue 23).
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { rows32Source } from "../tools/gen_lazy_rows32.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIRS = ["entropy", "matchers", "encoder", "decoder"];

/** Every library module (the layer directories and the top-level modules), root-relative. */
function modules(): string[] {
  const top = readdirSync(root).filter((f) => f.endsWith(".ts"));
  return [...top, ...DIRS.flatMap((d) => readdirSync(join(root, d)).map((f) => `${d}/${f}`))]
    .filter((f) => f.endsWith(".ts"));
}

/** The import arrows of the library: module -> the modules it imports (types included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of modules()) {
    const text = readFileSync(join(root, file), "utf8");
    const targets = new Set<string>();
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/g)) {
      if (!m[1].startsWith(".")) continue;
      targets.add(relative(root, normalize(join(root, dirname(file), m[1]))).replaceAll("\\", "/"));
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

const layer = (file: string) => file.includes("/") ? file.slice(0, file.indexOf("/")) : ".";

describe("layers", () => {
  const graph = importGraph();
  const arrows = [...graph].flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`));

  it("matchers/ import nothing from encoder/ but encoder/seq_store.ts", () => {
    const up = arrows.filter((a) => /^matchers\/.* -> encoder\//.test(a))
      .filter((a) => !a.endsWith("-> encoder/seq_store.ts"));
    assert.deepEqual(up, []);
  });

  it("encoder/ and decoder/ never import each other", () => {
    assert.deepEqual(
      arrows.filter((a) => /^(encoder\/.* -> decoder|decoder\/.* -> encoder)\//.test(a)),
      [],
    );
  });

  it("entropy/, format.ts and errors.ts import nothing above them", () => {
    const bottom = (f: string) => layer(f) === "entropy" || f === "format.ts" || f === "errors.ts";
    const up = arrows.filter((a) => {
      const [from, to] = a.split(" -> ");
      return bottom(from) && !bottom(to);
    });
    assert.deepEqual(up, []);
  });

  it("no import cycle spans two directories", () => {
    // Tarjan's strongly connected components.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const crossing: string[][] = [];
    const visit = (v: string) => {
      index.set(v, index.size);
      low.set(v, index.get(v)!);
      stack.push(v);
      for (const w of graph.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          component.push(w);
        } while (w !== v);
        if (new Set(component.map(layer)).size > 1) crossing.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    assert.deepEqual(crossing, []);
  });

  it("module-level mutable state only where listed", () => {
    // Every module-level `let`, and every module-level typed array (scratch, unless a table
    // computed once at load), as "file name".
    const found: string[] = [];
    // demo.ts is a script, not a library module.
    for (const file of modules().filter((f) => f !== "demo.ts")) {
      const text = readFileSync(join(root, file), "utf8");
      for (const m of text.matchAll(/^(?:export )?let (\w+)/gm)) found.push(`${file} ${m[1]}`);
      const typed =
        /^(?:export )?const (\w+)(?:: [^=]+)? = (?:\/\* @__PURE__ \*\/ )?new \w+Array\(/gm;
      for (const m of text.matchAll(typed)) found.push(`${file} ${m[1]}`);
    }
    const allowed = [
      // The workspace caches: one-shot calls share the cached workspace.
      "encoder/workspace.ts cachedOneShot",
      "decoder/workspace.ts cachedOneShot",
      // Test hook: a small index limit takes short streams through the index correction.
      "matchers/workspace.ts indexLimit",
      // The second word of the private 64-bit helpers' results (pure, module-private, cold path).
      "entropy/xxh64.ts resHi",
      "entropy/xxh64.ts resLo",
      // The literals' byte histograms: JavaScriptCore drops the bounds checks of a module-level
      // typed array indexed by a byte (Bun: −38% at level 1 on random input from the workspace).
      "encoder/literals.ts counts0",
      "encoder/literals.ts counts1",
      "encoder/literals.ts counts2",
      "encoder/literals.ts counts3",
      "encoder/literals.ts sampleCounts",
      // The 16-entry-row loop's sum of rows read ahead (kept so that the reads are not dropped)
      // and its search result: through the match state's arrays level 9 ran 0.88-1.07x of the
      // loop before it in Bun, 1.08-1.18x as module arrays (JavaScriptCore folds them in).
      "matchers/lazy_rows.ts touched",
      // The same loop's row tables, as module constants (V8 and JavaScriptCore fold their bounds
      // and data into the code: the whole compression about 1.04x at levels 7-9), and
      // which state they hold (weakly) with a bound on the indices in them and the entries in use.
      // A state gets them at its first block, a stream's gets its rows back when another state
      // takes them.
      "matchers/lazy_rows.ts ROW_TAGS",
      "matchers/lazy_rows.ts ROW_WORDS",
      "matchers/lazy_rows.ts ROW_TABLE",
      "matchers/lazy_rows.ts holder",
      "matchers/lazy_rows.ts top",
      "matchers/lazy_rows.ts extent",
      // The same for rows of 32 (lazy_rows32.ts, generated from lazy_rows.ts).
      "matchers/lazy_rows32.ts touched",
      "matchers/lazy_rows32.ts result",
      "matchers/lazy_rows32.ts ROW_TAGS",
      "matchers/lazy_rows32.ts ROW_WORDS",
      "matchers/lazy_rows32.ts ROW_TABLE",
      "matchers/lazy_rows32.ts holder",
      "matchers/lazy_rows32.ts top",
      "matchers/lazy_rows32.ts extent",
      "matchers/lazy_rows.ts result",
      // What a hot loop hands its caller: the loop ends its function, followed only by stores of
      // these and the return of a local, bytecodes without type feedback (V8 compiled the loops
      // on stack and left them at every block at an operation after them that had none yet:
      // BENCHMARKS.md, "V8: loops compiled on stack"). Written at the end of one call and read by
      // its caller before anything else runs.
      "matchers/lazy.ts endRep1",
      "matchers/lazy.ts endRep2",
      "matchers/lazy_rows.ts endNext",
      "matchers/lazy_rows.ts endRep1",
      "matchers/lazy_rows.ts endRep2",
      "matchers/lazy_rows32.ts endNext",
      "matchers/lazy_rows32.ts endRep1",
      "matchers/lazy_rows32.ts endRep2",
      "matchers/fast.ts endRep1",
      "matchers/fast.ts endRep2",
      "matchers/dfast.ts endRep1",
      "matchers/dfast.ts endRep2",
      "matchers/dfast.ts endTouched",
      "matchers/dfast_lazy.ts endRep1",
      "matchers/dfast_lazy.ts endRep2",
      "encoder/sequences.ts endBits",
      "encoder/sequences.ts endCount",
      "encoder/sequences.ts endLlState",
      "encoder/sequences.ts endMlState",
      "encoder/sequences.ts endOfState",
      "entropy/huffman_encoder.ts endBits",
      "entropy/huffman_encoder.ts endCount",
      // Code tables computed once at load, never written after.
      "entropy/sequence_codes.ts LL_BASELINES",
      "entropy/sequence_codes.ts LL_EXTRA_BITS",
      "entropy/sequence_codes.ts ML_BASELINES",
      "entropy/sequence_codes.ts ML_EXTRA_BITS",
      "entropy/sequence_codes.ts LL_CODE",
      "entropy/sequence_codes.ts ML_CODE",
      // Empty arrays (nothing to write) and a constant.
      "decoder/context.ts NO_CONTENT",
      "decoder/stream.ts NO_CONTENT",
      "http.ts DCZ_MAGIC",
      // The worker pool of async.ts: one per process, by design.
      "async.ts nextId",
      "async.ts generation",
      "async.ts canSpawn",
      "async.ts workerAnswered",
      // Its spare shared buffers' release timer (the buffers are dropped a second after use).
      "async.ts spareTimer",
    ];
    assert.deepEqual(found.filter((f) => !allowed.includes(f)), []);
  });

  it("matchers/lazy_rows32.ts is what tools/gen_lazy_rows32.ts writes from lazy_rows.ts", () => {
    const source = readFileSync(join(root, "matchers/lazy_rows.ts"), "utf8");
    const written = readFileSync(join(root, "matchers/lazy_rows32.ts"), "utf8");
    assert.ok(written === rows32Source(source), "run: deno run -A tools/gen_lazy_rows32.ts");
  });
});
