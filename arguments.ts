/**
 * Checks of the caller's arguments at the API edge, shared by every entry point: option objects
 * may hold only the keys their type declares (a misspelt safety limit must not be ignored), and
 * byte arguments must not be views of a detached buffer (which would read as empty). Both are
 * misuse, so both throw `TypeError`; each runs once per call, off the hot paths.
 *
 * @module
 */

/** The valid keys of an options type: a prototype-less record of `true`s. */
export type OptionNames = Readonly<Record<string, true | undefined>>;

/**
 * The names of an options type. Takes a record with every key of `T` (and only those: the
 * compiler checks both ways), so the names cannot drift from the interface.
 */
export function optionNames<T>(keys: Record<keyof T, true>): OptionNames {
  return Object.freeze(Object.assign(Object.create(null), keys));
}

/**
 * Throws a `TypeError` naming the first enumerable key of `options` (own or inherited, as the
 * options are read) that is not in `known`, with the nearest valid name.
 */
export function checkOptionKeys(options: object, known: OptionNames): void {
  for (const key in options) {
    if (known[key] !== true) unknownOption(key, known);
  }
}

function unknownOption(key: string, known: OptionNames): never {
  const nearest = nearestName(key, known);
  const hint = nearest === null
    ? `valid options: ${Object.keys(known).join(", ")}`
    : `did you mean ${JSON.stringify(nearest)}?`;
  throw new TypeError(`unknown option ${JSON.stringify(key)} (${hint})`);
}

/**
 * The valid name closest to `key` by edit distance, ignoring case first (then counting it to
 * break ties); null when even the closest differs in more than a third of its letters (and more
 * than two).
 */
function nearestName(key: string, known: OptionNames): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  const lower = key.toLowerCase();
  for (const name of Object.keys(known)) {
    const folded = editDistance(lower, name.toLowerCase());
    if (folded > Math.max(2, Math.floor(Math.max(key.length, name.length) / 3))) continue;
    const score = folded * 64 + editDistance(key, name);
    if (score < bestScore) {
      bestScore = score;
      best = name;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions), on short strings. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(substitute, row[j] + 1, next[j - 1] + 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Throws a `TypeError` when `bytes` views a detached `ArrayBuffer` (transferred, e.g. by
 * `postMessage` or `structuredClone`): its length reads 0, so it would otherwise pass for empty.
 * `ArrayBuffer.prototype.detached` answers where it exists; elsewhere (Node 20) only a detached
 * buffer refuses a new view.
 */
export function checkNotDetached(bytes: Uint8Array, what: string): void {
  if (bytes.byteLength === 0 && isDetached(bytes.buffer)) {
    throw new TypeError(`${what} is a view of a detached ArrayBuffer (it was transferred)`);
  }
}

function isDetached(buffer: ArrayBufferLike): boolean {
  const detached = (buffer as { detached?: unknown }).detached;
  if (typeof detached === "boolean") return detached;
  if (typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer) {
    return false;
  }
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** What `value` is, for messages: `null`, a constructor's name, or its `typeof`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
