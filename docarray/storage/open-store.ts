/**
 * Opens the backend that `{ storage, config }` selects. `memory` is the plain DocumentArray and never gets
 * here; `sqlite` is a {@link SqliteStore}; `ann` (alias `annlite`) an {@link AnnStore}.
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { AnnStore } from "./ann/ann-store.ts";
import type { DocumentStore, StorageOptions } from "./contract.ts";
import { SqliteStore } from "./sqlite/sqlite-store.ts";

/**
 * The store for a storage option.
 *
 * @example
 * ```ts
 * const store = openStore({ storage: "sqlite", config: { connection: "docs.db" } });
 * ```
 */
export function openStore(options: StorageOptions): DocumentStore {
  switch (options.storage) {
    case "sqlite":
      return new SqliteStore(options.config ?? {});
    case "ann":
    case "annlite":
      if (!options.config) throw new JinaError(`storage "${options.storage}" needs a config with nDim and dataPath`, ErrorCode.InvalidArgument);
      return new AnnStore(options.config);
    default:
      throw new JinaError(
        `unknown storage ${JSON.stringify((options as { storage: unknown }).storage)}: use memory, sqlite or ann (weaviate is not available in jina-ts)`,
        ErrorCode.InvalidArgument,
      );
  }
}
