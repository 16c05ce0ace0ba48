/**
 * A `Headers` read straight from a node:http2 header object, without copying it into a fetch `Headers` (which
 * validates and normalises every entry: measurable per call on the hot path). Pseudo-headers (`:status`, `:path`)
 * are hidden; writes change the wrapped object.
 *
 * @module
 */
import type { IncomingHttpHeaders } from "node:http2";

/**
 * Wraps `headers` (lower-case names, as node:http2 gives them) as a `Headers`.
 *
 * @example
 * ```ts
 * stream.on("trailers", (trailers) => onTrailer(new HeaderView(trailers)));
 * new HeaderView({ "is-error": "true" }).get("is-error"); // "true"
 * ```
 */
export class HeaderView implements Headers {
  readonly #headers: Record<string, string | string[] | undefined>;

  constructor(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined> = {}) {
    this.#headers = headers as Record<string, string | string[] | undefined>;
  }

  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : String(value);
  }

  has(name: string): boolean {
    return this.#headers[name.toLowerCase()] !== undefined;
  }

  set(name: string, value: string): void {
    this.#headers[name.toLowerCase()] = value;
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.get(key);
    this.#headers[key] = current === null ? value : `${current}, ${value}`;
  }

  delete(name: string): void {
    delete this.#headers[name.toLowerCase()];
  }

  getSetCookie(): string[] {
    const value = this.#headers["set-cookie"];
    return value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
  }

  forEach(callback: (value: string, key: string, parent: this) => void, thisArg?: unknown): void {
    for (const [key, value] of this) callback.call(thisArg, value, key, this);
  }

  *entries(): ReturnType<Headers["entries"]> {
    for (const key of Object.keys(this.#headers).sort()) {
      if (key.startsWith(":")) continue;
      const value = this.get(key);
      if (value !== null) yield [key, value];
    }
  }

  *keys(): ReturnType<Headers["keys"]> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): ReturnType<Headers["values"]> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): ReturnType<Headers["entries"]> {
    return this.entries();
  }
}
