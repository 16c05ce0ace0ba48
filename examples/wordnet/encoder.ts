/**
 * The encoder of the WordNet flow: fills `doc.embedding` from `doc.text` on every endpoint, with a
 * {@link TextEmbedder}: by default the offline hashed TF-IDF model (`embedder.ts`) whose document-frequency table
 * `model` names, or any module a user points `embedder` at, e.g. an ONNX sentence-transformer read from a local
 * path (see the README's "Swap the model").
 *
 * @module
 */
import { type DocumentArray, Executor, type ExecutorOptions, requests } from "../../mod.ts";
import { fileUrl } from "../../runtime/mod.ts";
import { DocumentFrequencies } from "./document-frequencies.ts";
import { HashedTfidfEmbedder, type HashedTfidfOptions, type TextEmbedder } from "./embedder.ts";
import { synsetFields } from "./loader.ts";

/**
 * A module that makes a text model: `embedder: "./my-model.ts#createEmbedder"` names a module and an export, a
 * function called with the encoder's options that returns a {@link TextEmbedder} (or a promise of one).
 *
 * @example
 * ```ts
 * export const createEmbedder: EmbedderFactory = async ({ modelPath }) => new OnnxEmbedder(String(modelPath));
 * ```
 */
export type EmbedderFactory = (options: Record<string, unknown>) => TextEmbedder | Promise<TextEmbedder>;

/**
 * The encoder's `usesWith`.
 *
 * @example
 * ```ts
 * const options: EmbeddingEncoderOptions = { model: ".workspace/wordnet/frequencies.bin", dim: 512 };
 * ```
 */
export interface EmbeddingEncoderOptions extends ExecutorOptions, HashedTfidfOptions {
  /** The document-frequency table of the hashed TF-IDF model (written by `DocumentFrequencies.save`). */
  model?: string;
  /** `"<module path>#<export>"` of an {@link EmbedderFactory}; replaces the hashed TF-IDF model. */
  embedder?: string;
  [option: string]: unknown;
}

/**
 * Loads the text model the options name.
 *
 * @example
 * ```ts
 * const embedder = await loadEmbedder({ model: ".workspace/wordnet/frequencies.bin" });
 * ```
 */
export async function loadEmbedder(options: EmbeddingEncoderOptions): Promise<TextEmbedder> {
  if (options.embedder) {
    const [path, name = "default"] = options.embedder.split("#");
    const module = (await import(fileUrl(path!))) as Record<string, unknown>;
    const factory = module[name];
    if (typeof factory !== "function") throw new Error(`${options.embedder}: the module has no function export "${name}"`);
    return await (factory as EmbedderFactory)(options);
  }
  if (!options.model) throw new Error('EmbeddingEncoder needs "model" (a document-frequency table) or "embedder" (a module#export)');
  return new HashedTfidfEmbedder(await DocumentFrequencies.load(options.model), options);
}

/**
 * Encodes `doc.text` into `doc.embedding` (float32) on every endpoint; documents without text are left as they are.
 * A synset document (with the loader's tags) is embedded from its fields when the model can (`embedFields`).
 */
export class EmbeddingEncoder extends Executor {
  readonly #embedder: Promise<TextEmbedder>;

  constructor(options: EmbeddingEncoderOptions = {}) {
    super(options);
    this.#embedder = loadEmbedder(options);
    this.#embedder.catch(() => {}); // reported by the first request
  }

  @requests()
  async encode({ docs }: { docs: DocumentArray }): Promise<void> {
    const embedder = await this.#embedder;
    const plain = [];
    for (const doc of docs) {
      const fields = embedder instanceof HashedTfidfEmbedder ? synsetFields(doc) : undefined;
      if (fields) doc.embedding = (embedder as HashedTfidfEmbedder).embedFields(fields);
      else if (doc.text) plain.push(doc);
    }
    if (plain.length === 0) return;
    const vectors = await embedder.embed(plain.map((doc) => doc.text!));
    plain.forEach((doc, i) => (doc.embedding = vectors[i]!));
  }
}
