/**
 * --train: a dictionary from sample files, as `zstd --train` writes it.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { DEFAULT_LEVEL } from "../encoder/params.ts";
import { trainDictionary } from "../mod.ts";
import { readBytes } from "./files.ts";
import { describeError, formatSize, type Run } from "./messages.ts";

/** --train: a dictionary from the sample files, as `zstd --train`. */
export function train(run: Run): number {
  const s = run.settings;
  const output = s.output ?? "dictionary";
  const samples: Uint8Array[] = [];
  let bytes = 0;
  for (const file of s.files) {
    let data: Uint8Array;
    try {
      data = readBytes(file);
    } catch (e) {
      run.error(`${file}: ${describeError(e)}`);
      return 1;
    }
    const step = s.blockSize > 0 ? s.blockSize : Math.max(data.length, 1);
    for (let p = 0; p < data.length; p += step) samples.push(data.subarray(p, p + step));
    bytes += data.length;
  }
  // Training is tuned for a compression level of 1 to 22; --fast levels train as the default.
  const level = s.level >= 1 ? run.level(s.level) : DEFAULT_LEVEL;
  run.info(`Training on ${samples.length} samples of ${formatSize(bytes, 0).trim()}`, 3);
  let dictionary: Uint8Array;
  try {
    dictionary = trainDictionary(samples, { maxSize: s.maxDict, level });
  } catch (e) {
    run.error(`dictionary training failed: ${describeError(e)}`);
    return 1;
  }
  try {
    writeFileSync(output, dictionary);
  } catch (e) {
    run.error(`${output}: ${describeError(e)}`);
    return 1;
  }
  run.info(`Save dictionary of size ${dictionary.length} into file ${output}`);
  return 0;
}
