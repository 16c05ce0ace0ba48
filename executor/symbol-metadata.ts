/**
 * Makes sure `Symbol.metadata` exists (native on Deno; missing on Node 20 and Bun), so TC39 decorators get a
 * `context.metadata` object shared along the class chain. Imported before any decorated class is defined.
 *
 * @module
 */

const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for("Symbol.metadata");

/**
 * The `Symbol.metadata` symbol (native or the polyfilled `Symbol.for("Symbol.metadata")`).
 *
 * @example
 * ```ts
 * const metadata = (MyExecutor as Record<symbol, unknown>)[metadataSymbol];
 * ```
 */
export const metadataSymbol: symbol = symbols.metadata;
