/**
 * countRun (matchers/match_state.ts) answers match lengths from a run it counted before instead
 * of comparing again: its answers must be countMatch's, whatever the order of the questions, the
 * offsets (the run's, multiples of it, others) and the block ends. And repetitive input, where
 * it answers most questions, must compress at every lazy-band level to frames libzstd decodes.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compress } from "../mod.ts";
import { levelParameters } from "../encoder/params.ts";
import { countMatch, countRun, MatchState } from "../matchers/match_state.ts";
import { MatchWorkspace } from "../matchers/workspace.ts";
import { nativeDecompress, rng, sameBytes } from "./helpers.ts";

/** `size` bytes of a `period`-byte pattern, with a changed byte every `mutateEvery` bytes. */
function periodic(size: number, period: number, mutateEvery: number, seed: number): Uint8Array {
  const random = rng(seed);
  const unit = new Uint8Array(period);
  for (let i = 0; i < period; i++) unit[i] = 97 + ((random() * 4) | 0);
  const out = new Uint8Array(size);
  for (let p = 0; p < size; p++) out[p] = unit[p % period];
  if (mutateEvery > 0) {
    for (let p = mutateEvery; p < size; p += mutateEvery) out[p] = (random() * 256) | 0;
  }
  return out;
}

describe("countRun", () => {
  for (
    const [period, mutateEvery] of [[283, 0], [7, 0], [283, 5000], [64, 777], [1, 0], [13, 40]]
  ) {
    it(`agrees with countMatch: period ${period}, a changed byte every ${mutateEvery}`, () => {
      const size = 40_000;
      const src = periodic(size + 8, period, mutateEvery, period * 31 + mutateEvery);
      const view = new DataView(src.buffer);
      const ms = new MatchState(levelParameters(8, size, 0), src, new MatchWorkspace(true));
      const random = rng(period + mutateEvery);
      // Blocks of 4 KiB, in order, as the lazy loop sees them; questions near each other.
      for (let end = 4096; end <= size; end += 4096) {
        let p = end - 4096;
        for (let q = 0; q < 3000; q++) {
          p = Math.min(end - 1, Math.max(1, p + ((random() * 24) | 0) - 8));
          const kind = random();
          let offset = kind < 0.4
            ? period
            : kind < 0.7
            ? period * (1 + ((random() * 5) | 0))
            : 1 + ((random() * 600) | 0);
          if (offset > p) offset = p;
          const expected = countMatch(view, src, p, p - offset, end);
          const got = countRun(ms, view, src, p, offset, end);
          assert.equal(got, expected, `p ${p}, offset ${offset}, end ${end}`);
        }
      }
    });
  }
});

describe("repetitive input at the lazy-band levels", () => {
  const inputs: [string, Uint8Array][] = [
    ["four log lines repeated", periodic(600_000, 283, 0, 1)],
    ["a pattern with a changed byte every 3,000", periodic(400_000, 97, 3000, 2)],
  ];
  for (const [name, input] of inputs) {
    it(`${name}: libzstd decodes every level 5-15`, () => {
      for (let level = 5; level <= 15; level++) {
        const frame = compress(input, { level });
        assert.ok(sameBytes(nativeDecompress(frame), input), `level ${level}`);
      }
    });
  }
});
