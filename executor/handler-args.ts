/**
 * The arguments object a handler gets, `{ docs, parameters, signal }`, with `docs` (and a lazy `signal`) as own
 * enumerable accessors whose getters are shared by every call.
 *
 * Why not an object literal with `get docs() { ... }`: V8 makes such an object slow (a property dictionary) and
 * keeps each call's getter pair where a scavenge treats it as live, so every call's closures, its request and its
 * documents survived the young generation and were copied into the old one (a 3-stage in-process pipeline spent
 * ~20 % of its CPU in garbage collection; one sequential call at a time promoted ~2 MB per scavenge). Here the getters
 * are module functions and the call's state is a symbol-keyed property of the object itself.
 *
 * @module
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { DocumentArray } from "../docarray/document-array.ts";
import { isCancellation, type LazySignal } from "../proto/server/mod.ts";
import type { HandlerArgs } from "./options.ts";

/**
 * Where a handler's arguments come from: its documents (decoded on first read) and its signal.
 *
 * @example
 * ```ts
 * const source: HandlerArgsSource = { documents: () => docs, signal: AbortSignal.timeout(1000) };
 * ```
 */
export interface HandlerArgsSource {
  /** The call's documents; reading them marks them as possibly changed. */
  documents(): DocumentArray;
  /** The call's signal, or a {@link LazySignal} whose AbortSignal is made when the handler reads `signal`. */
  readonly signal: AbortSignal | LazySignal;
}

const sourceKey = Symbol("jina-ts handler args source");
type WithSource = HandlerArgs & { [sourceKey]: HandlerArgsSource };

const docsProperty: PropertyDescriptor = {
  get(this: WithSource): DocumentArray {
    return this[sourceKey].documents();
  },
  enumerable: true,
  configurable: true,
};
const lazySignalProperty: PropertyDescriptor = {
  get(this: WithSource): AbortSignal {
    return (this[sourceKey].signal as LazySignal).signal;
  },
  enumerable: true,
  configurable: true,
};

/**
 * A handler's arguments: `docs` read from `source` when the handler reads them, `parameters` as given, `signal` from
 * `source` (made on first read when it is a {@link LazySignal}). Keys in that order, all own and enumerable, so
 * that destructuring, spreading and `Object.keys` see what an object literal would give.
 *
 * @example
 * ```ts
 * const args = handlerArgs({ documents: () => docs, signal }, { limit: 3 });
 * const { docs: same, parameters } = args;
 * ```
 */
export function handlerArgs(source: HandlerArgsSource, parameters: JsonObject): HandlerArgs {
  const args = {} as WithSource;
  Object.defineProperty(args, "docs", docsProperty);
  args.parameters = parameters;
  const signal = source.signal;
  if (isCancellation(signal)) Object.defineProperty(args, "signal", lazySignalProperty);
  else args.signal = signal;
  args[sourceKey] = source;
  return args;
}
