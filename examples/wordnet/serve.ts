/**
 * Starts the WordNet flow ready to search: fits the encoder's model when the workspace has none, starts the flow,
 * and indexes the corpus with a progress line when the index is empty (then has the shards save it). `npm start`
 * and the browser test use it.
 *
 * @module
 */
import { rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createProgress } from "../../cli/progress.ts";
import { type Document, DocumentArray, type Flow } from "../../mod.ts";
import { stderrIsTerminal, writeStderr } from "../../runtime/mod.ts";
import { DocumentFrequencies } from "./document-frequencies.ts";
import { wordnetFlow } from "./flow.ts";
import { loadSynsets, synsetDocument, type WordnetLoadOptions } from "./loader.ts";
import type { Synset } from "./synset.ts";
import { synsetFeatures } from "./text-features.ts";

/**
 * Options of {@link prepareWordnet}.
 *
 * @example
 * ```ts
 * const options: PrepareWordnetOptions = { workspace: ".workspace/wordnet", ports: [54321, 54322, 54323], limit: 2000 };
 * ```
 */
export interface PrepareWordnetOptions extends Pick<WordnetLoadOptions, "filter" | "limit" | "files"> {
  workspace: string;
  /** The synsets to fit and index, instead of the loader's (`filter`, `limit` and `files` then do nothing); `eval.ts` passes its held-out corpus. */
  synsets?: () => AsyncIterable<Synset> | Iterable<Synset>;
  ports: [number, number, number];
  host?: string;
  /** Delete the workspace first: fit and index again. */
  reindex?: boolean;
  /** Documents per `/index` request; default 256. */
  batchSize?: number;
  /** Where progress lines go; default nowhere. */
  log?: (line: string) => void;
  /** Show the indexing progress on standard error; default true. */
  progress?: boolean;
}

/**
 * The sum of `count` in every executor's `/status` answer.
 *
 * @example
 * ```ts
 * await indexedCount(flow); // 117791
 * ```
 */
export async function indexedCount(flow: Flow): Promise<number> {
  const [response] = await flow.client.post("/status", undefined, { returnResponses: true });
  const results = (response?.parameters as { __results__?: Record<string, { count?: number }> } | undefined)?.__results__ ?? {};
  return Object.values(results).reduce((sum, result) => sum + (typeof result.count === "number" ? result.count : 0), 0);
}

/**
 * Starts the WordNet flow with its index ready (see the module doc) and resolves with the running flow.
 *
 * @example
 * ```ts
 * await using flow = await prepareWordnet({ workspace: "/tmp/ws", ports: [0, 0, 0], limit: 500 });
 * ```
 */
export async function prepareWordnet(options: PrepareWordnetOptions): Promise<Flow> {
  const log = options.log ?? (() => {});
  const corpus = options.synsets ?? (() => loadSynsets(options));
  if (options.reindex) await rm(options.workspace, { recursive: true, force: true });
  const model = join(options.workspace, "frequencies.bin");
  let total: number;
  if (existsSync(model)) {
    total = (await DocumentFrequencies.load(model)).documents;
  } else {
    const started = performance.now();
    const frequencies = new DocumentFrequencies();
    for await (const synset of corpus()) frequencies.add(synsetFeatures(synset));
    await frequencies.save(model);
    total = frequencies.documents;
    log(`fitted the encoder's document frequencies on ${total} synsets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const flow = await (await wordnetFlow({ model, workspace: options.workspace, ports: options.ports, ...(options.host ? { host: options.host } : {}) })).start();
  try {
    const count = await indexedCount(flow);
    if (count > 0) {
      log(`reusing the index in ${options.workspace} (${count} documents${count === total ? "" : ` of ${total}: run with --reindex to rebuild it`})`);
      return flow;
    }
    await indexCorpus(flow, corpus, total, options);
    return flow;
  } catch (error) {
    await flow.close();
    throw error;
  }
}

async function indexCorpus(flow: Flow, corpus: () => AsyncIterable<Synset> | Iterable<Synset>, total: number, options: PrepareWordnetOptions): Promise<void> {
  const batchSize = options.batchSize ?? 256;
  const progress = createProgress({
    label: "indexing WordNet",
    total,
    redraw: stderrIsTerminal(),
    write: options.progress === false ? () => {} : writeStderr,
  });
  const inFlight = new Set<Promise<void>>();
  const send = (batch: Document[]) => {
    const sent: Promise<void> = flow.index(new DocumentArray(batch)).then(() => {
      inFlight.delete(sent);
      progress.add(batch.length);
    });
    inFlight.add(sent);
  };
  let batch: Document[] = [];
  for await (const synset of corpus()) {
    batch.push(synsetDocument(synset));
    if (batch.length < batchSize) continue;
    send(batch);
    batch = [];
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  if (batch.length) send(batch);
  await Promise.all(inFlight);
  progress.finish();
}

/**
 * The best matches of a text: the documents `/search` returns as the query's matches.
 *
 * @example
 * ```ts
 * const [best] = await queryWordnet(flow, "feline", 1);
 * best?.tags.lemmas; // ["cat", "true cat"]
 * ```
 */
export async function queryWordnet(flow: Flow, text: string, limit = 10): Promise<Document[]> {
  const [query] = await flow.search([{ text }], { parameters: { limit } });
  return query ? [...query.matches] : [];
}
