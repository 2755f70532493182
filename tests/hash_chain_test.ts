/**
 * The hash chain's walk (matchers/hash_chain.ts): above 16 KiB it ends after MISS_LIMIT (three)
 * candidates in a row fail before one beats the floor; up to 16 KiB (windowLog 14) it walks its
 * `1 << searchLog` candidates, as libzstd's. A table of 16 heads puts about one position in 16
 * on the searched position's chain, all of them other strings, ahead of the one copy of it.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { levelParameters } from "../encoder/params.ts";
import { HashChain } from "../matchers/hash_chain.ts";
import { MatchState } from "../matchers/match_state.ts";
import { MatchWorkspace } from "../matchers/workspace.ts";
import { rng } from "./helpers.ts";

const SIZE = 40_000;
const IP = 30_000;
const COPY_AT = IP - 300;

/** Random bytes with src[IP..IP + 24] copied at COPY_AT. */
function input(): Uint8Array {
  const random = rng(7);
  const src = new Uint8Array(SIZE + 8);
  for (let i = 0; i < src.length; i++) src[i] = (random() * 256) | 0;
  src.copyWithin(COPY_AT, IP, IP + 24);
  return src;
}

/** The chain's search at IP (floor 3, not a lookahead) with the given windowLog. */
function searchAt(src: Uint8Array, windowLog: number): { length: number; offset: number } {
  const params = { ...levelParameters(7, SIZE, 0), windowLog, hashLog: 4, searchLog: 8 };
  const ms = new MatchState(params, src, new MatchWorkspace(true));
  const chain = new HashChain(ms, params.minMatch);
  const length = chain.search(IP, SIZE, 0, false, 3, false);
  return { length, offset: chain.offBase - 3 };
}

describe("hash chain", () => {
  it("the searched position's chain holds other strings ahead of its copy", () => {
    const src = input();
    const view = new DataView(src.buffer);
    const ms = new MatchState(
      { ...levelParameters(7, SIZE, 0), hashLog: 4 },
      src,
      new MatchWorkspace(true),
    );
    const chain = new HashChain(ms, ms.params.minMatch);
    chain.insertUpTo(IP + 1);
    const base = chain.base;
    let misses = 0;
    for (
      let index = chain.chainTable[IP + base];
      index - base > COPY_AT;
      index = chain.chainTable[index]
    ) {
      assert.notEqual(view.getInt32(index - base, true), view.getInt32(IP, true));
      misses++;
    }
    assert.ok(misses >= 3, `${misses} other strings on the chain`);
  });

  it("up to 16 KiB (windowLog 14) a walk goes past them to the copy", () => {
    assert.deepEqual(searchAt(input(), 14), { length: 24, offset: 300 });
  });

  it("above 16 KiB it ends after three misses in a row", () => {
    assert.equal(searchAt(input(), 15).length, 0);
  });

  it("hashes a position alike when inserting ahead and when skipping, for 4, 5 and 6 bytes", () => {
    // Insertion ahead reads each position's bytes in a loop of its own (one word per position);
    // a search while skipping hashes its one position. Both must put every position on the same
    // chain: the same tables, entry for entry.
    const src = input();
    for (const mls of [4, 5, 6]) {
      const params = { ...levelParameters(5, SIZE, 0), minMatch: mls, hashLog: 12, chainLog: 16 };
      const ahead = new HashChain(new MatchState(params, src, new MatchWorkspace(true)), mls);
      ahead.insertUpTo(SIZE);
      const skipping = new HashChain(new MatchState(params, src, new MatchWorkspace(true)), mls);
      for (let p = 0; p < SIZE; p++) skipping.search(p, SIZE, 0, true, 3, false);
      assert.deepEqual(skipping.hashTable, ahead.hashTable, `hash table, ${mls} bytes`);
      assert.deepEqual(skipping.chainTable, ahead.chainTable, `chain table, ${mls} bytes`);
    }
  });
});
