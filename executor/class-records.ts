/**
 * Per-class records left by method decorators (`@requests`, `@dynamicBatching`) or by their no-decorator twins
 * (`bindRequests`, `bindDynamicBatching`), resolved along the class chain: parents first, children override.
 *
 * @module
 */
import "./symbol-metadata.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { metadataSymbol } from "./symbol-metadata.ts";

/**
 * A method of any signature, as a method decorator receives it.
 *
 * @example
 * ```ts
 * const decorator = (method: AnyMethod, context: ClassMethodDecoratorContext<never, AnyMethod>) => {};
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyMethod = (this: never, ...args: any) => any;

/**
 * One kind of class record (key → value): where decorators store it and where the explicit bindings live.
 *
 * @example
 * ```ts
 * const batching = createRecordKind<DynamicBatchingOptions>("jina-ts.dynamic-batching");
 * ```
 */
export interface RecordKind<V> {
  /** The key in the decorator metadata of a class. */
  readonly metadataKey: symbol;
  /** The key on a decorated method, when the runtime gives no decorator metadata. */
  readonly functionMarker: symbol;
  /** Records given without decorators, per class. */
  readonly explicit: WeakMap<object, Map<string, V>>;
}

/**
 * A new kind of class record named `name` (the symbols are registered, so two loaded copies agree).
 *
 * @example
 * ```ts
 * const endpoints = createRecordKind<string>("jina-ts.requests");
 * ```
 */
export function createRecordKind<V>(name: string): RecordKind<V> {
  return { metadataKey: Symbol.for(name), functionMarker: Symbol.for(`${name}.method`), explicit: new WeakMap() };
}

/**
 * The name of the method a decorator is applied to; throws JinaError(InvalidArgument) unless it is a public
 * instance method with a string name.
 *
 * @example
 * ```ts
 * const name = decoratedMethodName(context, "@requests"); // "encode"
 * ```
 */
export function decoratedMethodName(context: ClassMethodDecoratorContext<never, AnyMethod>, where: string): string {
  const name = String(context.name);
  if (context.kind !== "method" || context.static || context.private || typeof context.name !== "string") {
    throw new JinaError(
      `${where} can only decorate public instance methods; "${name}" is ${context.static ? "static" : context.private ? "private" : `a ${context.kind}`}`,
      ErrorCode.InvalidArgument,
    );
  }
  return name;
}

/**
 * Records `entries` (key → value) for the class being decorated: in its decorator metadata when the runtime gives
 * one, otherwise on the decorated method itself.
 *
 * @example
 * ```ts
 * recordOnClass(endpointsKind, context.metadata, method, [["/index", "encode"]]);
 * ```
 */
export function recordOnClass<V>(kind: RecordKind<V>, metadata: object | undefined, method: unknown, entries: [string, V][]): void {
  if (metadata) {
    const store = metadata as Record<symbol, Record<string, V>>;
    if (!Object.hasOwn(store, kind.metadataKey)) store[kind.metadataKey] = {};
    for (const [key, value] of entries) store[kind.metadataKey]![key] = value;
  } else if (typeof method === "function") {
    const marked = method as unknown as Record<symbol, [string, V][]>;
    marked[kind.functionMarker] = [...(marked[kind.functionMarker] ?? []), ...entries];
  }
}

/**
 * Records `entries` for `cls` without decorators (what `bindRequests` and `bindDynamicBatching` do); later calls
 * add to and override earlier ones.
 *
 * @example
 * ```ts
 * recordExplicit(endpointsKind, Indexer, [["/index", "index"]]);
 * ```
 */
export function recordExplicit<V>(kind: RecordKind<V>, cls: object, entries: [string, V][]): void {
  const own = kind.explicit.get(cls) ?? new Map<string, V>();
  for (const [key, value] of entries) own.set(key, value);
  kind.explicit.set(cls, own);
}

/**
 * The records of `kind` for a class, parents first so that subclasses override: per class, the decorator
 * metadata, then marked methods, then the explicit records.
 *
 * @example
 * ```ts
 * classRecords(endpointsKind, Indexer).get("/index"); // "index"
 * ```
 */
export function classRecords<V>(kind: RecordKind<V>, cls: Function): Map<string, V> {
  const chain: Function[] = [];
  for (let c: unknown = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c);
  }
  const records = new Map<string, V>();
  for (const c of chain) {
    const metadata = Object.hasOwn(c, metadataSymbol) ? (c as unknown as Record<symbol, unknown>)[metadataSymbol] : undefined;
    if (metadata && typeof metadata === "object" && Object.hasOwn(metadata, kind.metadataKey)) {
      for (const [key, value] of Object.entries((metadata as Record<symbol, Record<string, V>>)[kind.metadataKey]!)) {
        records.set(key, value);
      }
    }
    const prototype = (c as { prototype?: object }).prototype;
    if (prototype) {
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const value = Object.getOwnPropertyDescriptor(prototype, name)?.value;
        const marked = typeof value === "function" ? (value as Record<symbol, [string, V][] | undefined>)[kind.functionMarker] : undefined;
        for (const [key, record] of marked ?? []) records.set(key, record);
      }
    }
    for (const [key, value] of kind.explicit.get(c) ?? []) records.set(key, value);
  }
  return records;
}
