/**
 * Where storage backends register, so `new DocumentArray({ storage })` can open one without document-array.ts
 * importing the backends (which import it).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DocumentArray } from "../document-array.ts";
import type { StorageOptions } from "./contract.ts";

type Opener = (options: StorageOptions) => DocumentArray;

let opener: Opener | undefined;

/**
 * Sets the function that opens a stored DocumentArray (called once by docarray/storage/mod.ts).
 *
 * @example
 * ```ts
 * setStorageOpener((options) => new StoredDocumentArray(openStore(options)));
 * ```
 */
export function setStorageOpener(open: Opener): void {
  opener = open;
}

/**
 * True for `{ storage: … }` (the options form of the DocumentArray constructor).
 *
 * @example
 * ```ts
 * isStorageOptions({ storage: "sqlite" }); // true
 * ```
 */
export function isStorageOptions(value: unknown): value is StorageOptions {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "storage" in value &&
    !(Symbol.iterator in value);
}

/**
 * Opens the stored DocumentArray `options` describe (undefined for `memory`).
 *
 * @example
 * ```ts
 * const stored = openStoredArray({ storage: "sqlite", config: { connection: "docs.db" } });
 * ```
 */
export function openStoredArray(options: StorageOptions): DocumentArray | undefined {
  const extra = Object.keys(options).filter((key) => key !== "storage" && key !== "config");
  if (extra.length > 0) {
    throw new JinaError(`DocumentArray: unknown option ${extra.map((k) => JSON.stringify(k)).join(", ")}: use { storage, config }`, ErrorCode.InvalidArgument);
  }
  if (options.storage === "memory") {
    if (options.config && Object.keys(options.config).length > 0) {
      throw new JinaError(`storage "memory" takes no config, got ${Object.keys(options.config).join(", ")}`, ErrorCode.InvalidArgument);
    }
    return undefined;
  }
  if (!opener) {
    throw new JinaError(`storage "${options.storage}" is not loaded: import DocumentArray from "jina-ts" or "jina-ts/docarray"`, ErrorCode.FailedPrecondition);
  }
  return opener(options);
}
