/**
 * How often each synset was tagged in WordNet's semantic concordance, from `index.sense` (`sense_key offset
 * sense_number tag_cnt` per line; see `senseidx(5WN)`): the sum of its senses' tag counts. The re-ranker uses it as a
 * prior, so "car" the automobile (tagged 71 times) comes before "car" the elevator cabin (never tagged).
 *
 * @module
 */
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The synset-id letter of a sense key's `ss_type` digit (a satellite's offset lives in `data.adj`, as an `s`). */
const posLetters: Readonly<Record<string, string>> = { "1": "n", "2": "v", "3": "a", "4": "r", "5": "s" };

/**
 * Reads `<dir>/index.sense` as a stream into synset id (`<offset>-<pos letter>`) → summed tag count; an empty map
 * when the file is missing.
 *
 * @example
 * ```ts
 * (await tagCounts(wordnetDir())).get("02961779-n"); // 71 + the counts of auto, automobile, machine, motorcar
 * ```
 */
export async function tagCounts(dir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const path = join(dir, "index.sense");
  if (!existsSync(path)) return counts;
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of lines) {
    const [key, offset, , count] = line.split(" ");
    const type = key?.split("%")[1]?.[0];
    const letter = type ? posLetters[type] : undefined;
    if (!offset || !letter) continue;
    const id = `${offset}-${letter}`;
    counts.set(id, (counts.get(id) ?? 0) + (Number(count) || 0));
  }
  return counts;
}
