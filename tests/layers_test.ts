/**
 * The library's layers, read from the import statements: entropy/ and the shared bottom modules
 * (format.ts, errors.ts) import nothing above them, encoder/ and decoder/ never import each other,
 * matchers/ import nothing from encoder/ but the sequence store, and no import cycle spans two
 * directories (issue 23: the cycle matchers/match_state.ts -> opt.ts -> encoder/dictionary.ts ->
 * prime.ts -> match_state.ts ran back up the layers).
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

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
});
