/**
 * The floor of libzstd's lazy parse in JavaScript (issue 21): a bare-bones copy of levels 7 and 8
 * above 2 MiB (lazy and lazy2 over rows of 16 positions, 2^20 entries, minMatch 5, a 2 MiB window,
 * lookahead gains 2 and 5) in one function with small helpers: the same searches and insertions as
 * matchers/lazy_rows.ts, no objects, no blocks, no sequence store and no entropy stage, so it finds
 * the same sequences give or take a few per thousand (printed) but writes nothing. It runs beside
 * `compress` at the same level and native libzstd's whole compression, interleaved, best of
 * `rounds` (default 5) after one warm-up round:
 *
 *   deno run -A bench/parse_floor.ts [scenarios] [rounds] [depth: 1 = level 7, 2 = level 8]
 *   bun bench/parse_floor.ts real-prose,real-x86-binary 5 2
 *
 * If this parse alone is below half of native's speed, no implementation of the same parse in
 * JavaScript reaches it with an entropy stage after it (docs/perf/2026-12-06-where-issue-21-stops.md).
 */
import process from "node:process";
import { compress } from "../mod.ts";
import { nativeCompress, runtime } from "./native.ts";
import { scenario } from "./scenarios.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const DEPTH = Number(args[2] ?? 1);
const LEVEL = DEPTH === 2 ? 8 : 7;
const HASH_LOG = 20;
const tags = new Uint8Array(1 << HASH_LOG);
const words = new Int32Array(tags.buffer);
const table = new Int32Array(1 << HASH_LOG);
const out = new Int32Array(4);
let baseCounter = 1;

function equalTags(x: number): number {
  const nonZero = ((((x & 0x7f7f7f7f) + 0x7f7f7f7f) | 0) | x) & 0x80808080;
  const equal = (~nonZero >>> 7) & 0x01010101;
  return Math.imul(equal, 0x10204080) >>> 28;
}

function count(view: DataView, src: Uint8Array, a: number, b: number, end: number): number {
  const start = a;
  const end4 = end - 3;
  while (a < end4) {
    const diff = view.getInt32(a, true) ^ view.getInt32(b, true);
    if (diff !== 0) return a - start + ((31 - Math.clz32(diff & -diff)) >> 3);
    a += 4;
    b += 4;
  }
  while (a < end && src[a] === src[b]) {
    a++;
    b++;
  }
  return a - start;
}

function hash5(view: DataView, p: number): number {
  return (Math.imul(view.getInt32(p, true), -1640531535) ^
    Math.imul(view.getInt32(p + 4, true) << 24, -2048144777)) >>> 8;
}

function insert(view: DataView, p: number, base: number): void {
  const h = hash5(view, p);
  const row = (h >>> 8) << 4;
  let slot = (tags[row] - 1) & 15;
  if (slot === 0) slot = 15;
  tags[row] = slot;
  tags[row + slot] = h;
  table[row + slot] = p + base;
}

/** Best match at ip longer than floor (0 if none); offset in out[0]. Inserts ip. */
function search(
  view: DataView,
  src: Uint8Array,
  ip: number,
  end: number,
  low: number,
  floor: number,
  base: number,
): number {
  const h = hash5(view, ip);
  const row = (h >>> 8) << 4;
  const head = tags[row];
  const splat = Math.imul(h & 0xff, 0x01010101);
  const w = row >> 2;
  let bits = ((equalTags(words[w + 3] ^ splat) << 12) | (equalTags(words[w + 2] ^ splat) << 8) |
    (equalTags(words[w + 1] ^ splat) << 4) | equalTags(words[w] ^ splat)) & 0xfffe;
  // newest first: rotate so that the head comes first
  bits = ((bits >>> head) | (bits << (16 - head))) & 0xffff;
  let best = floor;
  let word = view.getInt32(ip + best - 3, true);
  const lowIndex = low + base;
  while (bits !== 0) {
    const k = 31 - Math.clz32(bits & -bits);
    bits &= bits - 1;
    const index = table[row + ((k + head) & 15)];
    if (index < lowIndex) break;
    const m = index - base;
    if (view.getInt32(m + best - 3, true) !== word) continue;
    const length = count(view, src, ip, m, end);
    if (length > best) {
      best = length;
      out[0] = ip - m;
      if (ip + length === end) break;
      word = view.getInt32(ip + best - 3, true);
    }
  }
  let slot = (head - 1) & 15;
  if (slot === 0) slot = 15;
  tags[row] = slot;
  tags[row + slot] = h;
  table[row + slot] = ip + base;
  return best > floor ? best : 0;
}

function highbit(x: number): number {
  return 31 - Math.clz32(x);
}

/** Returns the number of sequences; out[1] = matched bytes. */
function parse(src: Uint8Array): number {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const base = baseCounter;
  baseCounter += src.length + 1;
  const end = src.length;
  const ilimit = end - 16;
  const windowSize = 1 << 21;
  let ip = 1;
  let anchor = 0;
  let next = 0;
  let rep1 = 1;
  let rep2 = 4;
  let seqs = 0;
  let matched = 0;
  while (ip < ilimit) {
    const low = ip > windowSize ? ip - windowSize : 0;
    // insert up to ip
    if (ip - next > 64) {
      for (let p = next; p < next + 16; p++) insert(view, p, base);
      for (let p = next + 17; p < ip - 16; p += 2) insert(view, p, base);
      for (let p = ip - 16; p < ip; p++) insert(view, p, base);
    } else for (let p = next; p < ip; p++) insert(view, p, base);
    next = ip + 1;
    let length = 0;
    let offBase = 1;
    let start = ip + 1;
    if (view.getInt32(ip + 1 - rep1, true) === view.getInt32(ip + 1, true)) {
      length = count(view, src, ip + 1, ip + 1 - rep1, end);
    }
    const l = search(view, src, ip, end, low, length > 3 ? length : 3, base);
    if (l > length) {
      length = l;
      offBase = out[0] + 3;
      start = ip;
    }
    if (length < 4) {
      const step = ((ip - anchor) >> 8) + 1;
      ip += step;
      if (step > 8) next = ip;
      continue;
    }
    // lookahead at ip + 1 (and ip + 2 for depth 2)
    for (let d = 1; d <= DEPTH && ip < ilimit; d++) {
      ip++;
      next = ip + 1;
      if (
        offBase !== 0 && view.getInt32(ip, true) === view.getInt32(ip - rep1, true)
      ) {
        const r = count(view, src, ip, ip - rep1, end);
        if (r * 3 > length * 3 - highbit(offBase) + 1) {
          length = r;
          offBase = 1;
          start = ip;
        }
      }
      const gain = d === 1 ? 2 : 5;
      let floor = (length * 4 - highbit(offBase) + gain + 2) >> 2;
      if (floor < 3) floor = 3;
      if (floor > end - ip - 1) floor = end - ip - 1;
      const l1 = search(view, src, ip, end, low, floor, base);
      if (l1 >= 4 && l1 * 4 - highbit(out[0] + 3) > length * 4 - highbit(offBase) + gain) {
        length = l1;
        offBase = out[0] + 3;
        start = ip;
        d = 0;
      }
    }
    if (offBase > 3) {
      const off = offBase - 3;
      while (start > anchor && start - off > 0 && src[start - 1] === src[start - 1 - off]) {
        start--;
        length++;
      }
      rep2 = rep1;
      rep1 = off;
    }
    seqs++;
    matched += length;
    ip = anchor = start + length;
    while (ip <= ilimit && view.getInt32(ip, true) === view.getInt32(ip - rep2, true)) {
      const r = count(view, src, ip, ip - rep2, end);
      const t = rep2;
      rep2 = rep1;
      rep1 = t;
      seqs++;
      matched += r;
      ip = anchor = ip + r;
    }
  }
  out[1] = matched;
  return seqs;
}

const names = ((args[0] || undefined) ??
  "real-ts-declarations,real-prose,real-json,real-js-bundle,real-x86-binary,large-log-stream-4m")
  .split(",");
const rounds = Number(args[1] ?? 5);
for (const name of names) {
  const d = scenario(name);
  const t3 = [1e9, 1e9, 1e9];
  let seqs = 0;
  for (let r = 0; r < rounds + 1; r++) {
    let t = performance.now();
    seqs = parse(d);
    const a = performance.now() - t;
    t = performance.now();
    compress(d, { level: LEVEL });
    const b = performance.now() - t;
    t = performance.now();
    nativeCompress(d, LEVEL);
    const c = performance.now() - t;
    if (r) {
      t3[0] = Math.min(t3[0], a);
      t3[1] = Math.min(t3[1], b);
      t3[2] = Math.min(t3[2], c);
    }
  }
  console.log(
    `${runtime} ${name.padEnd(22)} bare ${t3[0].toFixed(1)} ms  ours ${
      t3[1].toFixed(1)
    } ms  native ${t3[2].toFixed(1)} ms | bare/native ${(t3[2] / t3[0]).toFixed(2)}x ours/native ${
      (t3[2] / t3[1]).toFixed(2)
    }x | seqs ${seqs} matched ${(out[1] / d.length).toFixed(3)}`,
  );
}
